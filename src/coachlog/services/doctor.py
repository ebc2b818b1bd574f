"""`coachlog doctor`: is the store whole, private and current? Each problem comes with the
command that fixes it. File checks run before the store is opened (and without creating
it), so doctor still reports on a store it cannot open."""

from __future__ import annotations

import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coachlog.store import Store
    from coachlog.store.paths import Location

OK, WARN, FAIL = "ok", "warn", "fail"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str | None = None


@dataclass
class Report:
    store: str
    backend: str  # sqlite | postgresql
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def add(self, name: str, status: str, detail: str, fix: str | None = None) -> None:
        self.checks.append(Check(name, status, detail, fix))

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "backend": self.backend,
            "ok": self.ok,
            **self.facts,
            "checks": [asdict(c) for c in self.checks],
        }


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _file_check(report: Report, name: str, path: Path) -> None:
    """A file of the store (or a copy of it) must be the coach's alone: 0600, theirs."""
    st = path.stat()
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid != os.geteuid():
        report.add(
            name,
            FAIL,
            f"{path} belongs to another user (uid {st.st_uid}).",
            f"chown {os.geteuid()} {path}",
        )
    elif mode & 0o077:
        who = "others can read it" if mode & 0o044 else "others have access to it"
        report.add(name, FAIL, f"{path} is {mode:04o}: {who}.", f"chmod 600 {path}")
    elif mode & 0o600 != 0o600:
        report.add(
            name, FAIL, f"{path} is {mode:04o}: coachlog cannot write it.", f"chmod 600 {path}"
        )
    else:
        report.add(name, OK, f"{path} is 0600 (yours alone).")


def _dir_check(report: Report, folder: Path, *, default: bool) -> None:
    mode = _mode(folder)
    fix = f"chmod 700 {folder}"
    if mode & 0o022:
        report.add(
            "Folder permissions",
            FAIL,
            f"{folder} is {mode:04o}: others can add, replace or delete files in it.",
            fix,
        )
    elif mode & 0o700 != 0o700:
        report.add(
            "Folder permissions", FAIL, f"{folder} is {mode:04o}: coachlog cannot write it.", fix
        )
    elif mode & 0o077 and default:
        report.add(
            "Folder permissions",
            FAIL,
            f"{folder} is {mode:04o}; coachlog's own folder should be 0700.",
            fix,
        )
    elif mode & 0o044:
        report.add(
            "Folder permissions",
            WARN,
            f"{folder} is {mode:04o}: others can see the names of the files in it "
            "(the files themselves are private).",
            fix,
        )
    else:
        report.add("Folder permissions", OK, f"{folder} is {mode:04o}.")


def file_report(location: Location, *, default: bool) -> Report:
    """Everything doctor can say about a SQLite store without opening it."""
    assert location.path is not None
    path = location.path
    report = Report(store=str(path), backend="sqlite")
    if path.is_dir():
        report.add(
            "Store",
            FAIL,
            f"{path} is a folder; the store is a file.",
            f"coachlog --db {path / 'coachlog.db'} doctor",
        )
        return report
    if not path.exists():
        report.add(
            "Store",
            FAIL,
            f"There is no store at {path} yet.",
            f"coachlog --db {path} init" if not default else "coachlog init",
        )
        return report
    from coachlog.store.engine import file_kind

    kind = file_kind(path.stat().st_mode)
    if kind is not None:
        # /dev/null, a FIFO: not a store; its folder (/dev) is none of coachlog's business.
        report.add(
            "Store",
            FAIL,
            f"{path} is {kind}, not a store: a coachlog store is a regular file.",
            "coachlog --db PATH doctor, with the path of your store's file",
        )
        return report
    report.facts["size_bytes"] = sum(p.stat().st_size for p in _store_files(path) if p.exists())
    from coachlog.store.engine import is_encrypted_file

    report.facts["encrypted"] = is_encrypted_file(path)
    _dir_check(report, path.parent, default=default)
    _file_check(report, "Store permissions", path)
    for extra in _store_files(path)[1:]:
        if extra.exists():
            _file_check(report, f"{extra.name[len(path.name) + 1 :].upper()} file", extra)
    from coachlog.store.backup import list_backups

    copies = list_backups(path)
    private = [c for c in copies if _is_private(c)]
    for copy in copies:
        if copy not in private:
            _file_check(report, "Backup permissions", copy)
    if private:
        where = path.parent / "backups" if len(private) > 1 else private[0]
        what = f"{len(private)} backups in {where}" if len(private) > 1 else str(where)
        report.add("Backup permissions", OK, f"{what}: 0600 (yours alone).")
    return report


