"""Smaller faults of the store, each tried by a real process against a real store: ids
given twice (SPEC §7), the upgrade that stops it (migration 0003) from a store made by the
previous version, -wal/-shm of a store others can read, an unknown --tz that a command does
not use, and a schema version changed by hand."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest

from coachlog.store.migrate import HEAD
from support.contention import SecondTerminal
from support.inproc import ok_here
from support.processes import ok, query, run


def test_ids_are_never_given_twice(cli, proc):
    """On SQLite by AUTOINCREMENT, on PostgreSQL by its sequences (the same test runs on
    both when COACHLOG_TEST_PG_URL is set). The records are made and forgotten in this
    process; the ids given after are real processes'."""

    def ok_(*args: str, run=proc) -> dict:
        r = run(*args, "--json")
        assert r.code == 0, (args, r.err)
        return r.json

    assert ok_("client", "add", "Ana Lima", run=cli)["id"] == 1
    assert ok_("client", "add", "Bea Souza", run=cli)["id"] == 2
    first = ok_("session", "new", "bea", "--notes", "x", "--promise", "Call @ +1d", run=cli)
    ok_("client", "forget", "bea", "--yes", run=cli)
    # the newest client, session and promise are gone: their ids are not given again
    assert ok_("client", "add", "Caio Reis")["id"] == 3
    again = ok_("session", "new", "caio", "--notes", "y", "--promise", "Write @ +1d")
    assert again["id"] > first["id"]
    assert again["promises"][0]["id"] > first["promises"][0]["id"]
    r = proc("session", "delete", str(again["id"]), "--yes")
    assert r.code == 0, r.err
    assert ok_("session", "new", "caio", "--notes", "z")["id"] > again["id"]


def _store_of_the_previous_version(db: Path, revision: str) -> None:
    """A store as coachlog left it before 0003: unmarked, made with the same migrations up
    to `revision` (0005, the credentials, is the previous version's head; 0004 and 0002
    before), with records in the columns every one of them has."""
    from alembic import command

    from coachlog.store.engine import Store, prepare_file
    from coachlog.store.migrate import alembic_config
    from coachlog.store.paths import resolve

    prepare_file(db)
    store = Store(resolve(str(db)), coach="t")
    with store.engine.connect() as conn, conn.begin():
        command.upgrade(alembic_config(conn), revision)
    store.dispose()
    raw = sqlite3.connect(db)
    raw.executescript(
        """
        INSERT INTO clients (id, uid, created_at, updated_at, coach, name, status)
          VALUES (1, 'c-1', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 't', 'Ana Lima',
                  'active'),
                 (2, 'c-2', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 't', 'Bea Souza',
                  'active'),
                 (3, 'c-3', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 't', 'Caio Reis',
                  'active');
        INSERT INTO sessions (id, uid, created_at, updated_at, client_id, held_at, kind,
                              notes, themes, private)
          VALUES (1, 's-1', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 1,
                  '2026-11-20 10:00:00', 'regular', 'We talked about delegation', '[]', 0);
        INSERT INTO promises (id, uid, created_at, updated_at, client_id, session_id, owner,
                              text, made_at, due_at, status, due_history)
          VALUES (1, 'p-1', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 1, 1, 'coach',
                  'Send the article', '2026-11-20 10:00:00', '2026-11-25 18:00:00', 'open', '[]');
        """
    )
    raw.commit()
    raw.close()
    assert query(db, "PRAGMA application_id") == [(0,)]
    assert query(db, "SELECT version_num FROM alembic_version") == [(revision,)]


