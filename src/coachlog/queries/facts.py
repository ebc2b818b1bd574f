"""What the trust checklist, the dashboard, prep and the client page know about a client
(domain/facts.Facts), computed in the database.

Counts, first/last dates and rates come from GROUP BY aggregates over all the clients asked
for at once; per-client lists (the last 10 sessions, the trust pulses) come from LIMITed
queries that walk the (client_id, held_at) index backwards. Nothing here loads a client's
whole history into Python, so a 10-year store reads about as fast as a 1-year one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from coachlog.domain import pitstops
from coachlog.domain.facts import (
    PULSES,
    RECENT,
    RELIABILITY_DAYS,
    Facts,
    Recent,
    Ref,
    Side,
)
from coachlog.queries.db import Reader, instant
from coachlog.queries.rows import AgreementRow, build, columns


def marks(ids: list[int]) -> str:
    """The placeholders of an IN list: '?, ?, ?'."""
    return ", ".join("?" for _ in ids)


def gather_facts(db: Reader, clients: list[Any], *, now: datetime) -> dict[int, Facts]:
    """Facts for each client (rows or models with id and the pit-stop rhythm), by id."""
    ids = [c.id for c in clients if c.id is not None]
    facts = {i: Facts(client_id=i) for i in ids}
    if not ids:
        return facts
    _session_counts(db, ids, now, facts)
    _promise_facts(db, ids, now, facts)
    sql = (
        f"SELECT {columns(AgreementRow)} FROM agreements WHERE agreements.client_id IN"
        f" ({marks(ids)}) ORDER BY agreements.client_id, agreements.version"
    )
    for row in db.rows(sql, ids):
        a = build(AgreementRow, row)
        facts[a.client_id].agreements.append(a)
    recent = _recent_all(db, [i for i in ids if facts[i].sessions], now)
    for client in clients:
        f = facts[client.id]
        _recent(db, f, now, recent.get(f.client_id, []))
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


def status_for(db: Reader, client: Any, *, now: datetime) -> pitstops.PitstopStatus:
    """The pit-stop due rule for one client, from a few indexed queries."""
    status = gather_facts(db, [client], now=now)[client.id].pitstop
    assert status is not None  # gather_facts fills it for every client
    return status


def _session_counts(db: Reader, ids: list[int], now: datetime, facts: dict[int, Facts]) -> None:
    sql = (
        "SELECT client_id, COUNT(*), MIN(held_at), MAX(held_at) FROM sessions"
        f" WHERE client_id IN ({marks(ids)}) AND held_at <= ? GROUP BY client_id"
    )
    for client_id, count, first, last in db.rows(sql, [*ids, db.bind(now)]):
        f = facts[client_id]
        f.sessions, f.first_session_at, f.last_session_at = count, instant(first), instant(last)


def _recent_all(db: Reader, ids: list[int], now: datetime) -> dict[int, list[Any]]:
    """The last RECENT sessions of every client in one query (a window function), newest
    first: one round trip instead of one per client on the dashboard and the matrix."""
    if not ids:
        return {}
    sql = (
        "SELECT client_id, id, held_at, kind, trust_pulse, reflected FROM ("
        " SELECT client_id, id, held_at, kind, trust_pulse,"
        " LENGTH(TRIM(reflection)) AS reflected,"
        " ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY held_at DESC, id DESC) AS position"
        f" FROM sessions WHERE client_id IN ({marks(ids)}) AND held_at <= ?"
        ") AS ranked WHERE position <= ? ORDER BY client_id, position"
    )
    out: dict[int, list[Any]] = {}
    for row in db.rows(sql, [*ids, db.bind(now), RECENT]):
        out.setdefault(row[0], []).append(row[1:6])
    return out


HELD = "client_id = ? AND held_at <= ?"


def _recent(db: Reader, f: Facts, now: datetime, rows: list[Any]) -> None:
    """The last sessions, the pulses, the last pit-stop and what came after it. The last
    10 sessions (`rows`, newest first) usually answer everything; older history is asked
    for only when needed."""
    if not f.sessions:
        return
    held = (f.client_id, db.bind(now))
    f.recent = [Recent(r[0], instant(r[1]), r[2], r[3], bool(r[4])) for r in rows]  # type: ignore[arg-type]
    pulses = [r.trust_pulse for r in f.recent if r.trust_pulse is not None]
    if len(pulses) < PULSES and f.sessions > len(f.recent):
        sql = (
            f"SELECT trust_pulse FROM sessions WHERE {HELD} AND trust_pulse IS NOT NULL"
            " ORDER BY held_at DESC LIMIT ?"
        )
        pulses = [p for (p,) in db.rows(sql, [*held, PULSES]) if p is not None]
    f.pulses = [int(p) for p in reversed(pulses[:PULSES])]
    complete = f.sessions <= len(f.recent)  # the recent list is the whole history
    if complete:
        f.first_session_kind = f.recent[-1].kind
    else:
        sql = f"SELECT kind FROM sessions WHERE {HELD} ORDER BY held_at, id LIMIT 1"
        f.first_session_kind = db.value(sql, held)
    newest_pit = next((r for r in f.recent if r.kind == "pitstop"), None)
    if newest_pit is not None or complete:
        f.last_pitstop_at = newest_pit.held_at if newest_pit else None
        f.regular_since = sum(
            1
            for r in f.recent
            if r.kind == "regular" and (newest_pit is None or r.held_at > newest_pit.held_at)
        )
        return
    sql = (
        f"SELECT held_at FROM sessions WHERE {HELD} AND kind = 'pitstop'"
        " ORDER BY held_at DESC LIMIT 1"
    )
    f.last_pitstop_at = instant(db.value(sql, held))
    sql = f"SELECT COUNT(*) FROM sessions WHERE {HELD} AND kind = 'regular'"
    params: list[Any] = [*held]
    if f.last_pitstop_at is not None:
        sql += " AND held_at > ?"
        params.append(db.bind(f.last_pitstop_at))
    f.regular_since = int(db.value(sql, params, default=0))


def _promise_facts(db: Reader, ids: list[int], now: datetime, facts: dict[int, Facts]) -> None:
    def side(client_id: int, owner: str) -> Side:
        f = facts[client_id]
        return f.coach if owner == "coach" else f.client

    mine = f"client_id IN ({marks(ids)})"
    # open promises, by owner (index on client_id, status)
    sql = (
        f"SELECT client_id, owner, COUNT(*) FROM promises WHERE {mine} AND status = 'open'"
        " GROUP BY client_id, owner"
    )
    for client_id, owner, n in db.rows(sql, ids):
        side(client_id, owner).open = n
    # the overdue ones themselves, oldest first (index on status, due_at)
    sql = (
        "SELECT id, client_id, owner, due_at FROM promises"
        f" WHERE status = 'open' AND due_at < ? AND {mine} ORDER BY due_at, id"
    )
    for pid, client_id, owner, due in db.rows(sql, [db.bind(now), *ids]):
        side(client_id, owner).overdue.append(Ref(pid, instant(due)))  # type: ignore[arg-type]
    # the coach's reliability in the last 90 days: kept on time out of kept or broken
    since = now - timedelta(days=RELIABILITY_DAYS)
    sql = (
        "SELECT client_id, owner, COUNT(*),"
        " SUM(CASE WHEN status = 'kept' AND closed_at <= due_at THEN 1 ELSE 0 END)"
        f" FROM promises WHERE {mine} AND status IN ('kept', 'broken')"
        " AND closed_at >= ? AND closed_at <= ? GROUP BY client_id, owner"
    )
    for client_id, owner, closed, kept in db.rows(sql, [*ids, db.bind(since), db.bind(now)]):
        s = side(client_id, owner)
        s.closed_recent, s.on_time_recent = closed, int(kept or 0)
    # broken promises: repaired? raised at a session held since it was broken?
    sql = (
        "SELECT p.id, p.client_id, p.owner, p.closed_at,"
        " (p.repair IS NULL OR TRIM(p.repair) = ''),"
        " EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = p.client_id"
        " AND s.held_at > p.closed_at AND s.held_at <= ?)"
        f" FROM promises p WHERE p.{mine} AND p.status = 'broken' ORDER BY p.closed_at, p.id"
    )
    for pid, client_id, owner, closed_at, unrepaired, raised in db.rows(sql, [db.bind(now), *ids]):
        s = side(client_id, owner)
        s.broken += 1
        at = instant(closed_at) or now
        if unrepaired:
            s.unrepaired.append(Ref(pid, at))
        if not raised:
            s.not_raised.append(Ref(pid, at))
