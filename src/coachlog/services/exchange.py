"""Records leaving and entering the store whole.

Export: the interchange document (SPEC §6), read from the store a few records at a time so
that a practice of any size is written in a bounded amount of memory, and the per-client
bundles the Markdown and iCalendar writers read. Import: a file is checked completely on
its own (services/interchange.py), then against the store, before anything is written, and
written in one transaction (services/importing.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from coachlog import records as rec
from coachlog.models import Agreement, Client, CoachingSession, Learning, Promise
from coachlog.services.common import clients_query, coach_of, scope
from coachlog.services.tables import CHUNK, MODELS, chunks, columns  # noqa: F401

if TYPE_CHECKING:
    from coachlog.services.importing import Outcome
    from coachlog.services.interchange import Summary

FORMAT, VERSION, TABLES = rec.FORMAT, rec.VERSION, rec.TABLES


@dataclass(frozen=True)
class Window:
    """--since / --until: sessions by held_at, promises by made_at; both ends included."""

    since: datetime | None = None
    until: datetime | None = None

    def conditions(self, column: Any) -> list[Any]:
        out = []
        if self.since is not None:
            out.append(column >= self.since)
        if self.until is not None:
            out.append(column <= self.until)
        return out

    def where(self, stmt: Any, column: Any) -> Any:
        return stmt.where(*self.conditions(column))


# --- export ---------------------------------------------------------------------------------


def practice_clients(session: Session) -> list[Client]:
    """Every client of the current coach, oldest first (a stable order for exports)."""
    found = session.exec(clients_query(session)).all()
    return sorted(found, key=lambda c: (c.created_at, c.uid))


def _rows(session: Session, model: Any, clients: list[Client], whole: bool) -> Any:
    stmt = select(model)
    if whole:
        return scope(stmt, session, model.client_id)
    return stmt.where(col(model.client_id).in_([c.id for c in clients]))


def _bytewise(column: Any, session: Session) -> Any:
    """Order uids by their bytes, as Python compares them, whatever the server's collation."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


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
        session: Session,
        *,
        clients: list[Client],
        now: datetime,
        window: Window = Window(),
        whole: bool = False,
    ):
        self.session, self.clients, self.window, self.whole = session, clients, window, whole
        self.head = {"format": FORMAT, "version": VERSION, "exported_at": rec.value(now)}
        self.counts = dict.fromkeys(TABLES, 0)
        self._client = {c.id: c for c in clients}

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

    def _mine(self, model: Any) -> list[Any]:
        """Conditions for `model`'s rows of the exported clients."""
        if not self.whole:
            return [col(model.client_id).in_(list(self._client))]
        coach = coach_of(self.session)
        if coach is None:
            return []
        return [col(model.client_id).in_(select(Client.id).where(Client.coach == coach))]

    def _stream(self, stmt: Any) -> Iterator[Any]:
        return iter(self.session.exec(stmt.execution_options(yield_per=self.BATCH)))

    def _agreements(self) -> Iterator[dict[str, Any]]:
        # Few (a handful per client): sorted here, by the clients' order then version.
        found = self.session.exec(
            select(*columns(Agreement, rec.AGREEMENT_KEYS)).where(*self._mine(Agreement))
        ).all()
        order = {c.id: i for i, c in enumerate(self.clients)}
        for a in sorted(found, key=lambda a: (order[a.client_id], a.version)):
            yield rec.agreement_record(a, self._client[a.client_id])

    def _sessions(self) -> Iterator[dict[str, Any]]:
        S, P = CoachingSession, Promise
        stmt = select(*columns(S, rec.SESSION_KEYS))
        held = [*self._mine(S), *self.window.conditions(col(S.held_at))]
        if self.window.since is None and self.window.until is None:
            stmt = stmt.where(*held)
        else:
            promised = select(P.session_id).where(
                col(P.session_id).is_not(None),
                *self._mine(P),
                *self.window.conditions(col(P.made_at)),
            )
            stmt = stmt.where(or_(and_(*held), col(S.id).in_(promised)))
        stmt = stmt.order_by(col(S.held_at), _bytewise(col(S.uid), self.session))
        for s in self._stream(stmt):
            yield rec.session_record(s, self._client[s.client_id])

    def _learning(self) -> Iterator[dict[str, Any]]:
        """The coach's continuing-education log: with the whole practice only (it belongs to
        no client), every entry whatever the period."""
        if not self.whole:
            return
        stmt = select(Learning)
        coach = coach_of(self.session)
        if coach is not None:
            stmt = stmt.where(Learning.coach == coach)
        stmt = stmt.order_by(col(Learning.completed_on), _bytewise(col(Learning.uid), self.session))
        for entry in self.session.exec(stmt):
            yield rec.learning_record(entry)

    def _promises(self) -> Iterator[dict[str, Any]]:
        S, P = CoachingSession, Promise
        stmt = (
            sa.select(*columns(P, rec.PROMISE_KEYS), col(S.uid).label("session_uid"))
            .outerjoin(S, col(S.id) == col(P.session_id))
            .where(*self._mine(P), *self.window.conditions(col(P.made_at)))
            .order_by(col(P.made_at), _bytewise(col(P.uid), self.session))
        )
        for p in self._stream(stmt):
            yield rec.promise_record(p, self._client[p.client_id], p.session_uid)


