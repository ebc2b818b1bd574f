"""Reads of a client's agreement versions (agreement show, list, check)."""

from __future__ import annotations

from typing import Any

from coachlog.errors import NotFound
from coachlog.queries.db import Reader
from coachlog.queries.rows import AgreementRow, build, columns

_SELECT = f"SELECT {columns(AgreementRow)} FROM agreements WHERE agreements.client_id = ?"


def versions(db: Reader, client_id: int) -> list[AgreementRow]:
    """Every version, oldest first."""
    sql = f"{_SELECT} ORDER BY agreements.version"
    return [build(AgreementRow, r) for r in db.rows(sql, [client_id])]


def current(db: Reader, client_id: int) -> AgreementRow | None:
    """The active version, else the latest (a draft, or one superseded), else None."""
    sql = (
        f"{_SELECT} ORDER BY CASE WHEN agreements.status = 'active' THEN 0 ELSE 1 END,"
        " agreements.version DESC LIMIT 1"
    )
    found = db.rows(sql, [client_id])
    return build(AgreementRow, found[0]) if found else None


def get_version(db: Reader, client: Any, version: int | None) -> AgreementRow:
    """Version N of the client's agreement, or (None) the current one; else NotFound."""
    if version is None:
        found = current(db, client.id)
        if found is None:
            raise NotFound(
                f"{client.name} has no agreement yet.",
                hint=f"Write one with 'coachlog agreement new {client.id} --edit'.",
            )
        return found
    rows = db.rows(f"{_SELECT} AND agreements.version = ?", [client.id, version])
    if not rows:
        raise NotFound(f"{client.name} has no agreement version {version}.")
    return build(AgreementRow, rows[0])
