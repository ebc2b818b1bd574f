"""Opening the store: connection settings, transactions, error translation.

Everything SQLite-specific about *connections* lives here (pragmas, BEGIN IMMEDIATE,
SQLCipher keys); queries elsewhere stay portable SQLAlchemy so PostgreSQL works too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachlog.errors import CoachlogError, StoreError
from coachlog.store.paths import Location

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


def is_encrypted_file(path: Path) -> bool:
    """A SQLCipher file has no plain SQLite header: its first page is ciphertext."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return len(head) == 16 and head != SQLITE_HEADER


def prepare_file(path: Path) -> bool:
    """Make sure the store's directory exists (0700 when we create it) and the file exists
    with mode 0600 before SQLite touches it. Returns True when the file is new."""
    directory = path.parent
    try:
        if not directory.exists():
            directory.mkdir(parents=True, mode=0o700)
            os.chmod(directory, 0o700)
        if path.exists():
            return path.stat().st_size == 0
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        return True
    except PermissionError as exc:
        raise StoreError(
            f"Cannot create the store at {path}: permission denied.",
            hint="Choose a writable place with --db PATH or COACHLOG_DB.",
        ) from exc
    except OSError as exc:
        raise StoreError(f"Cannot create the store at {path}: {exc.strerror}.") from exc


def _sqlite_pragmas(dbapi_conn: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")
    cur.execute("PRAGMA synchronous = FULL")
    mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


def _key_statement(passphrase: str) -> str:
    return "PRAGMA key = '" + passphrase.replace("'", "''") + "'"


def make_engine(location: Location, *, passphrase: str | None = None) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if location.path is None:
        return create_engine(location.url, pool_pre_ping=False)

    path = str(location.path)
    if passphrase is not None:
        import sqlcipher3  # type: ignore[import-untyped]

        def connect() -> Any:
            conn = sqlcipher3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.execute(_key_statement(passphrase))
            return conn

        engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)
    else:
        engine = create_engine(
            f"sqlite:///{path}",
            poolclass=NullPool,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        _sqlite_pragmas(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A write transaction takes the write lock at its start, so a second writer waits
        # (busy timeout) instead of failing halfway or overwriting (SPEC §7).
        mode = conn.get_execution_options().get("coachlog_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def translate(exc: BaseException, location: Location) -> CoachlogError:
    """Turn a driver error into a message a coach can act on."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    where = location.describe()
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return StoreError(
            "The disk is full: nothing was saved by this command; earlier records are intact.",
            hint="Free some space and run the command again.",
        )
    if "file too large" in text:
        return StoreError(
            "The store could not grow (file size limit reached): nothing was saved.",
            hint="Free some space or raise the file size limit, then run the command again.",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"The store at {where} is read-only: nothing was saved.",
            hint="Check the permissions of the store and its folder ('coachlog doctor').",
        )
    if "unable to open" in text:
        return StoreError(
            f"Cannot open the store at {where}.",
            hint="Check that the folder exists and is yours ('coachlog doctor').",
        )
    if "file is not a database" in text or "file is encrypted" in text:
        return StoreError(
            f"Cannot read the store at {where}: wrong passphrase, or not a coachlog store.",
            hint="Set COACHLOG_PASSPHRASE to the store's passphrase, or check --db.",
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            "The store is busy: another coachlog has held it for 30 seconds.",
            hint="Wait for the other command to finish and try again.",
        )
    if "malformed" in text or "corrupt" in text:
        return StoreError(
            f"The store at {where} is damaged.",
            hint="Run 'coachlog doctor', and restore from your latest backup if it fails.",
        )
    if "could not connect" in text or "connection refused" in text:
        return StoreError(f"Cannot reach the database at {where}: {exc}")
    return StoreError(f"The store reported an error: {exc}")


class Store:
    """One open store for the length of a command."""

    def __init__(self, location: Location, *, coach: str, passphrase: str | None = None) -> None:
        self.location = location
        self.coach = coach
        self.passphrase = passphrase
        self.engine = make_engine(location, passphrase=passphrase)
        self.backup_written: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.location.is_sqlite

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
            raise translate(exc, self.location) from exc
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
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise translate(exc, self.location) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
