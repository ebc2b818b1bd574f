"""What the trust checklist, the dashboard, prep and the client page know about a client,
computed in the database.

Counts, first/last dates and rates come from GROUP BY aggregates over all the clients asked
for at once; per-client lists (the last 10 sessions, the trust pulses) come from LIMITed
queries that walk the (client_id, held_at) index backwards. Nothing here loads a client's
whole history into Python, so a 10-year store renders about as fast as a 1-year one.
Every query is portable SQLAlchemy (SQLite and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import and_, case, exists, func, or_
from sqlmodel import Session, col, select

from coachlog.domain.ahead import HELD
from coachlog.models import Agreement, Client, CoachingSession, Promise
from coachlog.services import pitstops
from coachlog.services.pitstops import PitstopStatus

S, P = CoachingSession, Promise

RECENT = 10  # sessions the consistency and learning checks look at (SPEC §5, checks 9, 11)
PULSES = 8  # trust pulses in a sparkline
RELIABILITY_DAYS = 90  # check 5's window ...
RELIABILITY_MIN = 3  # ... and how many closed promises it needs to judge
LATE_DAYS = 7  # check 8: a client commitment this many days past due needs a conversation


@dataclass
class Recent:
    id: int
    held_at: datetime
    kind: str
    trust_pulse: int | None
    reflected: bool


@dataclass
class Ref:
    """A promise named in evidence: its id and the instant that matters (due or broken)."""

    id: int
    at: datetime


@dataclass
class Side:
    """One owner's promises (the coach's or the client's)."""

    open: int = 0
    overdue: list[Ref] = field(default_factory=list)  # open and past due, oldest first
    closed_recent: int = 0  # kept or broken, closed in the last 90 days
    on_time_recent: int = 0  # of those, kept on time
    broken: int = 0
    unrepaired: list[Ref] = field(default_factory=list)  # broken without a repair
    not_raised: list[Ref] = field(default_factory=list)  # broken, no session since

    def late(self, now: datetime, days: int = LATE_DAYS) -> list[Ref]:
        return [r for r in self.overdue if r.at < now - timedelta(days=days)]

    @property
    def rate(self) -> float | None:
        """Kept on time / closed in the last 90 days; None with too few to judge (as
        trust check 5), so that one broken promise does not read as '0%'."""
        if self.closed_recent < RELIABILITY_MIN:
            return None
        return self.on_time_recent / self.closed_recent


@dataclass
class Facts:
    client_id: int
    sessions: int = 0  # held by now, every kind
    first_session_at: datetime | None = None
    first_session_kind: str | None = None
    last_session_at: datetime | None = None
    last_pitstop_at: datetime | None = None
    regular_since: int = 0  # regular sessions after the last pit-stop (or since the start)
    recent: list[Recent] = field(default_factory=list)  # newest first
    pulses: list[int] = field(default_factory=list)  # oldest first
    coach: Side = field(default_factory=Side)
    client: Side = field(default_factory=Side)
    agreements: list[Agreement] = field(default_factory=list)  # by version
    pitstop: pitstops.PitstopStatus | None = None

    @property
    def active_agreement(self) -> Agreement | None:
        active = [a for a in self.agreements if a.status == "active"]
        return active[-1] if active else None

    @property
    def first_agreement(self) -> Agreement | None:
        return self.agreements[0] if self.agreements else None


def _ids(clients: list[Client]) -> list[int]:
    return [c.id for c in clients if c.id is not None]


def gather_facts(session: Session, clients: list[Client], *, now: datetime) -> dict[int, Facts]:
    """Facts for each client, keyed by client id."""
    ids = _ids(clients)
    facts = {i: Facts(client_id=i) for i in ids}
    if not ids:
        return facts
    _session_counts(session, ids, now, facts)
    _promise_facts(session, ids, now, facts)
    for a in session.exec(
        select(Agreement)
        .where(col(Agreement.client_id).in_(ids))
        .order_by(col(Agreement.client_id), col(Agreement.version))
    ).all():
        facts[a.client_id].agreements.append(a)
    recent = _recent_all(session, [i for i in ids if facts[i].sessions], now)
    for client in clients:
        f = facts[client.id]  # type: ignore[index]
        _recent(session, f, now, recent.get(f.client_id, []))
        n, w = pitstops.every(client)
        f.pitstop = pitstops.due_status(
            sessions=f.sessions,
            first_session_at=f.first_session_at,
            last_pitstop_at=f.last_pitstop_at,
            regular_since=f.regular_since,
            every_sessions=n,
            every_weeks=w,
            now=now,
        )
    return facts


def _session_counts(session: Session, ids: list[int], now: datetime, facts: dict) -> None:
    rows = session.exec(
        select(col(S.client_id), func.count(), func.min(S.held_at), func.max(S.held_at))
        .where(col(S.client_id).in_(ids), col(S.held_at) <= now, col(S.status) == HELD)
        .group_by(col(S.client_id))
    ).all()
    for client_id, count, first, last in rows:
        f = facts[client_id]
        f.sessions, f.first_session_at, f.last_session_at = count, first, last


def held(client_id: int, now: datetime) -> Any:
    """The client's sessions that count: held by now (planned and cancelled ones do not,
    SPEC §4a)."""
    return and_(col(S.client_id) == client_id, col(S.held_at) <= now, col(S.status) == HELD)