def _is_private(path: Path) -> bool:
    st = path.stat()
    return st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) == PRIVATE_FILE


def _store_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def store_report(report: Report, store: Store, *, coach: str | None = None) -> None:
    """Checks that need the open store: integrity, references, schema, counts, versions."""
    from sqlalchemy import func, select

    from coachlog.models import Agreement, Client, CoachingSession, Promise
    from coachlog.services.common import scope
    from coachlog.store.migrate import HEAD, current_revision

    with store.read() as db:
        conn = db.connection()
        if store.is_sqlite:
            facts = report.facts
            facts["encrypted"] = store.encrypted
            facts["sqlite_version"] = conn.exec_driver_sql("SELECT sqlite_version()").scalar()
            facts["sqlcipher_version"] = (
                conn.exec_driver_sql("PRAGMA cipher_version").scalar() if store.encrypted else None
            )
            facts["journal_mode"] = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            problems = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            if problems == ["ok"]:
                report.add("Integrity", OK, "integrity_check: ok.")
            else:
                report.add(
                    "Integrity",
                    FAIL,
                    f"integrity_check found {len(problems)} problem(s): {'; '.join(problems[:3])}",
                    "Restore your latest backup (coachlog backup makes one); keep this file.",
                )
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                tables = sorted({r[0] for r in broken})
                report.add(
                    "References",
                    FAIL,
                    f"{len(broken)} record(s) point at records that do not exist "
                    f"(in {', '.join(tables)}).",
                    "Restore your latest backup; keep this file.",
                )
            else:
                report.add("References", OK, "foreign_key_check: every reference resolves.")
        revision = current_revision(conn)
        if store.is_sqlite:
            _search_check(report, conn, revision)
        else:
            _server_check(report, conn)
        report.facts["schema"] = revision
        report.facts["schema_head"] = HEAD
        if revision == HEAD:
            report.add("Schema", OK, f"revision {revision} (current).")
        else:
            report.add(
                "Schema",
                FAIL,
                f"revision {revision}; this coachlog expects {HEAD}.",
                "Run any coachlog command to upgrade it (a backup is written first)."
                if store.is_sqlite
                else "The store's owner upgrades it: coachlog practice upgrade.",
            )

        _schema_objects_check(report, conn, revision)

        def count(model: Any, column: Any = None) -> int:
            stmt = select(func.count()).select_from(model)
            stmt = scope(stmt, db, column)
            return int(db.exec(stmt).one()[0])

        report.facts["counts"] = {
            "clients": count(Client),
            "agreements": count(Agreement, Agreement.client_id),
            "sessions": count(CoachingSession, CoachingSession.client_id),
            "promises": count(Promise, Promise.client_id),
        }
    if coach is not None:
        report.facts["coach"] = coach


def _server_check(report: Report, conn: Any) -> None:
    """On a server store (SPEC §8): the database itself keeps each coach's records to that
    coach (row-level security on and forced on every table, the policies in place), and
    the coach's role is not one that sees past it."""
    from coachlog.store.practice import security

    found = security(conn.connection.driver_connection)
    report.facts["role"] = found.role
    problems = found.problems
    if problems:
        report.add(
            "Separation",
            FAIL,
            "; ".join(problems).capitalize() + ": coaches may read each other's records.",
            "The store's owner runs: coachlog practice upgrade (docs/practice.md).",
        )
    else:
        report.add(
            "Separation",
            OK,
            "row-level security is on and forced on every table, with coachlog's policies.",
        )
    warning = found.role_warning
    if warning:
        report.add(
            "Role",
            WARN,
            warning[0].upper() + warning[1:] + ".",
            "Log in with a coach's own role (coachlog practice add-coach ROLE --create-login).",
        )
    else:
        report.add("Role", OK, f"'{found.role}': an ordinary role, held to its own records.")


