"""Setting up and checking a practice on a PostgreSQL server (SPEC §8, docs/practice.md):
the grants a coach's role gets, the practice's coaches and their record counts, and the
checks that the database, not coachlog, keeps each coach's rows to that coach.

Every statement here is plain SQL on the driver's connection (psycopg), with identifiers
quoted by psycopg.sql: a role name is never pasted into SQL as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coachlog.errors import InvalidInput, StoreError

if TYPE_CHECKING:
    from coachlog.store.engine import Store

# Every table that holds a coach's records; each has row-level security (migration 0006).
PROTECTED = (
    "clients",
    "agreements",
    "sessions",
    "promises",
    "learning",
    "undo_steps",
    "undo_step_clients",
)
POLICY = "coachlog_own_rows"
ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,62}")


def check_role_name(role: str) -> str:
    """A role name coachlog accepts: letters, digits, _ . - (at most 63, not starting with
    a digit), not one of PostgreSQL's own (pg_...)."""
    if not ROLE_NAME.fullmatch(role or "") or role.lower().startswith("pg_"):
        raise InvalidInput(
            f"'{role}' is not a role name coachlog accepts.",
            hint="Use letters, digits, _ . or - (up to 63, not starting with a digit or pg_), "
            "e.g. coach_ana.",
        )
    return role


@dataclass
class Security:
    """What the database itself enforces, as found in its catalogs."""

    unprotected: list[str] = field(default_factory=list)  # RLS not enabled
    not_forced: list[str] = field(default_factory=list)  # enabled, but the owner is exempt
    no_policy: list[str] = field(default_factory=list)
    role: str = ""
    superuser: bool = False
    bypassrls: bool = False

    @property
    def problems(self) -> list[str]:
        out = []
        if self.unprotected:
            out.append("row-level security is off on " + ", ".join(self.unprotected))
        if self.not_forced:
            out.append("row-level security is not forced on " + ", ".join(self.not_forced))
        if self.no_policy:
            out.append("the coachlog policy is missing on " + ", ".join(self.no_policy))
        return out

    @property
    def role_warning(self) -> str | None:
        if self.superuser or self.bypassrls:
            what = "a superuser" if self.superuser else "allowed to bypass row-level security"
            return (
                f"your role '{self.role}' is {what}: it reads every coach's records, so a coach "
                "must never use it"
            )
        return None


def security(conn: Any) -> Security:
    """Read the protection of every table (pg_class, pg_policies) and the role's powers;
    `conn` is a DB-API connection (psycopg) on the store."""
    found = Security()
    cur = conn.cursor()
    try:
        for table in PROTECTED:
            cur.execute(
                "SELECT c.relrowsecurity, c.relforcerowsecurity, "
                "EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s) "
                "FROM pg_class c WHERE c.oid = to_regclass(%s)",
                (POLICY, table),
            )
            row = cur.fetchone()
            if row is None:
                found.unprotected.append(table)
                continue
            enabled, forced, policy = row
            if not enabled:
                found.unprotected.append(table)
            elif not forced:
                found.not_forced.append(table)
            if not policy:
                found.no_policy.append(table)
        cur.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        role = cur.fetchone()
        if role is not None:
            found.role, found.superuser, found.bypassrls = str(role[0]), role[1], role[2]
    finally:
        cur.close()
    return found


def _driver(store: Store) -> Any:
    return store.engine.raw_connection()


def _require_owner(conn: Any, what: str) -> str:
    """The store's owner's name; StoreError when the current role is not it."""
    cur = conn.cursor()
    try:
        cur.execute(
            "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), pg_get_userbyid(c.relowner), "
            "current_user FROM pg_class c WHERE c.oid = to_regclass('clients')"
        )
        row = cur.fetchone()
    finally:
        cur.close()
    if row is None:
        raise StoreError("This database holds no coachlog store yet.", hint="coachlog init")
    if not row[0]:
        raise StoreError(
            f"Only the store's owner ('{row[1]}') can {what}; you are '{row[2]}'.",
            hint=f"Run it with the owner's login (--db with the user '{row[1]}').",
        )
    return str(row[1])


@dataclass
class Added:
    role: str
    created: bool
    schema: str
    database: str


