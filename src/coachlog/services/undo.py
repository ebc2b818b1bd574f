"""`coachlog undo` (SPEC §3b): every command that changes the store leaves one step in the
undo log, and undo puts the rows of the latest step back where they were.

How a step is kept. A write command runs inside `step(db, "promises keep", now=…)`. While
it is open, two listeners on the ORM session see every flush: before a row is first updated
or deleted, its before-image is read from the database itself (not from the ORM's memory,
so it is exactly what was stored); after a row is inserted, its id is noted. When the
command's work is done, the step is written in the same transaction as the work, so a
change and its undo data are committed together or not at all.

How it is undone. Rows the step deleted are inserted again (parents first), rows it
updated get their before-image back, rows it inserted are deleted (children first). Ids and
uids are the ones the rows had, and the values go back through the same column types, so
the rows are as they were, byte for byte. Ids of deleted rows are not given out again: on
SQLite the tables use AUTOINCREMENT, on PostgreSQL a sequence never goes back.

`import`, `demo` and `client forget` leave a step that cannot be undone (`barrier`):
undo stops there and says so. Only the last KEEP_STEPS steps are kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table, delete, event, func, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from coachlog.errors import CoachlogError
from coachlog.models import SQLModel, UndoStep, UndoStepClient, UTCDateTime
from coachlog.queries.db import on_session
from coachlog.queries.rows import UndoStepRow
from coachlog.queries.undo import steps

# The tables a step can change, parents first.
TRACKED = ("clients", "agreements", "sessions", "promises", "learning")
KEEP_STEPS = 100
INFO_KEY = "coachlog_undo"


class NothingToUndo(CoachlogError):
    """The undo log is empty, or stops at a step that cannot be undone."""


@dataclass
class Change:
    """One row a step touched. `before` is the row as it was (None for an insert)."""

    table: str
    id: int
    action: str  # "insert" | "update" | "delete"
    before: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "action": self.action, "before": self.before}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Change:
        return cls(table=d["table"], id=int(d["id"]), action=d["action"], before=d["before"])


@dataclass
class Recorder:
    """What one command changed so far (see the listeners below)."""

    command: str
    now: datetime
    summary: str | None = None
    changes: dict[tuple[str, int], Change] = field(default_factory=dict)
    clients: set[int] = field(default_factory=set)

    def touched(self, table: str, row: Any) -> None:
        client_id = row.get("id") if table == "clients" else row.get("client_id")
        if client_id is not None:
            self.clients.add(int(client_id))


# ---- rows as JSON ----------------------------------------------------------------------


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def encode_row(table: str, row: Any) -> dict[str, Any]:
    """A stored row as JSON: instants ISO 8601 with offset (to the microsecond), dates
    YYYY-MM-DD, lists as lists; the column names as keys."""
    out: dict[str, Any] = {}
    for column in _table(table).columns:
        v = row[column.name]
        if isinstance(v, datetime | date):
            v = v.isoformat()
        out[column.name] = v
    return out


def decode_row(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of encode_row, ready to be bound through the table's column types."""
    out: dict[str, Any] = {}
    for column in _table(table).columns:
        v = data.get(column.name)
        if v is not None and isinstance(column.type, UTCDateTime):
            v = datetime.fromisoformat(v)
        elif v is not None and isinstance(column.type, sa.Date):
            v = date.fromisoformat(v)
        out[column.name] = v
    return out


def _read_row(session: OrmSession, table: str, row_id: int) -> dict[str, Any] | None:
    t = _table(table)
    found = session.connection().execute(core_select(t).where(t.c.id == row_id)).mappings().first()
    return dict(found) if found is not None else None


# ---- the listeners ------------------------------------------------------------------------


def _recorder(session: OrmSession) -> Recorder | None:
    rec = session.info.get(INFO_KEY)
    return rec if isinstance(rec, Recorder) else None


def _before_image(session: OrmSession, rec: Recorder, obj: Any, action: str) -> None:
    table = getattr(obj, "__tablename__", None)
    if table not in TRACKED or obj.id is None:
        return
    key = (table, int(obj.id))
    earlier = rec.changes.get(key)
    if earlier is not None:
        # The first image is the one from before the command; a later delete of a row the
        # command inserted leaves nothing to undo.
        if action == "delete" and earlier.action == "insert":
            del rec.changes[key]
        elif action == "delete":
            earlier.action = "delete"
        return
    row = _read_row(session, table, int(obj.id))
    if row is None:
        return
    rec.touched(table, row)
    rec.changes[key] = Change(table, int(obj.id), action, encode_row(table, row))


@event.listens_for(OrmSession, "before_flush")
def _on_before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    rec = _recorder(session)
    if rec is None:
        return
    for obj in list(session.dirty):
        if session.is_modified(obj, include_collections=False):
            _before_image(session, rec, obj, "update")
    for obj in list(session.deleted):
        _before_image(session, rec, obj, "delete")


