"""Ids are never reused, and the store carries coachlog's mark.

SQLite gives a new row max(id)+1, so after the newest record is deleted its id goes to the
next one, and a command from the shell's history could touch a different record (SPEC §7).
The four tables are rebuilt with AUTOINCREMENT, which remembers the highest id ever given
(sqlite_sequence). coachlog.store.migrate runs this with foreign keys off, after a verified
backup, and checks foreign_key_check and integrity_check before it commits. Rebuilding a
table drops its triggers, so the search triggers of 0002 are made again, word for word.
Ids deleted before this upgrade were never recorded anywhere; the newest of them may be
given once more, never after.

The store is also marked with PRAGMA application_id (coachlog.store.identity), in the same
transaction, so that coachlog can tell its stores from other programs' databases.

On PostgreSQL the ids come from sequences, which never give a number twice: nothing to do.

0004 (the undo log) was released while this was written, so this revision follows it in
the chain: 0001, 0002, 0004, 0003. The undo log's own table already has AUTOINCREMENT.

Revision ID: 0003
Revises: 0004
Create Date: 2026-11-27
"""

import importlib

from alembic import op

revision = "0003"
down_revision = "0004"
branch_labels = None
depends_on = None

APPLICATION_ID = 0x434C6F67  # "CLog"; equal to coachlog.store.identity.APPLICATION_ID
TABLES = ("clients", "agreements", "sessions", "promises")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # Alembic's batch mode copies the table into a new one made from its reflected
        # definition (columns, keys, indexes, unique constraints) plus AUTOINCREMENT, then
        # drops the old one and renames the new one into its place. The ids are copied as
        # they are, so references and the search index's rowids stay right.
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    search = importlib.import_module("coachlog.store.migrations.versions.0002_search_index")
    for table, (kind, code, body) in search.SOURCES.items():
        new_body = body.format(r="new")
        insert = (
            "INSERT INTO search_index(rowid, body, kind, ref_id, client_id) "
            f"VALUES (new.id * 4 + {code}, {new_body}, '{kind}', new.id, new.client_id);"
        )
        delete = f"DELETE FROM search_index WHERE rowid = old.id * 4 + {code};"
        op.execute(f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {table}_search_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END"
        )
    op.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
