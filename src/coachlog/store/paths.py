"""Where the store lives: --db, else $COACHLOG_DB, else the platform's user data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from coachlog.errors import UsageError


@dataclass(frozen=True)
class Location:
    url: str
    path: Path | None  # the file, for SQLite stores
    default: bool = False  # the user data folder's store: named by no flag, variable or setting

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    def describe(self) -> str:
        if self.path is not None:
            return str(self.path)
        return _hide_password(self.url)


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("coachlog", appauthor=False)) / "coachlog.db"


def resolve(db: str | None) -> Location:
    value = db or os.environ.get("COACHLOG_DB") or ""
    if not value:  # then the settings file's `db` (SPEC §2a), if it names one
        from coachlog.settings import read_file

        value = read_file().get("db") or ""
    if not value:
        path = default_path()
        return Location(url=f"sqlite:///{path}", path=path, default=True)
    if "://" in value:
        scheme = value.split("://", 1)[0].lower()
        if scheme in ("sqlite", "sqlite+pysqlite"):
            raw = value.split("://", 1)[1].lstrip("/")
            path = Path("/" + raw) if value.split("://", 1)[1].startswith("//") else Path(raw)
            path = path.expanduser().resolve()
            return Location(url=f"sqlite:///{path}", path=path)
        if scheme.startswith("postgresql"):
            if scheme == "postgresql":
                value = "postgresql+psycopg://" + value.split("://", 1)[1]
            return Location(url=value, path=None)
        raise UsageError(
            f"Unsupported database URL scheme '{scheme}'.",
            hint="Use a file path, sqlite:///PATH, or postgresql+psycopg://USER@HOST/DBNAME.",
        )
    path = Path(value).expanduser().resolve()
    return Location(url=f"sqlite:///{path}", path=path)


def _hide_password(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