SEARCH_SINCE = "0002"  # the schema version that made the search index (SQLite)


def _search_sources() -> dict[str, tuple[str, int, str]]:
    """The searchable tables as migration 0002 indexes them: table -> (kind, rowid code,
    body expression over a row alias). Read from the migration itself, so doctor checks
    exactly what the triggers write."""
    import importlib

    module = importlib.import_module("coachlog.store.migrations.versions.0002_search_index")
    return dict(module.SOURCES)


def _search_check(report: Report, conn: Any, revision: str | None) -> None:
    """The index exists, its triggers exist, and it holds exactly the records' current text
    (FTS5's own integrity-check only compares the index with its own copy of the text, so
    a missing trigger, which leaves new notes unfindable, passes it)."""
    from coachlog.store.migrate import REVISIONS

    if revision not in REVISIONS or REVISIONS.index(revision) < REVISIONS.index(SEARCH_SINCE):
        return
    fix = "Restore your latest backup; search results may be wrong until then."
    names = {
        (r[0], r[1], r[2])
        for r in conn.exec_driver_sql("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    }
    if not any(n[1] == "search_index" for n in names):
        report.add("Search index", FAIL, "the full-text index table is missing.", fix)
        return
    sources = _search_sources()
    missing = [
        f"{table}_search_{when}"
        for table in sources
        for when in ("ai", "ad", "au")
        if ("trigger", f"{table}_search_{when}", table) not in names
    ]
    if missing:
        report.add(
            "Search index",
            FAIL,
            f"{len(missing)} of the triggers that keep the index in step with the records "
            f"are missing ({', '.join(missing)}): new or changed text would not be found.",
            fix,
        )
        return
    try:
        conn.exec_driver_sql(
            "INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 1)"
        )
    except Exception as exc:
        reason = str(getattr(exc, "orig", exc))
        if "malformed" in reason or "corrupt" in reason:
            report.add(
                "Search index",
                FAIL,
                f"the full-text index does not match the records ({reason}).",
                fix,
            )
        else:  # e.g. a read-only store: the check needs the write lock for a moment
            report.add("Search index", WARN, f"could not be checked ({reason}).")
        return
    unindexed = stale = 0
    for table, (kind, code, body) in sources.items():
        unindexed += conn.exec_driver_sql(
            f"SELECT count(*) FROM {table} AS t WHERE NOT EXISTS (SELECT 1 FROM search_index "
            f"AS i WHERE i.rowid = t.id * 4 + {code} AND i.body IS {body.format(r='t')})"
        ).scalar()
        stale += conn.exec_driver_sql(
            f"SELECT count(*) FROM search_index AS i WHERE i.kind = '{kind}' AND NOT EXISTS "
            f"(SELECT 1 FROM {table} AS t WHERE t.id = i.ref_id AND i.rowid = t.id * 4 + {code})"
        ).scalar()
    kinds = ", ".join(f"'{kind}'" for kind, _code, _body in sources.values())
    stale += conn.exec_driver_sql(
        f"SELECT count(*) FROM search_index WHERE kind NOT IN ({kinds})"
    ).scalar()
    if unindexed or stale:
        said = []
        if unindexed:
            said.append(f"{unindexed} record(s) missing or out of date in it")
        if stale:
            said.append(f"{stale} entr{'y' if stale == 1 else 'ies'} for records that are gone")
        report.add(
            "Search index", FAIL, f"the index does not match the records: {'; '.join(said)}.", fix
        )
        return
    report.add("Search index", OK, "matches the records; its triggers are in place.")


def _schema_objects_check(report: Report, conn: Any, revision: str | None) -> None:
    """Every table, column, index and unique constraint of coachlog's models is there as
    the migrations made it (Alembic's comparison of the store with the models); on SQLite
    the tables also keep their ids from being given twice (AUTOINCREMENT, schema 0003)."""
    from coachlog.store.migrate import HEAD

    if revision != HEAD:
        return  # the Schema check says what to do first
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from coachlog.models import TABLES, SQLModel

    def ours(name: Any, type_: str, parent: Any) -> bool:
        if type_ == "table":
            return name in SQLModel.metadata.tables
        # The full-text indexes of a server store (migration 0006) are expressions, not
        # columns of a model: _server_check and search itself speak for them.
        return not (type_ == "index" and name in SERVER_SEARCH_INDEXES)

    context = MigrationContext.configure(
        conn, opts={"include_name": ours, "compare_type": False, "compare_server_default": False}
    )
    problems = [_difference(d) for d in _flatten(compare_metadata(context, SQLModel.metadata))]
    if conn.dialect.name == "sqlite":
        sql = dict(
            conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            ).fetchall()
        )
        problems += [
            f"table {t} would give a deleted record's id again (no AUTOINCREMENT)"
            for t in TABLES
            if t in sql and "AUTOINCREMENT" not in (sql[t] or "").upper()
        ]
    if problems:
        shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
        report.add(
            "Tables and indexes",
            FAIL,
            f"{len(problems)} difference(s) from coachlog's schema: {shown}.",
            "Restore your latest backup; keep this file.",
        )
    else:
        report.add(
            "Tables and indexes", OK, "every table, column, index and unique key is in place."
        )


SERVER_SEARCH_INDEXES = frozenset(
    {"ix_sessions_search", "ix_promises_search", "ix_agreements_search"}
)


def _flatten(diffs: list[Any]) -> list[Any]:
    out: list[Any] = []
    for d in diffs:
        out.extend(d if isinstance(d, list) else [d])
    return out


def _difference(diff: Any) -> str:
    """One of Alembic's differences in words: ('add_index', Index) -> 'index … is missing'."""
    op = diff[0]
    verb = "is missing" if op.startswith("add_") else "should not be there"
    if op.startswith("modify_"):
        return f"column {diff[2]}.{diff[3]} differs ({op[len('modify_') :]})"
    thing = op.split("_", 1)[1]
    obj = diff[-1] if thing != "column" else diff[3]
    if thing == "table":
        return f"table {obj.name} {verb}"
    if thing == "column":
        return f"column {diff[2]}.{obj.name} {verb}"
    if thing == "index":
        unique = " (unique)" if getattr(obj, "unique", False) else ""
        cols = ", ".join(c.name for c in obj.columns)
        return f"index {obj.name}{unique} on {obj.table.name}({cols}) {verb}"
    if thing == "constraint":
        cols = ", ".join(c.name for c in getattr(obj, "columns", []))
        return f"unique key on {obj.table.name}({cols}) {verb}"
    if thing == "fk":
        return f"reference from {obj.parent.name} {verb}"
    return f"{op} {getattr(obj, 'name', obj)}"


def backups_report(report: Report, store_path: Path, *, passphrase: str | None) -> None:
    """Every backup doctor lists is read back whole (integrity_check, its schema); an
    encrypted one with the store's passphrase. And a copy left by a backup that was killed
    before it finished is named, as it holds the records too."""
    from coachlog.errors import StoreError
    from coachlog.store.backup import list_backups, unfinished_backups, verify_sqlite
    from coachlog.store.engine import is_encrypted_file

    copies = list_backups(store_path)
    good = 0
    for copy in copies:
        encrypted = is_encrypted_file(copy)
        if encrypted and passphrase is None:
            report.add(
                "Backup contents",
                WARN,
                f"{copy} is encrypted; it could not be checked without the passphrase.",
            )
            continue
        try:
            verify_sqlite(copy, passphrase=passphrase if encrypted else None)
        except StoreError as exc:
            report.add(
                "Backup contents",
                FAIL,
                f"{copy} is not a usable backup: {exc.message}",
                f"rm {copy}  (then make a new one: coachlog backup)",
            )
        else:
            good += 1
    if good:
        what = "1 backup reads" if good == 1 else f"{good} backups read"
        report.add("Backup contents", OK, f"{what} back whole (integrity_check: ok).")
    for part in unfinished_backups(store_path):
        report.add(
            "Backup contents",
            WARN,
            f"{part} is an unfinished copy left by a backup that was stopped; it is not a "
            "backup, but it holds records.",
            f"rm {part}",
        )
