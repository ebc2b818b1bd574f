"""The read path (coachlog.queries, SPEC §10): the commands that only read answer through
SQL text on the DB-API driver, on SQLite and PostgreSQL, and load none of the ORM. What
they print is pinned here and in each command's own tests; the pieces shared with the ORM
(instants, server URLs, the store's refusals) are checked against SQLAlchemy itself."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pendulum
import pytest

from conftest import PG_URL
from support import NOW_ISO as PIN  # a Sunday
from support.inproc import copy_store, made_once, ok_here, pg_rows
from support.processes import can_drop_root_override, modules_of, without_root_override
from support.processes import run as safety_run

ORM = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")

# ---------------------------------------------------------------- a hand-made practice

HOSTILE = "[red]Rui[/red] \x1b[31mSilva\u202e"


def _fill(run) -> None:
    """Clients with promises on every side of every rule, near now (Sun 22 Nov 10:00 UTC)."""
    for name in ("Ana Lima", "Anabel Ortiz", "Bruno Costa", "Łukasz Żółć", "ÉVA Ñúñez", HOSTILE):
        run("client", "add", name)
    run("client", "add", "Zoë Ward", "--status", "closed")
    add = [
        ("ana lima", "Send the article @ 2026-11-19"),  # mine, overdue by days
        ("ana lima", "Draft [bold]the talk[/bold] @ 2026-11-20", "--theirs"),  # theirs, overdue
        ("ana lima", "Call back @ tomorrow 9:00"),
        ("ana lima", "Book the room @ 2026-11-18"),  # moved twice below: due_history
        ("ana lima", "Due right now @ 2026-11-22T10:00:00Z"),  # not yet overdue
        ("ana lima", "Just inside the week @ 2026-11-29T09:59:59Z"),
        ("ana lima", "Exactly a week out @ 2026-11-29T10:00:00Z"),  # not before now + 7d
        ("anabel", "Read the chapter on feedback @ +3d", "--theirs"),
        ("anabel", "Kept already @ +1d"),  # kept below: not open
        ("bruno", "Send the 360 summary @ 2026-11-21 18:00"),
        ("bruno", "Ask HR about the budget @ +20d"),
        ("łukasz", "Wyślij notatki — zażółć gęślą jaźń @ +2d"),
        ("éva", "Envoyer le résumé @ 2026-11-22T09:30:00Z", "--theirs"),  # overdue by minutes
        ("[red]", "[link=http://evil]click[/link] \x1b]8;;http://x\x1b\\ \u202etxt @ +1d"),
        ("[red]", "A very long promise " + "that keeps going " * 12 + "@ +4d", "--theirs"),
        ("zoë", "Closed client, open promise @ +2d"),
    ]
    for client, text, *flags in add:
        run("promises", "add", client, text, *flags)
    run("promises", "move", "4", "--due", "2026-11-25", "--note", "room taken")
    run("promises", "move", "4", "--due", "2026-11-26 16:00")
    run("promises", "keep", "9")
    session = ("session", "new", "bruno", "--at", "2026-11-20 15:00", "--notes", "x")
    run(*session, "--promise", "Send the notes @ +2d", "--commitment", "Try the idea @ +5d")
    run("agreement", "new", "ana l", "--goals", "Lead the team", "--cadence-days", "14")


@pytest.fixture(scope="module")
def practices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """The practice, made once per backend for the module, in this process: a SQLite file
    each test gets a copy of, or a PostgreSQL schema the tests share, and only read (checked
    when the module is done)."""
    shared: dict[str, dict[str, list[str]]] = {}  # a server schema's rows, when made

    def fill(url: str) -> None:
        _fill(partial(ok_here, url, env={"COACHLOG_NOW": PIN}))
        if url.startswith("postgresql"):
            shared[url] = pg_rows(url)

    with made_once(tmp_path_factory, fill, PG_URL) as get:
        yield get
        for url, rows in shared.items():
            assert pg_rows(url) == rows, "a test changed the practice the module's tests share"


@pytest.fixture
def practice(practices, backend: str, db_url: str, cli, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store the test reads (also what `cli` and COACHLOG_DB name): on SQLite, a copy of
    the module's practice at db_url; on PostgreSQL, the module's own schema."""
    made = practices(backend)
    if backend == "sqlite":
        copy_store(Path(made), Path(db_url))
        return db_url
    monkeypatch.setenv("COACHLOG_DB", made)
    return made


