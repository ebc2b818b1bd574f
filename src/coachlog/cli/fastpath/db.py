"""Reading a store with the plain DB-API: sqlite3 for a file, psycopg for a server.

Only a store the normal path would open without doing anything first is read here: one
that exists, is in WAL mode, is at this program's schema (HEAD) and, if encrypted, has its
passphrase in COACHLOG_PASSPHRASE. For anything else `Decline` is raised and the normal
command line opens the store, creating, migrating or asking for a passphrase as it always
does. Values come back as the ORM gives
them: instants as aware UTC datetimes (models.UTCDateTime), JSON columns as Python lists.
On a server, every query is scoped to the coach as services/common.py scope() does.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any


class Decline(Exception):
    """This run is not for the fast path; the normal command line answers it."""


class Row(SimpleNamespace):
    """A record as attributes named like the ORM model's (p.due_at, c.name, ...)."""


def to_store(dt: datetime) -> datetime:
    """An aware instant as stored: naive UTC (models.UTCDateTime.process_bind_param)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime given to the store; use an aware UTC instant")
    return datetime(*dt.astimezone(UTC).timetuple()[:6], dt.microsecond)


def from_store(value: Any) -> datetime | None:
    """A stored instant as the ORM returns it: SQLite's text goes through fromisoformat as
    SQLAlchemy's SQLite DateTime does, PostgreSQL's timestamp is already a datetime; then
    UTC is attached (models.UTCDateTime.process_result_value)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


# SQLAlchemy's URL grammar (sqlalchemy.engine.url._parse_url), so a URL names the same
# server and database here as it does for the normal path.
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
    as a keyword of its own, overriding. Forms it does not mirror exactly are declined."""
    from urllib.parse import parse_qsl, unquote

    m = _URL.match(url)
    if m is None or m["name"] != "postgresql+psycopg":
        raise Decline("not a postgresql+psycopg URL")
    args: dict[str, Any] = {}
    parts = {
        "host": m["ipv4host"] or m["ipv6host"],
        "dbname": unquote(m["database"]) if m["database"] is not None else None,
        "user": unquote(m["username"]) if m["username"] is not None else None,
        "password": unquote(m["password"]) if m["password"] is not None else None,
        "port": int(m["port"]) if m["port"] else None,
    }
    args.update((key, value) for key, value in parts.items() if value)
    query = parse_qsl(m["query"]) if m["query"] is not None else []
    if len({key for key, _ in query}) != len(query):
        raise Decline("a repeated URL parameter (several hosts)")
    args.update(query)
    return args


class Reader:
    """One read-only connection to a current store, in one transaction."""

    def __init__(self, db: str | None) -> None:
        from coachlog.store.paths import resolve

        location = resolve(db)
        self.sqlite = location.path is not None
        self.coach: str | None = None
        self.conn: Any = _sqlite(location.path) if location.path else _postgres(location.url)
        try:
            if not self.sqlite:
                # On a shared server each coach sees only their own clients (SPEC §8): the
                # database role, which the server's row-level security is keyed on.
                from coachlog.store.coach import server_coach

                self.coach = server_coach(self.conn)
            self._check_schema()
        except BaseException:
            self.close()
            raise

    def _check_schema(self) -> None:
        from coachlog.store.migrate import HEAD

        if self.sqlite:
            from coachlog.store.identity import APPLICATION_ID

            if self.rows("PRAGMA application_id", ()) != [(APPLICATION_ID,)]:
                raise Decline("not marked as a coachlog store (store/identity.py)")
        if self.rows("SELECT version_num FROM alembic_version", ()) != [(HEAD,)]:
            raise Decline("the store needs migrating")

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any]) -> list[tuple[Any, ...]]:
        """Run SQL written with ? placeholders (sqlite3's style; psycopg's is %s)."""
        if not self.sqlite:
            sql = sql.replace("?", "%s")
        return list(self.conn.execute(sql, tuple(params)).fetchall())

    def instant(self, dt: datetime) -> Any:
        """A bound instant: the text SQLAlchemy's SQLite DateTime writes (so that text
        comparisons agree), or a naive UTC datetime for psycopg."""
        naive = to_store(dt)
        if not self.sqlite:
            return naive
        return (
            f"{naive.year:04d}-{naive.month:02d}-{naive.day:02d} "
            f"{naive.hour:02d}:{naive.minute:02d}:{naive.second:02d}.{naive.microsecond:06d}"
        )

    def json(self, value: Any) -> Any:
        """A JSON column: text on SQLite, already decoded by psycopg on PostgreSQL."""
        if self.sqlite and value is not None:
            return json.loads(value)
        return value

    def scope(self, client_id_column: str) -> tuple[str, tuple[Any, ...]]:
        """services/common.py scope(): on a server, only the current coach's clients."""
        if self.coach is None:
            return "", ()
        return (
            f" AND {client_id_column} IN (SELECT clients.id FROM clients WHERE clients.coach = ?)",
            (self.coach,),
        )

    def find_client_id(self, ref: str) -> int | None:
        """services/clients.find_client on plain rows: by id, else by name without regard
        to case or accents (names.match, the same code). None whenever find_client would
        fail (not found, ambiguous, blank): the normal path then says so in its own words."""
        from coachlog.names import match

        ref = (ref or "").strip()
        if not ref:
            return None
        coach = () if self.coach is None else (self.coach,)
        mine = " AND clients.coach = ?" if coach else ""  # clients_query(): the coach's own
        if ref.isdigit():
            sql = f"SELECT clients.id FROM clients WHERE clients.id = ?{mine}"
            found = self.rows(sql, (int(ref), *coach))
            return found[0][0] if found else None
        where = " WHERE clients.coach = ?" if coach else ""
        names = self.rows(f"SELECT clients.id, clients.name FROM clients{where}", coach)
        return match(ref, [(cid, name) for cid, name in names]).found

    def close(self) -> None:
        try:
            self.conn.rollback()  # nothing was written; end the read transaction
        finally:
            self.conn.close()


