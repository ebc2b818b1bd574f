"""Opening the store: connection settings, transactions, error translation.

Everything SQLite-specific about *connections* lives here (pragmas, BEGIN IMMEDIATE,
SQLCipher keys); queries elsewhere stay portable SQLAlchemy so PostgreSQL works too."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachlog.errors import CoachlogError, StoreError
from coachlog.store.paths import Location
from coachlog.store.saved import anything_saved, note_commit

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000  # how long a second writer waits for the first (SPEC §2, §7)


def busy_timeout_ms() -> int:
    """The busy timeout: 30 s, or COACHLOG_BUSY_TIMEOUT seconds (0.1 to 3600), so a script
    or a test need not wait half a minute to learn that the store is busy. A value that is
    not such a number is ignored."""
    raw = os.environ.get("COACHLOG_BUSY_TIMEOUT", "").strip()
    try:
        seconds = float(raw)
    except ValueError:
        return BUSY_TIMEOUT_MS
    if not 0.1 <= seconds <= 3600:
        return BUSY_TIMEOUT_MS
    return int(seconds * 1000)


def busy_wait_words() -> str:
    """How long a writer waited, in words, for the message that the store is busy."""
    seconds = busy_timeout_ms() / 1000
    shown = f"{seconds:g}"
    return f"{shown} second" + ("" if shown == "1" else "s")


def is_encrypted_file(path: Path) -> bool:
    """A SQLCipher file has no plain SQLite header (its first page is ciphertext) and, like
    any SQLite file, is made of whole pages (512 bytes at the least): a file that is not a
    multiple of 512 bytes is something else, not an encrypted store.

    Call it before this process opens the store: closing any file descriptor of the store
    drops every POSIX lock the process holds on it, SQLite's included."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return len(head) == 16 and head != SQLITE_HEADER and size % 512 == 0


FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str | None:
    """What a path is when it is not a regular file ("a character device"), else None."""
    for test, words in FILE_KINDS:
        if test(mode):
            return words
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_regular(path: Path) -> None:
    """The store is a regular file (or does not exist yet). /dev/null, a FIFO or a folder
    given as --db is refused before anything opens it (opening a FIFO would wait forever,
    and SQLite would put its journal files beside a device)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot open the store at {path}: {exc.strerror}.") from exc
    kind = file_kind(mode)
    if kind is not None:
        raise StoreError(
            f"{path} is {kind}, not a store: a coachlog store is a regular file.",
            hint="Give the store's file with --db PATH (or COACHLOG_DB).",
        )


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


def make_companions_private(path: Path) -> None:
    """SQLite creates the -wal and -shm files with the store file's own mode (it undoes the
    umask), so a store the coach made 0644 would get 0644 companions holding the latest
    records. Called as soon as a connection has read the store (which is when they appear),
    before any record is written to them."""
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        try:
            st = companion.lstat()
            if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077:
                os.chmod(companion, 0o600)
        except OSError:  # gone meanwhile (the last connection closed), or not ours
            pass


def _sqlite_pragmas(dbapi_conn: Any, *, path: Path, encrypted: bool = False) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cur = dbapi_conn.cursor()
    if encrypted:
        # SQLCipher logs decryption failures to stderr by itself; a wrong passphrase is
        # reported once, in words, by translate() instead.
        cur.execute("PRAGMA cipher_log_level = NONE")
    cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")
    cur.execute("PRAGMA synchronous = FULL")
    # Before anything is written (the switch to WAL is a write): another program's
    # database is refused untouched (store/identity.py).
    from coachlog.store.identity import kind_of, not_a_store

    if kind_of(dbapi_conn) == "foreign":
        cur.close()
        dbapi_conn.close()
        raise not_a_store(path)
    make_companions_private(path)
    mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


def _key_literal(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def _key_statement(passphrase: str) -> str:
    return "PRAGMA key = " + _key_literal(passphrase)


def connect_raw(path: Path, *, passphrase: str | None = None, readonly: bool = False) -> Any:
    """A bare driver connection (no pragmas, no ORM) for checks on files that are not the
    live store: backups, and the passphrase check before the engine is built."""
    if passphrase is not None:
        import sqlcipher3

        conn = sqlcipher3.connect(str(path), timeout=busy_timeout_ms() / 1000)
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_statement(passphrase))
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        return conn
    import sqlite3

    if readonly:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout_ms() / 1000)
    return sqlite3.connect(str(path), timeout=busy_timeout_ms() / 1000)


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
        _sqlite_pragmas(dbapi_conn, path=store_path, encrypted=encrypted)

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


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def translate(
    exc: BaseException, location: Location, *, encrypted: bool = False, earlier: bool = False
) -> CoachlogError:
    """Turn a driver error into a message a coach can act on. Every message about a failed
    write says that nothing was saved, because a write is one transaction (SPEC §7); when
    the command had already saved something (`earlier`), it says that this step was not."""
    if isinstance(exc, CoachlogError):
        return exc
    nothing = (
        "this last step was not saved (what the command saved before it is kept)"
        if earlier
        else "nothing was saved by this command"
    )
    # The driver's own words only: SQLAlchemy's wrapper adds the SQL and its parameters,
    # which can hold a client's notes.
    detail = str(getattr(exc, "orig", None) or exc)
    text = detail.lower()
    where = location.describe()
    path = location.path
    if "disk is full" in text or "no space" in text:
        return StoreError(
            f"The disk is full: {nothing}; earlier records are intact.",
            hint="Free some space and run the command again.",
        )
    if "file too large" in text or "disk i/o error" in text:
        # A write the operating system refused: a full disk, a file size limit (ulimit -f)
        # or a failing device. SQLite rolled the transaction back.
        return StoreError(
            "The store could not be written (disk full, file size limit or I/O error): "
            f"{nothing}; earlier records are intact.",
            hint="Free some space or raise the file size limit, then run the command again; "
            "'coachlog doctor' checks the store.",
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        if path is not None and path.parent.exists() and not _writable(path.parent):
            return StoreError(
                f"The folder {path.parent} is read-only: coachlog needs to write its journal "
                "files there, so nothing was saved.",
                hint=f"Make it writable (chmod 700 {path.parent}) or choose another --db.",
            )
        if path is not None and path.exists() and not _writable(path):
            return StoreError(
                f"The store at {where} is read-only: nothing was saved.",
                hint=f"Make it writable (chmod 600 {path}); 'coachlog doctor' checks it.",
            )
        if "unable to open" in text:
            return StoreError(
                f"Cannot open the store at {where}.",
                hint="Check that the folder exists and is yours ('coachlog doctor').",
            )
        return StoreError(
            f"The store at {where} is read-only: nothing was saved.",
            hint="Check the permissions of the store and its folder ('coachlog doctor').",
        )
    if "file is not a database" in text or "file is encrypted" in text:
        if encrypted:
            return StoreError(
                f"Wrong passphrase for the encrypted store at {where}; it was not changed.",
                hint="Check COACHLOG_PASSPHRASE (or what you typed). A lost passphrase cannot "
                "be recovered.",
            )
        return StoreError(
            f"Cannot read the store at {where}: it is not a coachlog store.",
            hint="Check --db / COACHLOG_DB.",
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            f"The store is busy: another coachlog has held it for {busy_wait_words()}.",
            hint="Wait for the other command to finish and try again.",
        )
    if "malformed" in text or "corrupt" in text:
        return StoreError(
            f"The store at {where} is damaged.",
            hint="Run 'coachlog doctor', and restore from your latest backup if it fails.",
        )
    if path is None:
        server = server_error(text, where, nothing)
        if server is not None:
            return server
    return StoreError(f"The store reported an error: {detail}")


def server_error(text: str, where: str, nothing: str) -> StoreError | None:
    """A PostgreSQL error a coach can meet, as one sentence with what to do (SPEC §8);
    `text` is the driver's message, lowered. None: not one of them."""
    if "password authentication failed" in text or "no password supplied" in text:
        return StoreError(
            f"The database server at {where} refused the login: wrong password (or none given).",
            hint="Check the password (in the URL, PGPASSWORD or ~/.pgpass); the practice "
            "administrator can reset it.",
        )
    if 'role "' in text and "does not exist" in text:
        return StoreError(
            f"The database server at {where} has no such login role.",
            hint="Ask the practice administrator to create it: coachlog practice add-coach "
            "ROLE --create-login.",
        )
    if "permission denied" in text:
        return StoreError(
            f"Your database role has no access to the practice's store at {where}; {nothing}.",
            hint="Ask the practice administrator to run 'coachlog practice add-coach' with "
            "your role (docs/practice.md).",
        )
    if "lock timeout" in text:
        return StoreError(
            f"The store is busy: another coachlog has held it for {busy_wait_words()}; {nothing}.",
            hint="Wait for the other command to finish and try again.",
        )
    if "duplicate key value" in text and "_uid" in text:
        return StoreError(
            "A record's uid is already used by another coach's record on this server (uids "
            f"are unique across the practice); {nothing}.",
            hint="Import only your own records; another coach's file is theirs to import.",
        )
    if "duplicate key value" in text:
        return StoreError(
            f"Another command changed the same records at the same moment; {nothing}.",
            hint="Run the command again.",
        )
    unreachable = (
        "could not connect",
        "connection refused",
        "connection failed",
        "no such file or directory",
        "could not translate host name",
        "timeout expired",
        "server closed the connection",
    )
    if any(words in text for words in unreachable):
        return StoreError(
            f"Cannot reach the database server at {where}: it is not running, or the host, "
            "port or socket folder is wrong.",
            hint="Check the URL in --db / COACHLOG_DB, and that the server is up "
            "(pg_isready -h HOST -p PORT).",
        )
    return None


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
