"""Correcting mistakes (SPEC §3b): promises edit and reopen, breaking a client's commitment
without a repair, moving a session to the right client, releasing promises when a client
closes, prospects made active, and `client list` saying what it leaves out. The undo log's
migration and its pure pieces are tested here too."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coachlog.domain.promises import needs_repair, reopen_line, with_note
from support.processes import query, run, run_in_terminal


@pytest.fixture
def two(cli):
    """Ana with a session (#1: promise #1 hers to keep, #2 her commitment), Bruno, and a
    promise #3 of Ana's made outside a session."""
    for args in (
        ("client", "add", "Ana Lima"),
        ("client", "add", "Bruno Costa"),
        (
            "session", "new", "ana", "--notes", "Delegation",
            "--promise", "Send the article @ fri 18:00", "--commitment", "Talk to Rui @ +7d",
        ),
        ("promises", "add", "ana", "Share the reading list @ tomorrow"),
    ):  # fmt: skip
        r = cli(*args)
        assert r.code == 0, (args, r.err)
    return cli


# ---- the pure rules ----------------------------------------------------------------------


def test_rules():
    assert needs_repair("coach") and not needs_repair("client")
    assert with_note(None, "b") == "b" and with_note("a", None) == "a"
    assert with_note("a", "b") == "a\nb"
    assert reopen_line("kept", "2026-11-20", None, on="2026-11-22") == (
        "Reopened on 2026-11-22; it had been kept on 2026-11-20."
    )
    assert reopen_line("broken", "2026-11-20", "Sorry", on="2026-11-22").endswith(
        "The repair was: Sorry"
    )
    assert "repair" not in reopen_line("released", "2026-11-20", "x", on="2026-11-22")


def test_rows_as_json_round_trip_to_the_microsecond():
    from coachlog.services.undo import decode_row, encode_row

    row = {
        "id": 3,
        "uid": "u",
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "client_id": 1,
        "session_id": None,
        "owner": "coach",
        "text": "t",
        "made_at": datetime(2026, 1, 1, tzinfo=UTC),
        "due_at": datetime(2026, 1, 9, tzinfo=UTC),
        "status": "open",
        "closed_at": None,
        "note": None,
        "repair": None,
        "due_history": ["2026-01-05T00:00:00+00:00"],
    }
    encoded = encode_row("promises", row)
    assert encoded["created_at"] == "2026-01-02T03:04:05.678901+00:00"
    assert decode_row("promises", encoded) == row


def test_a_bulk_change_inside_an_undo_step_is_refused(store, now):
    from sqlalchemy import update

    from coachlog.models import Promise
    from coachlog.services import undo

    with (
        pytest.raises(RuntimeError, match="escape the undo log"),
        store.write() as db,
        undo.step(db, "test", now=now),
    ):
        db.exec(update(Promise).values(text="x"))  # type: ignore[call-overload]


def test_describe_words_a_step():
    from coachlog.services.undo import Change, describe

    assert (
        describe(
            [
                Change("sessions", 9, "insert"),
                Change("promises", 10, "insert"),
                Change("promises", 11, "insert"),
                Change("clients", 1, "update", {}),
            ]
        )
        == "added session #9, promises #10, #11; changed client #1"
    )


# ---- promises edit -----------------------------------------------------------------------


def test_edit_text_owner_and_due_keeps_the_old_due(two):
    r = two("promises", "edit", "1", "--text", "Send two articles", "--theirs", "--due", "+9d")
    assert r.code == 0, r.err
    assert "Send two articles" in r.out and '(from "+9d")' in r.out
    p = {p["id"]: p for p in two("promises", "list", "--json").json}[1]
    assert (p["text"], p["owner"]) == ("Send two articles", "client")
    assert p["due_at"] == "2026-12-01T23:59:59+00:00"
    assert p["due_history"] == ["2026-11-27T18:00:00+00:00"]
    j = two("promises", "edit", "1", "--mine", "--json").json
    assert j["owner"] == "coach" and j["id"] == 1


def test_edit_works_on_a_closed_promise(two):
    assert two("promises", "keep", "3").code == 0
    r = two("promises", "edit", "3", "--text", "Share the longer reading list", "--json")
    assert r.code == 0 and r.json["status"] == "kept"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["1"], 2, "Nothing to change"),
        (["1", "--mine", "--theirs"], 2, "either --mine or --theirs"),
        (["1", "--text", "Send the article"], 1, "already reads so"),
        (["1", "--text", "  "], 1, "--text cannot be empty"),
        (["99", "--text", "x"], 1, "No promise with id 99"),
        (["1", "--due", "blursday"], 2, "--due"),  # a bad option value: a usage error
    ],
)
def test_edit_refuses_clearly_and_changes_nothing(two, args, code, words):
    before = two("promises", "list", "--json").json
    r = two("promises", "edit", *args)
    assert r.code == code and words in r.err and "Traceback" not in r.err
    assert two("promises", "list", "--json").json == before