def build_document(
    session: Session,
    *,
    clients: list[Client],
    now: datetime,
    window: Window = Window(),
    whole: bool = False,
) -> dict[str, Any]:
    """The whole interchange document as one dict (see Document, which export writes
    piece by piece)."""
    doc = Document(session, clients=clients, now=now, window=window, whole=whole)
    return {**doc.head, **{table: list(records) for table, records in doc.tables()}}


@dataclass
class Bundle:
    """What a client's Markdown summary shows, already filtered for its audience."""

    client: Client
    agreement: Agreement | None
    sessions: list[CoachingSession]
    promises: list[Promise]
    period: tuple[date | None, date]
    include_private: bool
    checklist: Any | None = None


def client_bundle(
    session: Session,
    client: Client,
    *,
    now: datetime,
    tz: str,
    window: Window = Window(),
    include_private: bool = False,
) -> Bundle:
    """Client-facing unless include_private: private sessions are left out, and so are the
    promises made in them (they would reveal what the session was about)."""
    from coachlog.dates import local
    from coachlog.services import agreements as agreement_rules

    agreement = agreement_rules.active(session, client)
    if agreement is None:
        agreement = next(
            (a for a in reversed(agreement_rules.versions(session, client)) if a.status != "draft"),
            None,
        )
    sessions = session.exec(
        window.where(
            select(CoachingSession).where(
                CoachingSession.client_id == client.id, CoachingSession.status == "held"
            ),
            col(CoachingSession.held_at),
        )
    ).all()
    private = set(
        session.exec(
            select(CoachingSession.id).where(
                CoachingSession.client_id == client.id, col(CoachingSession.private).is_(True)
            )
        ).all()
    )
    promises = session.exec(
        window.where(select(Promise).where(Promise.client_id == client.id), col(Promise.made_at))
    ).all()
    if not include_private:
        sessions = [s for s in sessions if not s.private]
        promises = [p for p in promises if p.session_id not in private]
    # Same instant: in the order they were recorded.
    sessions = sorted(sessions, key=lambda s: (s.held_at, s.id))
    promises = sorted(promises, key=lambda p: (p.made_at, p.id))
    starts = [s.held_at for s in sessions] + [p.made_at for p in promises]
    first = window.since or (min(starts) if starts else None)
    last = window.until or now
    period = (local(first, tz).date() if first else None, local(last, tz).date())
    checklist = None
    if include_private:  # the checklist speaks to the coach: only in the coach's own copy
        from coachlog.services.trust import evaluate

        checklist = evaluate(session, client, now=now, tz=tz)
    return Bundle(client, agreement, sessions, promises, period, include_private, checklist)


def calendar_promises(
    session: Session,
    clients: list[Client],
    *,
    window: Window = Window(),
    whole: bool = False,
    closed_since: datetime | None = None,
) -> list[tuple[Promise, Client]]:
    """Promises for the calendar (both owners), soonest due first: the open ones, and
    those closed since `closed_since` (a calendar that holds them sees them close)."""
    by_id = {c.id: c for c in clients}
    stmt = window.where(_rows(session, Promise, clients, whole), col(Promise.made_at))
    shown: Any = col(Promise.status) == "open"
    if closed_since is not None:
        shown = or_(shown, col(Promise.closed_at) >= closed_since)
    found = session.exec(stmt.where(shown)).all()
    ordered = sorted(found, key=lambda p: (p.due_at, p.uid))
    return [(p, by_id[p.client_id]) for p in ordered if p.client_id in by_id]


def calendar_sessions(
    session: Session,
    clients: list[Client],
    *,
    whole: bool = False,
    cancelled_since: datetime | None = None,
) -> list[tuple[CoachingSession, Client]]:
    """Planned sessions (SPEC §4a), soonest first, and those cancelled (changed) since
    `cancelled_since`, so a calendar that holds them sees them cancelled."""
    S = CoachingSession
    by_id = {c.id: c for c in clients}
    shown: Any = col(S.status) == "planned"
    if cancelled_since is not None:
        shown = or_(shown, and_(col(S.status) == "cancelled", col(S.updated_at) >= cancelled_since))
    found = session.exec(_rows(session, S, clients, whole).where(shown)).all()
    ordered = sorted(found, key=lambda s: (s.held_at, s.uid))
    return [(s, by_id[s.client_id]) for s in ordered if s.client_id in by_id]


# --- import ------------------------------------------------------------------------------


def import_document(session: Session, summary: Summary, *, dry_run: bool = False) -> Outcome:
    """Match every record of a checked file by uid and write the difference in this (one)
    transaction (services/importing.py)."""
    from coachlog.services.importing import import_document as run

    return run(session, summary, dry_run=dry_run)