ANSWERED = [
    ("promises", "due"),
    ("promise", "due"),
    ("promises", "due", "--json"),
    ("promises", "due", "--mine"),
    ("promises", "due", "--theirs", "--json"),
    ("promises", "due", "--within", "30d"),
    ("promises", "due", "-w", "48h"),
    ("promises", "due", "--within", "1"),  # a bare number is days
    ("promises", "due", "--within=2w"),
    ("promises", "due", "--within", "0d"),  # only what is overdue
    ("promises", "due", "-c", "ana l"),  # a unique prefix
    ("promises", "due", "--client", "ANA LIMA", "--json"),  # the exact name, any case
    ("promises", "due", "-c", "1"),  # an id
    ("promises", "due", "-c", "ÉVA ÑÚÑEZ"),
    ("promises", "due", "-c", "łukasz", "--json"),
    ("promises", "due", "--client", "[red]"),
    ("promises", "due", "-c", "zoë"),  # a closed client's promises are still due
    ("--tz", "America/New_York", "promises", "due"),
    ("--tz=Asia/Tokyo", "promises", "due", "--within", "30d"),
    (),  # today's view
]


def test_the_screen_and_the_json_say_what_the_rules_say(practice, cli, monkeypatch):
    import coachlog.render as render

    monkeypatch.setattr(render, "_console", {})  # made afresh, as in a process of its own
    r = cli("promises", "due")
    head = "15 promises due within 7 days — you are late on 2, your clients on 2\n"
    assert r.code == 0 and r.out.startswith(head)
    assert "moved twice, first due 18 Nov" in r.out
    assert "[link=http://evil]click[/link] \\x1b]8;;http://x\\x1b\\" in r.out
    assert "[red]Rui[/red] \\x1b[31mSilva<U+202E>" in r.out and "\x1b" not in r.out
    assert "Exactly a week out" not in r.out and "Kept already" not in r.out
    data = cli("promises", "due", "--json").json
    assert len(data) == 15 and all(list(d)[-1] == "overdue" for d in data)
    notes = next(d for d in data if d["text"] == "Send the notes")
    assert notes["session_uid"] and notes["client"] == "Bruno Costa"
    moved = next(d for d in data if d["text"] == "Book the room")
    assert moved["due_history"] == ["2026-11-18T23:59:59+00:00", "2026-11-25T23:59:59+00:00"]
    now = next(d for d in data if d["text"] == "Due right now")
    assert now["overdue"] is False and now["due_at"] == PIN
    today = cli()
    assert today.code == 0 and today.out.startswith(r.out)
    assert today.out.endswith(
        "All commands: coachlog --help  ·  after a call: coachlog session new\n"
    )


def test_what_a_reference_finds_or_refuses(practice, cli):
    """The client lookup of the query layer: the rule in domain/clients.py, its words."""
    for args in ANSWERED:
        r = cli(*args)
        assert r.code == 0 and r.out, (args, r.err)
    refused = {
        ("--client", "ana"): (1, "'ana' matches 2 clients: Ana Lima (id 1), Anabel Ortiz (id 2)"),
        ("-c", "nobody"): (1, "No client matches 'nobody'"),
        ("-c", "999"): (1, "No client with id 999."),
        ("-c", "  "): (1, "No client given."),
        ("--mine", "--theirs"): (2, "Use either --mine or --theirs, not both."),
        ("--within", "forever"): (2, "--within"),
    }
    for args, (code, words) in refused.items():
        r = cli("promises", "due", *args)
        assert (r.code, r.out) == (code, ""), args
        assert words in r.err and "Traceback" not in r.err, (args, r.err)


