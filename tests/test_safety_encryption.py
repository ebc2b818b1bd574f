"""Encryption at rest (SQLCipher): what is on disk is ciphertext, every command works on
an encrypted store, a wrong or missing passphrase is a clear message that leaves the file
exactly as it was, and copies (backups, pre-upgrade backups) are encrypted too.

The encrypted store most tests start from is made once for the module, in this process,
and copied for each test; the commands tried on it are real processes (the long runs of
them forked from one that has done Python's start and the common imports once)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import typer

from coachlog.cli.main import app
from support.contention import COMMON_MODULES, ForkServer
from support.inproc import copy_store, isolated, ok_here
from support.processes import (
    env_for,
    grep_bytes,
    integrity,
    ok,
    query,
    run,
    run_in_terminal,
)

PASS = "correct horse 'battery\" stäple 🔑"  # quotes and non-ASCII, on purpose
KEY = {"COACHLOG_PASSPHRASE": PASS}
MARK = "xqzjv"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture(scope="module")
def encrypted_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("encrypted")
    db = folder / "store" / "coachlog.db"
    with isolated(folder):
        r = ok_here(db, "init", "--encrypt", env=KEY)
        assert f"Created the encrypted store at {db}" in r.out
        assert "cannot be recovered" in r.out
        ok_here(db, "client", "add", f"Ana {MARK}name", "--context", f"{MARK}context", env=KEY)
        ok_here(db, "agreement", "new", "ana", "--goals", f"{MARK}goals", env=KEY)
    return db


@pytest.fixture
def encrypted(db_path: Path, encrypted_once: Path) -> Path:
    """An encrypted store with Ana and her agreement: a copy of the module's."""
    return copy_store(encrypted_once, db_path)


def test_what_is_on_disk_is_ciphertext(encrypted: Path):
    head = encrypted.read_bytes()[:16]
    assert head != b"SQLite format 3\x00"
    assert grep_bytes(encrypted.parent, MARK) == {}
    assert grep_bytes(encrypted.parent, "clients") == {}  # not even the table names
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(encrypted).execute("SELECT * FROM clients").fetchall()
    assert query(encrypted, "SELECT context FROM clients", passphrase=PASS) == [(f"{MARK}context",)]


def test_passphrase_in_the_environment_encrypts_a_new_store(db_path: Path):
    ok(db_path, "client", "add", "Ana", env=KEY)  # no init: made on first use
    assert db_path.read_bytes()[:16] != b"SQLite format 3\x00"
    assert ok(db_path, "client", "list", "--json", env=KEY).json[0]["name"] == "Ana"


def test_wrong_passphrase_is_a_clear_error_and_touches_nothing(encrypted: Path):
    before = _digest(encrypted.parent)
    for args in (["client", "list"], ["client", "add", "Bea"], ["backup"], ["doctor"]):
        r = run(encrypted, *args, env={"COACHLOG_PASSPHRASE": "wrong"})
        assert r.code == 1, (args, r.shown)
        assert "Wrong passphrase for the encrypted store" in r.shown
        assert "Traceback" not in r.shown and "ERROR CORE" not in r.shown
    assert _digest(encrypted.parent) == before


def test_no_passphrase_without_a_terminal_says_how_to_give_one(encrypted: Path):
    before = _digest(encrypted.parent)
    r = run(encrypted, "client", "list")
    assert r.code == 1
    assert "is encrypted (or is not a coachlog store) and no passphrase was given" in r.err
    assert "COACHLOG_PASSPHRASE" in r.err
    assert _digest(encrypted.parent) == before


def test_init_asks_twice_on_a_terminal_without_echo(db_path: Path):
    r = run_in_terminal(
        db_path,
        "init",
        "--encrypt",
        answers=[("New passphrase:", "s3cret phrase\r"), ("Repeat", "s3cret phrase\r")],
    )
    assert r.code == 0, r.out
    assert "Created the encrypted store" in r.plain
    assert "s3cret" not in r.out  # typed, never shown
    r = run_in_terminal(
        db_path,
        "client",
        "add",
        "Ana",
        answers=[("Passphrase for the coachlog store:", "s3cret phrase\r")],
    )
    assert r.code == 0 and "Added Ana" in r.plain, r.out
    r = run_in_terminal(
        db_path, "client", "list", answers=[("Passphrase for the coachlog store:", "nope\r")]
    )
    assert r.code == 1 and "Wrong passphrase" in r.plain


