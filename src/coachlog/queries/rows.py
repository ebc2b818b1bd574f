"""Records as the query layer returns them: named tuples whose attributes are exactly the
models' (models.py), so every screen, rule and exporter that reads `client.name`,
`session.held_at` or `promise.due_at` works unchanged with a row or an ORM object.
tests/test_read_path.py checks the names against the models.

Named tuples rather than frozen dataclasses: a dataclass of twenty fields is compiled
when its module is imported (about 9 ms for these six, on every read command) and each
instance is built field by field (a 10-year export builds 30,000 of them; a named tuple
is made five times faster). A row is never hashed: its list fields would refuse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from coachlog.queries.db import day, decoded, flag, instant


class ClientRow(NamedTuple):
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


class AgreementRow(NamedTuple):
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


class SessionRow(NamedTuple):
    """A coaching session (models.CoachingSession)."""

    id: int
    uid: str
    created_at: datetime
    updated_at: datetime
    client_id: int
    held_at: datetime
    minutes: int | None
    kind: str
    notes: str | None
    themes: list[str]
    trust_pulse: int | None
    reflection: str | None
    private: bool
    status: str
    group_size: int
    counts_for_icf: bool


class PromiseRow(NamedTuple):
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
    due_history: list[str]


class LearningRow(NamedTuple):
    """An entry of the continuing-education log (models.Learning)."""

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


class UndoStepRow(NamedTuple):
    """A step of the undo log (models.UndoStep), as `undo --list` shows it."""

    id: int
    coach: str
    at: datetime
    command: str
    summary: str
    undoable: bool
    changes: list[dict[str, Any]]


# The table each row class is read from.
TABLE: dict[type[Any], str] = {
    ClientRow: "clients",
    AgreementRow: "agreements",
    SessionRow: "sessions",
    PromiseRow: "promises",
    LearningRow: "learning",
    UndoStepRow: "undo_steps",
}


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
    table = alias or TABLE[cls]
    return ", ".join(f"{table}.{name}" for name in cls._fields)


def width(cls: type[Any]) -> int:
    return len(cls._fields)


def build(cls: type[R], values: Sequence[Any]) -> R:
    """One row class from its columns' values, in columns() order."""
    readers = _READERS.get(cls)
    if readers is None:  # once per class: not a default that setdefault() would build each time
        # the annotations' text: NamedTuple keeps each as a ForwardRef('datetime | None')
        kinds = {n: getattr(t, "__forward_arg__", t) for n, t in cls.__annotations__.items()}
        readers = _READERS[cls] = [_reader(str(kinds[n])) for n in cls._fields]  # type: ignore[attr-defined]
    return cls(
        *(
            value if read is None else read(value)
            for read, value in zip(readers, values, strict=True)
        )
    )


_READERS: dict[type[Any], list[Callable[[Any], Any] | None]] = {}
