"""The screens' data: the dashboard's rows and a client's overview (client show, prep),
composed from the facts (services/facts.py) and the trust checklist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from coachlog.models import Agreement, Client, CoachingSession, Promise
from coachlog.services import pitstops
from coachlog.services.facts import Facts, P, S, gather_facts, held
from coachlog.services.trust import evaluate_facts
from coachlog.words import count as count_words


def active_clients(session: Session) -> list[Client]:
    from coachlog.services.common import clients_query

    return list(
        session.exec(
            clients_query(session)
            .where(Client.status == "active")
            .order_by(func.lower(Client.name))
        ).all()
    )


# ---------------------------------------------------------------------------- the dashboard


@dataclass
class DashboardRow:
    client: Client
    facts: Facts
    report: Any  # trust.TrustReport
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

    def as_json(self, now: datetime, tz: str) -> dict[str, Any]:
        from coachlog.dates import wall_clock
        from coachlog.records import value

        f = self.facts
        rate = f.coach.rate
        return {
            "id": self.client.id,
            "client": self.client.name,
            "sessions": f.sessions,
            "last_session_at": value(f.last_session_at),
            "open_promises": f.coach.open + f.client.open,
            "open_coach_promises": f.coach.open,
            "open_client_promises": f.client.open,
            "overdue_coach_promises": len(f.coach.overdue),
            "overdue_client_promises": len(f.client.overdue),
            "broken_not_raised": len(f.coach.not_raised),
            "kept_on_time_rate": None if rate is None else round(rate, 3),
            "trust_score": self.report.score,
            "pitstop_due": bool(f.pitstop and f.pitstop.due),
            "next_pitstop_on": (
                wall_clock(self.next_pitstop, tz).date().isoformat() if self.next_pitstop else None
            ),
            "trust_pulse": list(f.pulses),
            "attention": self.reasons(now),
        }


def dashboard(session: Session, *, now: datetime, tz: str) -> list[DashboardRow]:
    """Every active client, whoever needs attention first on top (see DashboardRow)."""

    clients = active_clients(session)
    facts = gather_facts(session, clients, now=now)
    rows = []
    for c in clients:
        f = facts[c.id]  # type: ignore[index]
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
    client: Client
    facts: Facts
    report: Any  # trust.TrustReport
    agreement: Agreement | None  # the active one, else the latest
    sessions: list[CoachingSession]  # the last few, newest first
    open_promises: list[Promise]  # by due time, overdue first
    not_raised: list[Promise]  # the coach's broken promises not yet raised
    next_pitstop: datetime | None
    agreement_gaps: list[str] = field(default_factory=list)  # agreements.check, not ok
    last_pitstop: CoachingSession | None = None  # what the client asked for there

    @property
    def last_session(self) -> CoachingSession | None:
        return self.sessions[0] if self.sessions else None


def client_overview(
    session: Session, client: Client, *, now: datetime, tz: str, recent: int = 5
) -> ClientOverview:

    f = gather_facts(session, [client], now=now)[client.id]  # type: ignore[index]
    report = evaluate_facts(client, f, now=now, tz=tz)
    sessions = list(
        session.exec(
            select(S)
            .where(held(client.id, now))  # type: ignore[arg-type]
            .order_by(col(S.held_at).desc(), col(S.id).desc())
            .limit(recent)
        ).all()
    )
    open_promises = list(
        session.exec(
            select(P)
            .where(P.client_id == client.id, P.status == "open")
            .order_by(col(P.due_at), col(P.id))
        ).all()
    )
    ids = [r.id for r in f.coach.not_raised]
    not_raised = (
        list(session.exec(select(P).where(col(P.id).in_(ids)).order_by(col(P.closed_at))).all())
        if ids
        else []
    )
    agreement = f.active_agreement or (f.agreements[-1] if f.agreements else None)
    nxt = pitstops.next_due(
        f.pitstop,  # type: ignore[arg-type]
        last_session_at=f.last_session_at,
        cadence_days=agreement.cadence_days if agreement else None,
    )
    from coachlog.dates import wall_clock
    from coachlog.services.agreements import check

    gaps = [
        c.label.lower()
        for c in check(agreement, today=wall_clock(now, tz).date(), sponsor=client.sponsor)
        if c.status != "ok"
    ]
    last_pitstop = next((x for x in sessions if x.kind == "pitstop"), None)
    if last_pitstop is None and f.last_pitstop_at is not None:
        last_pitstop = session.exec(
            select(S)
            .where(held(client.id, now), S.kind == "pitstop")  # type: ignore[arg-type]
            .order_by(col(S.held_at).desc())
            .limit(1)
        ).first()
    return ClientOverview(
        client, f, report, agreement, sessions, open_promises, not_raised, nxt, gaps, last_pitstop
    )