def test_each_coach_sees_only_their_own_clients(cli, backend):
    """On a personal SQLite store everything is the coach's, whatever COACHLOG_COACH says.
    On a shared server the coach is the database role and COACHLOG_COACH cannot name
    another: tests/test_practice.py runs this read path there with a login role per coach."""
    if backend != "sqlite":
        pytest.skip("on a server the coach is the login role: tests/test_practice.py")
    for coach, name in (("alice", "Ana Lima"), ("bob", "Bruno Costa"), ("bob", "Ana Bela")):
        env = {"COACHLOG_COACH": coach}
        assert cli("client", "add", name, env=env).code == 0
        assert cli("promises", "add", name, f"Write to {name} @ +1d", env=env).code == 0
    alice = {"COACHLOG_COACH": "alice"}
    out = cli("promises", "due", env=alice).out
    assert "Ana Lima" in out and ("Bruno Costa" in out) is (backend == "sqlite")
    assert (cli("promises", "due", "-c", "ana", env=alice).code == 0) is (backend != "sqlite")
    assert (cli("promises", "due", "-c", "bruno", env=alice).code == 0) is (backend == "sqlite")
    assert (cli("promises", "due", "-c", "2", env=alice).code == 0) is (backend == "sqlite")
    bob = cli("promises", "due", "--json", env={"COACHLOG_COACH": "bob"}).json
    assert ("Ana Lima" in {d["client"] for d in bob}) is (backend == "sqlite")


def test_rows_carry_the_models_attribute_names():
    """Screens and exporters read a row or an ORM object alike (queries/rows.py)."""

    from coachlog import models
    from coachlog.queries import rows

    pairs = [
        (rows.ClientRow, models.Client),
        (rows.AgreementRow, models.Agreement),
        (rows.SessionRow, models.CoachingSession),
        (rows.PromiseRow, models.Promise),
        (rows.LearningRow, models.Learning),
        (rows.UndoStepRow, models.UndoStep),
    ]
    for row, model in pairs:
        assert set(row._fields) == set(model.model_fields), row


def test_rows_read_back_what_the_orm_wrote(cli, store, reader):
    """Every column of every table (instants, dates, booleans, JSON, text) comes back from
    the query layer as the ORM gives it back."""
    from sqlmodel import select

    from coachlog import models
    from coachlog.queries import rows

    run = [
        ("client", "add", "Ana Lima", "--started", "2026-01-10", "--email", "a@x.org"),
        ("agreement", "new", "ana", "--goals", "g", "--review-on", "2026-12-01",
         "--ends-on", "2027-06-30", "--cadence-days", "14"),
        ("session", "new", "ana", "--at", "2026-11-20 15:00", "--notes", "x", "--theme",
         "reunião", "--private", "--trust", "4", "--promise", "Send it @ +2d"),
        ("promises", "move", "1", "--due", "2026-11-30"),
        ("promises", "keep", "1"),
        ("client", "close", "ana"),
    ]  # fmt: skip
    for args in run:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
    pairs = [
        (rows.ClientRow, models.Client),
        (rows.AgreementRow, models.Agreement),
        (rows.SessionRow, models.CoachingSession),
        (rows.UndoStepRow, models.UndoStep),
        (rows.PromiseRow, models.Promise),
    ]
    db = reader()
    for row_class, model in pairs:
        got = [rows.build(row_class, r) for r in db.rows(f"SELECT {rows.columns(row_class)}"
               f" FROM {rows.TABLE[row_class]} ORDER BY id")]  # fmt: skip
        with store.read() as session:
            expected = [m.model_dump() for m in session.exec(select(model)).all()]
        assert [g._asdict() for g in got] == expected, model
        assert got, model
    assert got[0].closed_at.tzinfo is UTC and got[0].due_history


def test_a_sessions_minutes_have_one_set_of_limits(cli):
    """1 to 1440 minutes for a session and a pit-stop alike, on the command line, in the
    import (tests/test_exchange_json.py) and in the templates (domain/limits.py)."""
    assert cli("client", "add", "Ana Lima").code == 0
    for command in (
        ("session", "new", "ana", "--notes", "x"),
        ("pitstop", "ana", "--working", "x"),
    ):
        ok = cli(*command, "--minutes", "1440")
        assert ok.code == 0, ok.err
        over = cli(*command, "--minutes", "1441")
        assert over.code == 2 and "1<=x<=1440" in over.err and "Traceback" not in over.err
        assert cli(*command, "--minutes", "0").code == 2


