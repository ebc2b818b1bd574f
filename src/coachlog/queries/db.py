"""The query layer's connection: one read transaction on the store, through the DB-API.

It is opened as the engine opens its own (store/connect.py: the same pragmas, SQLCipher
key, refusals and error words). A store at an older schema is first brought to this
program's by the engine's migrations (Alembic, passed in by the caller as `upgrade`: the
only time a read loads the ORM), then read here. The default store before its first use
reads as empty: every query answers nothing.

SQL is written with `?` placeholders; on PostgreSQL they become psycopg's `%s`. Values come
back as the ORM gives them (models.UTCDateTime and friends): instants as aware UTC
datetimes, dates as dates, booleans as bools, JSON columns as Python values."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from coachlog.errors import CoachlogError, StoreError
from coachlog.store.coach import local_coach
from coachlog.store.connect import (
    check_regular,
    connect_raw,
    make_companions_private,
    no_store_here,
    passphrase_for,
    psycopg_args,
    sqlite_pragmas,
    store_exists,
    translate,
)
from coachlog.store.paths import Location, resolve
from coachlog.store.versions import HEAD, check_known

DRIVERS = frozenset({"sqlite3", "_sqlite3", "sqlcipher3", "psycopg"})


def is_driver_error(exc: BaseException) -> bool:
    """An error raised by the database driver (sqlite3, sqlcipher3, psycopg)."""
    return type(exc).__module__.split(".")[0] in DRIVERS and isinstance(exc, Exception)


def to_store(dt: datetime) -> datetime:
    """An aware instant as stored: naive UTC (models.UTCDateTime.process_bind_param)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime given to the store; use an aware UTC instant")
    return datetime(*dt.astimezone(UTC).timetuple()[:6], dt.microsecond)


def instant(value: Any) -> datetime | None:
    """A stored instant as the ORM returns it: SQLite's text read as SQLAlchemy's SQLite
    DateTime reads it, PostgreSQL's timestamp as it is; then UTC attached."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def day(value: Any) -> date | None:
    """A stored date: SQLite's 'YYYY-MM-DD' text, PostgreSQL's date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def flag(value: Any) -> bool:
    """A stored boolean: SQLite's 0/1, PostgreSQL's bool."""
    return bool(value)


def decoded(value: Any) -> Any:
    """A JSON column: text on SQLite, already decoded by psycopg on PostgreSQL."""
    if isinstance(value, str):
        return json.loads(value)
    return value


