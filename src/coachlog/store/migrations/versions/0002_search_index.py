"""Full-text search index (SQLite FTS5), kept in step with the records by triggers.

One FTS5 row per searchable record; its rowid is id*4 + a kind code (1 session, 2 promise,
3 agreement) so that triggers find a record's row by rowid instead of scanning the index.
On PostgreSQL this revision does nothing: search there runs on the tables themselves.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NL = " || char(10) || "

SOURCES = {
    # table: (kind, code, body expression over a row alias)
    "sessions": (
        "session",
        1,
        NL.join(f"coalesce({{r}}.{c}, '')" for c in ("notes", "reflection", "themes")),
    ),
    "promises": (
        "promise",
        2,
        NL.join(f"coalesce({{r}}.{c}, '')" for c in ("text", "note", "repair")),
    ),
    "agreements": (
        "agreement",
        3,
        NL.join(
            f"coalesce({{r}}.{c}, '')"
            for c in (
                "goals",
                "confidentiality",
                "communication",
                "logistics",
                "coach_responsibilities",
                "client_responsibilities",
                "fees",
                "conflicts_of_interest",
                "sponsor_reporting",
            )
        ),
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "body, kind UNINDEXED, ref_id UNINDEXED, client_id UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for table, (kind, code, body) in SOURCES.items():
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
        op.execute(
            "INSERT INTO search_index(rowid, body, kind, ref_id, client_id) "
            f"SELECT t.id * 4 + {code}, {body.format(r='t')}, '{kind}', t.id, t.client_id "
            f"FROM {table} AS t"
        )


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