@pytest.mark.parametrize("revision", ["0005", "0004", "0002"])
def test_a_store_of_the_previous_version_upgrades(db_path: Path, revision: str):
    _store_of_the_previous_version(db_path, revision)
    # (compared on the columns the old schema had: 0005 added some, with defaults)
    columns = {
        t: ", ".join(r[1] for r in query(db_path, f"PRAGMA table_info({t})"))
        for t in ("clients", "sessions", "promises")
    }
    before = {t: query(db_path, f"SELECT {c} FROM {t} ORDER BY id") for t, c in columns.items()}
    r = ok(db_path, "client", "list", "--json")
    assert [c["name"] for c in r.json] == ["Ana Lima", "Bea Souza", "Caio Reis"]
    assert "Upgraded the store's schema; a backup of the old one is at" in r.err
    # the backup was written first, checked, and is the old store
    (backup,) = db_path.parent.glob(f"coachlog.db.before-{HEAD}-*.bak")
    assert query(backup, "SELECT version_num FROM alembic_version") == [(revision,)]
    assert query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # the store: marked, every record as it was, ids remembered, references whole
    assert query(db_path, "PRAGMA application_id") == [(0x434C6F67,)]
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    for table, rows in before.items():
        assert query(db_path, f"SELECT {columns[table]} FROM {table} ORDER BY id") == rows, table
    assert dict(query(db_path, "SELECT name, seq FROM sqlite_sequence"))["clients"] == 3
    for table in ("clients", "agreements", "sessions", "promises"):
        sql = query(db_path, "SELECT sql FROM sqlite_master WHERE name = ?", table)[0][0]
        assert "AUTOINCREMENT" in sql, table
    assert query(db_path, "PRAGMA foreign_key_check") == []
    # the upgraded store works (checked in this process: the upgrade was the process's)
    # search still finds the old notes, and the triggers index new ones
    hits = ok_here(db_path, "search", "delegation", "--json").json["hits"]
    assert [h["kind"] for h in hits] == ["session"]
    ok_here(db_path, "session", "new", "bea", "--notes", "Boundaries with the team")
    assert len(ok_here(db_path, "search", "boundaries", "--json").json["hits"]) == 1
    # deleting a session's promise by cascade still works (foreign keys survived)
    ok_here(db_path, "session", "delete", "1", "--yes")
    assert query(db_path, "SELECT count(*) FROM promises") == [(0,)]
    # and the newest id is not given again
    ok_here(db_path, "client", "forget", "caio", "--yes")
    assert ok_here(db_path, "client", "add", "Dora Lee", "--json").json["id"] == 4
    doctor = ok_here(db_path, "doctor", "--json").json
    assert doctor["ok"], [c for c in doctor["checks"] if c["status"] != "ok"]


def test_wal_and_shm_of_a_store_others_can_read_are_private(db_path: Path):
    """SQLite gives -wal and -shm the store file's own mode, whatever the umask: a 0644
    store had 0644 companions holding the latest records. Another program keeps the store
    open (so the companions outlive each command, as they do while a coachlog runs), and
    made them with the store's mode; the coachlog that writes makes them private."""
    ok_here(db_path, "client", "add", "Ana Lima")
    db_path.chmod(0o644)
    wal, shm = (db_path.with_name(db_path.name + s) for s in ("-wal", "-shm"))
    with SecondTerminal(db_path):
        assert stat.S_IMODE(wal.stat().st_mode) == 0o644  # as SQLite made them
        ok(db_path, "client", "add", "Bea Souza")  # its records go into the -wal
        assert wal.stat().st_size > 0
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
        assert stat.S_IMODE(shm.stat().st_mode) == 0o600
    r = run(db_path, "doctor")  # the store itself is the coach's to fix, and doctor says so
    assert r.code == 1 and f"chmod 600 {db_path}" in r.out


def test_an_unknown_zone_is_an_error_everywhere(db_path: Path):
    """The issue: `--tz Mars/Olympus` was accepted by commands that do not show times."""
    ok_here(db_path, "client", "add", "Ana Lima")
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for args in (
        ("--tz", "Mars/Olympus", "client", "list"),
        ("--tz", "Mars/Olympus", "doctor"),
        ("--tz", "Mars/Olympus", "backup"),
        ("--tz", "Mars/Olympus", "client", "add", "Bea Souza"),
        ("--tz", "Mars/Olympus", "promises", "due", "--json"),
        ("--tz", "Mars/Olympus", "export", "ana", "-f", "json"),
    ):
        r = run(db_path, *args)
        assert r.code == 2, (args, r.shown)
        assert "Unknown time zone 'Mars/Olympus' (from --tz)" in r.err, (args, r.err)
        assert "Europe/Lisbon" in r.err
    r = run(db_path, "client", "list", env={"COACHLOG_TZ": "Mars/Olympus"})
    assert r.code == 2 and "(from COACHLOG_TZ)" in r.err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    assert not (db_path.parent / "backups").exists()
    assert [c[0] for c in query(db_path, "SELECT name FROM clients")] == ["Ana Lima"]


def test_a_schema_version_changed_by_hand_is_named(db_path: Path):
    """The issue: a tampered version ended in "table search_index already exists"."""
    ok_here(db_path, "client", "add", "Ana Lima")
    for version, said in (("0001", "says schema 0001"), (None, "says no schema version")):
        raw = sqlite3.connect(db_path)
        if version is None:
            raw.execute("DELETE FROM alembic_version")
        else:
            raw.execute("UPDATE alembic_version SET version_num = ?", (version,))
        raw.commit()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
        digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
        r = run(db_path, "client", "list")
        assert r.code == 1, r.shown
        assert said in r.err and "changed outside coachlog" in r.err, r.err
        assert "already exists" not in r.err and "Traceback" not in r.err
        assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    assert query(db_path, "SELECT name FROM clients") == [("Ana Lima",)]