class Reader:
    """One read-only connection to a current store, in one transaction."""

    def __init__(
        self, location: Location, conn: Any, *, coach: str, borrowed: bool = False
    ) -> None:
        self.location = location
        self.conn = conn  # None: the default store before its first use, read as empty
        self.borrowed = borrowed  # another's connection (on_session): not ours to close
        self.sqlite = location.path is not None
        # On a shared server each coach sees only their own clients (SPEC §8).
        self.coach: str | None = None if self.sqlite else coach
        self.coach_name = coach
        self.encrypted = False
        self.passphrase_unused = False  # COACHLOG_PASSPHRASE set for a plain store
        self.backup_written: Any = None  # the backup made before an upgrade, if one was
        self.trace: list[tuple[str, tuple[Any, ...]]] | None = None  # tests: what was run
        self._streams = 0  # server-side cursors opened (stream()), for their names

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql": the two stores the DB-API drivers here open."""
        return "sqlite" if self.sqlite else "postgresql"

    @property
    def empty(self) -> bool:
        return self.conn is None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run SQL written with ? placeholders; every row, as tuples."""
        if self.conn is None:
            return []
        if self.trace is not None:
            self.trace.append((sql, tuple(params)))
        if not self.sqlite:
            sql = sql.replace("?", "%s")
        try:
            return list(self.conn.execute(sql, tuple(params)).fetchall())
        except Exception as exc:
            if is_driver_error(exc):
                raise translate(exc, self.location, encrypted=self.encrypted) from exc
            raise

    def stream(
        self, sql: str, params: Sequence[Any] = (), *, batch: int = 500
    ) -> Iterator[tuple[Any, ...]]:
        """Run SQL as rows() does, fetching `batch` rows at a time, so the memory a long
        result needs does not grow with it (on PostgreSQL a server-side cursor). Read it to
        the end, or close it, before the next query."""
        if self.conn is None:
            return
        if self.trace is not None:
            self.trace.append((sql, tuple(params)))
        try:
            if self.sqlite:
                cursor = self.conn.execute(sql, tuple(params))
            else:
                self._streams += 1
                cursor = self.conn.cursor(name=f"coachlog_stream_{self._streams}")
                cursor.itersize = batch
                cursor.execute(sql.replace("?", "%s"), tuple(params))
            try:
                while found := cursor.fetchmany(batch):
                    yield from found
            finally:
                cursor.close()
        except Exception as exc:
            if is_driver_error(exc):
                raise translate(exc, self.location, encrypted=self.encrypted) from exc
            raise

    def value(self, sql: str, params: Sequence[Any] = (), default: Any = None) -> Any:
        """The first column of the first row (a COUNT), or `default` when there is none."""
        found = self.rows(sql, params)
        return found[0][0] if found else default

    def bind(self, dt: datetime) -> Any:
        """An instant as a parameter: the text SQLAlchemy's SQLite DateTime writes (so that
        text comparisons agree), or a naive UTC datetime for psycopg."""
        naive = to_store(dt)
        if not self.sqlite:
            return naive
        return (
            f"{naive.year:04d}-{naive.month:02d}-{naive.day:02d} "
            f"{naive.hour:02d}:{naive.minute:02d}:{naive.second:02d}.{naive.microsecond:06d}"
        )

    def scope(self, client_id_column: str | None = None) -> tuple[str, tuple[Any, ...]]:
        """The coach scoping of a shared server, the one place it is written for reads
        (as services/common.py scope() has it for the ORM): ` AND <condition>` and its
        parameters, or nothing on a personal SQLite store. With a column, rows whose client
        is the coach's; without, the clients table itself."""
        if self.coach is None:
            return "", ()
        if client_id_column is None:
            return " AND clients.coach = ?", (self.coach,)
        return (
            f" AND {client_id_column} IN (SELECT clients.id FROM clients WHERE clients.coach = ?)",
            (self.coach,),
        )

    def own(self, table: str) -> tuple[str, tuple[Any, ...]]:
        """The scoping of a table that records its coach itself (the learning log), as
        scope() does through the clients for the others."""
        if self.coach is None:
            return "", ()
        return f" AND {table}.coach = ?", (self.coach,)

    def close(self) -> None:
        if self.conn is None or self.borrowed:
            return
        try:
            self.conn.rollback()  # nothing was written; end the read transaction
        except Exception as exc:
            if not is_driver_error(exc):
                raise
        finally:
            self.conn.close()
            self.conn = None


# Brings the store at a Location (with this passphrase) to this program's schema and
# returns the path of the backup it wrote first, if any: the engine's migrations, which
# the caller passes in (cli/context.py), so that nothing here imports Alembic.
Upgrade = Callable[[Location, "str | None"], Any]


def open_reader(
    db: str | None = None,
    *,
    ask_passphrase: Callable[[bool], str | None] | None = None,
    upgrade: Upgrade | None = None,
) -> Reader:
    """The store named by --db (else COACHLOG_DB, the settings file, the default), opened
    for reading. Never creates a store (SPEC §2a): a named one that is not there is an
    error naming its path; the default one before its first use reads as empty. A store
    at an older schema is first brought to this program's by `upgrade` (without one, that
    is an error)."""
    location = resolve(db)
    coach = local_coach()
    if location.path is None:
        return _checked(_postgres(location, coach), upgrade=upgrade)
    path = location.path
    check_regular(path)
    if not store_exists(path):
        if not location.default:
            raise no_store_here(path)
        return Reader(location, None, coach=coach)
    passphrase = passphrase_for(path, existed=True, encrypt=False, ask_passphrase=ask_passphrase)
    import os

    try:
        conn = connect_raw(path, passphrase=passphrase)
    except Exception as exc:
        if is_driver_error(exc):
            raise translate(exc, location, encrypted=passphrase is not None) from exc
        raise
    reader = Reader(location, conn, coach=coach)
    reader.encrypted = passphrase is not None
    reader.passphrase_unused = passphrase is None and bool(os.environ.get("COACHLOG_PASSPHRASE"))
    try:
        # The engine's own pragmas: a foreign database is refused untouched, WAL on.
        sqlite_pragmas(conn, path=path, encrypted=reader.encrypted)
        make_companions_private(path)
    except BaseException as exc:
        _close_quietly(conn)
        if is_driver_error(exc):
            raise translate(exc, location, encrypted=reader.encrypted) from exc
        raise
    return _checked(reader, passphrase=passphrase, upgrade=upgrade)


