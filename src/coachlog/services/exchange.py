"""Records leaving and entering the store whole.

Export: the interchange document (SPEC §6), and the per-client bundles the Markdown and
iCalendar writers read. Import: a file is checked completely before anything is written
(every record, every key, every reference), then written in one transaction with bulk
inserts, matching records by uid so that importing the same file twice changes nothing.
The rules for a uid that exists already are in docs/interchange.md."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from coachlog.models import Agreement, Client, CoachingSession, Promise
from coachlog.services import records as rec
from coachlog.services.common import clients_query, scope

FORMAT, VERSION, TABLES = rec.FORMAT, rec.VERSION, rec.TABLES
MODELS: dict[str, Any] = {
    "clients": Client,
    "agreements": Agreement,
    "sessions": CoachingSession,
    "promises": Promise,
}
CHUNK = 500  # uids per IN (...) list: well under every database's parameter limit


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True)
class Window:
    """--since / --until: sessions by held_at, promises by made_at; both ends included."""

    since: datetime | None = None
    until: datetime | None = None

    def where(self, stmt: Any, column: Any) -> Any:
        if self.since is not None:
            stmt = stmt.where(column >= self.since)
        if self.until is not None:
            stmt = stmt.where(column <= self.until)
        return stmt


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


def build_document(
    session: Session,
    *,
    clients: list[Client],
    now: datetime,
    window: Window = Window(),
    whole: bool = False,
) -> dict[str, Any]:
    """The interchange document for `clients` (whole=True: every client of the coach).
    It is always complete: private sessions and reflections included, since this is how a
    coach moves their own practice. A promise made in a session outside the window brings
    that session along, so the file never refers to a session it lacks."""
    by_id = {c.id: c for c in clients}
    agreements = session.exec(_rows(session, Agreement, clients, whole)).all()
    sessions = list(
        session.exec(
            window.where(
                _rows(session, CoachingSession, clients, whole), col(CoachingSession.held_at)
            )
        ).all()
    )
    promises = session.exec(
        window.where(_rows(session, Promise, clients, whole), col(Promise.made_at))
    ).all()
    have = {s.id for s in sessions}
    missing = {p.session_id for p in promises if p.session_id is not None} - have
    for chunk in _chunks(missing):
        sessions += session.exec(
            select(CoachingSession).where(col(CoachingSession.id).in_(chunk))
        ).all()
    order = {c.id: i for i, c in enumerate(clients)}
    session_uid = {s.id: s.uid for s in sessions}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": rec.value(now),
        "clients": [rec.client_record(c) for c in clients],
        "agreements": [
            rec.agreement_record(a, by_id[a.client_id])
            for a in sorted(agreements, key=lambda a: (order[a.client_id], a.version))
        ],
        "sessions": [
            rec.session_record(s, by_id[s.client_id])
            for s in sorted(sessions, key=lambda s: (s.held_at, s.uid))
        ],
        "promises": [
            rec.promise_record(p, by_id[p.client_id], session_uid.get(p.session_id))
            for p in sorted(promises, key=lambda p: (p.made_at, p.uid))
        ],
    }


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
            select(CoachingSession).where(CoachingSession.client_id == client.id),
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
    try:
        from coachlog.services.trust import evaluate  # written alongside; optional here
    except ImportError:
        evaluate = None
    if evaluate is not None:
        checklist = evaluate(session, client, now=now, tz=tz)
    return Bundle(client, agreement, sessions, promises, period, include_private, checklist)


def open_promises(
    session: Session, clients: list[Client], *, window: Window = Window(), whole: bool = False
) -> list[tuple[Promise, Client]]:
    """Open promises (both owners), soonest due first, for the calendar."""
    by_id = {c.id: c for c in clients}
    stmt = window.where(_rows(session, Promise, clients, whole), col(Promise.made_at))
    found = session.exec(stmt.where(Promise.status == "open")).all()
    ordered = sorted(found, key=lambda p: (p.due_at, p.uid))
    return [(p, by_id[p.client_id]) for p in ordered if p.client_id in by_id]


# --- import: matching against the store and writing -----------------------------------------


@dataclass
class Outcome:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {t: Counter() for t in TABLES})
    dry_run: bool = False

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())


@dataclass
class Action:
    verb: str  # added | updated | unchanged | kept
    where: str
    values: dict[str, Any]
    existing: Any | None = None


def _existing(session: Session, model: Any, uids: Iterable[str]) -> dict[str, Any]:
    """Rows by uid, across all coaches: a uid held by another coach's record must be
    refused by name, not collide in the unique index."""
    out: dict[str, Any] = {}
    for chunk in _chunks(sorted(set(uids))):
        out.update((o.uid, o) for o in session.exec(select(model).where(col(model.uid).in_(chunk))))
    return out


def _store_record(table: str, obj: Any, client: Client, session_uids: dict[int, str]) -> Any:
    if table == "clients":
        return rec.client_record(obj)
    if table == "agreements":
        return rec.agreement_record(obj, client)
    if table == "sessions":
        return rec.session_record(obj, client)
    return rec.promise_record(obj, client, session_uids.get(obj.session_id))


def plan(session: Session, checked: rec.Checked, *, name: str) -> dict[str, dict[str, Action]]:
    """Decide, record by record, what importing would do; refuse the whole file if any
    reference dangles or the result would break a rule of the store (unique names,
    one version number per agreement)."""
    problems = rec.Problems()
    mine = {c.uid: c for c in session.exec(clients_query(session)).all()}
    by_cid = {c.id: c for c in mine.values()}
    steps: dict[str, dict[str, Action]] = {}
    for table in TABLES:
        rows = [(w, v) for w, v in checked.tables[table] if "uid" in v]
        existing = _existing(session, MODELS[table], (v["uid"] for _, v in rows))
        session_uids: dict[int, str] = {}
        if table == "promises":
            ids = {o.session_id for o in existing.values() if o.session_id is not None}
            for chunk in _chunks(ids):
                stmt = select(CoachingSession.id, CoachingSession.uid)
                session_uids.update(
                    session.exec(stmt.where(col(CoachingSession.id).in_(chunk))).all()
                )
        steps[table] = {}
        for where, values in rows:
            obj = existing.get(values["uid"])
            action = Action("added", where, values)
            if obj is not None:
                owner = mine.get(obj.uid) if table == "clients" else by_cid.get(obj.client_id)
                if owner is None:
                    problems.add(where, "uid", "is a record of another coach on this server")
                    continue
                ours = {k: rec.value(v) for k, v in values.items()}
                theirs = _store_record(table, obj, owner, session_uids)
                if all(theirs[k] == v for k, v in ours.items()):
                    verb = "unchanged"
                elif values.get("updated_at") and values["updated_at"] > obj.updated_at:
                    verb = "updated"
                else:
                    verb = "kept"
                action = Action(verb, where, values, obj)
            steps[table][values["uid"]] = action
    _check_references(session, steps, mine, by_cid, problems)
    _check_final_state(session, steps, mine, problems)
    problems.raise_if_any(name)
    return steps


def _check_references(
    session: Session,
    steps: dict[str, dict[str, Action]],
    mine: dict[str, Client],
    by_cid: dict[int, Client],
    problems: rec.Problems,
) -> None:
    clients = set(steps["clients"]) | set(mine)
    for table in ("agreements", "sessions", "promises"):
        for a in steps[table].values():
            ref = a.values.get("client_uid")
            if ref is not None and ref not in clients:
                problems.add(a.where, "client_uid", f"no client {ref} in the file or the store")
    # A promise's session: in the file, or in the store; and of the same client.
    session_client = {uid: a.values.get("client_uid") for uid, a in steps["sessions"].items()}
    wanted = {a.values.get("session_uid") for a in steps["promises"].values()}
    outside = _existing(
        session, CoachingSession, {u for u in wanted if u and u not in session_client}
    )
    for uid, s in outside.items():
        if s.client_id in by_cid:
            session_client[uid] = by_cid[s.client_id].uid
    for a in steps["promises"].values():
        ref = a.values.get("session_uid")
        if ref is None:
            continue
        if ref not in session_client:
            problems.add(a.where, "session_uid", f"no session {ref} in the file or the store")
        elif session_client[ref] != a.values.get("client_uid"):
            problems.add(a.where, "session_uid", "that session belongs to another client")


def _written(actions: dict[str, Action]) -> Iterator[Action]:
    return (a for a in actions.values() if a.verb in ("added", "updated"))


def _check_final_state(
    session: Session,
    steps: dict[str, dict[str, Action]],
    mine: dict[str, Client],
    problems: rec.Problems,
) -> None:
    """The store after the import must still have one client per name (any case) and one
    agreement per (client, version): check the result, not each record alone."""
    names = {uid: c.name for uid, c in mine.items()}
    names.update((a.values["uid"], a.values["name"]) for a in _written(steps["clients"]))
    holders: dict[str, list[str]] = {}
    for uid, n in names.items():
        holders.setdefault(n.casefold(), []).append(uid)
    for a in _written(steps["clients"]):
        others = [u for u in holders[a.values["name"].casefold()] if u != a.values["uid"]]
        stored = [mine[u] for u in others if u in mine]
        if stored:
            problems.add(
                a.where,
                "name",
                f"{json.dumps(a.values['name'])} is already the name of another client "
                f"in this store (id {stored[0].id}); rename one of them first",
            )
    written = list(_written(steps["agreements"]))
    ids = {mine[a.values["client_uid"]].id for a in written if a.values.get("client_uid") in mine}
    final: dict[str, tuple[str, int]] = {}
    uid_of = {c.id: c.uid for c in mine.values()}
    for chunk in _chunks(ids):
        stmt = select(Agreement.uid, Agreement.client_id, Agreement.version)
        for uid, cid, version in session.exec(stmt.where(col(Agreement.client_id).in_(chunk))):
            final[uid] = (uid_of[cid], version)
    final.update((a.values["uid"], (a.values["client_uid"], a.values["version"])) for a in written)
    taken: dict[tuple[str, int], list[str]] = {}
    for uid, key in final.items():
        taken.setdefault(key, []).append(uid)
    for a in written:
        key = (a.values["client_uid"], a.values["version"])
        if len(taken[key]) > 1:
            problems.add(
                a.where, "version", f"the client already has an agreement version {key[1]}"
            )


def apply(session: Session, steps: dict[str, dict[str, Action]]) -> None:
    """Write the plan: bulk inserts and bulk updates by primary key, parents first."""
    from sqlalchemy import insert, update

    coach = session.info.get("coach_name") or ""

    def ids_of(model: Any, uids: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(uids))):
            stmt = select(model.uid, model.id).where(col(model.uid).in_(chunk))
            out.update(session.exec(stmt).all())
        return out

    def write(model: Any, actions: dict[str, Action], convert: Any) -> None:
        adds, changes = [], []
        for a in actions.values():
            if a.verb == "added":
                adds.append(convert(a.values, None))
            elif a.verb == "updated":
                changes.append({"id": a.existing.id, **convert(a.values, a.existing)})
        if adds:
            session.execute(insert(model), adds)
        if changes:
            session.execute(update(model), changes)

    def client_row(v: dict[str, Any], old: Any) -> dict[str, Any]:
        row = dict(v)
        for key in rec.OPTIONAL_KEYS:  # absent from an older file: keep what the store has
            row.setdefault(key, getattr(old, key) if old is not None else None)
        if old is None:
            row["coach"] = coach
        return row

    write(Client, steps["clients"], client_row)
    wanted = {a.values["client_uid"] for t in TABLES[1:] for a in _written(steps[t])}
    client_id = ids_of(Client, wanted)

    def child_row(v: dict[str, Any], old: Any) -> dict[str, Any]:
        row = {k: x for k, x in v.items() if k not in ("client_uid", "session_uid")}
        row["client_id"] = client_id[v["client_uid"]]
        return row

    write(Agreement, steps["agreements"], child_row)
    write(CoachingSession, steps["sessions"], child_row)
    refs = {a.values["session_uid"] for a in _written(steps["promises"])} - {None}
    session_id = ids_of(CoachingSession, refs)

    def promise_row(v: dict[str, Any], old: Any) -> dict[str, Any]:
        row = child_row(v, old)
        row["session_id"] = session_id[v["session_uid"]] if v["session_uid"] else None
        return row

    write(Promise, steps["promises"], promise_row)


def import_document(
    session: Session, checked: rec.Checked, *, name: str, dry_run: bool = False
) -> Outcome:
    """Match every record by uid and write the difference in this (one) transaction."""
    steps = plan(session, checked, name=name)
    outcome = Outcome(dry_run=dry_run)
    for table in TABLES:
        for action in steps[table].values():
            outcome.counts[table][action.verb] += 1
    if not dry_run:
        apply(session, steps)
    return outcome
