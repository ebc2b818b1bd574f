"""Reads of sessions: `session list` and `session show`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
) -> tuple[list[Row], int]:
    """Sessions in the order they were held: the latest `limit` of them (all without), and
    how many earlier ones were left out. With a client this is a range scan of the
    sessions(client_id, held_at) index; the promise counts come from promises(session_id)."""
    where = ""
    params: list[Any] = []
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