def test_init_with_two_different_passphrases_creates_nothing(db_path: Path):
    r = run_in_terminal(
        db_path, "init", "--encrypt", answers=[("New passphrase:", "one\r"), ("Repeat", "two\r")]
    )
    assert r.code == 1 and "differ" in r.plain
    assert not db_path.exists() or db_path.stat().st_size == 0


def test_init_on_existing_stores(encrypted: Path, tmp_path: Path):
    r = ok(encrypted, "init", "--encrypt")  # no passphrase needed to say it exists
    assert "already exists" in r.out and "(encrypted)" in r.out
    plain = tmp_path / "plain" / "coachlog.db"
    ok_here(plain, "init")
    before = _digest(plain.parent)
    assert "already exists" in ok(plain, "init").out
    assert _digest(plain.parent) == before
    # init --encrypt on a plain store encrypts it: test_safety_encryption_more.py
    # a file that is not a store at all is not taken for one
    other = tmp_path / "notes.txt"
    other.write_text("my shopping list\n")
    r = run(other, "init")
    assert r.code == 1 and f"{other} exists and is not a coachlog store" in r.err
    assert other.read_text() == "my shopping list\n"


def test_backup_of_an_encrypted_store_is_encrypted(encrypted: Path, tmp_path: Path):
    out = tmp_path / "copy.db"
    r = ok(encrypted, "backup", "--out", str(out), env=KEY)
    assert "encrypted copy" in r.out
    assert out.read_bytes()[:16] != b"SQLite format 3\x00"
    assert MARK.encode() not in out.read_bytes()
    assert integrity(out, passphrase=PASS) == "ok"
    assert query(out, "SELECT name FROM clients", passphrase=PASS) == [(f"Ana {MARK}name",)]
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(out).execute("SELECT * FROM clients").fetchall()


def test_backup_falls_back_to_sqlcipher_export(encrypted: Path, tmp_path: Path, monkeypatch):
    """Should a SQLCipher build write VACUUM INTO copies in plaintext, the copy is wiped
    and made again with sqlcipher_export into a keyed file."""
    from coachlog.store import backup as backup_mod
    from coachlog.store import engine, open_store

    real = engine.is_encrypted_file
    calls: list[Path] = []

    def first_says_plain(path: Path) -> bool:
        calls.append(path)
        return False if len(calls) == 1 else real(path)

    monkeypatch.setenv("COACHLOG_PASSPHRASE", PASS)
    store = open_store(str(encrypted))
    monkeypatch.setattr(engine, "is_encrypted_file", first_says_plain)
    out = backup_mod.backup_sqlite(store, tmp_path / "fallback.db")
    store.dispose()
    # checked under its temporary name, before the rename (store/backup.py)
    assert len(calls) == 1 and calls[0].parent == out.parent
    assert calls[0].name.startswith(".fallback.db.") and not calls[0].exists()
    assert real(out) and MARK.encode() not in out.read_bytes()
    assert query(out, "SELECT goals FROM agreements", passphrase=PASS) == [(f"{MARK}goals",)]
    # still a coachlog store when restored: sqlcipher_export does not copy the header's mark
    assert query(out, "PRAGMA application_id", passphrase=PASS) == [(0x434C6F67,)]


def test_schema_upgrade_of_an_encrypted_store_keeps_an_encrypted_backup(db_path: Path):
    from alembic import command

    from coachlog.store import open_store
    from coachlog.store.engine import Store, prepare_file
    from coachlog.store.migrate import HEAD, alembic_config
    from coachlog.store.paths import resolve

    prepare_file(db_path)
    old = Store(resolve(str(db_path)), coach="t", passphrase=PASS)
    with old.engine.connect() as conn, conn.begin():
        command.upgrade(alembic_config(conn), "0001")
    old.dispose()
    assert db_path.read_bytes()[:16] != b"SQLite format 3\x00"

    import os

    os.environ["COACHLOG_PASSPHRASE"] = PASS  # restored by the autouse fixture
    store = open_store(str(db_path))
    backup = store.backup_written
    store.dispose()
    assert backup is not None and backup.read_bytes()[:16] != b"SQLite format 3\x00"
    assert query(backup, "SELECT version_num FROM alembic_version", passphrase=PASS) == [("0001",)]
    assert query(db_path, "SELECT version_num FROM alembic_version", passphrase=PASS) == [(HEAD,)]


