"""`coachlog doctor`: says what is wrong, with the command that fixes it, and exits 1."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from support.processes import ok, run

CHECKS = [
    "Folder permissions",
    "Store permissions",
    "Integrity",
    "References",
    "Search index",
    "Schema",
    "Tables and indexes",
]


@pytest.fixture
def store_with_data(db_path: Path, cli) -> Path:
    """Seeded in this process (quicker); doctor itself always runs as a real process."""
    for args in (
        ["client", "add", "Ana Lima"],
        ["client", "add", "Bea Souza"],
        ["agreement", "new", "ana", "--goals", "Lead without rescuing"],
    ):
        assert cli(*args).code == 0
    return db_path


def test_a_healthy_store(store_with_data: Path):
    db = store_with_data
    r = ok(db, "doctor")
    assert "All good." in r.out
    for name in CHECKS:
        assert name in r.out
    assert "Records  2 clients, 1 agreement, 0 sessions, 0 promises" in r.out
    assert "not encrypted" in r.out and "WAL journal" in r.out
    data = ok(db, "doctor", "--json").json
    assert list(data) == [
        "store",
        "backend",
        "ok",
        "size_bytes",
        "encrypted",
        "sqlite_version",
        "sqlcipher_version",
        "journal_mode",
        "schema",
        "schema_head",
        "counts",
        "checks",
    ]
    assert data["ok"] is True and data["store"] == str(db) and data["backend"] == "sqlite"
    assert [c["name"] for c in data["checks"]] == CHECKS
    assert {c["status"] for c in data["checks"]} == {"ok"}
    assert list(data["checks"][0]) == ["name", "status", "detail", "fix"]
    assert data["counts"] == {"clients": 2, "agreements": 1, "sessions": 0, "promises": 0}
    assert (data["schema"], data["encrypted"]) == (data["schema_head"], False)


def test_a_store_others_can_read_fails_with_the_fix(store_with_data: Path):
    db = store_with_data
    os.chmod(db, 0o644)
    r = run(db, "doctor")
    assert r.code == 1
    assert f"{db} is 0644: others can read it." in r.out
    assert f"fix: chmod 600 {db}" in r.out
    assert "1 problem found" in r.out
    os.chmod(db, 0o600)
    assert ok(db, "doctor").code == 0


def test_folder_permissions(store_with_data: Path):
    db = store_with_data
    folder = db.parent
    # a folder the coach chose, readable by others: a note, not a failure
    os.chmod(folder, 0o755)
    r = ok(db, "doctor", "--json")
    check = next(c for c in r.json["checks"] if c["name"] == "Folder permissions")
    assert check["status"] == "warn" and check["fix"] == f"chmod 700 {folder}"
    # writable by others: anyone could replace the store
    os.chmod(folder, 0o777)
    r = run(db, "doctor")
    assert r.code == 1 and "others can add, replace or delete files in it" in r.out
    assert f"chmod 700 {folder}" in r.out
    os.chmod(folder, 0o700)


def test_the_default_folder_must_be_private(tmp_path: Path):
    """No --db: the store is in the user data folder, which coachlog made 0700."""
    env = {"COACHLOG_DB": ""}
    r = run("", "client", "add", "Ana Lima", env=env)
    assert r.code == 0, r.shown
    folder = tmp_path / "xdg-data" / "coachlog"
    assert oct(os.stat(folder).st_mode & 0o777) == "0o700"
    assert ok("", "doctor", env=env).code == 0
    os.chmod(folder, 0o750)
    r = run("", "doctor", env=env)
    assert r.code == 1 and "coachlog's own folder should be 0700" in r.out
    assert f"chmod 700 {folder}" in r.out


def test_backups_are_checked_too(store_with_data: Path):
    db = store_with_data
    first = Path(ok(db, "backup", "--json").json["backup"])
    second = Path(ok(db, "backup", "--json").json["backup"])
    r = ok(db, "doctor")
    assert f"2 backups in {db.parent / 'backups'}: 0600 (yours alone)." in r.out
    os.chmod(second, 0o640)
    r = run(db, "doctor")
    assert r.code == 1 and f"{second} is 0640: others can read it." in r.out
    assert f"fix: chmod 600 {second}" in r.out
    assert f"{first}: 0600 (yours alone)." in r.out


def test_a_missing_store_is_reported_not_created(db_path: Path):
    r = run(db_path, "doctor")
    assert r.code == 1
    assert f"There is no store at {db_path} yet." in r.out
    assert "init" in r.out
    assert not db_path.exists()


def test_a_folder_given_as_the_store(tmp_path: Path):
    r = run(tmp_path, "doctor")
    assert r.code == 1
    assert f"{tmp_path} is a folder; the store is a file." in r.out
    assert f"fix: coachlog --db {tmp_path / 'coachlog.db'} doctor" in r.out


def test_broken_references_fail(store_with_data: Path):
    db = store_with_data
    raw = sqlite3.connect(db)  # foreign keys are off by default in a bare connection
    raw.execute(
        "INSERT INTO promises (uid, created_at, updated_at, client_id, owner, text, made_at, "
        "due_at, status, due_history) VALUES ('p-x', '2026-01-01', '2026-01-01', 999, 'coach',"
        " 'orphan', '2026-01-01', '2026-01-02', 'open', '[]')"
    )
    raw.commit()
    raw.close()
    r = run(db, "doctor", "--json")
    assert r.code == 1
    check = next(c for c in r.json["checks"] if c["name"] == "References")
    assert check["status"] == "fail"
    assert check["detail"] == "1 record(s) point at records that do not exist (in promises)."


def test_a_damaged_store_fails_without_a_traceback(store_with_data: Path):
    db = store_with_data
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'clients'").fetchone()[0]
    page = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.close()
    with db.open("r+b") as fh:  # scribble over the clients table's page, past its header
        fh.seek((root - 1) * page + 8)
        fh.write(b"\xff" * 200)
    r = run(db, "doctor", "--json")
    assert r.code == 1, r.shown
    assert "Traceback" not in r.shown
    failed = [c for c in r.json["checks"] if c["status"] == "fail"]
    assert failed and failed[0]["name"] in ("Integrity", "Open")
    assert "restore" in (failed[0]["fix"] or "").lower() or "damaged" in failed[0]["detail"]


def test_a_store_from_a_newer_coachlog_is_reported_and_untouched(store_with_data: Path):
    db = store_with_data
    raw = sqlite3.connect(db)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    before = db.read_bytes()
    r = run(db, "doctor")
    assert r.code == 1 and "newer coachlog (schema 9999)" in r.out
    assert db.read_bytes() == before


def test_doctor_on_any_backend(cli):
    """On PostgreSQL there are no files to check; the rest is the same."""
    cli("client", "add", "Ana Lima")
    r = cli("doctor", "--json")
    assert r.code == 0, r.err
    data = r.json
    assert data["ok"] is True
    assert data["counts"] == {"clients": 1, "agreements": 0, "sessions": 0, "promises": 0}
    assert {"Schema"} <= {c["name"] for c in data["checks"]}


def _sql(db: Path, *statements: str) -> None:
    raw = sqlite3.connect(db)
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


def _check(r, name: str) -> dict:
    return next(c for c in r.json["checks"] if c["name"] == name)


def test_a_dropped_search_trigger_is_found(store_with_data: Path):
    """The issue: with a trigger gone, new notes are never found, and doctor still said
    "Search index matches the records"."""
    db = store_with_data
    _sql(db, "DROP TRIGGER sessions_search_ai")
    r = run(db, "doctor", "--json")
    assert r.code == 1, r.shown
    check = _check(r, "Search index")
    assert check["status"] == "fail" and "sessions_search_ai" in check["detail"], check
    assert "restore" in check["fix"].lower()


def test_text_the_index_does_not_hold_is_found(store_with_data: Path):
    """A trigger that does nothing under the right name: the changed goals are not in the
    index, which FTS5's own integrity-check (index against its own copy) does not see."""
    db = store_with_data
    _sql(
        db,
        "DROP TRIGGER agreements_search_au",
        "CREATE TRIGGER agreements_search_au AFTER UPDATE ON agreements BEGIN SELECT 1; END",
        "UPDATE agreements SET goals = 'Quietly changed'",
    )
    r = run(db, "doctor", "--json")
    assert r.code == 1, r.shown
    check = _check(r, "Search index")
    assert check["status"] == "fail", check
    assert "1 record(s) missing or out of date" in check["detail"], check


