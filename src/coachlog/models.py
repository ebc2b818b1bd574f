"""Every table of the store. All instants are stored as naive UTC and come back as aware
UTC datetimes (UTCDateTime); the coach's zone is applied only when parsing and rendering."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# The vocabularies are written once, in choices.py (light enough for shell completion).
from coachlog.choices import (  # noqa: F401  (re-exported)
    AGREEMENT_STATUSES,
    CLIENT_STATUSES,
    CONSENTS,
    LEARNING_CATEGORIES,
    PAYMENTS,
    PROMISE_OWNERS,
    PROMISE_STATUSES,
    SESSION_KINDS,
    SESSION_STATUSES,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored without zone so that SQLite and
    PostgreSQL hold the same values and sort them the same way."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC instant")
        return value.astimezone(UTC).replace(tzinfo=None)  # naive UTC, to the microsecond

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def new_uid() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


ClientStatus = Literal["prospect", "active", "paused", "closed"]
Owner = Literal["coach", "client"]


def _instant(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class Record(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True, index=True)
    created_at: datetime = _instant(default_factory=utcnow)
    updated_at: datetime = _instant(default_factory=utcnow)


class Client(Record, table=True):
    __tablename__ = "clients"

    # Which coach of a practice the client belongs to (SPEC §8); on a personal SQLite store
    # it is recorded but not used to filter.
    coach: str = Field(default="", max_length=120, index=True)
    name: str = Field(max_length=200, index=True)
    email: str | None = None
    phone: str | None = None
    pronouns: str | None = None
    timezone: str | None = None
    status: str = Field(default="active", max_length=16)
    started_on: date | None = None
    ended_on: date | None = None
    preferred_channel: str | None = None
    communication_style: str | None = Field(default=None, sa_type=sa.Text)
    context: str | None = Field(default=None, sa_type=sa.Text)
    sponsor: str | None = None
    # Pit-stop rhythm for this client (SPEC §4): None means the default (6 sessions / 8 weeks).
    pitstop_every_sessions: int | None = None
    pitstop_every_weeks: int | None = None
    # The ICF client coaching log (SPEC §9): which hours column the client's hours go in,
    # and whether the client agreed to be listed on it (None: not asked), and how.
    payment: str = Field(default="paid", max_length=16)
    icf_consent: str | None = Field(default=None, max_length=8)
    icf_consent_note: str | None = Field(default=None, sa_type=sa.Text)


class Agreement(Record, table=True):
    __tablename__ = "agreements"
    __table_args__ = (sa.UniqueConstraint("client_id", "version"),)

    client_id: int = Field(foreign_key="clients.id", ondelete="CASCADE", index=True)
    version: int = 1
    status: str = Field(default="active", max_length=16)
    starts_on: date | None = None
    review_on: date | None = None
    ends_on: date | None = None
    goals: str | None = Field(default=None, sa_type=sa.Text)
    confidentiality: str | None = Field(default=None, sa_type=sa.Text)
    communication: str | None = Field(default=None, sa_type=sa.Text)
    logistics: str | None = Field(default=None, sa_type=sa.Text)
    cadence_days: int | None = None
    coach_responsibilities: str | None = Field(default=None, sa_type=sa.Text)
    client_responsibilities: str | None = Field(default=None, sa_type=sa.Text)
    fees: str | None = Field(default=None, sa_type=sa.Text)
    conflicts_of_interest: str | None = Field(default=None, sa_type=sa.Text)
    sponsor_reporting: str | None = Field(default=None, sa_type=sa.Text)


class CoachingSession(Record, table=True):
    """A coaching session (named so as not to be confused with a database session)."""

    __tablename__ = "sessions"
    __table_args__ = (sa.Index("ix_sessions_client_held", "client_id", "held_at"),)

    client_id: int = Field(foreign_key="clients.id", ondelete="CASCADE")
    held_at: datetime = _instant(index=True)
    minutes: int | None = None
    kind: str = Field(default="regular", max_length=16)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    themes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    trust_pulse: int | None = None
    reflection: str | None = Field(default=None, sa_type=sa.Text)
    private: bool = False
    status: str = Field(default="held", max_length=16)
    # The ICF log (SPEC §9): 1 for one-to-one, else the number of people in the group; and
    # whether the session counts as client coaching (not, e.g., mentor coaching given).
    group_size: int = 1
    counts_for_icf: bool = True


class Promise(Record, table=True):
    __tablename__ = "promises"
    __table_args__ = (
        sa.Index("ix_promises_status_due", "status", "due_at"),
        sa.Index("ix_promises_client_status", "client_id", "status"),
    )

    client_id: int = Field(foreign_key="clients.id", ondelete="CASCADE")
    session_id: int | None = Field(
        default=None, foreign_key="sessions.id", ondelete="CASCADE", index=True
    )
    owner: str = Field(default="coach", max_length=8)
    text: str = Field(sa_type=sa.Text)
    made_at: datetime = _instant()
    due_at: datetime = _instant()
    status: str = Field(default="open", max_length=16)
    closed_at: datetime | None = _instant(default=None)
    note: str | None = Field(default=None, sa_type=sa.Text)
    repair: str | None = Field(default=None, sa_type=sa.Text)
    # Earlier due instants as ISO 8601 UTC strings, oldest first.
    due_history: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class Learning(Record, table=True):
    """One entry of the continuing-education log (SPEC §9): what the coach learned, for
    how long, and which kind of ICF Continuing Coach Education it is. Not tied to a client;
    on a shared server it belongs to its coach, as clients do."""

    __tablename__ = "learning"
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never given twice

    coach: str = Field(default="", max_length=120, index=True)
    title: str = Field(sa_type=sa.Text)
    # Hours in hundredths (1.5 h is 150): exact sums, where floats would drift.
    centihours: int
    category: str = Field(max_length=16)
    ethics: bool = False
    completed_on: date = Field(index=True)
    provider: str | None = None
    proof: str | None = Field(default=None, sa_type=sa.Text)  # a path; the file is not copied


TABLES = ("clients", "agreements", "sessions", "promises")


class UndoStep(SQLModel, table=True):
    """One command's change, kept so `coachlog undo` can put the rows back (SPEC §3b).

    `changes` lists, in the order they happened, each row the command touched: the ids of
    rows it inserted, and the before-image of rows it updated or deleted, as JSON with the
    column names (instants ISO 8601 with offset, to the microsecond; dates YYYY-MM-DD).
    A step that cannot be undone (import, demo, client forget) has `undoable` false and no
    changes: undo stops there. AUTOINCREMENT: a step's number is never given to another."""

    __tablename__ = "undo_steps"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    coach: str = Field(default="", max_length=120, index=True)
    at: datetime = _instant()
    command: str = Field(max_length=60)
    summary: str = Field(sa_type=sa.Text)
    undoable: bool = True
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)


class UndoStepClient(SQLModel, table=True):
    """Which clients a step touched, so `client forget` erases their steps whole."""

    __tablename__ = "undo_step_clients"

    step_id: int = Field(foreign_key="undo_steps.id", ondelete="CASCADE", primary_key=True)
    client_id: int = Field(primary_key=True, index=True)


UNDO_TABLES = ("undo_steps", "undo_step_clients")
