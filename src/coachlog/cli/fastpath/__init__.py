"""The read path without the ORM, for `coachlog promises due`, the command a coach runs
many times a day.

cli/entry.py hands it the command line before Typer is imported. It answers only the plain
forms it recognises, from a store that is already current, with plain DB-API calls (sqlite3
or psycopg) and SQL text; the rows it builds have the attributes of the ORM's, so the same
rules (fastpath.rules) and the same render functions produce the same bytes. Anything else,
and any error, is declined and the normal command line answers instead, so this path can
change how fast coachlog answers but never what it answers. Writes and the schema stay in
SQLModel. COACHLOG_NO_FASTPATH=1 turns it off.

Nothing here may import SQLAlchemy, SQLModel, pydantic, Alembic or Typer at module level
(tests/test_fastpath.py checks a whole run in a subprocess).
"""
