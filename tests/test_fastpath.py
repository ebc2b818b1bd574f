"""The ORM-free read path of `promises due` (coachlog.cli.fastpath): for every command line it
answers, the same bytes on stdout and stderr and the same exit status as the normal
Typer/ORM path, on SQLite and PostgreSQL; everything else it declines, and then `coachlog`
answers exactly as the normal path does; and it loads none of the heavy modules."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pendulum
import pytest

from conftest import Result
from support import NOW_ISO as PIN  # a Sunday
from support.processes import can_drop_root_override, without_root_override
from support.processes import run as safety_run

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "typer")


@pytest.fixture
def both(db_url, capsys, monkeypatch):
    """both(*args) runs a command line twice against the test's store: as the `coachlog`
    executable does (the fast path, else the normal path) and through the normal path
    alone. Returns (what coachlog printed, what the normal path printed, answered fast?)."""
    import coachlog.render as render
    from coachlog.cli.entry import fast_read
    from coachlog.cli.main import main

    monkeypatch.setenv("COACHLOG_DB", db_url)
    monkeypatch.setenv("COACHLOG_NOW", PIN)

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[Result, Result, bool]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(render, "_console", {})  # consoles read COLUMNS, colour when made
        capsys.readouterr()
        code = fast_read(list(args))
        answered = code is not None
        if code is None:
            code = main(list(args))
        fast = Result(code, *capsys.readouterr())
        monkeypatch.setattr(render, "_console", {})
        code = main(list(args))
        return fast, Result(code, *capsys.readouterr()), answered

    return run


def same(both, *args: str, answered: bool = True, env: dict[str, str] | None = None) -> Result:
    fast, slow, fast_answered = both(*args, env=env)
    assert (fast.code, fast.out, fast.err) == (slow.code, slow.out, slow.err), args
    assert fast_answered is answered, args
    return fast


# ---------------------------------------------------------------- a hand-made practice

HOSTILE = "[red]Rui[/red] \x1b[31mSilva\u202e"


@pytest.fixture
def practice(cli):
    """Clients with promises on every side of every rule, near now (Sun 22 Nov 10:00 UTC)."""

    def run(*args: str, **kw) -> Result:
        r = cli(*args, env={"COACHLOG_NOW": PIN, **kw.pop("env", {})}, **kw)
        assert r.code == 0, (args, r.err)
        return r

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
    return run


ANSWERED = [
    ("promises", "due"),
    ("promise", "due"),
    ("promises", "due", "--json"),
    ("promises", "due", "--mine"),
    ("promises", "due", "--theirs"),
    ("promises", "due", "--theirs", "--json"),
    ("promises", "due", "--within", "30d"),
    ("promises", "due", "-w", "48h"),
    ("promises", "due", "--within", "1"),  # a bare number is days
    ("promises", "due", "--within=2w"),
    ("promises", "due", "--within", "90min", "--mine"),
    ("promises", "due", "--within", "0d"),  # only what is overdue
    ("promises", "due", "-c", "ana l"),  # a unique prefix
    ("promises", "due", "--client", "ANA LIMA", "--json"),  # the exact name, any case
    ("promises", "due", "--client=bruno", "--within", "30d"),
    ("promises", "due", "-c", "1"),  # an id
    ("promises", "due", "-c", "éva"),
    ("promises", "due", "-c", "ÉVA ÑÚÑEZ"),
    ("promises", "due", "-c", "łukasz", "--json"),
    ("promises", "due", "--client", "[red]"),
    ("promises", "due", "-c", "zoë"),  # a closed client's promises are still due
    ("promises", "due", "-w", "1d", "--within", "14d", "--mine", "--mine"),  # the last wins
    ("--tz", "America/New_York", "promises", "due"),
    ("--tz=Asia/Tokyo", "promises", "due", "--within", "30d"),
    ("--db", "DB", "promises", "due"),
    ("--db=DB", "--tz", "UTC", "promise", "due", "--json"),
]


def _args(args: tuple[str, ...], db_url: str) -> list[str]:
    return [a.replace("DB", db_url) if a in ("DB", "--db=DB") else a for a in args]


def test_fast_answers_exactly_as_the_normal_path(practice, both, db_url):
    # One practice for every case (building it is most of the time); `same` names the case.
    for args in ANSWERED:
        r = same(both, *_args(args, db_url))
        assert r.code == 0 and r.out, args


DECLINED = [
    ("promises", "due", "--client", "ana"),  # ambiguous: Ana Lima, Anabel Ortiz
    ("promises", "due", "-c", "nobody"),
    ("promises", "due", "-c", "999"),
    ("promises", "due", "-c", "  "),
    ("promises", "due", "--client="),
    ("promises", "due", "-c", "²"),  # a digit to str.isdigit(), not to int()
    ("promises", "due", "--mine", "--theirs"),
    ("promises", "due", "--within", "forever"),
    ("promises", "due", "--within", "-1d"),
    ("--tz", "Nowhere/City", "promises", "due"),
    ("--tz", "Nowhere/City", "promises", "due", "--json"),  # unused, still an error (exit 2)
    ("promises", "due", "--help"),
    ("promises", "due", "-cana"),
    ("promises", "due", "extra"),
    ("promises", "due", "--json=1"),
    ("promises", "due", "--client"),
    ("promises", "--tz", "UTC", "due"),  # a global option inside the command line
    ("promises", "due", "--", "--mine"),
    ("--version", "promises", "due"),
]


def test_what_it_declines_the_normal_path_answers(practice, both):
    for args in DECLINED:
        same(both, *args, answered=False)
    same(both, "promises", "due", env={"COACHLOG_NO_FASTPATH": "1"}, answered=False)


def test_the_screen_and_the_json_say_what_the_normal_path_says(practice, both):
    """A spot check of the content, beyond 'the same': the rules were exercised."""
    r = same(both, "promises", "due")
    head = "15 promises due within 7 days — you are late on 2, your clients on 2\n"
    assert r.out.startswith(head)
    assert "moved twice, first due 18 Nov" in r.out
    assert "[link=http://evil]click[/link] \\x1b]8;;http://x\\x1b\\" in r.out
    assert "[red]Rui[/red] \\x1b[31mSilva<U+202E>" in r.out and "\x1b" not in r.out
    assert "Exactly a week out" not in r.out and "Kept already" not in r.out
    data = same(both, "promises", "due", "--json").json
    assert len(data) == 15 and all(list(d)[-1] == "overdue" for d in data)
    notes = next(d for d in data if d["text"] == "Send the notes")
    assert notes["session_uid"] and notes["client"] == "Bruno Costa"
    moved = next(d for d in data if d["text"] == "Book the room")
    assert moved["due_history"] == ["2026-11-18T23:59:59+00:00", "2026-11-25T23:59:59+00:00"]
    now = next(d for d in data if d["text"] == "Due right now")
    assert now["overdue"] is False and now["due_at"] == PIN


def test_every_width_and_colour(practice, both, monkeypatch):
    for columns in ("40", "60", "80", "200"):
        r = same(both, "promises", "due", "--within", "30d", env={"COLUMNS": columns})
        assert "\x1b[" not in r.out
    monkeypatch.delenv("NO_COLOR")
    r = same(both, "promises", "due", "--within", "30d", env={"FORCE_COLOR": "1"})
    assert "\x1b[1;37;41moverdue by 2 days\x1b[0m" in r.out  # the loudest thing on screen


def test_nothing_due(cli, both):
    assert cli("client", "add", "Ana Lima").code == 0
    assert same(both, "promises", "due").out == "Nothing due in the next 7 days.\n"
    assert same(both, "promises", "due", "--mine", "-w", "2w").out == (
        "Nothing of yours due in the next 14 days.\n"
    )
    assert same(both, "promises", "due", "--theirs", "--json").out == "[]\n"


def test_each_coach_sees_only_their_own_clients(cli, both, backend):
    """On a personal SQLite store everything is the coach's, whatever COACHLOG_COACH says.
    On a shared server the coach is the database role, and COACHLOG_COACH cannot choose
    another: tests/test_practice.py runs the fast path there with a login role per coach."""
    if backend != "sqlite":
        pytest.skip("on a server the coach is the login role: tests/test_practice.py")
    for coach, name in (("alice", "Ana Lima"), ("bob", "Bruno Costa"), ("bob", "Ana Bela")):
        env = {"COACHLOG_COACH": coach, "COACHLOG_NOW": PIN}
        assert cli("client", "add", name, env=env).code == 0
        assert cli("promises", "add", name, f"Write to {name} @ +1d", env=env).code == 0
    alice = {"COACHLOG_COACH": "alice"}
    out = same(both, "promises", "due", env=alice).out
    assert ("Bruno Costa" in out) is (backend == "sqlite")
    same(both, "promises", "due", "-c", "ana", env=alice, answered=backend != "sqlite")
    same(both, "promises", "due", "-c", "bruno", env=alice, answered=backend == "sqlite")
    # bob's one Ana on the server; on SQLite Ana Lima is his too, and "ana" is ambiguous
    bob = {"COACHLOG_COACH": "bob"}
    same(both, "promises", "due", "-c", "ana", "--json", env=bob, answered=backend != "sqlite")


def test_the_demo_practice(cli, both):
    assert (
        cli("demo", "--clients", "6", "--years", "2", "--seed", "7", env={"COACHLOG_NOW": PIN}).code
        == 0
    )
    clients = cli("client", "list", "--all", "--json").json
    assert len(clients) >= 6
    for args in (
        ("promises", "due"),
        ("promises", "due", "--json"),
        ("promises", "due", "--within", "60d"),
        ("promises", "due", "--within", "5000d", "--json"),
        ("promises", "due", "--mine", "--within", "30d"),
        ("promises", "due", "--theirs", "--within", "30d"),
        *(("promises", "due", "-c", str(c["id"]), "-w", "90d") for c in clients[:4]),
        ("promises", "due", "--client", clients[0]["name"].upper(), "--json", "-w", "90d"),
    ):
        r = same(both, *args)
        assert r.code == 0 and r.out


# ------------------------------------------------------------- stores it leaves alone


def test_a_store_not_made_yet_is_left_to_the_normal_path(both, db_url):
    """A store named (here by COACHLOG_DB) that does not exist: the normal path says so,
    and creates nothing (SPEC §2a: a reading command never creates a store)."""
    r = same(both, "promises", "due", answered=False)
    if "://" in db_url:  # a server's schema is there already, and empty
        assert (r.code, r.out) == (0, "Nothing due in the next 7 days.\n")
        return
    assert r.code == 1 and "There is no coachlog store at" in r.err
    assert not os.path.exists(db_url)


def test_a_store_that_needs_migrating_is_declined(cli, db_path, monkeypatch):
    from coachlog.cli.fastpath.due import run

    assert cli("--db", str(db_path), "client", "add", "Ana").code == 0
    assert run(["--db", str(db_path), "promises", "due"]) == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.close()
    assert run(["--db", str(db_path), "promises", "due"]) is None


def test_an_encrypted_store_is_read_with_the_passphrase_from_the_environment(cli, both, db_path):
    key = {"COACHLOG_PASSPHRASE": "correct horse 'battery\""}
    db = str(db_path)
    assert cli("--db", db, "client", "add", "Ana Lima", env=key).code == 0
    assert cli("--db", db, "promises", "add", "ana", "Send it @ 2026-11-20", env=key).code == 0
    assert db_path.read_bytes()[:16] != b"SQLite format 3\x00"
    r = same(both, "--db", db, "promises", "due", env=key)
    assert "Send it       overdue by 1 day" in r.out
    same(both, "--db", db, "promises", "due", "-c", "ana", "--json", env=key)
    # A wrong passphrase, or none (and no terminal to ask on): the normal path says so.
    r = same(
        both, "--db", db, "promises", "due", env={"COACHLOG_PASSPHRASE": "wrong"}, answered=False
    )
    assert r.code == 1 and "passphrase" in r.err
    os.environ.pop("COACHLOG_PASSPHRASE")  # the autouse fixture restores the environment
    r = same(both, "--db", db, "promises", "due", answered=False)
    assert r.code == 1 and "COACHLOG_PASSPHRASE" in r.err


def test_a_file_that_is_not_a_store_is_declined(both, db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(os.urandom(4096))
    r = same(both, "--db", str(db_path), "promises", "due", answered=False)
    assert r.code == 1 and "encrypted" in r.err
    r = same(
        both,
        "--db",
        str(db_path),
        "promises",
        "due",
        env={"COACHLOG_PASSPHRASE": "x"},
        answered=False,
    )
    assert r.code == 1 and "Error:" in r.err


@pytest.mark.skipif(not can_drop_root_override(), reason="cannot make root obey permissions")
@pytest.mark.parametrize("locked", ["folder", "file"])
def test_a_store_it_may_not_write(cli, db_path, locked):
    """A read-only folder (SQLite cannot make its WAL index there) or store file: the
    fast path does whatever the normal path does, as a real process without root's powers."""
    assert cli("--db", str(db_path), "client", "add", "Ana Lima").code == 0
    assert cli("--db", str(db_path), "promises", "add", "ana", "Send it @ +1d").code == 0
    target = db_path.parent if locked == "folder" else db_path
    mode = target.stat().st_mode
    os.chmod(target, 0o500 if locked == "folder" else 0o400)
    try:
        runs = [
            safety_run(db_path, "promises", "due", env=env, preexec_fn=without_root_override)
            for env in ({}, {"COACHLOG_NO_FASTPATH": "1"})
        ]
    finally:
        os.chmod(target, mode)
    fast, slow = runs
    assert (fast.code, fast.out, fast.err) == (slow.code, slow.out, slow.err)
    assert fast.code == (1 if locked == "folder" else 0), fast.err


