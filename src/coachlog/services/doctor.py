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
    report.facts["size_bytes"] = sum(p.stat().st_size for p in _store_files(path) if p.exists())
    from coachlog.store.engine import is_encrypted_file

    report.facts["encrypted"] = is_encrypted_file(path)
    _dir_check(report, path.parent, default=default)
    _file_check(report, "Store permissions", path)
    for extra in _store_files(path)[1:]:
        if extra.exists():
            _file_check(report, f"{extra.name[len(path.name) + 1 :].upper()} file", extra)
    from coachlog.services.forget import older_copies

    copies = older_copies(path)
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
            _search_check(report, conn)
        revision = current_revision(conn)
        report.facts["schema"] = revision
        report.facts["schema_head"] = HEAD
        if revision == HEAD:
            report.add("Schema", OK, f"revision {revision} (current).")
        else:
            report.add(
                "Schema",
                FAIL,
                f"revision {revision}; this coachlog expects {HEAD}.",
                "Run any coachlog command to upgrade it (a backup is written first).",
            )

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


def _search_check(report: Report, conn: Any) -> None:
    has = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").scalar()
    if not has:
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
                "Restore your latest backup; search results may be wrong until then.",
            )
        else:  # e.g. a read-only store: the check needs the write lock for a moment
            report.add("Search index", WARN, f"could not be checked ({reason}).")
    else:
        report.add("Search index", OK, "matches the records.")