@event.listens_for(OrmSession, "after_flush")
def _on_after_flush(session: OrmSession, _context: Any) -> None:
    rec = _recorder(session)
    if rec is None:
        return
    for obj in list(session.new):
        table = getattr(obj, "__tablename__", None)
        if table in TRACKED and obj.id is not None:
            rec.changes.setdefault((table, int(obj.id)), Change(table, int(obj.id), "insert"))
            rec.touched(table, {"id": obj.id, "client_id": getattr(obj, "client_id", None)})
    for obj in list(session.dirty):
        # A row moved to another client (session edit --client) touches both clients.
        table = str(getattr(obj, "__tablename__", ""))
        if (table, obj.id) in rec.changes and table != "clients":
            rec.touched(table, {"client_id": getattr(obj, "client_id", None)})


@event.listens_for(OrmSession, "do_orm_execute")
def _on_execute(state: Any) -> None:
    """A bulk UPDATE or DELETE would change rows behind the listeners' back: inside a step
    it is a bug, caught here rather than found when an undo restores the wrong rows."""
    if _recorder(state.session) is None or not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TRACKED:
        raise RuntimeError(
            "a bulk UPDATE/DELETE inside an undo step would escape the undo log; "
            "change the rows through the ORM"
        )


# ---- recording ----------------------------------------------------------------------------


def _coach(db: Session) -> str:
    return str(db.info.get("coach_name") or "")


def _scoped(stmt: Any, db: Session) -> Any:
    coach = db.info.get("coach")  # None on a personal SQLite store: every step is the coach's
    return stmt if coach is None else stmt.where(UndoStep.coach == coach)


def _prune(db: Session) -> None:
    keep = select(UndoStep.id).order_by(col(UndoStep.id).desc()).limit(KEEP_STEPS)
    keep = _scoped(keep, db)
    old = _scoped(select(UndoStep.id).where(col(UndoStep.id).not_in(keep.scalar_subquery())), db)
    ids = list(db.exec(old).all())
    if ids:
        db.exec(delete(UndoStepClient).where(col(UndoStepClient.step_id).in_(ids)))
        db.exec(delete(UndoStep).where(col(UndoStep.id).in_(ids)))


def _write_step(
    db: Session, *, command: str, summary: str, now: datetime, undoable: bool, rec: Recorder | None
) -> UndoStep:
    step_row = UndoStep(
        coach=_coach(db),
        at=now,
        command=command,
        summary=summary,
        undoable=undoable,
        changes=[c.as_dict() for c in rec.changes.values()] if rec else [],
    )
    db.add(step_row)
    db.flush()
    for client_id in sorted(rec.clients if rec else ()):
        db.add(UndoStepClient(step_id=step_row.id, client_id=client_id))  # type: ignore[arg-type]
    db.flush()
    _prune(db)
    return step_row


@contextmanager
def step(db: Session, command: str, *, now: datetime) -> Iterator[Recorder]:
    """Record what the body changes as one undo step (written only if it changed
    anything). Set `.summary` on what it yields to word the step for `undo --list`."""
    rec = Recorder(command=command, now=now)
    db.info[INFO_KEY] = rec
    try:
        yield rec
        db.flush()
    finally:
        db.info.pop(INFO_KEY, None)
    if rec.changes:
        summary = rec.summary or describe(list(rec.changes.values()))
        _write_step(db, command=command, summary=summary, now=now, undoable=True, rec=rec)


def barrier(db: Session, command: str, summary: str, *, now: datetime) -> None:
    """A step that cannot be undone (import, demo, client forget): undo stops at it."""
    _write_step(db, command=command, summary=summary, now=now, undoable=False, rec=None)


NOUNS = {
    "clients": "client",
    "agreements": "agreement",
    "sessions": "session",
    "promises": "promise",
    "learning": "learning entry",
}
VERBS = {"insert": "added", "update": "changed", "delete": "deleted"}


def describe(changes: list[Change]) -> str:
    """Words for a step's changes: 'added session #9, promises #10, #11'."""
    parts: list[str] = []
    for action in ("insert", "update", "delete"):
        groups: list[str] = []
        for table in TRACKED:
            ids = [c.id for c in changes if c.action == action and c.table == table]
            if ids:
                noun = NOUNS[table] + ("s" if len(ids) > 1 else "")
                groups.append(f"{noun} " + ", ".join(f"#{i}" for i in ids))
        if groups:
            parts.append(f"{VERBS[action]} " + ", ".join(groups))
    return "; ".join(parts)