def _postgres(location: Location, coach: str) -> Reader:
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(
            "coachlog needs the PostgreSQL driver to open a server store.",
            hint="pip install 'coachlog[postgres]'",
        ) from exc
    from coachlog.store.coach import server_coach

    try:
        conn = psycopg.connect(**psycopg_args(location.url))
    except psycopg.Error as exc:
        raise translate(exc, location) from exc
    try:
        conn.read_only = True  # every transaction of this connection: READ ONLY
        # ... and one snapshot for all its queries: an export (or a server's backup) read
        # while a coach writes has all of a change or none of it.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        # On a server the coach is the database role, which row-level security is keyed
        # on; COACHLOG_COACH cannot name another (store/coach.py, SPEC §8).
        coach = server_coach(conn)
        conn.rollback()
    except BaseException as exc:
        _close_quietly(conn)
        if isinstance(exc, psycopg.Error):
            raise translate(exc, location) from exc
        raise
    return Reader(location, conn, coach=coach)


def _checked(
    reader: Reader, *, passphrase: str | None = None, upgrade: Upgrade | None = None
) -> Reader:
    """The store is at this program's schema, else it is first brought there by the
    engine's migrations (with their backup), and read afterwards; one written by a newer
    coachlog is refused. Then one snapshot for every query, like the ORM's session."""
    try:
        revision = _revision(reader)
        if revision != HEAD:
            check_known(revision)
            reader.close()
            if upgrade is None:
                raise StoreError(
                    f"The store at {reader.location.describe()} is at an older schema "
                    f"({revision or 'none'}); a command that records something upgrades it."
                )
            backup = upgrade(reader.location, passphrase)
            db = reader.location.url if reader.sqlite is False else str(reader.location.path)
            again = open_reader(db, ask_passphrase=lambda _new: passphrase)
            again.backup_written = backup
            return again
        if reader.sqlite:
            reader.conn.execute("PRAGMA query_only = ON")
            reader.conn.execute("BEGIN")
    except BaseException as exc:
        reader.close()
        if is_driver_error(exc):
            raise translate(exc, reader.location, encrypted=reader.encrypted) from exc
        raise
    return reader


def _revision(reader: Reader) -> str | None:
    if reader.sqlite:
        names = {r[0] for r in reader.rows("SELECT name FROM sqlite_master")}
        if "alembic_version" not in names:
            return None
    else:
        found = reader.value("SELECT to_regclass('alembic_version') IS NOT NULL")
        if not found:
            reader.conn.rollback()
            return None
    revision = reader.value("SELECT version_num FROM alembic_version")
    if not reader.sqlite:
        reader.conn.rollback()  # the snapshot starts with the first query after this
    return revision


def _close_quietly(conn: Any) -> None:
    try:
        conn.close()
    except Exception as exc:
        if not is_driver_error(exc):
            raise


def on_session(session: Any) -> Reader:
    """The query layer on the connection of an ORM session (a write that reads: a pit-stop
    shows whether the next one is due; the export's checklist), inside that session's own
    transaction, so it sees what the session has written. Duck-typed: nothing here imports
    SQLAlchemy."""
    from pathlib import Path

    session.flush()
    bind = session.get_bind()
    sqlite = session.info.get("dialect") == "sqlite"
    path = Path(bind.url.database) if sqlite else None
    location = Location(url=str(bind.url), path=path)
    conn = session.connection().connection.driver_connection
    return Reader(location, conn, coach=session.info.get("coach_name") or "", borrowed=True)


@contextmanager
def reading(db: str | None = None, *, upgrade: Upgrade | None = None) -> Iterator[Reader]:
    """open_reader() for the length of a with-block."""
    reader = open_reader(db, upgrade=upgrade)
    try:
        yield reader
    finally:
        reader.close()


__all__ = ["CoachlogError", "Reader", "open_reader", "reading"]