def _sqlite(path: Path) -> Any:
    """The store file opened for reading, with the pragmas that matter to a reader. An
    encrypted store is read when COACHLOG_PASSPHRASE gives its passphrase; without it the
    normal path asks on the terminal or says how to give it."""
    import os

    from coachlog.store.engine import (
        busy_timeout_ms,
        connect_raw,
        is_encrypted_file,
        make_companions_private,
    )

    if not path.is_file() or path.stat().st_size == 0:
        raise Decline("no store yet: the normal path creates it")
    passphrase = None
    if is_encrypted_file(path):  # before any connection: see its docstring
        passphrase = os.environ.get("COACHLOG_PASSPHRASE") or None
        if passphrase is None:
            raise Decline("an encrypted store and no passphrase in the environment")
    elif os.environ.get("COACHLOG_PASSPHRASE"):
        raise Decline("a passphrase for a plain store: the normal path says it is unused")
    # The engine's own bare connection (sqlite3, or sqlcipher3 keyed with the passphrase;
    # a wrong one fails at the first read below, silently, and is declined).
    conn = connect_raw(path, passphrase=passphrase)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        conn.execute("PRAGMA query_only = ON")
        # The normal path switches any other journal mode to WAL, a write: leave it that.
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            raise Decline("not in WAL mode yet")
        make_companions_private(path)  # the read above may have made -wal and -shm
        conn.execute("BEGIN")  # one snapshot for every query, like the ORM's session
    except BaseException:
        conn.close()
        raise
    return conn


def _postgres(url: str) -> Any:
    import psycopg

    conn = psycopg.connect(**psycopg_args(url))
    conn.read_only = True  # every transaction of this connection: SET TRANSACTION READ ONLY
    return conn
