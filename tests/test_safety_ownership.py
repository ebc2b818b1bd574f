"""Every record belongs to one client, whatever an import did (issue 12, item 2; SPEC §7).

The fault: export, move a session to another client in the file, import ("1 updated"),
then `client forget` of the new client erased promises that still belonged to the first
one. Now an import that moves a session takes the promises made in it along, a promise in
the file that contradicts its session is refused by name, and `client forget` deletes the
forgotten client's records and nothing else, even in a store an older coachlog left with a
promise whose client differs from its session's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.inproc import copy_store, isolated, ok_here, run_here
from support.processes import integrity, ok, query, run


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ana and Bea, a session of each, promises in Ana's session and one of her own: made
    once for the module, in this process; each test that starts from it copies it
    (`_practice`). The imports and forgets tried on it are real processes."""
    folder = tmp_path_factory.mktemp("practice")
    db = folder / "store" / "coachlog.db"
    with isolated(folder):
        ok_here(db, "client", "add", "Ana Lima")
        ok_here(db, "client", "add", "Bea Souza")
        ok_here(
            db,
            *("session", "new", "ana", "--at", "2026-11-20 15:00", "--minutes", "60"),
            *("--notes", "Delegation", "--promise", "Send the article @ 2026-11-27"),
            *("--commitment", "Talk to Rui @ 2026-11-29"),
        )
        ok_here(db, "promises", "add", "ana", "Ana's own, no session @ 2026-11-30")
        ok_here(db, "session", "new", "bea", "--at", "2026-11-21 10:00", "--notes", "Bea's first")
    return db


def _practice(made_once: Path, db: Path) -> None:
    copy_store(made_once, db)


def _owners(db: Path) -> dict[str, str]:
    """promise text -> client name."""
    rows = query(db, "SELECT p.text, c.name FROM promises p JOIN clients c ON c.id = p.client_id")
    return dict(rows)


def _mismatched(db: Path) -> list[tuple]:
    return query(
        db,
        "SELECT p.id FROM promises p JOIN sessions s ON s.id = p.session_id "
        "WHERE p.client_id <> s.client_id",
    )


def _moved_file(db: Path, tmp_path: Path, *, keep_promises: bool) -> Path:
    """An export of the whole practice with Ana's session moved to Bea (and edited later,
    so the file's copy wins); the promises left out of the file, or kept as exported."""
    out = tmp_path / "all.json"
    ok_here(db, "export", "--all", "--format", "json", "--out", str(out))
    doc = json.loads(out.read_text())
    bea = next(c["uid"] for c in doc["clients"] if c["name"] == "Bea Souza")
    moved = next(s for s in doc["sessions"] if s["notes"] == "Delegation")
    moved["client_uid"] = bea
    moved["updated_at"] = "2026-11-22T11:00:00+00:00"
    if not keep_promises:
        doc["promises"] = []
    edited = tmp_path / "moved.json"
    edited.write_text(json.dumps(doc))
    return edited


def test_a_moved_session_takes_its_promises_along(made_once: Path, db_path: Path, tmp_path: Path):
    _practice(made_once, db_path)
    r = ok(db_path, "import", str(_moved_file(db_path, tmp_path, keep_promises=False)))
    assert "1 updated" in r.out, r.out
    assert "2 promises made in moved sessions moved with them" in r.shown, r.shown
    assert _mismatched(db_path) == []
    assert _owners(db_path) == {
        "Send the article": "Bea Souza",
        "Talk to Rui": "Bea Souza",
        "Ana's own, no session": "Ana Lima",
    }
    # Forgetting the session's new client takes what is now hers, and nothing of Ana's.
    ok(db_path, "client", "forget", "bea", "--yes")
    assert _owners(db_path) == {"Ana's own, no session": "Ana Lima"}
    assert integrity(db_path) == "ok"


def test_a_dry_run_says_the_promises_would_move(made_once: Path, db_path: Path, tmp_path: Path):
    _practice(made_once, db_path)
    moved = _moved_file(db_path, tmp_path, keep_promises=False)
    r = ok(db_path, "import", str(moved), "--dry-run", "--json")
    assert r.json["sessions"]["updated"] == 1
    assert r.json["promises_moved"] == 2
    assert _owners(db_path)["Send the article"] == "Ana Lima"  # nothing written


def test_a_file_whose_promise_contradicts_its_session_is_refused_by_name(
    made_once: Path, db_path: Path, tmp_path: Path
):
    _practice(made_once, db_path)
    before = query(db_path, "SELECT uid, client_id, updated_at FROM sessions ORDER BY uid")
    r = run(db_path, "import", str(_moved_file(db_path, tmp_path, keep_promises=True)))
    assert r.code == 1, r.shown
    assert "nothing was written" in r.err
    assert "promises[0] (uid " in r.err and "session_uid" in r.err
    assert "client_uid" in r.err  # says which key to change
    assert "Traceback" not in r.shown
    assert query(db_path, "SELECT uid, client_id, updated_at FROM sessions ORDER BY uid") == before