def test_the_rules_are_pure_and_read_plain_objects():
    """The trust checklist and the pit-stop rule from hand-made facts and a fixed now: no
    store, no ORM (domain/)."""
    from types import SimpleNamespace

    from coachlog.domain import pitstops
    from coachlog.domain.facts import Facts, Recent, Ref
    from coachlog.domain.trust import evaluate_facts

    now = datetime(2026, 11, 22, 10, tzinfo=UTC)
    day = timedelta(days=1)
    client = SimpleNamespace(id=1, name="Ana Lima", pronouns=None, context="Lisbon", sponsor=None,
                             communication_style=None,
                             pitstop_every_sessions=None, pitstop_every_weeks=None)  # fmt: skip
    from coachlog.domain.agreements import ELEMENTS

    agreement = SimpleNamespace(status="active", version=1, review_on=None, ends_on=None,
                                cadence_days=14, **dict.fromkeys(ELEMENTS, "agreed"))  # fmt: skip
    f = Facts(client_id=1, sessions=3, first_session_at=now - 60 * day,
              first_session_kind="engagement", last_session_at=now - 2 * day,
              recent=[Recent(3, now - 2 * day, "regular", 4, True),
                      Recent(2, now - 16 * day, "regular", 3, True),
                      Recent(1, now - 60 * day, "engagement", None, False)],
              agreements=[agreement])  # fmt: skip
    f.coach.overdue.append(Ref(7, now - 3 * day))
    f.pitstop = pitstops.due_status(sessions=3, first_session_at=now - 60 * day,
                                    last_pitstop_at=None, regular_since=2,
                                    every_sessions=6, every_weeks=8, now=now)  # fmt: skip
    assert f.pitstop.due and f.pitstop.reason == "due: 8 weeks since the first session"
    report = evaluate_facts(client, f, now=now, tz="Europe/Lisbon")
    by_name = {c.name: c for c in report.checks}
    assert (
        by_name["Honor your word"].status == "fail" and "#7" in by_name["Honor your word"].evidence
    )
    assert by_name["Engagement first"].status == "pass"
    assert len(report.checks) == 11


# ------------------------------------------------------------- stores and their refusals


def test_a_store_not_made_yet_is_an_error_and_nothing_is_made(cli, db_url):
    r = cli("promises", "due")
    if "://" in db_url:  # a server's schema is there already, and empty
        assert (r.code, r.out) == (0, "Nothing due in the next 7 days.\n")
        return
    assert r.code == 1 and "There is no coachlog store at" in r.err
    assert not os.path.exists(db_url)


def test_the_default_store_before_its_first_use_reads_as_empty(proc, tmp_path):
    env = {"COACHLOG_DB": ""}
    r = proc("promises", "due", env=env)
    assert (r.code, r.out, r.err) == (0, "Nothing due in the next 7 days.\n", "")
    assert not list((tmp_path / "xdg-data").rglob("*.db"))


def test_a_store_at_an_older_schema_is_upgraded_then_read(cli, db_path, monkeypatch):
    """The migration is the engine's (Alembic, with its backup); the read is the query
    layer's. A store from a newer coachlog is refused untouched."""
    from alembic import command

    from coachlog.store import Store, resolve
    from coachlog.store.engine import prepare_file
    from coachlog.store.migrate import alembic_config
    from coachlog.store.versions import HEAD

    db = str(db_path)
    prepare_file(db_path)
    old = Store(resolve(db), coach="t")
    with old.engine.connect() as conn, conn.begin():
        command.upgrade(alembic_config(conn), "0005")
    old.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO clients (id, uid, created_at, updated_at, coach, name, status, payment)"
            " VALUES (1, 'c-1', '2026-01-01 10:00:00', '2026-01-01 10:00:00', 't', 'Ana',"
            " 'active', 'paid')"
        )
        conn.execute(
            "INSERT INTO promises (id, uid, created_at, updated_at, client_id, owner, text,"
            " made_at, due_at, status, due_history) VALUES (1, 'p-1', '2026-11-01 10:00:00',"
            " '2026-11-01 10:00:00', 1, 'coach', 'Send it', '2026-11-01 10:00:00',"
            " '2026-11-23 10:00:00', 'open', '[]')"
        )
    conn.close()
    r = cli("--db", db, "promises", "due")
    assert r.code == 0 and "Send it" in r.out, r.err
    assert "Upgraded the store's schema; a backup of the old one is at" in r.err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = db_path.read_bytes()
    r = cli("--db", db, "promises", "due")
    assert r.code == 1 and "written by a newer coachlog (schema 9999)" in r.err
    assert db_path.read_bytes() == before


