"""Small helpers every service shares: coach scoping, timestamps, validation."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, select

from coachlog.errors import InvalidInput
from coachlog.models import Client, Record

T = TypeVar("T", bound=Record)


def coach_of(session: Session) -> str | None:
    """The coach to scope to on a shared server; None on a personal SQLite store."""
    return session.info.get("coach")


def clients_query(session: Session) -> Any:
    stmt = select(Client)
    coach = coach_of(session)
    if coach is not None:
        stmt = stmt.where(Client.coach == coach)
    return stmt


def scope(stmt: Any, session: Session, client_id_column: Any = None) -> Any:
    """Restrict a statement over a client-linked table to the current coach's clients."""
    coach = coach_of(session)
    if coach is None:
        return stmt
    if client_id_column is None:
        return stmt.where(Client.coach == coach)
    return stmt.where(client_id_column.in_(select(Client.id).where(Client.coach == coach)))


def touch(record: Record, now: datetime) -> None:
    record.updated_at = now


def choice(value: str | None, allowed: tuple[str, ...], field: str) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v not in allowed:
        raise InvalidInput(f"{field} must be one of: {', '.join(allowed)} (got '{value}').")
    return v


def blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip("\n")
    return value if value.strip() else None