def add_coach(store: Store, role: str, *, password: str | None) -> Added:
    """Give `role` exactly the grants a coach needs (SPEC §8): CONNECT on the database,
    USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on the record tables, SELECT on the
    schema version, USAGE/SELECT on the id sequences. With a password, the login role is
    created first (never a superuser, never BYPASSRLS); the password reaches the server
    only as a SCRAM verifier computed here."""
    from psycopg import sql

    check_role_name(role)
    raw = _driver(store)
    conn = raw.driver_connection
    try:
        _require_owner(conn, "add a coach")
        cur = conn.cursor()
        cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", (role,))
        existing = cur.fetchone()
        ident = sql.Identifier(role)
        created = False
        if password is not None:
            if existing is not None:
                raise StoreError(
                    f"The role '{role}' exists already; nothing changed.",
                    hint=f"Without --create-login: coachlog practice add-coach {role}",
                )
            verifier = conn.pgconn.encrypt_password(
                password.encode(), role.encode(), b"scram-sha-256"
            ).decode()
            cur.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE "
                    "PASSWORD {}"
                ).format(ident, sql.Literal(verifier))
            )
            created = True
        elif existing is None:
            raise StoreError(
                f"There is no role '{role}' on this server; nothing changed.",
                hint=f"coachlog practice add-coach {role} --create-login",
            )
        elif existing[0] or existing[1]:
            raise StoreError(
                f"The role '{role}' is a superuser or may bypass row-level security: it would "
                "read every coach's records, so it cannot be a coach; nothing changed.",
                hint="Give the coach a plain login role (--create-login makes one).",
            )
        cur.execute("SELECT current_database(), current_schema()")
        database, schema = cur.fetchone()
        cur.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident)
        )
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), ident))
        tables = sql.SQL(", ").join(sql.Identifier(schema, t) for t in PROTECTED)
        cur.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(tables, ident)
        )
        cur.execute(
            sql.SQL("GRANT SELECT ON {} TO {}").format(
                sql.Identifier(schema, "alembic_version"), ident
            )
        )
        cur.execute(
            "SELECT pg_get_serial_sequence(quote_ident(%s) || '.' || quote_ident(t), 'id') "
            "FROM unnest(%s::text[]) AS t WHERE EXISTS (SELECT 1 FROM pg_attribute a "
            "WHERE a.attrelid = to_regclass(quote_ident(%s) || '.' || quote_ident(t)) "
            "AND a.attname = 'id' AND NOT a.attisdropped)",
            (schema, list(PROTECTED), schema),
        )
        sequences = [r[0] for r in cur.fetchall() if r[0]]
        for seq in sequences:
            cur.execute(
                sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.SQL(seq), ident)
            )  # pg_get_serial_sequence quotes it already
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        raw.close()
    return Added(role, created, str(schema), str(database))


@dataclass
class CoachCount:
    coach: str
    login: bool  # a role of that name exists and may log in
    clients: int
    sessions: int
    promises: int


@dataclass
class Status:
    owner: str
    security: Security
    coaches: list[CoachCount]


def status(store: Store) -> Status:
    """The practice's coaches (roles with the grants, and names the records carry) with
    their record counts, and the protection checks. Counting every coach's rows needs the
    owner to step outside row-level security, which only a table's owner can do: inside one
    transaction that is rolled back, so the protection is never off for anyone else (they
    wait, at most a few seconds, for the lock it takes)."""
    raw = _driver(store)
    conn = raw.driver_connection
    try:
        owner = _require_owner(conn, "see the practice's status")
        found = security(conn)
        cur = conn.cursor()
        cur.execute("SET LOCAL lock_timeout = '5s'")
        for table in ("clients", "sessions", "promises"):
            cur.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        cur.execute(
            "SELECT c.coach, count(DISTINCT c.id), count(DISTINCT s.id), count(DISTINCT p.id) "
            "FROM clients c LEFT JOIN sessions s ON s.client_id = c.id "
            "LEFT JOIN promises p ON p.client_id = c.id GROUP BY c.coach"
        )
        counts = {str(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in cur.fetchall()}
        conn.rollback()  # FORCE is back, as it was
        cur.execute(
            "SELECT r.rolname, r.rolcanlogin FROM pg_roles r "
            "WHERE has_table_privilege(r.oid, 'clients', 'SELECT') "
            "AND r.rolname NOT LIKE 'pg\\_%' AND NOT r.rolsuper"
        )
        roles = {str(name): bool(login) for name, login in cur.fetchall()}
        conn.rollback()
    except BaseException:
        conn.rollback()
        raise
    finally:
        raw.close()
    coaches = [
        CoachCount(name, roles.get(name, False), *counts.get(name, (0, 0, 0)))
        for name in sorted(set(roles) | set(counts))
        if name != owner or name in counts
    ]
    return Status(owner, found, coaches)