def test_a_broken_commitment_made_yours_needs_its_repair(two):
    assert two("promises", "break", "2").code == 0  # theirs: no repair needed
    r = two("promises", "edit", "2", "--mine")
    assert r.code == 1 and "no repair" in r.err and "promises reopen 2" in r.err


# ---- promises reopen ---------------------------------------------------------------------


def test_reopen_a_kept_promise(two):
    assert two("promises", "keep", "1", "--note", "sent").code == 0
    r = two("promises", "reopen", "1", "--note", "kept by mistake", "--json")
    assert r.code == 0, r.err
    p = r.json
    assert (p["status"], p["closed_at"], p["repair"]) == ("open", None, None)
    assert p["note"] == (
        "sent\nReopened on 2026-11-22; it had been kept on 2026-11-22.\nkept by mistake"
    )
    # its next closing keeps that history: a note is added, not replaced
    k = two("promises", "keep", "1", "--note", "sent for real", "--json").json
    assert k["note"].endswith("kept by mistake\nsent for real")


def test_reopen_a_broken_promise_keeps_the_repair_in_the_note(two):
    assert two("promises", "break", "1", "--repair", "Apologised").code == 0
    p = two("promises", "reopen", "1", "--json").json
    assert p["status"] == "open" and p["repair"] is None
    assert p["note"].endswith("The repair was: Apologised")
    r = two("promises", "reopen", "1")
    assert r.code == 1 and "open already" in r.err


# ---- break ---------------------------------------------------------------------------------


def test_a_clients_commitment_breaks_without_a_repair(two):
    r = two("promises", "break", "2", "--note", "decided against it", "--json")
    assert r.code == 0, r.err
    assert (r.json["status"], r.json["repair"]) == ("broken", None)


def test_the_coachs_own_promise_still_needs_a_repair(two):
    r = two("promises", "break", "1")
    assert r.code == 2 and "--repair" in r.err and "Nothing was changed" in r.err
    assert two("promises", "list", "--json").json[0]["status"] == "open"
    r = two("promises", "break", "1", "--repair", "  ")
    assert r.code == 1 and "needs a repair" in r.err


# ---- session edit --client ----------------------------------------------------------------


def test_move_a_session_with_its_promises(two):
    r = two("session", "edit", "1", "--client", "bruno")
    assert r.code == 0, r.err
    assert "Session #1 moved from Ana Lima to Bruno Costa, with the 2 promises made in it" in (
        r.out
    )
    assert two("session", "show", "1", "--json").json["client"] == "Bruno Costa"
    owners = {p["id"]: p["client"] for p in two("promises", "list", "--json").json}
    assert owners == {1: "Bruno Costa", 2: "Bruno Costa", 3: "Ana Lima"}  # #3 was not made in it
    # forgetting Bruno takes the moved session and its promises; Ana keeps #3 (SPEC §7)
    assert two("client", "forget", "bruno", "--yes").code == 0
    assert [p["id"] for p in two("promises", "list", "--json").json] == [3]
    assert two("session", "list", "--json").json == []


