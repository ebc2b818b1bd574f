"""Reads of sessions: `session list` and `session show`; and of sessions ahead (SPEC §4a):
each client's next planned session, and the sessions planned in a span (today's view). The
rules that pick among them are domain/ahead.py's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coachlog.domain.ahead import HELD, PLANNED, next_planned
from coachlog.domain.promises import Item
from coachlog.errors import NotFound
from coachlog.queries.db import Reader
from coachlog.queries.rows import ClientRow, PromiseRow, SessionRow, build, columns, width


@dataclass(frozen=True)
class Row:
    """A session in a listing: with its client and how many promises were made in it."""

    session: SessionRow
    client: ClientRow
    promises: int


def list_sessions(
    db: Reader,
    *,
    client_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str | None = None,
    limit: int | None = None,
    status: str = HELD,
    soonest: bool = False,
) -> tuple[list[Row], int]:
    """Sessions of one status (held unless asked) in the order they were (or are to be)
    held: the latest `limit` of them (with `soonest`, the first `limit`; all without), and
    how many were left out. With a client this is a range scan of the sessions(client_id,
    held_at) index; the promise counts come from promises(session_id)."""
    where = " AND sessions.status = ?"
    params: list[Any] = [status]
    if client_id is not None:
        where += " AND sessions.client_id = ?"
        params.append(client_id)
    if since is not None:
        where += " AND sessions.held_at >= ?"
        params.append(db.bind(since))
    if until is not None:
        where += " AND sessions.held_at <= ?"
        params.append(db.bind(until))
    if kind is not None:
        where += " AND sessions.kind = ?"
        params.append(kind)
    scoped, more = db.scope("sessions.client_id")
    where += scoped
    params += more
    sql = (
        f"SELECT {columns(SessionRow)}, {columns(ClientRow)},"
        " (SELECT COUNT(*) FROM promises WHERE promises.session_id = sessions.id)"
        " FROM sessions JOIN clients ON clients.id = sessions.client_id"
        f" WHERE 1 = 1{where}"
    )
    if limit is None:
        found = db.rows(sql + " ORDER BY sessions.held_at, sessions.id", params)
    elif soonest:
        sql += " ORDER BY sessions.held_at, sessions.id LIMIT ?"
        found = db.rows(sql, [*params, limit])
    else:  # the latest `limit`, then in the order they were held
        sql += " ORDER BY sessions.held_at DESC, sessions.id DESC LIMIT ?"
        found = list(reversed(db.rows(sql, [*params, limit])))
    n, m = width(SessionRow), width(ClientRow)
    rows = [Row(build(SessionRow, r[:n]), build(ClientRow, r[n : n + m]), r[n + m]) for r in found]
    before = 0
    if limit is not None and len(rows) == limit:
        count = f"SELECT COUNT(*) FROM sessions WHERE 1 = 1{where}"
        before = int(db.value(count, params, default=0)) - len(rows)
    return rows, before


def get(db: Reader, session_id: int) -> tuple[SessionRow, ClientRow]:
    """One session of the coach's, with its client; else NotFound."""
    scoped, more = db.scope("sessions.client_id")
    sql = (
        f"SELECT {columns(SessionRow)}, {columns(ClientRow)} FROM sessions"
        f" JOIN clients ON clients.id = sessions.client_id WHERE sessions.id = ?{scoped}"
    )
    found = db.rows(sql, [session_id, *more])
    if not found:
        raise NotFound(
            f"No session with id {session_id}.", hint="See 'coachlog session list' for ids."
        )
    n = width(SessionRow)
    return build(SessionRow, found[0][:n]), build(ClientRow, found[0][n:])


def promises_of(db: Reader, session: SessionRow, client: ClientRow) -> list[Item]:
    """The promises made in a session, in the order they were recorded."""
    sql = f"SELECT {columns(PromiseRow)} FROM promises WHERE promises.session_id = ? ORDER BY id"
    return [Item(build(PromiseRow, r), client, session.uid) for r in db.rows(sql, [session.id])]


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