def test_a_missing_search_index_table_is_found(store_with_data: Path):
    db = store_with_data
    _sql(db, "DROP TABLE search_index")
    r = run(db, "doctor", "--json")
    assert r.code == 1, r.shown
    check = _check(r, "Search index")
    assert check["status"] == "fail" and "index table is missing" in check["detail"]


def test_a_missing_or_weakened_index_is_found(store_with_data: Path):
    db = store_with_data
    _sql(
        db,
        "DROP INDEX ix_clients_uid",
        "CREATE INDEX ix_clients_uid ON clients (uid)",  # no longer unique
        "DROP INDEX ix_promises_status_due",
    )
    r = run(db, "doctor", "--json")
    assert r.code == 1, r.shown
    check = _check(r, "Tables and indexes")
    assert check["status"] == "fail", check
    assert "ix_promises_status_due" in check["detail"]
    assert "ix_clients_uid (unique) on clients(uid) is missing" in check["detail"]


def test_dev_null_as_the_store(tmp_path: Path):
    """The issue: on /dev/null doctor advised `chmod 700 /dev`."""
    for device in ("/dev/null", "/dev/zero"):
        r = run(device, "doctor")
        assert r.code == 1, r.shown
        assert f"{device} is a character device, not a store" in r.out
        assert "chmod" not in r.out and "/dev " not in r.out
        assert "Traceback" not in r.shown
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run(fifo, "client", "list", timeout=20)  # never opened: opening would wait forever
    assert r.code == 1 and "is a named pipe (FIFO), not a store" in r.err, r.shown