def _recent_all(session: Session, ids: list[int], now: datetime) -> dict[int, list[Any]]:
    """The last RECENT sessions of every client in one query (a window function), newest
    first: one round trip instead of one per client on the dashboard and the matrix."""
    if not ids:
        return {}
    position = (
        func.row_number()
        .over(partition_by=col(S.client_id), order_by=(col(S.held_at).desc(), col(S.id).desc()))
        .label("position")
    )
    ranked = (
        sa.select(
            col(S.client_id),
            col(S.id),
            col(S.held_at),
            col(S.kind),
            col(S.trust_pulse),
            func.length(func.trim(S.reflection)).label("reflected"),
            position,
        )
        .where(col(S.client_id).in_(ids), col(S.held_at) <= now, col(S.status) == HELD)
        .subquery()
    )
    out: dict[int, list[Any]] = {}
    # session.execute, not exec: sqlmodel's exec would return only the first column here.
    for row in session.execute(
        select(*ranked.c)
        .where(ranked.c.position <= RECENT)
        .order_by(ranked.c.client_id, ranked.c.position)
    ).all():
        out.setdefault(row[0], []).append(row[1:6])
    return out


def _recent(session: Session, f: Facts, now: datetime, rows: list[Any]) -> None:
    """The last sessions, the pulses, the last pit-stop and what came after it. The last
    10 sessions (`rows`, newest first) usually answer everything; older history is asked
    for only when needed."""
    if not f.sessions:
        return
    f.recent = [Recent(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]
    pulses = [r.trust_pulse for r in f.recent if r.trust_pulse is not None]
    if len(pulses) < PULSES and f.sessions > len(f.recent):
        pulses = [
            p
            for p in session.exec(
                select(col(S.trust_pulse))
                .where(held(f.client_id, now), col(S.trust_pulse).is_not(None))
                .order_by(col(S.held_at).desc())
                .limit(PULSES)
            ).all()
            if p is not None
        ]
    f.pulses = [int(p) for p in reversed(pulses[:PULSES])]
    complete = f.sessions <= len(f.recent)  # the recent list is the whole history
    if complete:
        f.first_session_kind = f.recent[-1].kind
    else:
        f.first_session_kind = session.exec(
            select(S.kind)
            .where(held(f.client_id, now))
            .order_by(col(S.held_at), col(S.id))
            .limit(1)
        ).first()
    newest_pit = next((r for r in f.recent if r.kind == "pitstop"), None)
    if newest_pit is not None or complete:
        f.last_pitstop_at = newest_pit.held_at if newest_pit else None
        f.regular_since = sum(
            1
            for r in f.recent
            if r.kind == "regular" and (newest_pit is None or r.held_at > newest_pit.held_at)
        )
        return
    f.last_pitstop_at = session.exec(
        select(S.held_at)
        .where(held(f.client_id, now), S.kind == "pitstop")
        .order_by(col(S.held_at).desc())
        .limit(1)
    ).first()
    since = [held(f.client_id, now), S.kind == "regular"]
    if f.last_pitstop_at is not None:
        since.append(col(S.held_at) > f.last_pitstop_at)
    f.regular_since = session.exec(select(func.count()).select_from(S).where(*since)).one()


def _promise_facts(session: Session, ids: list[int], now: datetime, facts: dict) -> None:
    def side(client_id: int, owner: str) -> Side:
        f = facts[client_id]
        return f.coach if owner == "coach" else f.client

    mine = col(P.client_id).in_(ids)
    # open promises, by owner (index on client_id, status)
    for client_id, owner, count in session.exec(
        select(col(P.client_id), col(P.owner), func.count())
        .where(mine, col(P.status) == "open")
        .group_by(col(P.client_id), col(P.owner))
    ).all():
        side(client_id, owner).open = count
    # the overdue ones themselves, oldest first (index on status, due_at)
    for pid, client_id, owner, due in session.exec(
        select(col(P.id), col(P.client_id), col(P.owner), col(P.due_at))
        .where(col(P.status) == "open", col(P.due_at) < now, mine)
        .order_by(col(P.due_at), col(P.id))
    ).all():
        side(client_id, owner).overdue.append(Ref(cast(int, pid), due))  # ids are never null
    # the coach's reliability in the last 90 days: kept on time out of kept or broken
    since = now - timedelta(days=RELIABILITY_DAYS)
    on_time = case((and_(col(P.status) == "kept", col(P.closed_at) <= col(P.due_at)), 1), else_=0)
    for client_id, owner, closed, kept in session.exec(
        select(col(P.client_id), col(P.owner), func.count(), func.sum(on_time))
        .where(
            mine,
            col(P.status).in_(("kept", "broken")),
            col(P.closed_at) >= since,
            col(P.closed_at) <= now,
        )
        .group_by(col(P.client_id), col(P.owner))
    ).all():
        s = side(client_id, owner)
        s.closed_recent, s.on_time_recent = closed, int(kept or 0)
    # broken promises: repaired? raised at a session held since it was broken?
    later = exists().where(
        col(S.client_id) == col(P.client_id),
        col(S.held_at) > col(P.closed_at),
        col(S.held_at) <= now,
        col(S.status) == HELD,
    )
    no_repair = or_(col(P.repair).is_(None), func.trim(P.repair) == "")
    # sqlalchemy's select: sqlmodel's typed select stops at four columns.
    for pid, client_id, owner, closed_at, unrepaired, raised in session.execute(
        sa.select(col(P.id), col(P.client_id), col(P.owner), col(P.closed_at), no_repair, later)
        .where(mine, col(P.status) == "broken")
        .order_by(col(P.closed_at), col(P.id))
    ).all():
        s = side(client_id, owner)
        s.broken += 1
        at = closed_at or now
        if unrepaired:
            s.unrepaired.append(Ref(pid, at))
        if not raised:
            s.not_raised.append(Ref(pid, at))


def status_for(session: Any, client: Any, *, now: datetime) -> PitstopStatus:
    """The due rule for one client, from a few indexed queries."""
    facts = gather_facts(session, [client], now=now)[client.id]
    assert facts.pitstop is not None  # gather_facts fills it for every client
    return facts.pitstop