def test_doctor_reports_encryption(encrypted: Path):
    data = ok(encrypted, "doctor", "--json", env=KEY).json
    assert data["encrypted"] is True
    assert data["sqlcipher_version"].startswith("4.")
    assert data["counts"] == {"clients": 1, "agreements": 1, "sessions": 0, "promises": 0}
    shown = ok(encrypted, "doctor", env=KEY).out
    assert "encrypted (SQLCipher 4." in shown


def test_the_everyday_commands_work_on_an_encrypted_store(encrypted: Path, tmp_path: Path):
    steps = [
        ["client", "add", "Bea Souza", "--timezone", "America/Sao_Paulo"],
        ["client", "list", "--all"],
        ["client", "show", "ana"],
        ["client", "edit", "ana", "--pronouns", "she/her"],
        ["client", "close", "bea"],
        ["client", "reopen", "bea"],
        ["agreement", "new", "bea", "--goals", "Find her voice", "--review-on", "+90d"],
        ["agreement", "show", "bea"],
        ["agreement", "list", "ana"],
        ["agreement", "check", "ana"],
        [
            "session", "new", "ana", "--at", "-1d", "--notes", "Delegation and the Rui talk",
            "--promise", "Send the article @ fri", "--commitment", "Talk to Rui @ +7d",
        ],
        ["session", "list"],
        ["session", "show", "1"],
        ["promises", "due", "--within", "30d"],
        ["promises", "keep", "1"],
        ["search", "delegation"],
        ["export", "ana", "--format", "json", "--out", str(tmp_path / "ana.json")],
        ["backup", "--out", str(tmp_path / "b.db")],
        ["doctor"],
        ["client", "forget", "bea", "--yes"],
    ]  # fmt: skip
    fast = ForkServer(env_for(encrypted), COMMON_MODULES)
    try:
        for args in steps:
            r = fast.run(*args, env=KEY)
            assert r.code == 0, (args, r.shown)
    finally:
        fast.close()
    hits = ok(encrypted, "search", "delegation", "--json", env=KEY).json["hits"]
    assert hits and "Delegation" in str(hits)
    assert [c["name"] for c in ok(encrypted, "client", "list", "--json", env=KEY).json] == [
        f"Ana {MARK}name"
    ]
    assert integrity(encrypted, passphrase=PASS) == "ok"


def _leaf_commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(group, path):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                walk(cmd, [*path, name])
            else:
                found.append([*path, name])

    walk(root, [])
    return sorted(found)


def test_every_command_opens_an_encrypted_store(encrypted: Path, tmp_path: Path):
    """Read from the CLI itself, so commands added later (sessions, promises, search,
    export...) are covered the day they exist: each one, given a client where it takes
    one, must get past opening the store. What they then say about their own arguments
    is their business; a failure to read the store is ours. Each command is a process of
    its own, forked from one that has done Python's start and the common imports once."""
    fast = ForkServer(env_for(encrypted), COMMON_MODULES)
    try:
        for command in _leaf_commands():
            # passphrase speaks of passphrases by its nature: test_safety_encryption_more.py
            if command[-1] in ("init", "forget", "delete", "passphrase"):
                continue
            env = {**KEY, "EDITOR": "false", "HOME": str(tmp_path)}
            r = fast.run(*command, "ana", env=env)
            if r.code == 2 and "Got unexpected extra argument" in r.err:
                r = fast.run(*command, env=env)
            shown = r.shown
            for bad in (
                "Traceback", "unexpected", "passphrase", "not a database", "not a coachlog"
            ):  # fmt: skip
                assert bad not in shown, (command, shown)
            assert r.code in (0, 1, 2), (command, r.code, shown)
    finally:
        fast.close()
