"""Is this SQLite file a coachlog store? coachlog marks its stores with a fixed
`PRAGMA application_id` (docs/privacy.md), and opens nothing else that holds anything:
another program's database is refused before a single byte of it is written (no switch to
WAL, no tables), so it stays exactly as it was (SPEC §2a).

Stores made before the mark (schema 0001, 0002, 0004 or 0005) are recognised by coachlog's
own tables and schema version; the upgrade to 0003 marks them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from coachlog.errors import StoreError

# "CLog" in ASCII. Fixed forever: every coachlog store carries it at offset 68 of the file.
APPLICATION_ID = 0x434C6F67
# Schema versions written before stores were marked (0004, the undo log, and 0005, the
# credentials, came before 0003 in the chain); a later one always has the mark.
UNMARKED_REVISIONS = ("0001", "0002", "0004", "0005")
COACHLOG_TABLES = frozenset({"alembic_version", "clients", "agreements", "sessions", "promises"})

Kind = Literal["coachlog", "unmarked", "blank", "foreign"]


def judge(
    *, application_id: int, user_version: int, names: frozenset[str], revision: str | None
) -> Kind:
    """What a SQLite database is, from its header fields and the names in its schema:
    - coachlog: it carries the mark;
    - unmarked: a coachlog store from before the mark (its tables, an old schema version);
    - blank: nothing in it and no other program's mark (e.g. a store whose creation was
      interrupted): coachlog may make it a store;
    - foreign: anything else: another program's database."""
    if application_id == APPLICATION_ID:
        return "coachlog"
    if application_id != 0 or user_version != 0:
        return "foreign"
    if not names:
        return "blank"
    if names >= COACHLOG_TABLES and revision in UNMARKED_REVISIONS:
        return "unmarked"
    return "foreign"


def kind_of(conn: Any) -> Kind:
    """judge() on an open DB-API connection (sqlite3 or sqlcipher3). Only reads."""
    cur = conn.cursor()
    try:
        application_id = int(cur.execute("PRAGMA application_id").fetchone()[0])
        if application_id == APPLICATION_ID:
            return "coachlog"
        user_version = int(cur.execute("PRAGMA user_version").fetchone()[0])
        names = frozenset(r[0] for r in cur.execute("SELECT name FROM sqlite_master"))
        revision = None
        if "alembic_version" in names:
            row = cur.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    finally:
        cur.close()
    return judge(
        application_id=application_id, user_version=user_version, names=names, revision=revision
    )


def not_a_store(path: Path | str) -> StoreError:
    return StoreError(
        f"{path} is not a coachlog store (it holds another program's data); "
        "coachlog left it exactly as it was.",
        hint="Check --db / COACHLOG_DB. A new store needs a new file name (or an empty file).",
    )


def check_file(path: Path) -> Kind:
    """The kind of the plain SQLite file at path, read without changing it: no WAL switch,
    no journal, nothing created (a read-write connection that only reads removes any -wal
    and -shm it needed when it closes; a read-only one would leave them behind)."""
    import sqlite3

    conn = sqlite3.connect(str(path), timeout=30)
    try:
        return kind_of(conn)
    finally:
        conn.close()
