"""Bring a store to this program's schema. Alembic is imported only when there is work to
do, so a store that is already current costs one tiny query per command."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachlog.errors import StoreError
from coachlog.store.versions import HEAD, REVISIONS, check_known

if TYPE_CHECKING:
    from coachlog.store.engine import Store

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def current_revision(conn: Any) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        if inspect(conn).has_table("clients"):
            raise StoreError(
                "This database has tables but no coachlog schema version: it is not a "
                "coachlog store, and it was left untouched."
            )
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


# What each schema version has that the one before it did not (on SQLite), so that a
# version record changed by hand is named as such instead of failing halfway through a
# migration with "table search_index already exists".
ADDED_BY = {
    "0001": ("clients",),
    "0002": ("search_index",),
    "0004": ("undo_steps",),
    "0005": ("learning",),
}


def check_consistent(conn: Any, revision: str | None) -> None:
    """The tables agree with the recorded schema version (SQLite). Raises StoreError."""
    from sqlalchemy import inspect

    if conn.dialect.name != "sqlite":
        return
    names = set(inspect(conn).get_table_names())
    known = REVISIONS.index(revision) if revision in REVISIONS else -1
    for i, rev in enumerate(REVISIONS):
        for table in ADDED_BY.get(rev, ()):
            if i > known and table in names:
                said = f"schema {revision}" if revision else "no schema version"
                raise StoreError(
                    f"The store's version record says {said}, but it already has the "
                    f"'{table}' table of schema {rev}: the record was changed outside "
                    "coachlog. Nothing was changed.",
                    hint="Restore your latest backup ('coachlog doctor' lists them), or set "
                    "alembic_version back to the schema the tables are at.",
                )


def raw_sqlite(conn: Any) -> Any:
    """The driver connection, for pragmas that must run outside any transaction."""
    return conn.connection.dbapi_connection


def alembic_config(conn: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def server_owner(conn: Any, revision: str | None) -> tuple[bool, str]:
    """On a server store: whether the current role may change the schema (it owns the
    store's tables, or, for a store not made yet, the schema they would go in; a superuser
    may too), and the owner's name, for the message that says whom to ask."""
    from sqlalchemy import text

    if revision is None:
        row = conn.execute(
            text(
                "SELECT pg_has_role(current_user, n.nspowner, 'USAGE'), "
                "pg_get_userbyid(n.nspowner), current_schema() "
                "FROM pg_namespace AS n WHERE n.nspname = current_schema()"
            )
        ).first()
        if row is None:
            raise StoreError(
                "The database has no schema to hold a coachlog store (the search_path names "
                "none that exists).",
                hint="Create one, or fix the search_path option in the URL (docs/practice.md).",
            )
        owner = str(row[1])
        if owner == "pg_database_owner":
            owner = str(
                conn.execute(
                    text(
                        "SELECT pg_get_userbyid(datdba) FROM pg_database "
                        "WHERE datname = current_database()"
                    )
                ).scalar()
            )
        return bool(row[0]), owner
    row = conn.execute(
        text(
            "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), pg_get_userbyid(c.relowner) "
            "FROM pg_class AS c WHERE c.oid = to_regclass('alembic_version')"
        )
    ).first()
    return (bool(row[0]), str(row[1])) if row else (False, "the database's owner")


def server_gate(conn: Any, revision: str | None, *, upgrade: bool) -> None:
    """A coach's coachlog never changes a shared store's schema (SPEC §8): a store not made
    yet is made by its owner, and an older one is upgraded only by its owner, with
    `coachlog practice upgrade` after a confirmed backup. Raises StoreError otherwise."""
    mine, owner = server_owner(conn, revision)
    if revision is None:
        if mine:
            return
        raise StoreError(
            "This database holds no coachlog store yet, and only its owner "
            f"('{owner}') can create it.",
            hint=f"Ask the practice administrator to run 'coachlog init' as '{owner}' "
            "(docs/practice.md).",
        )
    if upgrade and mine:
        return
    if mine:
        raise StoreError(
            f"The practice's store is at schema {revision} and this coachlog needs {HEAD}; "
            "it was not changed.",
            hint="Back the database up (pg_dump), then run 'coachlog practice upgrade'.",
        )
    raise StoreError(
        f"The practice's store is at schema {revision} and this coachlog needs {HEAD}; "
        f"only its owner ('{owner}') can upgrade it, and it was not changed.",
        hint=f"Ask the practice administrator to run 'coachlog practice upgrade' as '{owner}'.",
    )


# One migration of a server store at a time (per schema): a second one waits, then finds
# the work done. Taken inside the migration's transaction.
MIGRATE_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtextextended('coachlog/migrate/' || current_schema(), 0))"
)


def ensure_schema(store: Store, *, upgrade: bool = False) -> Path | None:
    """Upgrade the store to HEAD if needed. Returns the path of the backup written first,
    if one was (an existing SQLite store that needed an upgrade). A server store is only
    created or upgraded by its owner (server_gate)."""
    from sqlalchemy import text

    engine = store.engine
    with engine.connect() as conn:
        revision = current_revision(conn)
        if revision != HEAD:
            check_known(revision)
            check_consistent(conn, revision)
            if not store.is_sqlite:
                server_gate(conn, revision, upgrade=upgrade)
        conn.rollback()
    if revision == HEAD:
        return None

    backup: Path | None = None
    if revision is not None and store.location.path is not None:
        from coachlog.store.backup import backup_sqlite

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = store.location.path.with_name(
            f"{store.location.path.name}.before-{HEAD}-{stamp}.bak"
        )
        backup_sqlite(store, backup)

    from alembic import command

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Table rebuilds must not cascade: foreign keys off for the migration, checked after.
            raw_sqlite(conn).execute("PRAGMA foreign_keys = OFF")
        locked = conn.execution_options(coachlog_begin="IMMEDIATE")
        with locked.begin():
            if not sqlite:
                locked.exec_driver_sql(MIGRATE_LOCK)
            # Another process may have migrated while we waited for the write lock.
            revision = current_revision(locked)
            check_known(revision)
            check_consistent(locked, revision)
            if revision != HEAD:
                try:
                    command.upgrade(alembic_config(locked), "head")
                except StoreError:
                    raise
                except Exception as exc:
                    detail = str(getattr(exc, "orig", None) or exc)
                    raise StoreError(
                        f"Upgrading the store from schema {revision} to {HEAD} failed "
                        f"({detail}); it was rolled back and the store is as it was.",
                        hint=f"A backup is at {backup}." if backup else None,
                    ) from exc
                if sqlite:
                    bad = locked.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if bad:
                        raise StoreError(
                            f"Migration left {len(bad)} broken references; it was rolled back.",
                            hint=f"The store is unchanged; a backup is at {backup}.",
                        )
                    ok = locked.execute(text("PRAGMA integrity_check")).scalar()
                    if ok != "ok":
                        raise StoreError(
                            "Migration failed the integrity check; it was rolled back."
                        )
        if sqlite:
            raw_sqlite(conn).execute("PRAGMA foreign_keys = ON")
    return backup
