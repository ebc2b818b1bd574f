"""Opening a store with the DB-API driver, the parts that need no ORM: what a store file
is, the pragmas every connection gets, the SQLCipher key, a PostgreSQL URL as psycopg's
keywords, the refusals (no such store, not a coachlog store, a newer schema) and turning a
driver error into words. The SQLAlchemy engine (store/engine.py) and the query layer
(coachlog.queries) both open their connections through these, so each is written once.

Nothing here imports SQLAlchemy, SQLModel or Alembic (an import-linter contract)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coachlog.errors import CoachlogError, StoreError
from coachlog.store.paths import Location

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


def sqlite_pragmas(dbapi_conn: Any, *, path: Path, encrypted: bool = False) -> None:
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


# ---- the refusals a store is met with before anything reads it --------------------------


def no_store_here(path: Path) -> StoreError:
    """A store named by --db, COACHLOG_DB or the settings file that is not there, for a
    command that only reads (SPEC §2a): nothing is created."""
    return StoreError(
        f"There is no coachlog store at {path}.",
        hint="Check the path (--db, COACHLOG_DB or the db setting: coachlog "
        "config); a command that records something creates a store there.",
    )


def passphrase_for(
    path: Path,
    *,
    existed: bool,
    encrypt: bool,
    ask_passphrase: Callable[[bool], str | None] | None,
) -> str | None:
    """The SQLCipher passphrase of the store at `path` (None for a plain store):
    COACHLOG_PASSPHRASE, else ask_passphrase(new) when given. Refuses an encrypted store
    with no passphrase, a new encrypted one without one, and --encrypt on a plain store."""
    env_pass = os.environ.get("COACHLOG_PASSPHRASE") or None
    if existed and is_encrypted_file(path):
        passphrase = env_pass or (ask_passphrase(False) if ask_passphrase else None)
        if not passphrase:
            raise StoreError(
                f"The store at {path} is encrypted (or is not a coachlog store) "
                "and no passphrase was given.",
                hint="Set COACHLOG_PASSPHRASE, or run coachlog in a terminal to be asked.",
            )
        return passphrase
    if not existed and (encrypt or env_pass):
        passphrase = env_pass or (ask_passphrase(True) if ask_passphrase else None)
        if not passphrase:
            raise StoreError(
                "An encrypted store needs a passphrase.",
                hint="Set COACHLOG_PASSPHRASE, or run 'coachlog init --encrypt' in a terminal.",
            )
        return passphrase
    if existed and encrypt:
        raise StoreError(
            f"The store at {path} already exists and is not encrypted.",
            hint="Export it, then import into a new store made with 'coachlog init --encrypt'.",
        )
    return None


def store_exists(path: Path) -> bool:
    """A store file with something in it (an empty file is a store not made yet)."""
    return path.exists() and path.stat().st_size > 0


# ---- a server URL as psycopg's keywords -------------------------------------------------

# SQLAlchemy's URL grammar (sqlalchemy.engine.url._parse_url), so a URL names the same
# server and database for the query layer as it does for the engine.
_URL = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)


def psycopg_args(url: str) -> dict[str, Any]:
    """psycopg.connect() keywords for a postgresql+psycopg:// URL, as SQLAlchemy's psycopg
    dialect builds them (create_connect_args): user, password, host, port and dbname from
    the URL, then every query parameter (?host=/socket/dir, ?options=-csearch_path%3D...)
    as a keyword of its own, overriding; a repeated one (several hosts) becomes a list
    joined by commas, as libpq reads several hosts."""
    from urllib.parse import parse_qsl, unquote

    m = _URL.match(url)
    if m is None or not m["name"].startswith("postgresql"):
        raise StoreError(f"Cannot read the database URL {Location(url, None).describe()}.")
    args: dict[str, Any] = {}
    parts = {
        "host": m["ipv4host"] or m["ipv6host"],
        "dbname": unquote(m["database"]) if m["database"] is not None else None,
        "user": unquote(m["username"]) if m["username"] is not None else None,
        "password": unquote(m["password"]) if m["password"] is not None else None,
        "port": int(m["port"]) if m["port"] else None,
    }
    args.update((key, value) for key, value in parts.items() if value)
    query = parse_qsl(m["query"] or "")
    hosts = [value for key, value in query if key == "host"]
    if len(hosts) > 1:  # several hosts: libpq's comma lists, host and port, as SQLAlchemy
        pairs = []
        for given in hosts:
            host, sep, port = given.rpartition(":")
            pairs.append((host, port) if sep and not given.startswith("/") else (given, ""))
        args["host"] = ",".join(h for h, _ in pairs)
        args["port"] = ",".join(p for _, p in pairs)
    args.update((key, value) for key, value in query if key != "host" or len(hosts) == 1)
    return args