# ---- reading and undoing ------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    """What undo did to one row: 'removed' (the step had added it), 'restored' (changed
    back), 'recreated' (the step had deleted it)."""

    table: str
    id: int
    what: str


@dataclass(frozen=True)
class Undone:
    step: UndoStepRow
    restored: list[Restored]
    next_step: UndoStepRow | None


def _check_applicable(db: Session, changes: list[Change]) -> None:
    """The rows must be as the step left them: an added or changed row still there, a
    deleted row's id still free. Otherwise the store was changed outside coachlog's
    commands, and putting rows back could overwrite that."""
    for c in changes:
        exists = _read_row(db, c.table, c.id) is not None
        if exists != (c.action != "delete"):
            raise CoachlogError(
                f"Cannot undo: {NOUNS[c.table]} #{c.id} is not as that step left it (the "
                "store was changed outside coachlog's commands). Nothing was changed.",
                hint="'coachlog doctor' checks the store.",
            )


def apply(db: Session, changes: list[Change]) -> list[Restored]:
    """Put the rows back: deleted rows first (parents first), then before-images, then
    remove inserted rows (children first)."""
    rank = {t: i for i, t in enumerate(TRACKED)}
    conn = db.connection()
    done: list[Restored] = []
    for c in sorted((c for c in changes if c.action == "delete"), key=lambda c: rank[c.table]):
        assert c.before is not None
        conn.execute(insert(_table(c.table)).values(**decode_row(c.table, c.before)))
        done.append(Restored(c.table, c.id, "recreated"))
    for c in changes:
        if c.action == "update":
            assert c.before is not None
            t = _table(c.table)
            conn.execute(update(t).where(t.c.id == c.id).values(**decode_row(c.table, c.before)))
            done.append(Restored(c.table, c.id, "restored"))
    inserted = [c for c in changes if c.action == "insert"]
    for c in sorted(inserted, key=lambda c: -rank[c.table]):
        t = _table(c.table)
        conn.execute(delete(t).where(t.c.id == c.id))
        done.append(Restored(c.table, c.id, "removed"))
    return done


def undo_last(db: Session) -> Undone:
    """Undo the latest step, inside the caller's write transaction."""
    latest = steps(on_session(db), limit=2)  # the query layer's read, in this transaction
    if not latest:
        raise NothingToUndo(
            "Nothing to undo: no change is recorded in this store.",
            hint="Undo keeps the last changes made by coachlog's commands.",
        )
    last = latest[0]
    if not last.undoable:
        raise NothingToUndo(
            f"The last change was '{last.command}' (step {last.id}), which cannot be undone: "
            "undo stops there. Nothing was changed.",
            hint="import, demo and client forget cannot be undone; "
            "'coachlog undo --list' shows the steps.",
        )
    changes = [Change.from_dict(d) for d in last.changes]
    _check_applicable(db, changes)
    restored = apply(db, changes)
    db.exec(delete(UndoStepClient).where(col(UndoStepClient.step_id) == last.id))
    db.exec(delete(UndoStep).where(col(UndoStep.id) == last.id))
    db.expire_all()  # the ORM's copies of the rows are stale now
    return Undone(step=last, restored=restored, next_step=latest[1] if len(latest) > 1 else None)


def short(text: str, limit: int = 60) -> str:
    """User text cut to fit a summary line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def forget_steps(db: Session, client_id: int) -> int:
    """Erase every step that touched the client (for `client forget`). Returns how many."""
    ids = list(
        db.exec(
            select(UndoStepClient.step_id).where(col(UndoStepClient.client_id) == client_id)
        ).all()
    )
    if not ids:
        return 0
    db.exec(delete(UndoStepClient).where(col(UndoStepClient.step_id).in_(ids)))
    db.exec(delete(UndoStep).where(col(UndoStep.id).in_(ids)))
    return len(set(ids))


def count(db: Session) -> int:
    return int(db.exec(_scoped(core_select(func.count()).select_from(UndoStep), db)).scalar_one())


def rows_of(db: Session, restored: list[Restored]) -> dict[tuple[str, int], tuple[Any, str]]:
    """The records undo put back, as they are now, each with its client's name (for the
    confirmation)."""
    from coachlog.models import Agreement, Client, CoachingSession, Learning, Promise

    models: dict[str, Any] = {
        "clients": Client,
        "agreements": Agreement,
        "sessions": CoachingSession,
        "promises": Promise,
        "learning": Learning,
    }
    out: dict[tuple[str, int], tuple[Any, str]] = {}
    for r in restored:
        if r.what == "removed":
            continue
        row = db.get(models[r.table], r.id)
        if row is None:
            continue
        if r.table == "learning":  # the coach's own, no client's
            out[(r.table, r.id)] = (row, "")
            continue
        client = row if r.table == "clients" else db.get(Client, row.client_id)
        out[(r.table, r.id)] = (row, client.name if client is not None else "")
    return out