def test_an_encrypted_store_is_read_with_its_passphrase(cli, db_path):
    key = {"COACHLOG_PASSPHRASE": "correct horse 'battery\""}
    db = str(db_path)
    assert cli("--db", db, "client", "add", "Ana Lima", env=key).code == 0
    assert cli("--db", db, "promises", "add", "ana", "Send it @ 2026-11-20", env=key).code == 0
    assert db_path.read_bytes()[:16] != b"SQLite format 3\x00"
    r = cli("--db", db, "promises", "due", env=key)
    assert "Send it       overdue by 1 day" in r.out
    assert cli("--db", db, "promises", "due", "-c", "ana", "--json", env=key).json
    r = cli("--db", db, "promises", "due", env={"COACHLOG_PASSPHRASE": "wrong"})
    assert (r.code, r.out) == (1, "") and "Wrong passphrase" in r.err
    r = cli("--db", db, "promises", "due")  # each call's env is its own: no passphrase now
    assert r.code == 1 and "COACHLOG_PASSPHRASE" in r.err


def test_a_passphrase_for_a_plain_store_is_said_to_be_unused(cli, db_path):
    assert cli("--db", str(db_path), "client", "add", "Ana").code == 0
    r = cli("--db", str(db_path), "promises", "due", env={"COACHLOG_PASSPHRASE": "x"})
    assert r.code == 0 and "COACHLOG_PASSPHRASE is set, but the store at" in r.err


def test_a_file_that_is_not_a_store_is_refused_and_left_as_it_was(cli, db_path):
    db_path.parent.mkdir(parents=True)
    noise = os.urandom(4096)
    db_path.write_bytes(noise)
    r = cli("--db", str(db_path), "promises", "due")
    assert r.code == 1 and "encrypted" in r.err
    r = cli("--db", str(db_path), "promises", "due", env={"COACHLOG_PASSPHRASE": "x"})
    assert r.code == 1 and "Error:" in r.err and "Traceback" not in r.err
    other = db_path.with_name("other.db")
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = other.read_bytes()
    r = cli("--db", str(other), "promises", "due")
    assert r.code == 1 and "is not a coachlog store" in r.err
    assert other.read_bytes() == before and db_path.read_bytes() == noise


@pytest.mark.skipif(not can_drop_root_override(), reason="cannot make root obey permissions")
@pytest.mark.parametrize("locked", ["folder", "file"])
def test_a_store_it_may_not_write(cli, db_path, locked):
    """A read-only folder (SQLite cannot make its WAL index there) is a clear error; a
    read-only store file is read. As a real process without root's powers."""
    assert cli("--db", str(db_path), "client", "add", "Ana Lima").code == 0
    assert cli("--db", str(db_path), "promises", "add", "ana", "Send it @ +1d").code == 0
    target = db_path.parent if locked == "folder" else db_path
    mode = target.stat().st_mode
    os.chmod(target, 0o500 if locked == "folder" else 0o400)
    try:
        r = safety_run(db_path, "promises", "due", preexec_fn=without_root_override)
    finally:
        os.chmod(target, mode)
    if locked == "folder":
        assert r.code == 1 and "read-only" in r.err and "Traceback" not in r.err
    else:
        assert r.code == 0 and "Send it" in r.out, r.err


def test_a_store_not_in_wal_mode_is_switched(cli, db_path):
    assert cli("--db", str(db_path), "client", "add", "Ana").code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    assert cli("--db", str(db_path), "promises", "due").code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


# ------------------------------------------------- the pieces it shares with the ORM