def test_a_store_not_in_wal_mode_is_declined_and_switched_by_the_normal_path(cli, both, db_path):
    assert cli("--db", str(db_path), "client", "add", "Ana").code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    same(both, "--db", str(db_path), "promises", "due", answered=False)
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
    from sqlalchemy.dialects import postgresql, sqlite

    from coachlog.cli.fastpath.db import Reader, from_store, to_store
    from coachlog.models import UTCDateTime

    orm = UTCDateTime()
    stored = orm.process_bind_param(value, None)
    assert to_store(value) == stored and type(to_store(value)) is datetime
    text = sqlite.DATETIME().bind_processor(sqlite.dialect())(stored)
    lite, pg = Reader.__new__(Reader), Reader.__new__(Reader)
    lite.sqlite, pg.sqlite = True, False
    assert lite.instant(value) == text
    assert pg.instant(value) == stored
    back = orm.process_result_value(
        sqlite.DATETIME().result_processor(sqlite.dialect(), None)(text), None
    )
    assert from_store(text) == back and from_store(stored) == back
    assert from_store(text).tzinfo is UTC and back.tzinfo is UTC
    assert postgresql.dialect  # the PostgreSQL driver returns the naive datetime itself


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
    ],
)
def test_a_server_url_connects_as_sqlalchemy_would(url):
    import sqlalchemy as sa

    from coachlog.cli.fastpath.db import psycopg_args

    engine = sa.create_engine(url)
    try:
        _, expected = engine.dialect.create_connect_args(engine.url)
    finally:
        engine.dispose()
    expected.pop("context", None)  # SQLAlchemy's type adapters, not a connection setting
    assert psycopg_args(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg2://ana@host/db",
        "postgresql+psycopg://ana@/db?host=/a&host=/b",
        "mysql://ana@host/db",
    ],
)
def test_server_urls_it_does_not_mirror_are_declined(url):
    from coachlog.cli.fastpath.db import Decline, psycopg_args

    with pytest.raises(Decline):
        psycopg_args(url)


