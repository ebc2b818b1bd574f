"""Consistent copies of a live store (SQLite only; a server has its own backup tools)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachlog.errors import StoreError

if TYPE_CHECKING:
    from coachlog.store.engine import Store

BACKUP_DIR = "backups"


def default_backup_path(store: Store, *, stamp: datetime | None = None) -> Path:
    """<store folder>/backups/<store name>-<UTC time>.db; the folder is made 0700.
    The real clock names the file (not COACHLOG_NOW), so two backups never collide."""
    assert store.location.path is not None
    folder = store.location.path.parent / BACKUP_DIR
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the backup folder {folder}: {exc.strerror}.") from exc
    return free_name(folder, store.location.path, stamp=stamp)


def free_name(folder: Path, store_path: Path, *, stamp: datetime | None = None) -> Path:
    """A new file name in folder: <store name>-<UTC time>.db, numbered if taken."""
    moment = (stamp or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    dest = folder / f"{store_path.stem}-{moment}.db"
    n = 2
    while dest.exists():
        dest = folder / f"{store_path.stem}-{moment}-{n}.db"
        n += 1
    return dest


def backup_sqlite(store: Store, dest: Path) -> Path:
    """Write a consistent snapshot with VACUUM INTO (it reads in one transaction, so other
    commands may carry on writing), into a file created 0600 beforehand, then verify it
    with integrity_check. An encrypted store gives an encrypted copy under the same key."""
    if store.location.path is None:
        raise StoreError("backup works on SQLite stores; use pg_dump for a PostgreSQL store.")
    dest = dest.expanduser().resolve()
    if dest.exists():
        raise StoreError(f"{dest} already exists; choose another --out or remove it first.")
    if dest == store.location.path:
        raise StoreError("The backup cannot overwrite the store itself.")
    try:
        # VACUUM INTO accepts an existing empty file and keeps its mode: the copy is never
        # readable by anyone else, whatever the umask.
        fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"Cannot write the backup at {dest}: {exc.strerror}.") from exc
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM INTO ?", (str(dest),))
        cursor.close()
        if store.passphrase is not None:
            from coachlog.store.engine import is_encrypted_file

            if not is_encrypted_file(dest):
                # Some SQLCipher builds write VACUUM INTO copies in plaintext; never keep one.
                _shred(dest)
                fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
                _sqlcipher_export(raw, dest, store.passphrase)
    except Exception as exc:
        _shred(dest)
        from coachlog.store.engine import translate

        raise translate(exc, store.location, encrypted=store.encrypted) from exc
    finally:
        raw.close()
    os.chmod(dest, 0o600)
    try:
        verify_sqlite(dest, passphrase=store.passphrase)
    except StoreError:
        _shred(dest)
        raise
    return dest


def _sqlcipher_export(raw: Any, dest: Path, passphrase: str) -> None:
    """The SQLCipher way to copy into a keyed file: attach it with the key and export."""
    from coachlog.store.engine import _key_literal

    cursor = raw.cursor()
    try:
        cursor.execute(
            f"ATTACH DATABASE ? AS coachlog_backup KEY {_key_literal(passphrase)}", (str(dest),)
        )
        cursor.execute("BEGIN")  # one read transaction: a consistent snapshot
        cursor.execute("SELECT sqlcipher_export('coachlog_backup')")
        cursor.execute("COMMIT")
        cursor.execute("DETACH DATABASE coachlog_backup")
    finally:
        cursor.close()


def _shred(path: Path) -> None:
    """Remove a copy we will not keep (after overwriting it, as it may hold plaintext)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


def verify_sqlite(path: Path, *, passphrase: str | None = None) -> None:
    """integrity_check on a copy, read-only."""
    from coachlog.store.engine import connect_raw

    try:
        conn = connect_raw(path, passphrase=passphrase, readonly=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except Exception as exc:
        raise StoreError(f"The backup at {path} cannot be read back: {exc}") from exc
    if result != "ok":
        raise StoreError(f"The backup at {path} failed its integrity check: {result}")
