"""The schema versions this program knows, and the refusal of a store written by a newer
one. Pure: the engine's migrations (store/migrate.py) and the query layer read these."""

from __future__ import annotations

from coachlog.errors import StoreError

# Every revision this program knows, oldest first. A test checks this against Alembic.
# 0004 (the undo log) and 0005 (credentials) were released before 0003 (ids never reused,
# the store's mark) was written, so 0003 comes after them: the order of the chain, not of
# the numbers.
# 0006 (row-level security and the search index on PostgreSQL) does nothing on SQLite.
REVISIONS = ("0001", "0002", "0004", "0005", "0003", "0006")
HEAD = REVISIONS[-1]


def check_known(revision: str | None) -> None:
    if revision is not None and revision not in REVISIONS:
        from coachlog import __version__

        raise StoreError(
            f"This store was written by a newer coachlog (schema {revision}); this is "
            f"coachlog {__version__}, which knows schemas up to {HEAD}. The store was not touched.",
            hint="Upgrade coachlog (pip install -U coachlog) to open it.",
        )
