"""Import, against the store: a file checked on its own (interchange.check) is matched
record by record by uid against the store and every reference resolved, refusing the whole
file on any problem before anything is written; then it is written in one transaction with
bulk inserts and updates. Importing the same file twice changes nothing; the rules for a uid
that exists already are in docs/interchange.md.

Clients and agreements are few and planned whole. Sessions and promises are many: only
their uids and references are held (from the first reading of the file); they are read
again from the file a chunk at a time, compared with the store's copies of that chunk, and
written, so the memory an import needs does not grow with the file.

A promise made in a session belongs to that session's client, always (SPEC §7): a session
the import moves to another client takes the promises made in it along, those in the file
and those only in the store, and a promise in the file that names another client than its
session is refused by name (docs/interchange.md, "A session moved to another client")."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from coachlog import records as rec
from coachlog.models import Agreement, Client, CoachingSession, Promise
from coachlog.records import TABLES
from coachlog.services import interchange
from coachlog.services.common import clients_query, coach_of
from coachlog.services.tables import CHUNK, MODELS, chunks, columns


@dataclass
class Outcome:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {t: Counter() for t in TABLES})
    dry_run: bool = False
    # Promises whose client changed (or would) because the session they were made in moved.
    promises_moved: int = 0

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())


@dataclass
class Action:
    verb: str  # added | updated | unchanged | kept
    where: str
    values: dict[str, Any]
    existing: Any = None  # the stored row, for an update


# Planned whole (few records) / read again from the file a chunk at a time (many).
SMALL, LARGE = ("clients", "agreements", "learning"), ("sessions", "promises")


def _existing(session: Session, model: Any, uids: Iterable[str]) -> dict[str, Any]:
    """Rows by uid, across all coaches: a uid held by another coach's record must be
    refused by name, not collide in the unique index."""
    out: dict[str, Any] = {}
    for chunk in chunks(sorted(set(uids))):
        out.update((o.uid, o) for o in session.exec(select(model).where(col(model.uid).in_(chunk))))
    return out


def _verb(values: dict[str, Any], theirs: dict[str, Any], stored_update: datetime) -> str:
    ours = {k: rec.value(v) for k, v in values.items()}
    if all(theirs[k] == v for k, v in ours.items()):
        return "unchanged"
    if values.get("updated_at") and values["updated_at"] > stored_update:
        return "updated"
    return "kept"


class _Import:
    """One import into the store of `session`."""

    def __init__(self, session: Session, summary: interchange.Summary, dry_run: bool):
        self.session, self.summary, self.dry_run = session, summary, dry_run
        self.mine = {c.uid: c for c in session.exec(clients_query(session)).all()}
        self.by_cid = {c.id: c for c in self.mine.values()}
        # Every client's id by uid, and back: the store's now, the file's new ones once
        # they are written (a dry run writes none).
        self.client_id: dict[str, int] = {c.uid: c.id for c in self.mine.values()}
        self.client_uid: dict[int, str] = {i: uid for uid, i in self.client_id.items()}
        self.problems = interchange.Problems()
        self.steps: dict[str, dict[str, Action]] = {}
        self.stored: dict[str, set[str]] = {}  # large tables: uids this coach has already
        self.foreign: dict[str, set[str]] = {}  # ... and uids another coach has
        self.outcome = Outcome(dry_run=dry_run)
        # Sessions of the store this import gives to another client: uid -> (new client's
        # uid, the session's new updated_at); the promises made in them follow.
        self.moved: dict[str, tuple[str, datetime]] = {}
        self.followed: set[str] = set()  # promises written with a moved session's client

    # --- planning: nothing is written until all of it passes ----------------------------

    def plan(self) -> None:
        for table in SMALL:
            self.steps[table] = self._plan_small(table)
        for table in LARGE:
            self._find_stored(table)
        self._check_references()
        self._check_final_state()
        self.problems.raise_if_any(self.summary.name)

    def _owner(self, table: str, obj: Any) -> Any:
        """Who the stored record belongs to, if to this coach (None: another coach's)."""
        if table == "learning":
            coach = coach_of(self.session)
            return obj if coach is None or obj.coach == coach else None
        return self.mine.get(obj.uid) if table == "clients" else self.by_cid.get(obj.client_id)

    def _plan_small(self, table: str) -> dict[str, Action]:
        rows = self.summary.tables[table].full
        existing = _existing(self.session, MODELS[table], (v["uid"] for _, v in rows))
        steps: dict[str, Action] = {}
        for where, values in rows:
            obj = existing.get(values["uid"])
            action = Action("added", where, values)
            if obj is not None:
                owner = self._owner(table, obj)
                if owner is None:
                    self.problems.add(where, "uid", "is a record of another coach on this server")
                    continue
                if table == "clients":
                    theirs = rec.client_record(obj)
                elif table == "learning":
                    theirs = rec.learning_record(obj)
                else:
                    theirs = rec.agreement_record(obj, owner)
                action = Action(_verb(values, theirs, obj.updated_at), where, values, obj)
            steps[values["uid"]] = action
        return steps

    def _find_stored(self, table: str) -> None:
        model, kept = MODELS[table], self.summary.tables[table]
        stored: set[str] = set()
        foreign: set[str] = set()
        for chunk in chunks(kept.uids):
            stmt = select(model.uid, model.client_id).where(col(model.uid).in_(chunk))
            for uid, client_id in self.session.exec(stmt):
                (stored if client_id in self.by_cid else foreign).add(uid)
        self.stored[table], self.foreign[table] = stored, foreign
        for uid in kept.uids if foreign else ():
            if uid in foreign:
                self.problems.add(
                    kept.label(table, uid), "uid", "is a record of another coach on this server"
                )

    def _refs(self, table: str) -> Iterator[tuple[str, str | None, str | None]]:
        """(uid, client_uid, session_uid) of each record of a large table to be imported."""
        kept, foreign = self.summary.tables[table], self.foreign[table]
        sessions = kept.session_uids or [None] * len(kept.uids)
        for uid, client, ref in zip(kept.uids, kept.client_uids, sessions, strict=True):
            if uid not in foreign:
                yield uid, client, ref

    def _check_references(self) -> None:
        clients = set(self.steps["clients"]) | set(self.mine)
        bad = "no client {} in the file or the store"
        for a in self.steps["agreements"].values():
            ref = a.values.get("client_uid")
            if ref is not None and ref not in clients:
                self.problems.add(a.where, "client_uid", bad.format(ref))
        for table in LARGE:
            kept = self.summary.tables[table]
            for uid, ref, _ in self._refs(table):
                if ref not in clients:
                    self.problems.add(kept.label(table, uid), "client_uid", bad.format(ref))
        # A promise's session: in the file, or in the store; and of the same client.
        session_client = {uid: client for uid, client, _ in self._refs("sessions")}
        wanted = {ref for _, _, ref in self._refs("promises") if ref and ref not in session_client}
        for chunk in chunks(wanted):
            S = CoachingSession
            for uid, client_id in self.session.exec(
                select(S.uid, S.client_id).where(col(S.uid).in_(chunk))
            ):
                if client_id in self.by_cid:
                    session_client[uid] = self.by_cid[client_id].uid
        kept = self.summary.tables["promises"]
        for uid, client, ref in self._refs("promises"):
            if ref is None:
                continue
            if ref not in session_client:
                where = kept.label("promises", uid)
                self.problems.add(
                    where, "session_uid", f"no session {ref} in the file or the store"
                )
            elif session_client[ref] != client:
                where = kept.label("promises", uid)
                self.problems.add(
                    where,
                    "session_uid",
                    f"that session belongs to another client (client_uid "
                    f"{str(session_client[ref])[:8]}…, not {str(client)[:8]}…); a promise made "
                    "in a session belongs to that session's client: give both the same client_uid",
                )

    def _check_final_state(self) -> None:
        """The store after the import must still have one client per name (any case) and
        one agreement per (client, version): check the result, not each record alone."""
        mine, steps, problems = self.mine, self.steps, self.problems
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
        ids = {
            mine[a.values["client_uid"]].id for a in written if a.values.get("client_uid") in mine
        }
        final: dict[str, tuple[str, int]] = {}
        uid_of = {c.id: c.uid for c in mine.values()}
        for chunk in chunks(ids):
            stmt = select(Agreement.uid, Agreement.client_id, Agreement.version)
            for uid, cid, version in self.session.exec(
                stmt.where(col(Agreement.client_id).in_(chunk))
            ):
                final[uid] = (uid_of[cid], version)
        final.update(
            (a.values["uid"], (a.values["client_uid"], a.values["version"])) for a in written
        )
        taken: dict[tuple[str, int], list[str]] = {}
        for uid, key in final.items():
            taken.setdefault(key, []).append(uid)
        for a in written:
            key = (a.values["client_uid"], a.values["version"])
            if len(taken[key]) > 1:
                problems.add(
                    a.where, "version", f"the client already has an agreement version {key[1]}"
                )

    # --- writing -----------------------------------------------------------------------

    def run(self) -> Outcome:
        self.plan()
        counts = self.outcome.counts
        for table in SMALL:
            for action in self.steps[table].values():
                counts[table][action.verb] += 1
        if not self.dry_run:
            self._write_small()
        # A dry run needs the file again only to compare records the store has already.
        again = tuple(t for t in LARGE if not self.dry_run or self.stored[t])
        for table in LARGE:
            if table not in again:
                counts[table]["added"] += len(self.summary.tables[table].uids)
        batch: list[dict[str, Any]] = []
        current = None
        for table, values in interchange.records(self.summary, again):
            if table != current or len(batch) >= CHUNK:
                if batch:
                    self._write_large(current, batch)  # type: ignore[arg-type]
                batch, current = [], table
            batch.append(values)
        if batch:
            self._write_large(current, batch)  # type: ignore[arg-type]
        self._take_promises_along()
        return self.outcome

    def _write_small(self) -> None:
        from sqlalchemy import update

        coach = self.session.info.get("coach_name") or ""

        def client_row(v: dict[str, Any], old: Any) -> dict[str, Any]:
            row = dict(v)
            # absent from an older file: keep the store's, or the default for a new client
            for key, default in interchange.DEFAULTS["clients"].items():
                row.setdefault(key, getattr(old, key) if old is not None else default)
            if old is None:
                row["coach"] = coach
            return row

        def learning_row(v: dict[str, Any], old: Any) -> dict[str, Any]:
            row = {k: x for k, x in v.items() if k != "hours"}
            row["centihours"] = round(v["hours"] * 100)  # hundredths, checked on reading
            if old is None:
                row["coach"] = coach
            return row

        for table, convert in (
            ("clients", client_row),
            ("agreements", self._child_row),
            ("learning", learning_row),
        ):
            adds, changes = [], []
            for a in _written(self.steps[table]):
                if a.verb == "added":
                    adds.append(convert(a.values, None))
                else:
                    changes.append({"id": a.existing.id, **convert(a.values, a.existing)})
            if adds:
                _insert(self.session, MODELS[table], adds)
            if changes:
                self.session.execute(update(MODELS[table]), changes)
            if table == "clients":
                self.client_id.update(_ids(self.session, Client, (a["uid"] for a in adds)))
                self.client_uid = {i: uid for uid, i in self.client_id.items()}

    def _session_clients(self, refs: set[str]) -> dict[str, str]:
        """The client (uid) each of these sessions has once the import is done: a moved
        session's new one, else the store's (sessions new to the store are the file's, and
        the planning made sure the file's promises agree with them)."""
        S = CoachingSession
        out: dict[str, str] = {}
        for chunk in chunks(sorted(refs)):
            for uid, client_id in self.session.exec(
                select(S.uid, S.client_id).where(col(S.uid).in_(chunk))
            ):
                owner = self.client_uid.get(client_id)
                if owner is not None:
                    out[uid] = owner
        out.update((uid, client) for uid, (client, _) in self.moved.items() if uid in refs)
        return out

    def _take_promises_along(self) -> None:
        """The store's promises made in a session this import moved, which the file did not
        write: they go with their session, and their updated_at becomes the session's when
        that is later (so the move travels with the next export). A dry run counts them."""
        from sqlalchemy import case, literal, update

        from coachlog.models import UTCDateTime

        P, moved = Promise, self.moved
        if not moved:
            return
        ids = _ids(self.session, CoachingSession, moved)
        for uid, (client_uid, stamp) in moved.items():
            cid = self.client_id.get(client_uid)  # None: a client new in a dry run
            elsewhere = [col(P.session_id) == ids[uid]]
            if cid is not None:
                elsewhere.append(col(P.client_id) != cid)
            if self.dry_run:
                found = set(self.session.exec(select(P.uid).where(*elsewhere)))
                self.outcome.promises_moved += len(found - self.followed)
                continue
            later = literal(stamp, type_=UTCDateTime())
            result = self.session.execute(
                update(P)
                .where(*elsewhere)
                .values(
                    client_id=cid,
                    updated_at=case((col(P.updated_at) < later, later), else_=P.updated_at),
                )
            )
            self.outcome.promises_moved += result.rowcount or 0  # type: ignore[attr-defined]

    def _child_row(self, v: dict[str, Any], old: Any = None) -> dict[str, Any]:
        row = {k: x for k, x in v.items() if k not in ("client_uid", "session_uid")}
        row["client_id"] = self.client_id[v["client_uid"]]
        return row

    def _write_large(self, table: str, batch: list[dict[str, Any]]) -> None:
        """Compare one chunk of records with the store's copies, count, and write it."""
        from sqlalchemy import update

        model, counts = MODELS[table], self.outcome.counts[table]
        stored = _stored_rows(
            self.session, table, [v["uid"] for v in batch if v["uid"] in self.stored[table]]
        )
        session_id: dict[str, int] = {}
        final: dict[str, str] = {}
        if table == "promises":
            refs = {v["session_uid"] for v in batch if v["session_uid"]}
            final = self._session_clients(refs)
            if not self.dry_run:
                session_id = _ids(self.session, CoachingSession, refs)
        adds, changes = [], []
        for values in batch:
            row = stored.get(values["uid"])
            if table == "promises":
                values = self._follow_session(values, row, final)
            if row is None:
                verb = "added"
            else:
                owner = self.by_cid[row.client_id]
                if table == "sessions":
                    theirs = rec.session_record(row, owner)
                else:
                    theirs = rec.promise_record(row, owner, row.session_uid)
                verb = _verb(values, theirs, row.updated_at)
                if table == "sessions" and verb == "updated" and owner.uid != values["client_uid"]:
                    self.moved[values["uid"]] = (values["client_uid"], values["updated_at"])
            counts[verb] += 1
            if table == "promises" and verb in ("added", "updated"):
                self._count_followed(values, row)
            if self.dry_run or verb not in ("added", "updated"):
                continue
            out = self._child_row(values)
            for key, default in interchange.DEFAULTS.get(table, {}).items():
                out.setdefault(key, getattr(row, key) if row is not None else default)
            if table == "promises":
                ref = values["session_uid"]
                out["session_id"] = session_id[ref] if ref else None
            if row is None:
                adds.append(out)
            else:
                changes.append({"id": row.id, **out})
        if adds:
            _insert(self.session, model, adds)
        if changes:
            self.session.execute(update(model), changes)

    def _follow_session(
        self, values: dict[str, Any], row: Any, final: dict[str, str]
    ) -> dict[str, Any]:
        """A promise of the file whose session is another client's once the import is done
        (the store's copy of the session is newer than the file's, and says so) goes with
        its session, as the store's promises of a moved session do."""
        ref = values["session_uid"]
        client = final.get(ref) if ref else None
        if client is None or client == values["client_uid"]:
            return values
        return {**values, "client_uid": client}

    def _count_followed(self, values: dict[str, Any], row: Any) -> None:
        ref = values["session_uid"]
        if ref is None or ref not in self.moved:
            return
        self.followed.add(values["uid"])
        if row is not None and self.by_cid[row.client_id].uid != values["client_uid"]:
            self.outcome.promises_moved += 1


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """A plain executemany INSERT on the table: the ORM's bulk insert asks SQLite for the new
    ids row by row (demo/practice.py found the same); ids are looked up by uid when needed."""
    session.connection().execute(model.__table__.insert(), rows)


def _written(actions: dict[str, Action]) -> Iterator[Action]:
    return (a for a in actions.values() if a.verb in ("added", "updated"))


def _ids(session: Session, model: Any, uids: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in chunks(sorted(set(uids))):
        out.update(session.exec(select(model.uid, model.id).where(col(model.uid).in_(chunk))).all())
    return out


def _stored_rows(session: Session, table: str, uids: list[str]) -> dict[str, Any]:
    """The store's copies of these sessions or promises, as rows named like the record's
    keys (plus id and client_id), not as objects the session would keep."""
    if not uids:
        return {}
    S, P = CoachingSession, Promise
    if table == "sessions":
        stmt: Any = sa.select(col(S.id), *columns(S, rec.SESSION_KEYS)).where(col(S.uid).in_(uids))
    else:
        stmt = (
            sa.select(col(P.id), *columns(P, rec.PROMISE_KEYS), col(S.uid).label("session_uid"))
            .outerjoin(S, col(S.id) == col(P.session_id))
            .where(col(P.uid).in_(uids))
        )
    return {row.uid: row for row in session.execute(stmt)}


def import_document(
    session: Session, summary: interchange.Summary, *, dry_run: bool = False
) -> Outcome:
    """Match every record of a checked file by uid and write the difference in this (one)
    transaction; refuse the whole file, writing nothing, if any reference dangles or the
    result would break a rule of the store (unique names, one version per agreement)."""
    return _Import(session, summary, dry_run).run()
