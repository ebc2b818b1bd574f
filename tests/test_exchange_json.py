"""The JSON interchange format (SPEC §6): export, validated import, exact round trips."""

from __future__ import annotations

import io
import json
import os
import stat
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coachlog.errors import InvalidInput
from coachlog.models import Agreement, Client, CoachingSession, Promise, new_uid
from coachlog.queries.db import Reader, reading
from coachlog.queries.exchange import build_document, practice_clients
from coachlog.services import interchange
from coachlog.services.agreements import new_agreement
from coachlog.services.clients import add_client
from coachlog.services.exchange import import_document

# A client's keys that may be null: what a minimal hand-made record leaves unknown.
UNKNOWN_CLIENT_KEYS = ("email", "phone", "pronouns", "timezone", "started_on", "ended_on")
UNKNOWN_CLIENT_KEYS += ("preferred_channel", "communication_style", "context", "sponsor")


def T(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def build_practice(store) -> None:
    """Varied data: non-ASCII names, multi-line notes, a private session, a moved promise,
    a broken one with its repair, every status, three agreement versions."""
    with store.write() as db:
        ana = add_client(
            db,
            values={
                "name": "Ana Lima",
                "pronouns": "she/her",
                "timezone": "Europe/Lisbon",
                "context": "Portuguese at home,\nEnglish at work",
                "pitstop_every_sessions": 4,
            },
            now=T(2026, 1, 10, 9),
        )
        zoe = add_client(
            db,
            values={"name": "Zoë Ñandú 李", "status": "closed", "sponsor": "Acme Ltd"},
            now=T(2026, 2, 1, 9),
        )
        new_agreement(
            db, ana, values={"goals": "Lead"}, now=T(2026, 1, 10, 9), today=date(2026, 1, 10)
        )
        new_agreement(
            db,
            ana,
            values={"goals": "Lead without rescuing", "cadence_days": 14},
            now=T(2026, 3, 1, 9),
            today=date(2026, 3, 1),
        )
        new_agreement(
            db,
            ana,
            values={"status": "draft", "fees": "€150"},
            now=T(2026, 4, 1, 9),
            today=date(2026, 4, 1),
        )
        s1 = CoachingSession(
            client_id=ana.id,
            held_at=T(2026, 1, 12, 15),
            minutes=90,
            kind="engagement",
            notes="# Our alliance\n\nLine one\nLine two — ação\n",
            themes=["alliance", "trust"],
            trust_pulse=3,
            reflection="Slow down.",
            created_at=T(2026, 1, 12, 16),
            updated_at=T(2026, 1, 12, 16),
        )
        s2 = CoachingSession(
            client_id=ana.id,
            held_at=T(2026, 2, 9, 15, 30, 45),
            kind="regular",
            notes="Private matters",
            private=True,
            created_at=T(2026, 2, 9, 16),
            updated_at=T(2026, 2, 10, 8),
        )
        s3 = CoachingSession(
            client_id=zoe.id, held_at=T(2026, 2, 2, 10), kind="closing", minutes=30
        )
        db.add_all([s1, s2, s3])
        db.flush()
        db.add_all(
            [
                Promise(
                    client_id=ana.id,
                    session_id=s1.id,
                    owner="coach",
                    text="Send the article",
                    made_at=s1.held_at,
                    due_at=T(2026, 1, 20, 17),
                    status="kept",
                    closed_at=T(2026, 1, 19, 9),
                ),
                Promise(
                    client_id=ana.id,
                    session_id=s1.id,
                    owner="coach",
                    text="Introduce Marta",
                    made_at=s1.held_at,
                    due_at=T(2026, 2, 1, 17),
                    status="broken",
                    closed_at=T(2026, 2, 2, 9),
                    note="forgot",
                    repair="Apologised; made the intro on 3 Feb",
                    due_history=["2026-01-25T17:00:00+00:00", "2026-01-28T17:00:00+00:00"],
                ),
                Promise(
                    client_id=ana.id,
                    session_id=s2.id,
                    owner="client",
                    text="Draft the charter",
                    made_at=s2.held_at,
                    due_at=T(2026, 2, 20, 23, 59, 59),
                    status="released",
                    closed_at=T(2026, 2, 15, 9),
                ),
                Promise(
                    client_id=ana.id,
                    owner="client",
                    text="Try one delegation a week",
                    made_at=T(2026, 3, 1, 9),
                    due_at=T(2026, 12, 1, 17),
                ),
            ]
        )


def counts(store) -> dict[str, int]:
    from sqlalchemy import func
    from sqlmodel import select

    with store.read() as db:
        return {
            m.__tablename__: db.exec(select(func.count()).select_from(m)).one()
            for m in (Client, Agreement, CoachingSession, Promise)
        }


def flat(text: str) -> str:
    """Output without Rich's line wrapping."""
    return " ".join(text.split())


def without_stamp(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "exported_at"}


@pytest.fixture
def practice(store):
    build_practice(store)
    return store


@pytest.fixture
def other_db(tmp_path: Path, backend: str):
    """A second, empty store to import into: a SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield str(tmp_path / "other" / "coachlog.db")
        return
    import uuid

    import sqlalchemy as sa

    url = os.environ["COACHLOG_TEST_PG_URL"]
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_json_keys_are_exactly_the_interchange_format(practice, now):
    with _reading(practice) as db:
        doc = build_document(db, clients=practice_clients(db), now=now, whole=True)
    assert list(doc) == [
        "format",
        "version",
        "exported_at",
        "clients",
        "agreements",
        "sessions",
        "promises",
        "learning",
    ]
    assert (doc["format"], doc["version"], doc["exported_at"]) == (
        "coachlog",
        2,
        "2026-11-22T10:00:00+00:00",
    )
    keys = {table: " ".join(doc[table][0]) for table in ("clients", "sessions", "promises")}
    assert keys == {
        "clients": "uid name email phone pronouns timezone status started_on ended_on "
        "preferred_channel communication_style context sponsor pitstop_every_sessions "
        "pitstop_every_weeks payment icf_consent icf_consent_note created_at updated_at",
        "sessions": "uid client_uid held_at minutes kind notes themes trust_pulse reflection "
        "private status group_size counts_for_icf created_at updated_at",
        "promises": "uid client_uid session_uid owner text made_at due_at status closed_at "
        "note repair due_history created_at updated_at",
    }
    assert [len(doc[t]) for t in ("clients", "agreements", "sessions", "promises")] == [2, 3, 3, 4]
    # sessions in date order; instants with offset; dates as YYYY-MM-DD
    assert [s["held_at"] for s in doc["sessions"]] == [
        "2026-01-12T15:00:00+00:00",
        "2026-02-02T10:00:00+00:00",
        "2026-02-09T15:30:45+00:00",
    ]
    assert doc["agreements"][0]["starts_on"] == "2026-01-10"
    broken = next(p for p in doc["promises"] if p["status"] == "broken")
    assert broken["due_history"] == ["2026-01-25T17:00:00+00:00", "2026-01-28T17:00:00+00:00"]
    assert broken["session_uid"] == doc["sessions"][0]["uid"]


def test_round_trip_through_an_empty_store_is_exact(practice, cli, other_db, tmp_path):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    r = cli("export", "--all", "--format", "json", "--out", str(first))
    assert r.code == 0, r.err
    assert "2 clients, 3 agreements, 3 sessions, 4 promises" in r.out
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    r = cli("--db", other_db, "import", str(first))
    assert r.code == 0, r.err
    assert f"Imported {first}: 12 added, 0 updated, 0 unchanged." in flat(r.out)
    assert cli("--db", other_db, "export", "--all", "-f", "json", "-o", str(second)).code == 0
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert without_stamp(a) == without_stamp(b)
    # and again: the same file a second time changes nothing
    r = cli("--db", other_db, "import", str(first), "--json")
    assert r.json == {
        "file": str(first),
        "dry_run": False,
        "added": 0,
        "updated": 0,
        "unchanged": 12,
        "kept": 0,
        "clients": {"added": 0, "updated": 0, "unchanged": 2, "kept": 0},
        "agreements": {"added": 0, "updated": 0, "unchanged": 3, "kept": 0},
        "sessions": {"added": 0, "updated": 0, "unchanged": 3, "kept": 0},
        "promises": {"added": 0, "updated": 0, "unchanged": 4, "kept": 0},
        "learning": {"added": 0, "updated": 0, "unchanged": 0, "kept": 0},
        "promises_moved": 0,
    }


def test_search_index_follows_an_import(practice, cli, other_db, tmp_path):
    path = tmp_path / "p.json"
    cli("export", "--all", "-f", "json", "-o", str(path))
    cli("--db", other_db, "import", str(path))
    hits = cli("--db", other_db, "search", "charter", "--json").json["hits"]
    assert [(h["kind"], h["client"]) for h in hits] == [("promise", "Ana Lima")]


def test_one_client_export_holds_only_their_records(practice, cli):
    doc = cli("export", "zoë", "--format", "json").json
    assert [c["name"] for c in doc["clients"]] == ["Zoë Ñandú 李"]
    assert [s["kind"] for s in doc["sessions"]] == ["closing"]
    assert doc["agreements"] == [] and doc["promises"] == []


def test_period_export_brings_along_the_session_a_promise_was_made_in(practice, cli):
    doc = cli("export", "ana", "-f", "json", "--since", "2026-02-15", "--until", "2026-03-31").json
    # only the promise made on 1 Mar is in the window; it was made outside any session
    assert [p["text"] for p in doc["promises"]] == ["Try one delegation a week"]
    assert doc["sessions"] == []
    doc = cli("export", "ana", "-f", "json", "--since", "2026-02-09", "--until", "2026-02-09").json
    assert [p["text"] for p in doc["promises"]] == ["Draft the charter"]
    assert [s["notes"] for s in doc["sessions"]] == ["Private matters"]  # JSON is complete


def test_dry_run_writes_nothing(practice, cli, other_db, tmp_path):
    path = tmp_path / "p.json"
    cli("export", "--all", "-f", "json", "-o", str(path))
    r = cli("--db", other_db, "import", str(path), "--dry-run")
    assert r.code == 0 and "would give 12 added, 0 updated, 0 unchanged" in flat(r.out)
    assert "Nothing was written" in r.out
    assert cli("--db", other_db, "client", "list", "--all", "--json").json == []


def _reading(store) -> AbstractContextManager[Reader]:
    """The store read as export reads it: the query layer (queries/exchange.py)."""
    where = store.location
    return reading(str(where.path) if where.path is not None else where.url)


def _doc(store, now) -> dict:
    with _reading(store) as db:
        return build_document(db, clients=practice_clients(db), now=now, whole=True)


def _source(doc: dict, name: str = "f.json") -> interchange.Source:
    return interchange.Source(name, file=io.BytesIO(json.dumps(doc).encode()))


def _import(store, doc: dict, name: str = "f.json"):
    summary = interchange.check(_source(doc, name))
    with store.write() as db:
        return import_document(db, summary)


def test_newer_file_record_wins_older_one_is_kept(practice, now):
    doc = _doc(practice, now)
    newer, older = doc["sessions"][0], doc["sessions"][1]
    newer["notes"] = "Rewritten on the laptop"
    newer["updated_at"] = "2026-11-01T12:00:00+00:00"
    older["notes"] = "An old copy"
    older["updated_at"] = "2025-01-01T00:00:00+00:00"
    outcome = _import(practice, doc)
    assert dict(outcome.counts["sessions"]) == {"updated": 1, "kept": 1, "unchanged": 1}
    with practice.read() as db:
        from sqlmodel import select

        notes = {s.uid: s.notes for s in db.exec(select(CoachingSession)).all()}
    assert notes[newer["uid"]] == "Rewritten on the laptop"
    assert notes[older["uid"]] is None  # Zoë's closing session, as it was


def test_import_adds_to_a_store_with_other_records(practice, now):
    doc = _doc(practice, now)
    fresh = {
        "uid": new_uid(),
        "client_uid": doc["clients"][0]["uid"],
        "held_at": "2026-11-20T16:00:00+01:00",
        "minutes": 60,
        "kind": "pitstop",
        "notes": None,
        "themes": [],
        "trust_pulse": 5,
        "reflection": None,
        "private": False,
        "created_at": "2026-11-20T16:00:00Z",
        "updated_at": "2026-11-20T16:00:00.250Z",
    }
    doc["sessions"].append(fresh)
    outcome = _import(practice, doc)
    assert outcome.total("added") == 1 and outcome.total("unchanged") == 12
    again = _doc(practice, now)
    stored = next(s for s in again["sessions"] if s["uid"] == fresh["uid"])
    assert stored["held_at"] == "2026-11-20T15:00:00+00:00"  # normalised to UTC


def test_imported_clients_belong_to_the_current_coach(cli, tmp_path, store, backend):
    """The coach of the rows: COACHLOG_COACH on a personal store; on a server, the database
    role, whatever COACHLOG_COACH says (tests/test_practice.py attacks that)."""
    path = tmp_path / "one.json"
    doc = {
        "format": "coachlog",
        "version": 1,
        "clients": [
            {
                "uid": new_uid(),
                "name": "Bea Kaur",
                **dict.fromkeys(UNKNOWN_CLIENT_KEYS),
                "status": "active",
                "created_at": "2026-01-01T00:00:00+00:00",
                "updated_at": "2026-01-01T00:00:00+00:00",
            }
        ],
    }
    path.write_text(json.dumps(doc))
    sqlite = backend == "sqlite"
    r = cli("import", str(path), env={"COACHLOG_COACH": "amal"} if sqlite else {})
    assert r.code == 0, r.err
    with store.read() as db:
        from sqlalchemy import text
        from sqlmodel import select

        coach = "amal" if sqlite else db.execute(text("SELECT current_user")).scalar_one()
        assert [(c.name, c.coach, c.pitstop_every_weeks) for c in db.exec(select(Client))] == [
            ("Bea Kaur", coach, None)
        ]


# --- broken files: rejected whole, record and field named, store untouched -----------------


def _break(doc: dict, how: str) -> tuple[str, str]:
    """Damage `doc` in one way; return the record label prefix and the field expected."""
    s, p, c = doc["sessions"][0], doc["promises"][1], doc["clients"][0]
    if how == "unknown key":
        s["mood"] = "good"
        return "sessions[0]", "mood: unknown key"
    if how == "bad enum":
        s["kind"] = "nap"
        return "sessions[0]", "kind: must be one of engagement, regular, pitstop, closing"
    if how == "bad instant":
        p["due_at"] = "2026-13-01T10:00:00+00:00"
        return "promises[1]", "due_at: is not a real date and time"
    if how == "instant without offset":
        s["held_at"] = "2026-01-12T15:00:00"
        return "sessions[0]", "held_at: must be an ISO 8601 date-time with offset"
    if how == "dangling client":
        p["client_uid"] = "00000000-0000-4000-8000-000000000000"
        return "promises[1]", "client_uid: no client 00000000-0000-4000-8000-000000000000"
    if how == "dangling session":
        p["session_uid"] = "00000000-0000-4000-8000-000000000001"
        return "promises[1]", "session_uid: no session"
    if how == "pulse out of range":
        s["trust_pulse"] = 9
        return "sessions[0]", "trust_pulse: must be between 1 and 5 (got 9)"
    if how == "missing key":
        del c["status"]
        return "clients[0]", "status: missing"
    if how == "duplicate uid":
        doc["sessions"][1]["uid"] = s["uid"]
        return "sessions[1]", "uid: also used by sessions[0]"
    if how == "zero minutes":  # a session's limits are the same everywhere (domain/limits)
        s["minutes"] = 0
        return "sessions[0]", "minutes: must be between 1 and 1440 (got 0)"
    if how == "bool for a number":
        s["minutes"] = True
        return "sessions[0]", "minutes: must be a whole number (got true)"
    if how == "bad date":
        c["started_on"] = "2026-02-30"
        return "clients[0]", "started_on: is not a real date"
    if how == "bad zone":
        c["timezone"] = "Mars/Olympus"
        return "clients[0]", "timezone: is not an IANA time zone"
    if how == "wrong session client":
        p["session_uid"] = doc["sessions"][1]["uid"]  # Zoë's closing session
        return "promises[1]", "session_uid: that session belongs to another client"
    if how == "agreement version taken":
        doc["agreements"][1]["uid"] = new_uid()  # a different agreement, same client and version
        return "agreements[1]", "version: the client already has an agreement version 2"
    raise AssertionError(how)


BREAKS = [
    "unknown key",
    "bad enum",
    "bad instant",
    "instant without offset",
    "dangling client",
    "dangling session",
    "pulse out of range",
    "missing key",
    "duplicate uid",
    "bool for a number",
    "zero minutes",
    "bad date",
    "bad zone",
    "wrong session client",
    "agreement version taken",
]


@pytest.mark.parametrize("how", BREAKS)
def test_a_broken_file_is_rejected_whole(practice, cli, now, tmp_path, how):
    doc = _doc(practice, now)
    # import into the same store: a valid file would be "unchanged"; change a record so a
    # valid remainder would be written, to prove nothing is
    doc["promises"][0]["text"] = "Changed"
    doc["promises"][0]["updated_at"] = "2026-11-21T00:00:00+00:00"
    where, field = _break(doc, how)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    before = counts(practice)
    r = cli("import", str(path))
    assert r.code == 1, r.out
    assert "nothing was written" in r.err
    assert where in r.err and field in flat(r.err), r.err
    assert "Traceback" not in r.err
    assert counts(practice) == before
    with practice.read() as db:
        from sqlmodel import select

        texts = {p.text for p in db.exec(select(Promise))}
    assert "Changed" not in texts


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON: Expecting property name"),
        (b"\xff\xfe", "is not UTF-8 text"),
        (b"[]", 'is not a coachlog export (no "format": "coachlog")'),
        (b'{"format": "jrnl"}', "is not a coachlog export"),
        (
            b'{"format": "coachlog", "version": 3}',
            "is in format version 3; this coachlog reads versions 1 and 2",
        ),
        (b'{"format": "coachlog", "version": "1"}', 'is in format version "1"'),
        (b'{"format": "coachlog", "version": 1, "version": 1}', 'the key "version" appears twice'),
        (b'{"format": "coachlog", "version": 1, "clients": NaN}', "NaN is not a JSON number"),
        (b'{"format": "coachlog", "version": 1, "notes": []}', "the file, notes: unknown key"),
        (b'{"format": "coachlog", "version": 1, "clients": {}}', "clients: must be a list"),
        (b'{"format": "coachlog", "version": 1, "clients": [7]}', "clients[0]: must be an object"),
        (b"[" * 100_000, "is not valid JSON"),
    ],
)
def test_files_that_are_not_interchange_files(cli, tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    r = cli("import", str(path))
    assert r.code == 1 and message in flat(r.err), r.err
    assert "Traceback" not in r.err


def test_a_name_that_clashes_with_another_client_is_refused(practice, cli, now, tmp_path):
    doc = _doc(practice, now)
    doc = {**doc, "agreements": [], "sessions": [], "promises": []}
    doc["clients"] = [{**doc["clients"][0], "uid": new_uid(), "name": "ANA LIMA"}]
    path = tmp_path / "clash.json"
    path.write_text(json.dumps(doc))
    r = cli("import", str(path))
    assert r.code == 1
    assert (
        "clients[0]" in r.err
        and 'name: "ANA LIMA" is already the name of another client' in flat(r.err)
    )


def test_many_problems_are_listed_then_counted(practice, now):
    doc = _doc(practice, now)
    for p in doc["promises"]:
        p["owner"] = "nobody"
        p["status"] = "done"
        p["text"] = " "
    doc["sessions"][0]["kind"] = "nap"
    doc["sessions"][1]["kind"] = "nap"
    with pytest.raises(InvalidInput) as err:
        interchange.check(_source(doc))
    lines = err.value.message.splitlines()
    assert lines[0] == "f.json cannot be imported; nothing was written."
    assert len(lines) == 1 + 12 + 1 and lines[-1] == "  … and 2 more"
    assert lines[1].startswith("  sessions[0] (uid ") and lines[1].endswith(
        'kind: must be one of engagement, regular, pitstop, closing (got "nap")'
    )


def test_reading_values():
    kind = interchange.Kind("instant")
    assert interchange.read_value(kind, "2026-11-20T16:00:00+01:00") == T(2026, 11, 20, 15)
    assert interchange.read_value(kind, "2026-11-20T15:00:00.123456789Z") == datetime(
        2026, 11, 20, 15, 0, 0, 123456, tzinfo=UTC
    )
    assert interchange.read_value(kind, "2026-11-20T15:00Z") == T(2026, 11, 20, 15)
    for bad in (
        "2026-11-20",
        "2026-11-20 15:00:00+00:00",
        "yesterday",
        20261120,
        "2026-11-20T25:00Z",
    ):
        with pytest.raises(interchange.BadValue):
            interchange.read_value(kind, bad)
    history = interchange.read_value(
        interchange.Kind("instants", null=False), ["2026-11-20T16:00:00+01:00"]
    )
    assert history == ["2026-11-20T15:00:00+00:00"]
    with pytest.raises(interchange.BadValue, match="must be a lowercase UUID"):
        interchange.read_value(interchange.UID, "3F2B9C1E-8D4A-4C1B-9E2F-5A6B7C8D9E0F")
    with pytest.raises(interchange.BadValue, match="NUL"):
        interchange.read_value(interchange.TEXT, "a\x00b")


def test_a_large_file_imports_in_one_go(store, now):
    """Thousands of records in one transaction; counts checked, no timing asserted."""
    client_uid = new_uid()
    stamp = "2020-01-01T00:00:00+00:00"
    start = datetime(2020, 1, 1, tzinfo=UTC)
    sessions, promises = [], []
    for i in range(1500):
        at = (start + timedelta(hours=8 * i)).isoformat()
        uid = new_uid()
        sessions.append(
            {
                "uid": uid,
                "client_uid": client_uid,
                "held_at": at,
                "minutes": 60,
                "kind": "regular",
                "notes": f"Session {i} about delegation",
                "themes": ["delegation"],
                "trust_pulse": 1 + i % 5,
                "reflection": None,
                "private": i % 7 == 0,
                "created_at": at,
                "updated_at": at,
            }
        )
        for owner in ("coach", "client"):
            promises.append(
                {
                    "uid": new_uid(),
                    "client_uid": client_uid,
                    "session_uid": uid,
                    "owner": owner,
                    "text": f"Promise {i}",
                    "made_at": at,
                    "due_at": at,
                    "status": "open",
                    "closed_at": None,
                    "note": None,
                    "repair": None,
                    "due_history": [],
                    "created_at": at,
                    "updated_at": at,
                }
            )
    client = {
        "uid": client_uid,
        "name": "Big Practice",
        **dict.fromkeys(UNKNOWN_CLIENT_KEYS),
        "status": "active",
        "created_at": stamp,
        "updated_at": stamp,
    }
    doc = {
        "format": "coachlog",
        "version": 1,
        "clients": [client],
        "sessions": sessions,
        "promises": promises,
    }
    outcome = _import(store, doc)
    assert outcome.total("added") == 1 + 1500 + 3000
    assert counts(store) == {"clients": 1, "agreements": 0, "sessions": 1500, "promises": 3000}
    assert _import(store, doc).total("unchanged") == 4501


def test_import_reads_standard_input(practice, cli, now, other_db):
    text = json.dumps(_doc(practice, now))
    r = cli("--db", other_db, "import", "-", input=text)
    assert r.code == 0, r.err
    assert "Imported standard input: 12 added" in flat(r.out)


def test_unreadable_file(cli, tmp_path):
    r = cli("import", str(tmp_path / "missing.json"))
    assert r.code == 1 and "Cannot read" in r.err and "No such file" in flat(r.err)


def test_export_needs_a_client_or_all(cli):
    cli("client", "add", "Ana Lima")
    r = cli("export")
    assert r.code == 2 and "Give one client, or --all" in r.err
    r = cli("export", "ana", "--all")
    assert r.code == 2 and "not both" in r.err
    r = cli("export", "ana", "--format", "pdf")
    assert r.code == 2 and "--format must be md, json or ics" in r.err
    r = cli("export", "ana", "--since", "2026-12-01", "--until", "2026-11-01")
    assert r.code == 1 and "--since is after --until" in r.err


def test_export_refuses_to_overwrite_the_store(cli, db_path):
    cli("client", "add", "Ana Lima")
    r = cli("export", "--all", "-f", "json", "--out", str(db_path))
    assert r.code == 2 and "is the store itself" in flat(r.err)
    assert cli("client", "list", "--json").json[0]["name"] == "Ana Lima"


def test_write_private_is_atomic_and_private(tmp_path):
    from coachlog.errors import StoreError
    from coachlog.export.files import write_private

    target = tmp_path / "out.md"
    target.write_text("old")
    os.chmod(target, 0o644)
    write_private(target, "new ✓")
    assert target.read_text() == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(StoreError, match=r"Cannot write .*nope/x.md: the folder does not exist"):
        write_private(tmp_path / "nope" / "x.md", b"x")
    with pytest.raises(StoreError, match="it is a folder"):
        write_private(tmp_path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temp file left


# --- at any size: export written as it is read, import read twice and never held whole ----


def test_the_streamed_text_is_exactly_render_dumps_of_the_whole_document(practice, now):
    """Every character a note can hold (bidi and C1 ones escaped as render.dumps does), in
    every shape of export: whole, one client, a window, nothing."""
    from coachlog.export.files import json_text
    from coachlog.queries.exchange import Document, Window
    from coachlog.render import dumps

    every = "".join(chr(c) for c in range(1, 0x10000) if not 0xD800 <= c <= 0xDFFF)
    with practice.write() as db:
        from sqlmodel import select

        s = db.exec(select(CoachingSession).where(CoachingSession.minutes == 90)).one()
        s.notes = every + "\U0001f600"
    with _reading(practice) as db:
        everyone = practice_clients(db)
        shapes = [
            {"clients": everyone, "whole": True},
            {"clients": everyone[:1]},
            {"clients": everyone, "whole": True, "window": Window(T(2026, 2, 1), T(2026, 2, 28))},
            {"clients": []},
        ]
        for shape in shapes:
            whole = dumps(build_document(db, now=now, **shape)) + "\n"
            doc = Document(db, now=now, **shape)
            assert "".join(json_text(doc.head, doc.tables())) == whole
        doc = Document(db, now=now, clients=everyone, whole=True)
        text = "".join(json_text(doc.head, doc.tables()))
    assert "\\u202e" in text and "\u202e" not in text and "\\u0085" in text
    assert json.loads(text)["sessions"][0]["notes"] == every + "\U0001f600"
    assert doc.counts == {
        "clients": 2,
        "agreements": 3,
        "sessions": 3,
        "promises": 4,
        "learning": 0,
    }


@pytest.mark.parametrize("n", [0, 1, 199, 200, 201, 450])
def test_json_text_renders_long_lists_a_batch_at_a_time(n):
    from coachlog.export.files import json_text
    from coachlog.render import dumps

    items = [{"i": i, "tags": ["a", "b"] if i % 2 else [], "none": None} for i in range(n)]
    head = {"format": "coachlog", "version": 1}
    lists = [("first", items), ("empty", []), ("last", items[:3])]
    expected = dumps({**head, **dict(lists)}) + "\n"
    assert "".join(json_text(head, iter((k, iter(v)) for k, v in lists))) == expected


def _reader_result(raw: bytes, read_size: int):
    from coachlog.jsonstream import JSONError, Reader, UTF8Error

    reader = Reader(
        io.BytesIO(raw),
        object_pairs_hook=interchange._no_duplicates,
        parse_constant=interchange._no_constant,
        read_size=read_size,
    )
    try:
        out = {}
        for key, value in reader.top(lambda k: k in ("clients", "sessions")):
            if key is None:
                return ("ok", value)
            out[key] = value if isinstance(value, list | dict | str | int | float | None) else None
            if out[key] is None and not isinstance(value, type(None)):
                out[key] = list(value)
        return ("ok", out)
    except UTF8Error as exc:
        return ("utf8", exc.start)
    except JSONError as exc:
        return ("json", exc.message, exc.lineno, exc.colno)


def _loads_result(raw: bytes):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ("utf8", exc.start)
    try:
        doc = json.loads(
            text,
            object_pairs_hook=interchange._no_duplicates,
            parse_constant=interchange._no_constant,
        )
        return ("ok", doc)
    except json.JSONDecodeError as exc:
        return ("json", exc.msg, exc.lineno, exc.colno)
    except ValueError as exc:
        return ("json", str(exc), None, None)


SAMPLE = (
    '{"format": "coachlog", "version": 1,\n "clients": [{"uid": "a", "n": [1, 2.5e3, -0.1, '
    'true, null], "t": "Zoë \\u00e9 \\ud83d\\ude00 李 — x"}, {"b": {"c": []}}],\n'
    '  "sessions": [], "x": {"y": [1,2]}, "other": "s", "more": [ ] }\n'
)


def test_the_streaming_reader_accepts_and_refuses_exactly_what_json_loads_does():
    """Every truncation and many one-byte changes of a file, read in pieces of 1 byte to
    64 KiB: the same value, or the same message at the same line and column."""
    import random

    raws = [SAMPLE.encode(), b"\xef\xbb\xbf" + SAMPLE.encode()]
    raws += [b"[]", b'{"a":1,"a":2} x', b'{"a":NaN}', b'{"clients": [{"a":1,"a":2}]}', b"", b"  "]
    raws += [b'{"clients": [1,]}', b'{"clients": [1 2]}', b'{"a":1,}', b'{"clients": 1.5e']
    raws += [b"\xef\xbb\xbf\xef\xbb\xbf{}", b'"x"', b"12 3", b'{"x": 1 \xff', b'{"x" \xe2\x82']
    raws += [raw[:cut] for raw in list(raws) for cut in range(len(raw))]
    rng = random.Random(7)
    for _ in range(600):
        b = bytearray(raws[rng.randrange(2)])
        b[rng.randrange(len(b))] = rng.choice(b'{}[],:"\\ 0aeE-+.nt\xff\xc3\n\t\x01')
        raws.append(bytes(b))
    for raw in raws:
        expected = _loads_result(raw)
        for size in (1, 3, 7, 1 << 16):
            assert _reader_result(raw, size) == expected, (raw, size)


def test_a_json_error_deep_in_a_list_is_placed_as_json_loads_places_it(
    practice, cli, now, tmp_path
):
    text = json.dumps(_doc(practice, now), indent=2, ensure_ascii=False)
    broken = text.replace('"kind": "closing",', '"kind": "closing"', 1)
    try:
        json.loads(broken)
    except json.JSONDecodeError as exc:
        expected = f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    path = tmp_path / "broken.json"
    path.write_bytes(broken.encode() + b"\n \xff")  # and not UTF-8 further on
    r = cli("import", str(path))
    assert r.code == 1 and f"is not UTF-8 text (byte {len(broken.encode()) + 2})" in flat(r.err)
    path.write_text(broken, encoding="utf-8")
    before = counts(practice)
    r = cli("import", str(path))
    assert r.code == 1 and expected in flat(r.err), r.err
    assert "Traceback" not in r.err and counts(practice) == before


def test_reading_in_tiny_pieces_imports_the_same(practice, now, store, monkeypatch, other_db):
    import coachlog.jsonstream
    from coachlog.store import open_store

    monkeypatch.setattr(coachlog.jsonstream, "READ_SIZE", 5)
    doc = _doc(practice, now)
    other = open_store(other_db)
    try:
        outcome = _import(other, doc)
        assert outcome.total("added") == 12
        assert without_stamp(_doc(other, now)) == without_stamp(doc)
    finally:
        other.dispose()


def test_lists_in_any_order_import_the_same(practice, now, store, other_db):
    from coachlog.store import open_store

    doc = _doc(practice, now)
    backwards = {k: doc[k] for k in ("promises", "sessions", "agreements", "clients")}
    backwards.update(format="coachlog", version=1)
    other = open_store(other_db)
    try:
        outcome = _import(other, backwards)
        assert {t: dict(c) for t, c in outcome.counts.items()} == {
            "clients": {"added": 2},
            "agreements": {"added": 3},
            "sessions": {"added": 3},
            "promises": {"added": 4},
            "learning": {},
        }
        assert without_stamp(_doc(other, now)) == without_stamp(doc)
    finally:
        other.dispose()


class _Changing(interchange.Source):
    """A file that is different the second time it is read."""

    def __init__(self, first: bytes, then: bytes):
        super().__init__("f.json", file=io.BytesIO(first))
        self.then = then
        self.reads = 0

    def open(self):
        self.reads += 1
        if self.reads == 2:
            self._file = io.BytesIO(self.then)
        return super().open()


@pytest.mark.parametrize("how", ["a record changed", "spaces added", "cut short"])
def test_a_file_that_changes_between_the_two_readings_writes_nothing(practice, now, how):
    doc = _doc(practice, now)
    for s in doc["sessions"]:
        s["uid"] = new_uid()  # new records, so there is something to write
    for p in doc["promises"]:
        p["uid"], p["session_uid"] = new_uid(), None
    first = json.dumps(doc).encode()
    if how == "a record changed":
        doc["promises"][2]["text"] = "Something else"
        then = json.dumps(doc).encode()
    elif how == "spaces added":
        then = first + b"   "
    else:
        then = first[: len(first) // 2]
    source = _Changing(first, then)
    summary = interchange.check(source)
    before = counts(practice)
    changed = r"f\.json changed while it was being imported; nothing was written"
    with pytest.raises(InvalidInput, match=changed), practice.write() as db:
        import_document(db, summary)
    assert counts(practice) == before


def test_a_dry_run_compares_records_the_store_has_and_changes_nothing(practice, now):
    doc = _doc(practice, now)
    doc["sessions"][0]["notes"] = "Rewritten on the laptop"
    doc["sessions"][0]["updated_at"] = "2026-11-01T12:00:00+00:00"
    doc["sessions"][1]["notes"] = "An old copy"
    doc["promises"].append({**doc["promises"][0], "uid": new_uid()})
    summary = interchange.check(_source(doc))
    with practice.read() as db:
        outcome = import_document(db, summary, dry_run=True)
    assert dict(outcome.counts["sessions"]) == {"updated": 1, "kept": 1, "unchanged": 1}
    assert dict(outcome.counts["promises"]) == {"unchanged": 4, "added": 1}
    assert without_stamp(_doc(practice, now)) != without_stamp(doc)
    assert counts(practice)["promises"] == 4


def test_thousands_of_problems_show_the_first_and_count_the_rest(store):
    client = {
        "uid": new_uid(),
        "name": "Big Practice",
        **dict.fromkeys(UNKNOWN_CLIENT_KEYS),
        "status": "active",
        "created_at": "2020-01-01T00:00:00+00:00",
        "updated_at": "2020-01-01T00:00:00+00:00",
    }
    bad = {"kind": "nap", "minutes": -1}
    doc = {"format": "coachlog", "version": 1, "clients": [client], "sessions": [bad] * 2000}
    with pytest.raises(InvalidInput) as err:
        interchange.check(_source(doc))
    lines = err.value.message.splitlines()
    # each session: uid, client_uid, held_at, notes, ... missing; kind and minutes wrong
    per_record = 12
    assert lines[1] == "  sessions[0], uid: missing (write null if unknown)"
    assert lines[-1] == f"  … and {2000 * per_record - 12} more"


def test_import_reads_binary_standard_input(practice, proc, now, tmp_path):
    text = json.dumps(_doc(practice, now), ensure_ascii=False)
    r = proc("import", "-", "--dry-run", input=text)
    assert r.code == 0, r.err
    assert "would give 0 added, 0 updated, 12 unchanged" in flat(r.out)


def test_import_reads_a_file_that_can_be_read_only_once(practice, proc, now):
    """/dev/stdin, a pipe, a shell's <(gunzip -c practice.json.gz): copied before reading."""
    text = json.dumps(_doc(practice, now), ensure_ascii=False)
    r = proc("import", "/dev/stdin", "--dry-run", input=text)
    assert r.code == 0, r.err
    assert "would give 0 added, 0 updated, 12 unchanged" in flat(r.out)


def test_write_private_writes_pieces_and_on_failure_leaves_the_old_file(tmp_path):
    from coachlog.export.files import write_private

    target = tmp_path / "out.json"
    write_private(target, iter(["{", b'"a": ', '"ção"', "}"]))
    assert target.read_text(encoding="utf-8") == '{"a": "ção"}'

    def failing():
        yield "half a file"
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        write_private(target, failing())
    assert target.read_text(encoding="utf-8") == '{"a": "ção"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
