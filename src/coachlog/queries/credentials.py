"""Reads for the ICF coaching log and the renewal (SPEC §9): the coach's clients and
sessions, and the learning log, as the rules of domain/credentials.py read them."""

from __future__ import annotations

from datetime import date, datetime

from coachlog.domain import credentials as rules
from coachlog.queries.db import Reader, instant
from coachlog.queries.rows import LearningRow, build, columns


def log_records(db: Reader, *, tz: str) -> tuple[list[rules.LogClient], list[rules.LogSession]]:
    """Every client of the coach, and every session of theirs, as the rules read them (each
    session with its calendar date in the coach's zone)."""
    from coachlog.dates import local

    mine, params = db.scope()
    sql = f"SELECT id, name, email, phone, payment, icf_consent FROM clients WHERE 1 = 1{mine}"
    clients = [
        rules.LogClient(
            id=cid or 0, name=name, email=email, phone=phone, payment=payment,
            icf_consent=consent,
        )
        for cid, name, email, phone, payment, consent in db.rows(sql, params)
    ]  # fmt: skip
    scoped, more = db.scope("sessions.client_id")
    sql = (
        "SELECT id, client_id, held_at, minutes, group_size, counts_for_icf, status"
        f" FROM sessions WHERE 1 = 1{scoped}"
    )
    sessions = []
    for sid, client_id, held, minutes, group_size, counts, status in db.rows(sql, more):
        held_at = instant(held)
        assert held_at is not None  # held_at is NOT NULL
        sessions.append(
            rules.LogSession(
                id=sid, client_id=client_id, held_at=held_at, held_on=local(held_at, tz).date(),
                minutes=minutes, group_size=group_size, counts_for_icf=bool(counts),
                status=status,
            )
        )  # fmt: skip
    return clients, sessions


def coaching_log(
    db: Reader,
    *,
    tz: str,
    training_started_on: date | None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> rules.CoachingLog:
    clients, sessions = log_records(db, tz=tz)
    return rules.coaching_log(
        clients, sessions, training_started_on=training_started_on, since=since, until=until
    )


def list_learning(db: Reader, *, since: date | None = None) -> list[LearningRow]:
    """The coach's learning log, in the order it was completed."""
    mine, params = db.own("learning")
    sql = f"SELECT {columns(LearningRow)} FROM learning WHERE 1 = 1{mine}"
    args: list[object] = [*params]
    if since is not None:
        sql += " AND learning.completed_on >= ?"
        args.append(since.isoformat() if db.sqlite else since)
    sql += " ORDER BY learning.completed_on, learning.id"
    return [build(LearningRow, r) for r in db.rows(sql, args)]


def learning_entries(db: Reader) -> list[rules.Learning]:
    """The whole learning log as the renewal rules read it."""
    return [
        rules.Learning(
            id=e.id, title=e.title, centihours=e.centihours, category=e.category,
            ethics=e.ethics, completed_on=e.completed_on,
        )
        for e in list_learning(db)
    ]  # fmt: skip
