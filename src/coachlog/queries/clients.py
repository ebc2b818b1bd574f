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
