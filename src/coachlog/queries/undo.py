"""Reads of the undo log (`undo --list`); undoing writes through services/undo.py."""

from __future__ import annotations

from coachlog.queries.db import Reader
from coachlog.queries.rows import UndoStepRow, build, columns


def steps(db: Reader, *, limit: int | None = None) -> list[UndoStepRow]:
    """The coach's latest steps, newest first (every step on a personal SQLite store)."""
    mine, params = db.own("undo_steps")
    sql = f"SELECT {columns(UndoStepRow)} FROM undo_steps WHERE 1 = 1{mine}"
    sql += " ORDER BY undo_steps.id DESC"
    args: list[object] = [*params]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [build(UndoStepRow, r) for r in db.rows(sql, args)]