def test_move_and_edit_at_once_with_json(two):
    j = two("session", "edit", "1", "--client", "bruno", "--trust", "3", "--json").json
    assert j["client"] == "Bruno Costa" and j["trust_pulse"] == 3
    assert {p["client"] for p in j["promises"]} == {"Bruno Costa"}


@pytest.mark.parametrize(
    ("to", "words"),
    [("ana", "already with Ana Lima"), ("nobody", "No client matches 'nobody'")],
)
def test_move_refuses_clearly(two, to, words):
    r = two("session", "edit", "1", "--client", to)
    assert r.code == 1 and words in r.err
    assert two("session", "show", "1", "--json").json["client"] == "Ana Lima"


# ---- client close --release-promises -----------------------------------------------------


def test_close_releases_open_promises_when_asked(two):
    assert two("promises", "keep", "3").code == 0
    r = two("client", "close", "ana", "--release-promises")
    assert r.code == 0 and "Released 2 open promises" in r.out
    got = {p["id"]: (p["status"], p["note"]) for p in two("promises", "list", "--json").json}
    assert got == {
        1: ("released", "Released when the coaching closed."),
        2: ("released", "Released when the coaching closed."),
        3: ("kept", None),
    }


def test_close_without_the_flag_keeps_them_and_says_how(two):
    r = two("client", "close", "ana")
    assert r.code == 0
    assert "Still open: 3 open promises (2 yours, 1 theirs)" in r.out
    assert "--release-promises" in r.out
    assert {p["status"] for p in two("promises", "list", "--json").json} == {"open"}
    j = two("client", "close", "ana", "--release-promises", "--json").json
    assert j["status"] == "closed" and j["released_promises"] == [3, 1, 2]


