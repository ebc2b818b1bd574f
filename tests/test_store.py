"""The store: where it lives, how it is opened, how its schema moves forward."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from coachlog.errors import StoreError
from coachlog.store import open_store
from coachlog.store.migrate import HEAD, MIGRATIONS_DIR, REVISIONS, alembic_config


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_store_is_private_and_configured(db_path: Path):
    s = open_store(str(db_path))
    with s.read() as db:
        pragmas = {
            name: db.exec(text(f"PRAGMA {name}")).scalar()
            for name in (
                "journal_mode",
                "foreign_keys",
                "secure_delete",
                "synchronous",
                "busy_timeout",
            )
        }
    s.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "secure_delete": 1,
        "synchronous": 2,
        "busy_timeout": 30000,
    }
    assert _mode(db_path) == 0o600
    assert _mode(db_path.parent) == 0o700


def test_default_location_is_the_user_data_dir(tmp_path: Path, monkeypatch):
    from coachlog.store.paths import resolve

    loc = resolve(None)
    assert loc.path == tmp_path / "xdg-data" / "coachlog" / "coachlog.db"
    monkeypatch.setenv("COACHLOG_DB", str(tmp_path / "x.db"))
    assert resolve(None).path == tmp_path / "x.db"
    assert resolve(str(tmp_path / "y.db")).path == tmp_path / "y.db"  # --db wins
    assert resolve("postgresql://u:pw@h/db").url == "postgresql+psycopg://u:pw@h/db"
    assert resolve("postgresql://u:pw@h/db").describe() == "postgresql+psycopg://u@h/db"


def test_revisions_constant_matches_alembic_scripts():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == REVISIONS
    assert script.get_current_head() == HEAD


def test_migrated_blank_store_has_exactly_the_model_tables(db_path: Path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from coachlog.models import SQLModel

    s = open_store(str(db_path))
    with s.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_name": lambda name, type_, parent: not str(name).startswith("search_index")
            },
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    s.dispose()
    assert diff == []


def _make_store_at(db_path: Path, revision: str) -> None:
    """A store as the coachlog that shipped `revision` would have left it."""
    from alembic import command

    from coachlog.store.engine import Store, prepare_file
    from coachlog.store.paths import resolve

    prepare_file(db_path)
    s = Store(resolve(str(db_path)), coach="t")
    with s.engine.connect() as conn, conn.begin():
        command.upgrade(alembic_config(conn), revision)
    s.dispose()


def test_store_from_first_migration_upgrades_with_rows_intact(db_path: Path):
    _make_store_at(db_path, "0001")
    raw = sqlite3.connect(db_path)
    raw.executescript(
        """
        INSERT INTO clients (id, uid, created_at, updated_at, coach, name, status)
          VALUES (1, 'c-1', '2026-01-01 10:00:00', '2026-01-01 10:00:00', 't', 'Zoë', 'active');
        INSERT INTO sessions (id, uid, created_at, updated_at, client_id, held_at, kind,
                              notes, themes, private)
          VALUES (1, 's-1', '2026-01-02 10:00:00', '2026-01-02 10:00:00', 1,
                  '2026-01-02 10:00:00', 'regular', 'We talked about delegation', '[]', 0);
        INSERT INTO promises (id, uid, created_at, updated_at, client_id, session_id, owner,
                              text, made_at, due_at, status, due_history)
          VALUES (1, 'p-1', '2026-01-02 10:00:00', '2026-01-02 10:00:00', 1, 1, 'coach',
                  'Send the article', '2026-01-02 10:00:00', '2026-01-05 18:00:00', 'open', '[]');
        """
    )
    raw.commit()
    raw.close()

    s = open_store(str(db_path))
    assert s.backup_written is not None and s.backup_written.exists()
    assert _mode(s.backup_written) == 0o600
    with s.read() as db:
        assert db.exec(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert db.exec(text("SELECT name FROM clients")).all() == [("Zoë",)]
        assert db.exec(text("SELECT notes FROM sessions")).scalar() == "We talked about delegation"
        assert db.exec(text("SELECT text, status FROM promises")).all() == [
            ("Send the article", "open")
        ]
        # the new search index was filled from the rows that were already there
        hits = db.exec(
            text("SELECT kind, ref_id FROM search_index WHERE search_index MATCH 'delegation'")
        ).all()
        assert hits == [("session", 1)]
    s.dispose()
    # the backup is the old store, readable and at the old revision
    old = sqlite3.connect(s.backup_written)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert old.execute("SELECT count(*) FROM clients").fetchone() == (1,)
    old.close()


def test_store_from_newer_coachlog_is_refused_and_untouched(db_path: Path):
    open_store(str(db_path)).dispose()
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="newer coachlog"):
        open_store(str(db_path))
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert not list(db_path.parent.glob("*.bak"))


def test_foreign_database_is_refused(db_path: Path):
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE clients (x)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="not a coachlog store"):
        open_store(str(db_path))


def test_write_is_one_transaction(store, now):
    """An error inside write() leaves nothing behind."""
    from coachlog.services.clients import add_client, list_clients

    with pytest.raises(RuntimeError), store.write() as db:
        add_client(db, values={"name": "Half"}, now=now)
        raise RuntimeError("killed halfway")
    with store.read() as db:
        assert list_clients(db, include_all=True) == []


def test_second_writer_waits_instead_of_failing(store, db_path, now):
    """BEGIN IMMEDIATE: while one command holds the write lock, another waits its turn."""
    import threading
    import time

    from coachlog.services.clients import add_client, list_clients

    other = open_store(str(db_path))
    order: list[str] = []

    def second() -> None:
        with other.write() as db:
            order.append("second")
            add_client(db, values={"name": "Second"}, now=now)

    with store.write() as db:
        add_client(db, values={"name": "First"}, now=now)
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        order.append("first-commits")
    t.join(10)
    with store.read() as db:
        names = [c.name for c in list_clients(db)]
    other.dispose()
    assert order == ["first-commits", "second"]
    assert names == ["First", "Second"]
