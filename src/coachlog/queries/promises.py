"""Reads of promises: what is due (`promises due`, today's view), listings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from coachlog.domain.promises import Item, is_overdue, order
from coachlog.queries.db import Reader
from coachlog.queries.rows import ClientRow, PromiseRow, build, columns, width

# A promise, its client and the uid of the session it was made in (domain.promises.Item).
_SELECT = (
    f"SELECT {columns(PromiseRow)}, {columns(ClientRow)}, sessions.uid "
    "FROM promises JOIN clients ON clients.id = promises.client_id "
    "LEFT OUTER JOIN sessions ON sessions.id = promises.session_id"
)


def _items(db: Reader, sql: str, params: list[Any], *, now: datetime | None = None) -> list[Item]:
    n, m = width(PromiseRow), width(ClientRow)
    clients: dict[int, ClientRow] = {}
    items = []
    for row in db.rows(sql, params):
        p = build(PromiseRow, row[:n])
        c = clients.get(row[n])
        if c is None:
            c = clients[row[n]] = build(ClientRow, row[n : n + m])
        overdue = False if now is None else is_overdue(p, now)
        items.append(Item(p, c, row[n + m], overdue=overdue))
    return items


def due(
    db: Reader,
    *,
    now: datetime,
    within: timedelta,
    owner: str | None = None,
    client_id: int | None = None,
) -> list[Item]:
    """Open promises due before now + within, in reading order (domain.promises.order).
    One indexed query (promises(status, due_at), or (client_id, status) with a client)."""
    sql = f"{_SELECT} WHERE promises.status = ? AND promises.due_at < ?"
    params: list[Any] = ["open", db.bind(now + within)]
    if owner is not None:
        sql += " AND promises.owner = ?"
        params.append(owner)
    if client_id is not None:
        sql += " AND promises.client_id = ?"
        params.append(client_id)
    scoped, more = db.scope("promises.client_id")
    sql += scoped + " ORDER BY promises.due_at, promises.id"
    return order(_items(db, sql, [*params, *more], now=now))


def list_promises(
    db: Reader,
    *,
    client_id: int | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> tuple[list[Item], int]:
    """Every promise by client (as `promises due` groups them), each client's in the order
    they fall due: the last `limit` of that order (all without), and how many came before."""
    where = ""
    params: list[Any] = []
    if client_id is not None:
        where += " AND promises.client_id = ?"
        params.append(client_id)
    if status is not None:
        where += " AND promises.status = ?"
        params.append(status)
    scoped, more = db.scope("promises.client_id")
    where += scoped
    params += more
    sql = f"{_SELECT} WHERE 1 = 1{where}"
    order = ("LOWER(clients.name)", "clients.id", "promises.due_at", "promises.id")
    if limit is None:
        return _items(db, sql + " ORDER BY " + ", ".join(order), params), 0
    sql += " ORDER BY " + ", ".join(f"{o} DESC" for o in order) + " LIMIT ?"
    items = list(reversed(_items(db, sql, [*params, limit])))
    before = 0
    if len(items) == limit:
        count = f"SELECT COUNT(*) FROM promises WHERE 1 = 1{where}"
        before = int(db.value(count, params, default=0)) - len(items)
    return items, before
