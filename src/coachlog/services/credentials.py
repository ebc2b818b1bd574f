"""Credentials and continual learning (SPEC §9): the records the ICF rules read (the
coach's clients and held sessions, the learning log), and writing the learning log. The
rules themselves are in domain/credentials.py."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from coachlog.domain import credentials as rules
from coachlog.errors import InvalidInput, NotFound
from coachlog.models import LEARNING_CATEGORIES, CoachingSession, Learning
from coachlog.services.common import blank_to_none, clients_query, coach_of, scope

TITLE_MAX = 500


# --- the coaching log -------------------------------------------------------------------------


def log_records(db: Session, *, tz: str) -> tuple[list[rules.LogClient], list[rules.LogSession]]:
    """Every client of the coach, and every session of theirs, as the rules read them (each
    session with its calendar date in the coach's zone)."""
    from coachlog.dates import local

    clients = [
        rules.LogClient(
            id=c.id or 0,
            name=c.name,
            email=c.email,
            phone=c.phone,
            payment=c.payment,
            icf_consent=c.icf_consent,
        )
        for c in db.exec(clients_query(db)).all()
    ]
    import sqlalchemy as sa

    S = CoachingSession
    columns = (S.id, S.client_id, S.held_at, S.minutes, S.group_size, S.counts_for_icf, S.status)
    stmt = scope(sa.select(*(col(c) for c in columns)), db, col(S.client_id))
    sessions = [
        rules.LogSession(
            id=sid,
            client_id=client_id,
            held_at=held_at,
            held_on=local(held_at, tz).date(),
            minutes=minutes,
            group_size=group_size,
            counts_for_icf=counts,
            status=status,
        )
        for sid, client_id, held_at, minutes, group_size, counts, status in db.execute(stmt)
    ]
    return clients, sessions


def coaching_log(
    db: Session,
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


# --- the learning log -------------------------------------------------------------------------


def category_of(value: str) -> str:
    """A learning category, or a unique prefix of one ("sup" -> "supervision")."""
    v = (value or "").strip().lower()
    matches = [c for c in LEARNING_CATEGORIES if v and c.startswith(v)]
    if v in LEARNING_CATEGORIES:
        return v
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(
        f"--category must be one of: {', '.join(LEARNING_CATEGORIES)} (got {value!r}).",
        hint="core: Core Competencies; resource: Resource Development; mentor: mentor "
        "coaching; supervision: coaching supervision.",
    )


def clean_learning(values: dict[str, Any]) -> dict[str, Any]:
    """Check what a coach gave for a learning entry; every message names what is accepted."""
    out = dict(values)
    title = " ".join(str(out.get("title") or "").split())
    if not title:
        raise InvalidInput("A learning entry needs a title, e.g. 'ICF ethics course'.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"The title is longer than {TITLE_MAX} characters.")
    out["title"] = title
    out["category"] = category_of(out.get("category") or "")
    if out.get("ethics") and out["category"] != "core":
        raise InvalidInput(
            "Coaching Ethics is part of the Core Competencies: use --category core with --ethics.",
        )
    low, high = rules.LEARNING_CENTIHOURS
    n = out.get("centihours")
    if isinstance(n, bool) or not isinstance(n, int) or not low <= n <= high:
        raise InvalidInput(
            f"hours must be from {rules.units_text(low)} to {rules.units_text(high)}."
        )
    for key in ("provider", "proof"):
        out[key] = blank_to_none(out.get(key))
    if out["proof"] is not None:
        out["proof"] = str(Path(out["proof"]).expanduser().absolute())
    return out


def add_learning(db: Session, *, values: dict[str, Any], now: datetime) -> Learning:
    values = clean_learning(values)
    entry = Learning(
        coach=db.info.get("coach_name") or "",
        created_at=now,
        updated_at=now,
        title=values["title"],
        centihours=values["centihours"],
        category=values["category"],
        ethics=bool(values.get("ethics")),
        completed_on=values["completed_on"],
        provider=values["provider"],
        proof=values["proof"],
    )
    db.add(entry)
    db.flush()
    return entry


def _mine(stmt: Any, db: Session) -> Any:
    coach = coach_of(db)
    return stmt if coach is None else stmt.where(Learning.coach == coach)


def list_learning(db: Session, *, since: date | None = None) -> list[Learning]:
    stmt = _mine(select(Learning), db)
    if since is not None:
        stmt = stmt.where(col(Learning.completed_on) >= since)
    return list(db.exec(stmt.order_by(col(Learning.completed_on), col(Learning.id))).all())


def learning_entries(db: Session) -> list[rules.Learning]:
    """The whole learning log as the renewal rules read it."""
    return [
        rules.Learning(
            id=e.id or 0,
            title=e.title,
            centihours=e.centihours,
            category=e.category,
            ethics=e.ethics,
            completed_on=e.completed_on,
        )
        for e in list_learning(db)
    ]


def get_learning(db: Session, entry_id: int) -> Learning:
    found = db.exec(_mine(select(Learning).where(Learning.id == entry_id), db)).first()
    if found is None:
        raise NotFound(
            f"No learning entry with id {entry_id}.", hint="See 'coachlog learning list' for ids."
        )
    return found


def delete_learning(db: Session, entry: Learning) -> None:
    db.delete(entry)
    db.flush()
