"""A file that is not a coachlog store is refused by every command and left byte for byte
as it was (SPEC §2a): another program's SQLite database (no switch to WAL, no tables, no
journal files left beside it), one marked with another program's application_id, a text
file. coachlog's own stores carry PRAGMA application_id (store/identity.py)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from support.processes import ok, query, run

COMMANDS = [
    ("client", "list"),
    ("doctor",),
    ("client", "add", "Fay"),
    ("promises", "due"),
    ("promises", "due", "--json"),
    ("session", "list"),
    ("search", "delegation"),
    ("backup",),
    ("init",),
    ("export", "--all", "--format", "json"),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _foreign_sqlite(path: Path, *, application_id: int = 0) -> None:
    """A small database of some other program, in the default (rollback) journal mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('Pão de queijo')")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: _foreign_sqlite(p), id="another-programs-sqlite"),
        pytest.param(lambda p: _foreign_sqlite(p, application_id=0x47504B47), id="geopackage"),
        pytest.param(
            lambda p: (p.parent.mkdir(parents=True), p.write_text("shopping list\n")), id="text"
        ),
    ],
)
def test_every_command_refuses_it_and_leaves_it_untouched(db_path: Path, make):
    make(db_path)
    before, files = _digest(db_path), _beside(db_path)
    for args in COMMANDS:
        r = run(db_path, *args)
        assert r.code == 1, (args, r.shown)
        assert "not a coachlog store" in r.shown, (args, r.shown)
        assert "Traceback" not in r.shown
        assert _digest(db_path) == before, args
        assert _beside(db_path) == files, args  # no -wal, -shm, -journal, backups folder


def test_a_blank_sqlite_file_may_become_a_store(db_path: Path):
    """Nothing in it, no other program's mark: e.g. a store whose creation was killed
    after SQLite wrote its header. It becomes a store."""
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    ok(db_path, "client", "add", "Fay")
    assert query(db_path, "PRAGMA application_id") == [(0x434C6F67,)]


def test_a_new_store_carries_the_mark(db_path: Path):
    ok(db_path, "client", "add", "Fay")
    assert query(db_path, "PRAGMA application_id") == [(0x434C6F67,)]
    with db_path.open("rb") as fh:  # at offset 68 of the file, as SQLite documents it
        fh.seek(68)
        assert fh.read(4) == b"CLog"


def test_the_mark_is_the_documented_constant():
    from coachlog.store.identity import APPLICATION_ID, judge

    assert APPLICATION_ID == 0x434C6F67
    privacy = Path(__file__).parents[1] / "docs" / "privacy.md"
    assert f"0x{APPLICATION_ID:08X}" in privacy.read_text()
    names = frozenset({"alembic_version", "clients", "agreements", "sessions", "promises"})
    kw = {"user_version": 0}
    assert judge(application_id=APPLICATION_ID, names=names, revision="0003", **kw) == "coachlog"
    assert judge(application_id=0, names=names, revision="0002", **kw) == "unmarked"
    assert judge(application_id=0, names=names, revision="0001", **kw) == "unmarked"
    assert judge(application_id=0, names=names, revision="0003", **kw) == "foreign"
    assert judge(application_id=0, names=frozenset(), revision=None, **kw) == "blank"
    assert judge(application_id=7, names=frozenset(), revision=None, **kw) == "foreign"
    assert judge(application_id=0, names=frozenset(), revision=None, user_version=3) == "foreign"
    assert judge(application_id=0, names=frozenset({"clients"}), revision=None, **kw) == "foreign"
