"""Records as the query layer returns them: frozen dataclasses whose attributes are exactly
the models' (models.py), so every screen, rule and exporter that reads `client.name`,
`session.held_at` or `promise.due_at` works unchanged with a row or an ORM object.
tests/test_queries.py checks the names against the models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

from coachlog.queries.db import day, decoded, flag, instant


@dataclass(frozen=True)
class ClientRow:
    TABLE: ClassVar[str] = "clients"
    id: int
    uid: str
    created_at: datetime
    updated_at: datetime
    coach: str
    name: str
    email: str | None
    phone: str | None
    pronouns: str | None
    timezone: str | None
    status: str
    started_on: date | None
    ended_on: date | None
    preferred_channel: str | None
    communication_style: str | None
    context: str | None
    sponsor: str | None
    pitstop_every_sessions: int | None
    pitstop_every_weeks: int | None
    payment: str
    icf_consent: str | None
    icf_consent_note: str | None


@dataclass(frozen=True)
class AgreementRow:
    TABLE: ClassVar[str] = "agreements"
    id: int
    uid: str
    created_at: datetime
    updated_at: datetime
    client_id: int
    version: int
    status: str
    starts_on: date | None
    review_on: date | None
    ends_on: date | None
    goals: str | None
    confidentiality: str | None
    communication: str | None
    logistics: str | None
    cadence_days: int | None
    coach_responsibilities: str | None
    client_responsibilities: str | None
    fees: str | None
    conflicts_of_interest: str | None
    sponsor_reporting: str | None


@dataclass(frozen=True)
class SessionRow:
    """A coaching session (models.CoachingSession)."""

    TABLE: ClassVar[str] = "sessions"
    id: int
    uid: str
    created_at: datetime
    updated_at: datetime
    client_id: int
    held_at: datetime
    minutes: int | None
    kind: str
    notes: str | None
    themes: list[str] = field(hash=False)
    trust_pulse: int | None
    reflection: str | None
    private: bool
    status: str
    group_size: int
    counts_for_icf: bool


@dataclass(frozen=True)
class PromiseRow:
    TABLE: ClassVar[str] = "promises"
    id: int
    uid: str
    created_at: datetime
    updated_at: datetime
    client_id: int
    session_id: int | None
    owner: str
    text: str
    made_at: datetime
    due_at: datetime
    status: str
    closed_at: datetime | None
    note: str | None
    repair: str | None
    due_history: list[str] = field(hash=False)


@dataclass(frozen=True)
class LearningRow:
    """An entry of the continuing-education log (models.Learning)."""

    TABLE: ClassVar[str] = "learning"
    id: int
    uid: str
    created_at: datetime
    updated_at: datetime
    coach: str
    title: str
    centihours: int
    category: str
    ethics: bool
    completed_on: date
    provider: str | None
    proof: str | None


@dataclass(frozen=True)
class UndoStepRow:
    """A step of the undo log (models.UndoStep), as `undo --list` shows it."""

    TABLE: ClassVar[str] = "undo_steps"
    id: int
    coach: str
    at: datetime
    command: str
    summary: str
    undoable: bool
    changes: list[dict[str, Any]] = field(hash=False)


def _reader(kind: str) -> Callable[[Any], Any] | None:
    """How a stored value of a field of this type (its annotation) comes back, as the
    ORM's column types give it."""
    if kind.startswith("datetime"):
        return instant
    if kind.startswith("date"):
        return day
    if kind == "bool":
        return flag
    if kind.startswith("list"):
        return decoded
    return None


R = TypeVar("R")


def columns(cls: type[Any], alias: str | None = None) -> str:
    """The select list of a row class: 'clients.id, clients.uid, ...'."""
    table = alias or cls.TABLE
    return ", ".join(f"{table}.{f.name}" for f in fields(cls))


def width(cls: type[Any]) -> int:
    return len(fields(cls))


def build(cls: type[R], values: Sequence[Any]) -> R:
    """One row class from its columns' values, in columns() order."""
    readers = _READERS.get(cls)
    if readers is None:  # once per class: not a default that setdefault() would build each time
        readers = _READERS[cls] = [_reader(str(f.type)) for f in fields(cls)]  # type: ignore[arg-type]
    return cls(
        *(
            value if read is None else read(value)
            for read, value in zip(readers, values, strict=True)
        )
    )


_READERS: dict[type[Any], list[Callable[[Any], Any] | None]] = {}