def test_the_promise_rules_are_the_services_own():
    """services.promises re-exports the domain's rules and the one JSON shape of a promise:
    one implementation, two read paths."""
    from coachlog.domain import promises as rules
    from coachlog.services import promises, records

    for name in ("Item", "is_overdue", "kept_on_time", "lateness", "first_due", "order"):
        assert getattr(promises, name) is getattr(rules, name)
    assert promises.public is records.public_promise


# ------------------------------------------------------------------- as a real process


def _coachlog(args: list[str], env: dict[str, str]) -> tuple[Result, list[str]]:
    """The console script as a process, and the modules it had loaded when it exited."""
    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\n@@' + json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['coachlog', *{args!r}]\n"
        "from coachlog.cli.entry import run\n"
        "run()\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "COACHLOG_NOW": PIN, **env},
        check=False,
    )
    err, _, modules = p.stderr.rpartition("\n@@")
    return Result(p.returncode, p.stdout, err), json.loads(modules)


def test_the_fast_path_imports_no_orm_and_no_typer(practice, db_url):
    fast, loaded = _coachlog(["--db", db_url, "promises", "due", "-w", "30d"], {})
    slow, slow_loaded = _coachlog(
        ["--db", db_url, "promises", "due", "-w", "30d"], {"COACHLOG_NO_FASTPATH": "1"}
    )
    assert (fast.code, fast.out, fast.err) == (slow.code, slow.out, slow.err)
    assert fast.code == 0 and "Ana Lima" in fast.out
    assert [m for m in HEAVY if m in loaded] == []
    assert [m for m in HEAVY if m in slow_loaded] == ["sqlalchemy", "sqlmodel", "pydantic", "typer"]


def test_the_fast_json_imports_no_orm(practice, db_url):
    fast, loaded = _coachlog(["--db", db_url, "promises", "due", "--json"], {})
    assert fast.code == 0 and fast.json
    assert [m for m in HEAVY if m in loaded] == []
