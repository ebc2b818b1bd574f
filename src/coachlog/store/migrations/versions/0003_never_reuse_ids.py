"""Ids are never reused, and the store carries coachlog's mark.

SQLite gives a new row max(id)+1, so after the newest record is deleted its id goes to the
next one, and a command from the shell's history could touch a different record (SPEC §7).
The four record tables are rebuilt with AUTOINCREMENT, which remembers the highest id ever
given (sqlite_sequence), by SQLite's own procedure for changes ALTER TABLE cannot make: a new
table made from the old one's CREATE statement with only its id column changed, the rows
copied as they are (ids included, so references and the search index's rowids stay right),
the old table dropped, the new one renamed, and its indexes and triggers (dropped with it)
made again from their own statements. coachlog.store.migrate runs this with foreign keys
off, after a verified backup, and checks foreign_key_check and integrity_check before it
commits. The statements come from the store itself, so every column, default and constraint
stays exactly as it was, in the same order. Ids deleted before this upgrade were never
recorded anywhere; the newest of them may be given once more, never after.

The store is also marked with PRAGMA application_id (coachlog.store.identity), in the same
transaction, so that coachlog can tell its stores from other programs' databases.

On PostgreSQL the ids come from sequences, which never give a number twice: nothing to do.

0004 (the undo log) and 0005 (credentials) were released while this was written, so this
revision follows them in the chain: 0001, 0002, 0004, 0005, 0003. Their new tables
(undo_steps, learning) were made with AUTOINCREMENT already.

Revision ID: 0003
Revises: 0005
Create Date: 2026-11-27
"""

import re

from alembic import op
from sqlalchemy import text

revision = "0003"
down_revision = "0005"
branch_labels = None
depends_on = None

APPLICATION_ID = 0x434C6F67  # "CLog"; equal to coachlog.store.identity.APPLICATION_ID
TABLES = ("clients", "agreements", "sessions", "promises")
ID_COLUMN = re.compile(r"\s*id INTEGER NOT NULL, ")  # the first column, as 0001 made it
ID_KEY = re.compile(r",\s*PRIMARY KEY \(id\)")


def autoincrement_sql(create: str, table: str, new_name: str) -> str:
    """The CREATE TABLE statement of `table` as the previous schemas wrote it, for a table
    named `new_name` whose id is INTEGER PRIMARY KEY AUTOINCREMENT. Anything else is
    refused (the migration then rolls back and says so), never guessed at."""
    head = f"CREATE TABLE {table} ("
    first = ID_COLUMN.match(create, len(head)) if create.startswith(head) else None
    if first is None:
        raise RuntimeError(f"table {table} is not as coachlog made it; it was left as it was")
    rest, keys = ID_KEY.subn("", create[first.end() :])
    if keys != 1:
        raise RuntimeError(f"table {table} has no PRIMARY KEY (id); it was left as it was")
    return f"CREATE TABLE {new_name} (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, " + rest


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return

    def statements(kind: str, table: str) -> list[str]:
        rows = bind.execute(
            text(
                "SELECT sql FROM sqlite_master WHERE type = :kind AND tbl_name = :table "
                "AND sql IS NOT NULL ORDER BY name"
            ),
            {"kind": kind, "table": table},
        )
        return [row[0] for row in rows]

    for table in TABLES:
        (create,) = statements("table", table)
        indexes, triggers = statements("index", table), statements("trigger", table)
        new_name = f"coachlog_new_{table}"
        # The store's own statements run as they are (never parsed for bound parameters).
        run = bind.exec_driver_sql
        run(autoincrement_sql(create, table, new_name))
        run(f"INSERT INTO {new_name} SELECT * FROM {table}")
        run(f"DROP TABLE {table}")
        run(f"ALTER TABLE {new_name} RENAME TO {table}")
        for statement in indexes + triggers:
            run(statement)
    bind.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
