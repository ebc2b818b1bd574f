"""The screens' data: the dashboard's rows and a client's overview (client show, prep,
trust), composed from the facts (queries/facts.py) and the trust checklist
(domain/trust.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coachlog.domain import pitstops
from coachlog.domain.facts import Facts
from coachlog.domain.trust import TrustReport, evaluate_facts
from coachlog.queries.db import Reader
from coachlog.queries.facts import gather_facts
from coachlog.queries.rows import AgreementRow, ClientRow, PromiseRow, SessionRow, build, columns
from coachlog.words import count as count_words


def active_clients(db: Reader) -> list[ClientRow]:
    """The coach's active clients, by name (case aside)."""
    mine, params = db.scope()
    sql = (
        f"SELECT {columns(ClientRow)} FROM clients WHERE clients.status = 'active'{mine}"
        " ORDER BY LOWER(clients.name)"
    )
    return [build(ClientRow, row) for row in db.rows(sql, params)]


def evaluate(db: Reader, client: Any, *, now: datetime, tz: str) -> TrustReport:
    """The trust checklist for one client."""
    facts = gather_facts(db, [client], now=now)[client.id]
    return evaluate_facts(client, facts, now=now, tz=tz)


def evaluate_many(db: Reader, clients: list[Any], *, now: datetime, tz: str) -> list[TrustReport]:
    """The checklist for several clients from one round of aggregate queries."""
    facts = gather_facts(db, clients, now=now)
    return [evaluate_facts(c, facts[c.id], now=now, tz=tz) for c in clients]


# ---------------------------------------------------------------------------- the dashboard


@dataclass
class DashboardRow:
    client: ClientRow
    facts: Facts
    report: TrustReport
    next_pitstop: datetime | None

    @property
    def urgent(self) -> bool:
        """The coach's own word is at stake: an overdue promise, or a broken one the
        client has not heard about yet (seed 002 §7)."""
        return bool(self.facts.coach.overdue or self.facts.coach.not_raised)

    def reasons(self, now: datetime) -> list[str]:
        f = self.facts
        out = []
        if f.coach.overdue:
            out.append(f"{len(f.coach.overdue)} of your promises overdue")
        if f.coach.not_raised:
            out.append(f"{count_words(len(f.coach.not_raised), 'broken promise')} to raise")
        if f.pitstop is not None and f.pitstop.due:
            out.append("pit-stop due")
        late = f.client.late(now)
        if late:
            out.append(f"{count_words(len(late), 'commitment')} over a week late")
        return out

    def sort_key(self, now: datetime) -> tuple:
        """Who needs attention first: the coach's overdue promises, then broken promises
        not yet raised, then a pit-stop due, then the lowest trust score, then the
        client's long-overdue commitments; then by name."""
        f = self.facts
        return (
            -len(f.coach.overdue),
            -len(f.coach.not_raised),
            not (f.pitstop is not None and f.pitstop.due),
            self.report.ratio,
            -len(f.client.late(now)),
            self.client.name.casefold(),
        )


def dashboard(db: Reader, *, now: datetime, tz: str) -> list[DashboardRow]:
    """Every active client, whoever needs attention first on top (see DashboardRow)."""
    clients = active_clients(db)
    facts = gather_facts(db, clients, now=now)
    rows = []
    for c in clients:
        f = facts[c.id]
        a = f.active_agreement
        nxt = pitstops.next_due(
            f.pitstop,  # type: ignore[arg-type]
            last_session_at=f.last_session_at,
            cadence_days=a.cadence_days if a else None,
        )
        rows.append(DashboardRow(c, f, evaluate_facts(c, f, now=now, tz=tz), nxt))
    rows.sort(key=lambda r: r.sort_key(now))
    return rows


# ------------------------------------------------------------------ prep and the client page


@dataclass
class ClientOverview:
    client: ClientRow
    facts: Facts
    report: TrustReport
    agreement: AgreementRow | None  # the active one, else the latest
    sessions: list[SessionRow]  # the last few, newest first
    open_promises: list[PromiseRow]  # by due time, overdue first
    not_raised: list[PromiseRow]  # the coach's broken promises not yet raised
    next_pitstop: datetime | None
    agreement_gaps: list[str] = field(default_factory=list)  # agreements.check, not ok
    last_pitstop: SessionRow | None = None  # what the client asked for there

    @property
    def last_session(self) -> SessionRow | None:
        return self.sessions[0] if self.sessions else None


def client_overview(
    db: Reader, client: ClientRow, *, now: datetime, tz: str, recent: int = 5
) -> ClientOverview:
    f = gather_facts(db, [client], now=now)[client.id]
    report = evaluate_facts(client, f, now=now, tz=tz)
    held = (client.id, db.bind(now))
    sql = (
        f"SELECT {columns(SessionRow)} FROM sessions WHERE sessions.client_id = ?"
        " AND sessions.held_at <= ? ORDER BY sessions.held_at DESC, sessions.id DESC LIMIT ?"
    )
    sessions = [build(SessionRow, r) for r in db.rows(sql, [*held, recent])]
    sql = (
        f"SELECT {columns(PromiseRow)} FROM promises WHERE promises.client_id = ?"
        " AND promises.status = 'open' ORDER BY promises.due_at, promises.id"
    )
    open_promises = [build(PromiseRow, r) for r in db.rows(sql, [client.id])]
    ids = [r.id for r in f.coach.not_raised]
    not_raised = []
    if ids:
        sql = (
            f"SELECT {columns(PromiseRow)} FROM promises WHERE promises.id IN"
            f" ({', '.join('?' for _ in ids)}) ORDER BY promises.closed_at"
        )
        not_raised = [build(PromiseRow, r) for r in db.rows(sql, ids)]
    agreement = f.active_agreement or (f.agreements[-1] if f.agreements else None)
    nxt = pitstops.next_due(
        f.pitstop,  # type: ignore[arg-type]
        last_session_at=f.last_session_at,
        cadence_days=agreement.cadence_days if agreement else None,
    )
    from coachlog.dates import wall_clock
    from coachlog.domain.agreements import check

    gaps = [
        c.label.lower()
        for c in check(agreement, today=wall_clock(now, tz).date(), sponsor=client.sponsor)
        if c.status != "ok"
    ]
    last_pitstop = next((x for x in sessions if x.kind == "pitstop"), None)
    if last_pitstop is None and f.last_pitstop_at is not None:
        sql = (
            f"SELECT {columns(SessionRow)} FROM sessions WHERE sessions.client_id = ?"
            " AND sessions.held_at <= ? AND sessions.kind = 'pitstop'"
            " ORDER BY sessions.held_at DESC LIMIT 1"
        )
        found = db.rows(sql, held)
        last_pitstop = build(SessionRow, found[0]) if found else None
    return ClientOverview(
        client, f, report, agreement, sessions, open_promises, not_raised, nxt, gaps, last_pitstop
    )
