"""The SQLAlchemy engine and session for writes (and the reads not yet on the query layer):
BEGIN IMMEDIATE, one transaction per command, error translation.

What a connection is given (pragmas, the SQLCipher key, the refusals) is written once in
store/connect.py, which the query layer (coachlog.queries) opens its connections with too;
its names are re-exported here for the modules that import them from the engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachlog.errors import StoreError
from coachlog.store.connect import (  # noqa: F401  (re-exported)
    BUSY_TIMEOUT_MS,
    FILE_KINDS,
    SQLITE_HEADER,
    _key_literal,
    _key_statement,
    busy_timeout_ms,
    busy_wait_words,
    check_regular,
    connect_raw,
    file_kind,
    is_encrypted_file,
    make_companions_private,
    prepare_file,
    sqlite_pragmas,
    translate,
)
from coachlog.store.paths import Location
from coachlog.store.saved import anything_saved, note_commit

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session


def _json_text(value: Any) -> str:
    """JSON columns (themes, due_history) as readable UTF-8, not \\u escapes, so that the
    full-text index sees the words of a theme like 'reunião'."""
    import json

    return json.dumps(value, ensure_ascii=False)


def make_engine(location: Location, *, passphrase: str | None = None) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool

    if location.path is None:
        try:
            import psycopg  # noqa: F401  (SQLAlchemy's dialect imports it only later)
        except ImportError as exc:
            raise StoreError(
                "This coachlog cannot open a PostgreSQL store: the PostgreSQL driver "
                "(psycopg) is not installed.",
                hint="pip install 'coachlog[postgres]'",
            ) from exc
        return create_engine(location.url, pool_pre_ping=False, json_serializer=_json_text)

    store_path = location.path
    path = str(store_path)
    connect_args = {"timeout": busy_timeout_ms() / 1000, "check_same_thread": False}
    if passphrase is not None:
        # SQLAlchemy's SQLCipher dialect (driver sqlcipher3): it keys every new connection
        # before anything reads the file, and its driver errors are wrapped like sqlite3's,
        # so translate() and the rollbacks in Store.write() work the same on both.
        # Deriving the key from the passphrase is deliberately slow (PBKDF2, 256,000
        # rounds), so the one connection is kept for the command (per thread) instead of
        # keying a new one for every transaction; dispose() closes it.
        from sqlalchemy.pool import SingletonThreadPool

        url = URL.create("sqlite+pysqlcipher", password=passphrase, database=path)
        engine = create_engine(
            url,
            poolclass=SingletonThreadPool,
            connect_args=connect_args,
            json_serializer=_json_text,
        )
    else:
        engine = create_engine(
            f"sqlite:///{path}",
            poolclass=NullPool,
            connect_args=connect_args,
            json_serializer=_json_text,
        )
    encrypted = passphrase is not None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        sqlite_pragmas(dbapi_conn, path=store_path, encrypted=encrypted)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A write transaction takes the write lock at its start, so a second writer waits
        # (busy timeout) instead of failing halfway or overwriting (SPEC §7).
        mode = conn.get_execution_options().get("coachlog_begin", "DEFERRED")
        if mode == "DEFERRED":  # takes no lock: nothing to wait for
            conn.exec_driver_sql("BEGIN DEFERRED")
        else:
            begin_when_free(conn, f"BEGIN {mode}")

    return engine


BUSY_SLICE_MS = 100  # how long SQLite itself waits for a lock before Python looks again


def begin_when_free(conn: Any, statement: str) -> None:
    """Run `statement` (BEGIN IMMEDIATE), waiting for the write lock up to the busy timeout.
    SQLite waits for a lock in C, where Ctrl-C is not seen until the wait ends (30 s by
    default), so it is given BUSY_SLICE_MS at a time and Python tries again until the
    deadline: a Ctrl-C acts between two slices."""
    import time

    from sqlalchemy.exc import OperationalError

    driver = conn.connection.driver_connection
    busy_error = conn.dialect.loaded_dbapi.OperationalError
    full = busy_timeout_ms()
    deadline = time.monotonic() + full / 1000
    driver.execute(f"PRAGMA busy_timeout = {min(BUSY_SLICE_MS, full)}")
    try:
        while True:
            try:
                driver.execute(statement)
                return
            except busy_error as exc:
                text = str(exc).lower()
                if not ("locked" in text or "busy" in text) or time.monotonic() >= deadline:
                    # as SQLAlchemy wraps driver errors, for Store.write() and translate()
                    raise OperationalError(statement, None, exc) from exc
    finally:
        driver.execute(f"PRAGMA busy_timeout = {full}")


# One lock per coach and store (schema), taken at the start of every write transaction on
# a server: a second terminal of the same coach waits, as BEGIN IMMEDIATE makes it wait on
# SQLite, instead of both reading "no client of that name" and both writing it (SPEC §8).
# Other coaches never wait for it. The key is a 64-bit hash of the schema and the role.
COACH_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/' || current_user, 0))"
)


def coach_lock(session: Any) -> None:
    """Take the coach's write lock in the current transaction, waiting up to the busy
    timeout (then the driver reports a lock timeout, which translate() words)."""
    from sqlalchemy import text

    session.execute(text(f"SET LOCAL lock_timeout = {busy_timeout_ms()}"))
    session.execute(text(COACH_LOCK))
    session.execute(text("SET LOCAL lock_timeout = 0"))


class Store:
    """One open store for the length of a command."""

    def __init__(self, location: Location, *, coach: str, passphrase: str | None = None) -> None:
        self.location = location
        self.coach = coach
        self.passphrase = passphrase
        self.engine = make_engine(location, passphrase=passphrase)
        self.backup_written: Path | None = None
        self.passphrase_unused = False  # COACHLOG_PASSPHRASE set for a plain store
        self.created = False  # this command made the store's file (SPEC §2a says so)
        self.on_dispose: Callable[[], None] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.location.is_sqlite

    def server_coach(self) -> str:
        """On a server store, the coach is the database role (store/coach.py)."""
        from coachlog.store.coach import server_coach

        raw = self.engine.raw_connection()
        try:
            return server_coach(raw.driver_connection)
        finally:
            raw.rollback()
            raw.close()

    @property
    def encrypted(self) -> bool:
        return self.passphrase is not None

    def _session(self, engine: Engine) -> Session:
        from sqlmodel import Session

        session = Session(engine, expire_on_commit=False)
        # Services read this to scope queries to one coach on a shared server (SPEC §8).
        session.info["coach"] = None if self.is_sqlite else self.coach
        session.info["coach_name"] = self.coach
        session.info["dialect"] = engine.dialect.name
        return session

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlalchemy.exc import DBAPIError

        session = self._session(self.engine)
        try:
            yield session
        except DBAPIError as exc:
            raise translate(exc, self.location, encrypted=self.encrypted) from exc
        finally:
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that takes the write lock at its start and commits whole or not
        at all."""
        from sqlalchemy.exc import DBAPIError

        engine = self.engine.execution_options(coachlog_begin="IMMEDIATE")
        session = self._session(engine)
        try:
            session.connection()  # BEGIN IMMEDIATE now: the write lock is ours from here on
            if not self.is_sqlite:
                coach_lock(session)
            yield session
            session.commit()
            note_commit()
        except DBAPIError as exc:
            session.rollback()
            raise translate(
                exc, self.location, encrypted=self.encrypted, earlier=anything_saved()
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.on_dispose is not None:
            self.on_dispose()
            self.on_dispose = None