def test_close_never_waits_without_a_terminal(db_path: Path):
    """stdin is not a terminal (a pipe that stays open): close must not ask."""
    import subprocess
    import sys

    from support.processes import env_for

    assert run(db_path, "client", "add", "Ana Lima").code == 0
    assert run(db_path, "promises", "add", "ana", "Send it @ +2d").code == 0
    p = subprocess.Popen(
        [sys.executable, "-m", "coachlog", "client", "close", "ana"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_for(db_path),
        text=True,
    )
    assert p.stdin is not None and p.stdout is not None and p.stderr is not None
    try:
        p.wait(timeout=20)  # stdin stays open and silent: a question would wait for ever
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise AssertionError("client close waited for an answer on a pipe") from None
    finally:
        p.stdin.close()
    out, err = p.stdout.read(), p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    assert p.returncode == 0, err
    assert "Still open" in out
    assert query(db_path, "SELECT status FROM promises") == [("open",)]


@pytest.mark.slow
def test_close_asks_on_a_terminal(db_path: Path):
    assert run(db_path, "client", "add", "Ana Lima").code == 0
    assert run(db_path, "promises", "add", "ana", "Send it @ +2d").code == 0
    r = run_in_terminal(db_path, "client", "close", "ana", answers=[("Release them", "y\r")])
    assert r.code == 0, r.plain
    assert "1 open promise (1 yours, 0 theirs)" in r.plain
    assert query(db_path, "SELECT status FROM promises") == [("released",)]


# ---- prospects -----------------------------------------------------------------------------


def test_a_session_makes_a_prospect_active_and_says_so(cli):
    cli("client", "add", "Carla Dias", "--status", "prospect")
    r = cli("session", "new", "carla", "--at", "yesterday 15:00", "--notes", "Chemistry")
    assert r.code == 0
    assert "Carla Dias was a prospect and is now an active client since 2026-11-21" in r.out
    c = cli("client", "show", "carla", "--json").json
    assert (c["status"], c["started_on"]) == ("active", "2026-11-21")
    again = cli("session", "new", "carla", "--notes", "Second")
    assert "was a prospect" not in again.out


def test_an_active_agreement_makes_a_prospect_active_a_draft_does_not(cli):
    cli("client", "add", "Carla Dias", "--status", "prospect")
    r = cli("agreement", "new", "carla", "--goals", "A direction", "--draft")
    assert r.code == 0 and "was a prospect" not in r.out
    assert cli("client", "show", "carla", "--json").json["status"] == "prospect"
    r = cli("agreement", "new", "carla", "--goals", "A direction")
    assert r.code == 0 and "Carla Dias was a prospect and is now an active client" in r.out
    assert cli("client", "show", "carla", "--json").json["status"] == "active"


def test_a_pitstop_makes_a_prospect_active(cli):
    cli("client", "add", "Carla Dias", "--status", "prospect")
    r = cli("pitstop", "carla", "--working", "the pace")
    assert r.code == 0 and "was a prospect and is now an active client" in r.out


def test_client_list_says_what_it_leaves_out(cli):
    cli("client", "add", "Ana Lima")
    cli("client", "add", "Carla Dias", "--status", "prospect")
    cli("client", "add", "Dora Melo", "--status", "prospect")
    cli("client", "add", "Erik Berg")
    cli("client", "close", "erik")
    r = cli("client", "list")
    assert "Not shown: 2 prospects and 1 closed client (coachlog client list --all)." in r.out
    assert "Not shown" not in cli("client", "list", "--all").out
    assert [c["name"] for c in cli("client", "list", "--json").json] == ["Ana Lima"]
    cli("client", "close", "ana")
    r = cli("client", "list")
    assert "No active or paused clients." in r.out and "2 closed clients" in r.out


# ---- the migration -------------------------------------------------------------------------


def test_a_store_from_the_previous_version_gets_the_undo_log(db_path: Path, cli):
    """A store at the previous head (rows in it) is upgraded, after a backup, and undo then
    works on it: it stops at the start (nothing before the upgrade is in the log)."""
    from alembic import command

    from coachlog.store.engine import Store, prepare_file
    from coachlog.store.migrate import HEAD, REVISIONS, alembic_config
    from coachlog.store.paths import resolve

    previous = REVISIONS[REVISIONS.index(HEAD) - 1]
    prepare_file(db_path)
    s = Store(resolve(str(db_path)), coach="t")
    with s.engine.connect() as conn, conn.begin():
        command.upgrade(alembic_config(conn), previous)
    s.dispose()
    raw = sqlite3.connect(db_path)
    raw.execute(
        "INSERT INTO clients (id, uid, created_at, updated_at, coach, name, status) VALUES "
        "(1, 'c-1', '2026-01-01 10:00:00.000000', '2026-01-01 10:00:00.000000', 't', 'Zoë', "
        "'active')"
    )
    raw.commit()
    raw.close()

    r = cli("client", "edit", "zoë", "--email", "zoe@example.com")
    assert r.code == 0, r.err
    assert "backup" in r.err
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    assert query(db_path, "SELECT command FROM undo_steps") == [("client edit",)]
    assert cli("undo").code == 0
    assert query(db_path, "SELECT email, updated_at FROM clients") == [
        (None, "2026-01-01 10:00:00.000000")
    ]
    r = cli("undo")
    assert r.code == 1 and "Nothing to undo" in r.err
    backups = list(db_path.parent.glob("*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (previous,)
    assert old.execute("SELECT name FROM clients").fetchall() == [("Zoë",)]
    old.close()


def test_only_the_last_steps_are_kept(store, now, monkeypatch):
    from sqlalchemy import text

    from coachlog.queries.db import on_session
    from coachlog.queries.undo import steps
    from coachlog.services import undo
    from coachlog.services.clients import add_client

    monkeypatch.setattr(undo, "KEEP_STEPS", 3)
    for i in range(5):
        with store.write() as db, undo.step(db, "client add", now=now):
            add_client(db, values={"name": f"Client {i}"}, now=now)
    with store.read() as db:
        assert [s.summary for s in steps(on_session(db))] == [
            "added client #5",
            "added client #4",
            "added client #3",
        ]
        linked = db.exec(text("SELECT step_id FROM undo_step_clients ORDER BY step_id")).all()
        assert [r[0] for r in linked] == [3, 4, 5]
