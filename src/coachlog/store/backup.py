"""Consistent copies of a live store (SQLite only; a server has its own backup tools)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from coachlog.errors import StoreError

if TYPE_CHECKING:
    from coachlog.store.engine import Store


def backup_sqlite(store: Store, dest: Path) -> Path:
    """Write a consistent snapshot with VACUUM INTO (readers and writers may carry on),
    mode 0600, then verify it with integrity_check. An encrypted store gives an encrypted
    copy under the same key."""
    if store.location.path is None:
        raise StoreError("backup works on SQLite stores; use pg_dump for a PostgreSQL store.")
    dest = dest.expanduser().resolve()
    if dest.exists():
        raise StoreError(f"{dest} already exists; choose another --out or remove it first.")
    try:
        fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        os.unlink(dest)  # VACUUM INTO wants to create the file itself; umask keeps it 0600
    except OSError as exc:
        raise StoreError(f"Cannot write the backup at {dest}: {exc.strerror}.") from exc
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM INTO ?", (str(dest),))
        cursor.close()
    except Exception as exc:
        dest.unlink(missing_ok=True)
        from coachlog.store.engine import translate

        raise translate(exc, store.location) from exc
    finally:
        raw.close()
    os.chmod(dest, 0o600)
    verify_sqlite(dest, passphrase=store.passphrase)
    return dest


def verify_sqlite(path: Path, *, passphrase: str | None = None) -> None:
    if passphrase is not None:
        import sqlcipher3  # type: ignore[import-untyped]

        from coachlog.store.engine import _key_statement

        conn = sqlcipher3.connect(str(path))
        conn.execute(_key_statement(passphrase))
    else:
        import sqlite3

        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise StoreError(f"The backup at {path} failed its integrity check: {result}")
