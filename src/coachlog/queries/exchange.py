"""Reads for export (SPEC §6): the interchange document, read a few records at a time so
that a practice of any size is written in a bounded amount of memory, and the records the
Markdown and iCalendar writers read. SQL text on the query layer's connection, scoped to
the coach by the Reader (SPEC §8, §10); import writes through the ORM (services/)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coachlog import records as rec
from coachlog.queries.db import Reader
from coachlog.queries.rows import (
    AgreementRow,
    ClientRow,
    LearningRow,
    PromiseRow,
    SessionRow,
    build,
    columns,
    width,
)

FORMAT, VERSION, TABLES = rec.FORMAT, rec.VERSION, rec.TABLES

Where = tuple[str, tuple[Any, ...]]  # " AND ..." and its parameters


@dataclass(frozen=True)
class Window:
    """--since / --until: sessions by held_at, promises by made_at; both ends included."""

    since: datetime | None = None
    until: datetime | None = None

    @property
    def open(self) -> bool:
        return self.since is None and self.until is None

    def sql(self, db: Reader, column: str) -> Where:
        """` AND column >= ? AND column <= ?` for the ends given, and their parameters."""
        text, params = "", []
        if self.since is not None:
            text += f" AND {column} >= ?"
            params.append(db.bind(self.since))
        if self.until is not None:
            text += f" AND {column} <= ?"
            params.append(db.bind(self.until))
        return text, tuple(params)


def bytewise(db: Reader, column: str) -> str:
    """Order uids by their bytes, as Python compares them, whatever the server's collation
    (SQLite's BINARY already does)."""
    return f'{column} COLLATE "C"' if db.dialect == "postgresql" else column


def _among(column: str, ids: Sequence[int]) -> Where:
    marks = ", ".join("?" for _ in ids) or "NULL"
    return f" AND {column} IN ({marks})", tuple(ids)


def _whose(db: Reader, column: str, clients: Sequence[Any], whole: bool) -> Where:
    """Rows of the exported clients: every client of the coach when whole."""
    if whole:
        return db.scope(column)
    return _among(column, [c.id for c in clients])


# --- export ---------------------------------------------------------------------------------


def practice_clients(db: Reader) -> list[ClientRow]:
    """Every client of the current coach, oldest first (a stable order for exports)."""
    mine, params = db.scope()
    sql = f"SELECT {columns(ClientRow)} FROM clients WHERE 1 = 1{mine}"
    found = [build(ClientRow, r) for r in db.rows(sql, params)]
    return sorted(found, key=lambda c: (c.created_at, c.uid))


class Document:
    """The interchange document for `clients` (whole=True: every client of the coach),
    produced a few records at a time, in the order the format promises, straight from the
    database: the memory it needs does not grow with the practice. It is always complete:
    private sessions and reflections included, since this is how a coach moves their own
    practice. A promise made in a session outside the window brings that session along, so
    the file never refers to a session it lacks. `counts` fills in as the lists are read."""

    BATCH = 500  # rows fetched from the database at a time

    def __init__(
        self,
        db: Reader,
        *,
        clients: Sequence[Any],
        now: datetime,
        window: Window = Window(),
        whole: bool = False,
    ):
        self.db, self.clients, self.window, self.whole = db, list(clients), window, whole
        self.head = {"format": FORMAT, "version": VERSION, "exported_at": rec.value(now)}
        self.counts = dict.fromkeys(TABLES, 0)
        self._client = {c.id: c for c in self.clients}

    def tables(self) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
        """(table, its records) for each list, in the file's order; read each list before
        asking for the next (they share the database connection)."""
        yield "clients", self._counted("clients", (rec.client_record(c) for c in self.clients))
        yield "agreements", self._counted("agreements", self._agreements())
        yield "sessions", self._counted("sessions", self._sessions())
        yield "promises", self._counted("promises", self._promises())
        yield "learning", self._counted("learning", self._learning())

    def _counted(self, table: str, records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for record in records:
            self.counts[table] += 1
            yield record

    def _mine(self, column: str) -> Where:
        return _whose(self.db, column, self.clients, self.whole)

    def _agreements(self) -> Iterator[dict[str, Any]]:
        # Few (a handful per client): sorted here, by the clients' order then version.
        mine, params = self._mine("agreements.client_id")
        sql = f"SELECT {columns(AgreementRow)} FROM agreements WHERE 1 = 1{mine}"
        found = [build(AgreementRow, r) for r in self.db.rows(sql, params)]
        order = {c.id: i for i, c in enumerate(self.clients)}
        for a in sorted(found, key=lambda a: (order[a.client_id], a.version)):
            yield rec.agreement_record(a, self._client[a.client_id])

    def _sessions(self) -> Iterator[dict[str, Any]]:
        db = self.db
        mine, params = self._mine("sessions.client_id")
        held, held_params = self.window.sql(db, "sessions.held_at")
        where, args = f"1 = 1{mine}{held}", (*params, *held_params)
        if not self.window.open:
            theirs, their_params = self._mine("promises.client_id")
            made, made_params = self.window.sql(db, "promises.made_at")
            where = (
                f"({where}) OR sessions.id IN (SELECT promises.session_id FROM promises"
                f" WHERE promises.session_id IS NOT NULL{theirs}{made})"
            )
            args = (*args, *their_params, *made_params)
        sql = (
            f"SELECT {columns(SessionRow)} FROM sessions WHERE {where}"
            f" ORDER BY sessions.held_at, {bytewise(db, 'sessions.uid')}"
        )
        for r in db.stream(sql, args, batch=self.BATCH):
            s = build(SessionRow, r)
            yield rec.session_record(s, self._client[s.client_id])

    def _promises(self) -> Iterator[dict[str, Any]]:
        db = self.db
        mine, params = self._mine("promises.client_id")
        made, made_params = self.window.sql(db, "promises.made_at")
        sql = (
            f"SELECT {columns(PromiseRow)}, sessions.uid FROM promises"
            " LEFT OUTER JOIN sessions ON sessions.id = promises.session_id"
            f" WHERE 1 = 1{mine}{made}"
            f" ORDER BY promises.made_at, {bytewise(db, 'promises.uid')}"
        )
        n = width(PromiseRow)
        for r in db.stream(sql, (*params, *made_params), batch=self.BATCH):
            p = build(PromiseRow, r[:n])
            yield rec.promise_record(p, self._client[p.client_id], r[n])

    def _learning(self) -> Iterator[dict[str, Any]]:
        """The coach's continuing-education log: with the whole practice only (it belongs to
        no client), every entry whatever the period."""
        if not self.whole:
            return
        db = self.db
        mine, params = db.own("learning")
        sql = (
            f"SELECT {columns(LearningRow)} FROM learning WHERE 1 = 1{mine}"
            f" ORDER BY learning.completed_on, {bytewise(db, 'learning.uid')}"
        )
        for r in db.stream(sql, params, batch=self.BATCH):
            yield rec.learning_record(build(LearningRow, r))


def build_document(
    db: Reader,
    *,
    clients: Sequence[Any],
    now: datetime,
    window: Window = Window(),
    whole: bool = False,
) -> dict[str, Any]:
    """The whole interchange document as one dict (see Document, which export writes
    piece by piece)."""
    doc = Document(db, clients=clients, now=now, window=window, whole=whole)
    return {**doc.head, **{table: list(records) for table, records in doc.tables()}}


@dataclass
class Bundle:
    """What a client's Markdown summary shows, already filtered for its audience."""

    client: Any
    agreement: AgreementRow | None
    sessions: list[SessionRow]
    promises: list[PromiseRow]
    period: tuple[date | None, date]
    include_private: bool
    checklist: Any | None = None


def client_bundle(
    db: Reader,
    client: Any,
    *,
    now: datetime,
    tz: str,
    window: Window = Window(),
    include_private: bool = False,
) -> Bundle:
    """Client-facing unless include_private: private sessions are left out, and so are the
    promises made in them (they would reveal what the session was about)."""
    from coachlog.dates import local
    from coachlog.queries.agreements import versions

    every = versions(db, client.id)
    # The active version (the latest, were there several), else the latest signed one.
    agreement = next((a for a in reversed(every) if a.status == "active"), None)
    if agreement is None:
        agreement = next((a for a in reversed(every) if a.status != "draft"), None)
    held, held_params = window.sql(db, "sessions.held_at")
    # The sessions that happened: planned and cancelled ones are no part of it.
    sql = (
        f"SELECT {columns(SessionRow)} FROM sessions"
        f" WHERE sessions.client_id = ? AND sessions.status = 'held'{held}"
    )
    sessions = [build(SessionRow, r) for r in db.rows(sql, (client.id, *held_params))]
    private_sql = (
        "SELECT sessions.id FROM sessions WHERE sessions.client_id = ? AND sessions.private"
    )
    private = {r[0] for r in db.rows(private_sql, (client.id,))}
    made, made_params = window.sql(db, "promises.made_at")
    sql = f"SELECT {columns(PromiseRow)} FROM promises WHERE promises.client_id = ?{made}"
    promises = [build(PromiseRow, r) for r in db.rows(sql, (client.id, *made_params))]
    if not include_private:
        sessions = [s for s in sessions if not s.private]
        promises = [p for p in promises if p.session_id not in private]
    # Same instant: in the order they were recorded.
    sessions.sort(key=lambda s: (s.held_at, s.id))
    promises.sort(key=lambda p: (p.made_at, p.id))
    starts = [s.held_at for s in sessions] + [p.made_at for p in promises]
    first = window.since or (min(starts) if starts else None)
    last = window.until or now
    period = (local(first, tz).date() if first else None, local(last, tz).date())
    checklist = None
    if include_private:  # the checklist speaks to the coach: only in the coach's own copy
        from coachlog.queries.overview import evaluate

        checklist = evaluate(db, client, now=now, tz=tz)
    return Bundle(client, agreement, sessions, promises, period, include_private, checklist)


def calendar_promises(
    db: Reader,
    clients: Sequence[Any],
    *,
    window: Window = Window(),
    whole: bool = False,
    closed_since: datetime | None = None,
) -> list[tuple[PromiseRow, Any]]:
    """Promises for the calendar (both owners), soonest due first: the open ones, and
    those closed since `closed_since` (a calendar that holds them sees them close)."""
    by_id = {c.id: c for c in clients}
    mine, params = _whose(db, "promises.client_id", clients, whole)
    made, made_params = window.sql(db, "promises.made_at")
    shown_params: tuple[Any, ...] = ()
    shown = "promises.status = 'open'"
    if closed_since is not None:
        shown, shown_params = f"({shown} OR promises.closed_at >= ?)", (db.bind(closed_since),)
    sql = f"SELECT {columns(PromiseRow)} FROM promises WHERE {shown}{mine}{made}"
    found = [build(PromiseRow, r) for r in db.rows(sql, (*shown_params, *params, *made_params))]
    ordered = sorted(found, key=lambda p: (p.due_at, p.uid))
    return [(p, by_id[p.client_id]) for p in ordered if p.client_id in by_id]


def calendar_sessions(
    db: Reader,
    clients: Sequence[Any],
    *,
    whole: bool = False,
    cancelled_since: datetime | None = None,
) -> list[tuple[SessionRow, Any]]:
    """Planned sessions (SPEC §4a), soonest first, and those cancelled (changed) since
    `cancelled_since`, so a calendar that holds them sees them cancelled."""
    by_id = {c.id: c for c in clients}
    mine, params = _whose(db, "sessions.client_id", clients, whole)
    shown_params: tuple[Any, ...] = ()
    shown = "sessions.status = 'planned'"
    if cancelled_since is not None:
        shown = f"({shown} OR (sessions.status = 'cancelled' AND sessions.updated_at >= ?))"
        shown_params = (db.bind(cancelled_since),)
    sql = f"SELECT {columns(SessionRow)} FROM sessions WHERE {shown}{mine}"
    found = [build(SessionRow, r) for r in db.rows(sql, (*shown_params, *params))]
    ordered = sorted(found, key=lambda s: (s.held_at, s.uid))
    return [(s, by_id[s.client_id]) for s in ordered if s.client_id in by_id]