@pytest.mark.parametrize(
    "value",
    [
        pendulum.datetime(2026, 11, 29, 10, tz="UTC"),
        pendulum.datetime(2026, 3, 29, 1, 30, 15, 123456, tz="Europe/Lisbon"),
        datetime(2026, 11, 22, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1999, 1, 1, tzinfo=UTC),
    ],
)
def test_instants_are_stored_and_read_as_the_orm_does(value):
    from sqlalchemy.dialects import sqlite

    from coachlog.models import UTCDateTime
    from coachlog.queries.db import Reader, instant, to_store

    orm = UTCDateTime()
    stored = orm.process_bind_param(value, None)
    assert to_store(value) == stored and type(to_store(value)) is datetime
    text = sqlite.DATETIME().bind_processor(sqlite.dialect())(stored)
    lite, pg = Reader.__new__(Reader), Reader.__new__(Reader)
    lite.sqlite, pg.sqlite = True, False
    assert lite.bind(value) == text
    assert pg.bind(value) == stored
    back = orm.process_result_value(
        sqlite.DATETIME().result_processor(sqlite.dialect(), None)(text), None
    )
    assert instant(text) == back and instant(stored) == back
    assert instant(text).tzinfo is UTC and back.tzinfo is UTC


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://coachlog@/coachlog_test?host=/work/pgdev&port=54330",
        "postgresql+psycopg://coachlog@/db?host=/run/pg&options=-csearch_path%3Dt_abc",
        "postgresql+psycopg://ana:p%40ss%3Aw%2Frd@db.example.org:5433/practice",
        "postgresql+psycopg://ana@[::1]:5432/practice?sslmode=require&connect_timeout=3",
        "postgresql+psycopg://localhost/practice",
        "postgresql+psycopg:///practice",
        "postgresql+psycopg://ana:@host/db%20name?application_name=coachlog",
        "postgresql+psycopg://ana@/db?host=/a&host=/b",
        "postgresql+psycopg://ana@/db?host=h1:5432&host=h2:5433",
    ],
)
def test_a_server_url_connects_as_sqlalchemy_would(url):
    import sqlalchemy as sa

    from coachlog.store.connect import psycopg_args

    engine = sa.create_engine(url)
    try:
        _, expected = engine.dialect.create_connect_args(engine.url)
    finally:
        engine.dispose()
    expected.pop("context", None)  # SQLAlchemy's type adapters, not a connection setting
    assert psycopg_args(url) == expected


# ------------------------------------------------------------------- as a real process

# Every command that only reads, with the arguments to run it against the practice. The
# subprocess test below runs each and lists the modules it loaded.
READS: list[tuple[str, ...]] = [
    (),  # today's view
    ("promises", "due"),
    ("promises", "due", "--json"),
    ("promise", "due", "-c", "ana l", "-w", "30d"),
    ("dashboard",),
    ("dashboard", "--json"),
    ("trust",),
    ("trust", "ana l", "--json"),
    ("prep", "bruno"),
    ("prep", "bruno", "--json"),
    ("client", "list", "--no-pager"),
    ("client", "list", "--all", "--json", "--limit", "2"),
    ("client", "show", "bruno"),
    ("client", "show", "1", "--json"),
    ("agreement", "show", "ana l"),
    ("agreement", "list", "ana l", "--json"),
    ("agreement", "check", "ana l"),
    ("session", "list", "--no-pager"),
    ("session", "list", "--limit", "1", "--json"),
    ("session", "show", "1"),
    ("promises", "list", "--no-pager"),
    ("promises", "list", "--limit", "3", "--json"),
    ("search", "send", "--no-pager"),
    ("search", "ana", "--json"),
    ("icf", "log", "--format", "json"),
    ("icf", "progress"),
    ("learning", "list"),
    ("renewal", "--json"),
    ("export", "ana l"),
    ("export", "ana l", "--include-private", "--since", "2026-01-01"),
    ("export", "ana l", "--format", "json"),
    ("export", "--all", "--format", "json"),
    ("export", "--all", "--format", "json", "--since", "2026-11-20"),
    ("export", "--all", "--format", "ics"),
    ("export", "bruno", "--format", "ics", "--alarm", "1d"),
    ("undo", "--list"),
    ("undo", "--list", "--limit", "2", "--json"),
]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a) or "today")
def test_no_read_command_loads_the_orm(practice, args):
    env = {**os.environ, "COACHLOG_NOW": PIN, "COACHLOG_CREDENTIAL_EXPIRES_ON": "2027-06-30"}
    r, loaded = modules_of(["--db", practice, *args], env)
    assert r.code == 0 and r.out, r.err
    assert [m for m in ORM if m in loaded] == [], args
    assert "coachlog.models" not in loaded, args
    # Dates are the standard library's on every read: pendulum alone cost ~25 ms a command.
    assert "pendulum" not in loaded, args