def test_forget_touches_only_that_clients_records_whatever_the_store_holds(
    made_once: Path, db_path: Path
):
    """A store an older coachlog's import left inconsistent: Ana's promises made in a
    session that now is Bea's. Forgetting Bea keeps them (no longer tied to a session)."""
    import sqlite3

    _practice(made_once, db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE sessions SET client_id = (SELECT id FROM clients WHERE name = 'Bea Souza') "
            "WHERE notes = 'Delegation'"
        )
    conn.close()
    assert len(_mismatched(db_path)) == 2
    r = ok(db_path, "client", "forget", "bea", "--yes", "--json")
    assert r.json["erased"] == {"agreements": 0, "sessions": 2, "promises": 0}
    assert r.json["kept_for_others"] == 2
    assert _owners(db_path) == {
        "Send the article": "Ana Lima",
        "Talk to Rui": "Ana Lima",
        "Ana's own, no session": "Ana Lima",
    }
    assert query(db_path, "SELECT count(*) FROM promises WHERE session_id IS NOT NULL") == [(0,)]
    assert integrity(db_path) == "ok"
    shown = ok(db_path, "promises", "list", "--client", "ana", "--json").json
    assert sorted(p["text"] for p in shown) == [
        "Ana's own, no session",
        "Send the article",
        "Talk to Rui",
    ]


def test_a_promise_follows_its_session_when_the_store_keeps_the_session(
    made_once: Path, db_path: Path, tmp_path: Path
):
    """The file moves a session and its promises to Bea, consistently, but the store's copy
    of the session is newer (so it stays Ana's) while the file's promises are newer than the
    store's: the promises go where their session is, never to another client than it."""
    _practice(made_once, db_path)
    out = tmp_path / "all.json"
    ok_here(db_path, "export", "--all", "--format", "json", "--out", str(out))
    doc = json.loads(out.read_text())
    bea = next(c["uid"] for c in doc["clients"] if c["name"] == "Bea Souza")
    moved = next(s for s in doc["sessions"] if s["notes"] == "Delegation")
    moved["client_uid"] = bea
    moved["updated_at"] = "2000-01-01T00:00:00+00:00"  # older than the store's: kept
    for p in doc["promises"]:
        if p["session_uid"] == moved["uid"]:
            p["client_uid"] = bea
            p["note"] = "edited in the file"
            p["updated_at"] = "2026-11-22T11:00:00+00:00"  # newer: written
    edited = tmp_path / "moved.json"
    edited.write_text(json.dumps(doc))
    ok(db_path, "import", str(edited))
    assert _mismatched(db_path) == []
    assert _owners(db_path)["Send the article"] == "Ana Lima"
    assert query(db_path, "SELECT DISTINCT note FROM promises WHERE session_id IS NOT NULL") == [
        ("edited in the file",)
    ]


def test_forget_erases_that_clients_kept_editor_texts_and_no_others(db_path: Path, tmp_path: Path):
    """A text written in the editor that could not be read back is kept in the private
    unsaved/ folder; forgetting the client erases the client's, and only theirs."""
    import os
    import sys

    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "text = '## Goals\\nxqzjv\\n## Snacks\\ncake\\n'\n"
        "open(sys.argv[1], 'w').write(text)\n"
    )
    editor = {"EDITOR": f"{sys.executable} {script}"}
    ok_here(db_path, "client", "add", "Ana Lima")
    ok_here(db_path, "client", "add", "Bea Souza")
    for who in ("ana", "bea"):
        r = run_here(db_path, "agreement", "new", who, "--edit", env=editor)
        assert r.code == 1 and "kept in" in r.err, r.shown
    unsaved = Path(os.environ["XDG_DATA_HOME"]) / "coachlog" / "unsaved"
    assert len(list(unsaved.iterdir())) == 2
    bea_uid = query(db_path, "SELECT uid FROM clients WHERE name = 'Bea Souza'")[0][0]
    r = ok(db_path, "client", "forget", "ana", "--yes", "--json")
    left = list(unsaved.iterdir())
    assert len(left) == 1 and left[0].name.endswith(f"-{bea_uid}.md"), left
    assert r.json["kept_texts_erased"] == 1


def test_the_move_on_every_backend(cli, tmp_path: Path):
    """The same move through the command line in this process, so that it runs on
    PostgreSQL too (COACHLOG_TEST_PG_URL): the promises follow, forget keeps Ana's own."""
    for args in (
        ("client", "add", "Ana Lima"),
        ("client", "add", "Bea Souza"),
        ("session", "new", "ana", "--at", "2026-11-20 15:00", "--notes", "Delegation",
         "--promise", "Send the article @ 2026-11-27"),
        ("promises", "add", "ana", "Ana's own @ 2026-11-30"),
    ):  # fmt: skip
        assert cli(*args).code == 0, args
    out = tmp_path / "all.json"
    assert cli("export", "--all", "--format", "json", "--out", str(out)).code == 0
    doc = json.loads(out.read_text())
    bea = next(c["uid"] for c in doc["clients"] if c["name"] == "Bea Souza")
    doc["sessions"][0]["client_uid"] = bea
    doc["sessions"][0]["updated_at"] = "2026-11-22T11:00:00+00:00"
    doc["promises"] = []
    out.write_text(json.dumps(doc))
    r = cli("import", str(out), "--json")
    assert r.code == 0, r.err
    assert r.json["promises_moved"] == 1
    owners = {p["text"]: p["client"] for p in cli("promises", "list", "--json").json}
    assert owners == {"Send the article": "Bea Souza", "Ana's own": "Ana Lima"}
    assert cli("client", "forget", "bea", "--yes").code == 0
    assert [p["text"] for p in cli("promises", "list", "--json").json] == ["Ana's own"]
