"""Reads of sessions ahead (SPEC §4a): each client's next planned session, and the sessions
planned in a span (today's view). The rules that pick among them are domain/ahead.py's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from coachlog.domain.ahead import PLANNED, next_planned
from coachlog.queries.db import Reader
from coachlog.queries.rows import ClientRow, SessionRow, build, columns, width


def planned_from(
    db: Reader, *, now: datetime, client_ids: Iterable[int] | None = None
) -> list[SessionRow]:
    """Planned sessions at or after now, soonest first (of these clients, or every client
    of the coach). One range scan of sessions(held_at)."""
    sql = (
        f"SELECT {columns(SessionRow)} FROM sessions "
        "WHERE sessions.status = ? AND sessions.held_at >= ?"
    )
    params: list[object] = [PLANNED, db.bind(now)]
    if client_ids is not None:
        ids = sorted(set(client_ids))
        if not ids:
            return []
        sql += f" AND sessions.client_id IN ({', '.join('?' for _ in ids)})"
        params += ids
    scoped, more = db.scope("sessions.client_id")
    sql += scoped + " ORDER BY sessions.held_at, sessions.id"
    return [build(SessionRow, row) for row in db.rows(sql, [*params, *more])]


def next_planned_by_client(
    db: Reader, *, now: datetime, client_ids: Iterable[int] | None = None
) -> dict[int, SessionRow]:
    """Each client's next planned session (domain/ahead.next_planned), by client id; a client
    with none is not in it."""
    by_client: dict[int, list[SessionRow]] = {}
    for s in planned_from(db, now=now, client_ids=client_ids):
        by_client.setdefault(s.client_id, []).append(s)
    out = {}
    for client_id, sessions in by_client.items():
        found = next_planned(sessions, now=now)
        if found is not None:
            out[client_id] = found
    return out


def planned_between(
    db: Reader, *, start: datetime, end: datetime
) -> list[tuple[SessionRow, ClientRow]]:
    """Planned sessions from `start` up to (not including) `end`, soonest first, each with its
    client: today's view."""
    sql = (
        f"SELECT {columns(SessionRow)}, {columns(ClientRow)} FROM sessions "
        "JOIN clients ON clients.id = sessions.client_id "
        "WHERE sessions.status = ? AND sessions.held_at >= ? AND sessions.held_at < ?"
    )
    scoped, more = db.scope("sessions.client_id")
    sql += scoped + " ORDER BY sessions.held_at, sessions.id"
    n = width(SessionRow)
    return [
        (build(SessionRow, row[:n]), build(ClientRow, row[n:]))
        for row in db.rows(sql, [PLANNED, db.bind(start), db.bind(end), *more])
    ]
