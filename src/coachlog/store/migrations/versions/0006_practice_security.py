"""A practice separated by the database (SPEC §8): on PostgreSQL, every table holding a
coach's records gets row-level security, ENABLED and FORCED (so the tables' owner is held
to it too), with policies keyed on the database role, `current_user`; and the full-text
search index (a text search configuration that ignores accents, GIN indexes).

- clients, learning and undo_steps carry the coach's role in `coach`, which a new row
  gets by default; a row is seen, changed and written only with coach = current_user.
- agreements, sessions and promises belong to their client: a row is visible when its
  client is (the policy's subquery on clients is itself under the clients policy), and
  can only be written for one of the coach's own clients (and, for a promise, one of the
  coach's own sessions), so no id of a colleague's record can be used or even probed.
- undo_step_clients belongs to its step.

Rows written before this revision keep the name they were written with (COACHLOG_COACH or
the login name): a role of that name sees them; docs/practice.md says how to give them to
another role. On SQLite this revision does nothing: a personal store is one coach's file.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-27
"""

from alembic import op
from sqlalchemy import text

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

SEARCH_CONFIG = "coachlog_search"

# Whose rows: a table with the coach's role, or the parent a row belongs to.
OWN = "coach = current_user::text"
CLIENT_IS_MINE = "EXISTS (SELECT 1 FROM clients AS c WHERE c.id = {t}.client_id)"
SESSION_IS_MINE = (
    "(promises.session_id IS NULL OR "
    "EXISTS (SELECT 1 FROM sessions AS s WHERE s.id = promises.session_id))"
)
POLICIES = {
    "clients": (OWN, OWN),
    "learning": (OWN, OWN),
    "undo_steps": (OWN, OWN),
    "agreements": (CLIENT_IS_MINE.format(t="agreements"),) * 2,
    "sessions": (CLIENT_IS_MINE.format(t="sessions"),) * 2,
    "promises": (
        CLIENT_IS_MINE.format(t="promises"),
        CLIENT_IS_MINE.format(t="promises") + " AND " + SESSION_IS_MINE,
    ),
    "undo_step_clients": (
        "EXISTS (SELECT 1 FROM undo_steps AS u WHERE u.id = undo_step_clients.step_id)",
    )
    * 2,
}
POLICY = "coachlog_own_rows"

# What search reads, per table: the same fields, in the same order, as SQLite's index
# (migration 0002). services/search.py writes the same expressions, so the indexes are used.
SEARCH_BODIES = {
    "sessions": ("notes", "reflection", "themes::text"),
    "promises": ("text", "note", "repair"),
    "agreements": (
        "goals",
        "confidentiality",
        "communication",
        "logistics",
        "coach_responsibilities",
        "client_responsibilities",
        "fees",
        "conflicts_of_interest",
        "sponsor_reporting",
    ),
}


def search_document(table: str) -> str:
    """The tsvector expression of a table's searchable text (indexed, and searched)."""
    body = " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in SEARCH_BODIES[table])
    return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {body})"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    run = bind.exec_driver_sql
    for table in ("clients", "learning", "undo_steps"):
        run(f"ALTER TABLE {table} ALTER COLUMN coach SET DEFAULT current_user")
    for table, (using, check) in POLICIES.items():
        run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        run(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        run(f"CREATE POLICY {POLICY} ON {table} USING ({using}) WITH CHECK ({check})")

    # unaccent is a trusted extension: the database's owner may create it. It lives once
    # per database (in public when it is made here); a lock keeps two stores of one
    # database from creating it at the same moment.
    run("SELECT pg_advisory_xact_lock(hashtextextended('coachlog/unaccent', 0))")
    found = bind.execute(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
    ).scalar()
    if found is None:
        run("CREATE EXTENSION unaccent SCHEMA public")
        found = "public"
    ext = '"' + str(found).replace('"', '""') + '"'
    run(f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = pg_catalog.simple)")
    run(
        f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} ALTER MAPPING FOR "
        "asciiword, asciihword, hword_asciipart, word, hword, hword_part, "
        f"numword, numhword, hword_numpart WITH {ext}.unaccent, pg_catalog.simple"
    )
    for table in SEARCH_BODIES:
        run(f"CREATE INDEX ix_{table}_search ON {table} USING gin ({search_document(table)})")


def downgrade() -> None:
    raise NotImplementedError("coachlog migrations are append-only")
