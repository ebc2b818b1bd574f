"""Reads of clients."""

from __future__ import annotations

from coachlog.queries.db import Reader
from coachlog.queries.rows import ClientRow, build, columns


def client_by_id(db: Reader, client_id: int) -> ClientRow | None:
    """The coach's client with this id, or None."""
    mine, params = db.scope()
    sql = f"SELECT {columns(ClientRow)} FROM clients WHERE clients.id = ?{mine}"
    found = db.rows(sql, (client_id, *params))
    return build(ClientRow, found[0]) if found else None


def client_names_ids(db: Reader) -> list[tuple[int, str]]:
    """(id, name) of every client of the coach."""
    mine, params = db.scope()
    return [
        (cid, name)
        for cid, name in db.rows(f"SELECT id, name FROM clients WHERE 1 = 1{mine}", params)
    ]


def find_client(db: Reader, ref: str) -> ClientRow:
    """The client a reference names (domain/clients.find: an id, the name or a unique
    prefix, without regard to case or accents), or the error that says why none is."""
    from coachlog.domain.clients import find

    return find(ref, by_id=lambda cid: client_by_id(db, cid), names=lambda: client_names_ids(db))


SHOWN_STATUSES = ("active", "paused")  # `client list` without --all


def list_clients(
    db: Reader, *, include_all: bool = False, limit: int | None = None
) -> tuple[list[ClientRow], int]:
    """The coach's clients by name (case aside): active and paused, or every one; at most
    `limit` of them, with how many there are in all."""
    mine, params = db.scope()
    where = "" if include_all else " AND clients.status IN ('active', 'paused')"
    sql = f"SELECT {columns(ClientRow)} FROM clients WHERE 1 = 1{where}{mine}"
    sql += " ORDER BY LOWER(clients.name), clients.id"
    shown_params: list[object] = [*params]
    if limit is not None:
        sql += " LIMIT ?"
        shown_params.append(limit)
    rows = [build(ClientRow, r) for r in db.rows(sql, shown_params)]
    total = len(rows)
    if limit is not None and len(rows) == limit:
        count = f"SELECT COUNT(*) FROM clients WHERE 1 = 1{where}{mine}"
        total = int(db.value(count, params, default=0))
    return rows, total


def left_out(db: Reader) -> dict[str, int]:
    """What `client list` leaves out without --all: how many prospects and closed."""
    mine, params = db.scope()
    sql = (
        "SELECT status, COUNT(*) FROM clients WHERE status IN ('prospect', 'closed')"
        f"{mine} GROUP BY status"
    )
    counts = {"prospect": 0, "closed": 0}
    counts.update({status: int(n) for status, n in db.rows(sql, params)})
    return counts
