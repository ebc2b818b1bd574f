"""Every read, as SQL text run by the DB-API driver (sqlite3, sqlcipher3, psycopg): the
commands that only read answer without importing SQLAlchemy, SQLModel, pydantic or Alembic
(SPEC §10). Writes, the schema and migrations stay in SQLModel and Alembic (store/,
services/).

- db.py: the one connection of a command (opened as store/connect.py says), placeholders,
  values as the ORM gives them back, and the coach scoping of a shared server;
- rows.py: plain frozen dataclasses with exactly the models' attribute names, so screens
  and exporters read either;
- one module per subject (clients, promises, ...) of functions `f(db, *, ...)`.

import-linter keeps this package free of the ORM (pyproject.toml), and
tests/test_read_path.py runs every read command in a subprocess and lists what it loaded."""
