"""Consistent copies of a live store: a SQLite file copied page by page; on a server store,
the coach's own records as interchange JSON (cli/store_cmds.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
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


def server_backup_path(
    store: Store, *, folder: Path | None = None, stamp: datetime | None = None
) -> Path:
    """Where `backup` writes a coach's records from a server store: the user data folder's
    backups/ (0700), coachlog-<role>-<UTC time>.json, numbered if taken."""
    if folder is None:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("coachlog", appauthor=False)) / BACKUP_DIR
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the backup folder {folder}: {exc.strerror}.") from exc
    moment = (stamp or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in store.coach)
    dest = folder / f"coachlog-{safe}-{moment}.json"
    n = 2
    while dest.exists():
        dest = folder / f"coachlog-{safe}-{moment}-{n}.json"
        n += 1
    return dest


def free_name(folder: Path, store_path: Path, *, stamp: datetime | None = None) -> Path:
    """A new file name in folder: <store name>-<UTC time>.db, numbered if taken."""
    moment = (stamp or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    dest = folder / f"{store_path.stem}-{moment}.db"
    n = 2
    while dest.exists():
        dest = folder / f"{store_path.stem}-{moment}-{n}.db"
        n += 1
    return dest


def list_backups(store_path: Path | None) -> list[Path]:
    """The backups beside the store: those of `backup` (in the backups folder) and those
    written before a schema upgrade (<store>.before-REV-TIME.bak). Unfinished copies carry
    a temporary name (see backup_sqlite) and are not among them."""
    if store_path is None:
        return []
    found = list(store_path.parent.glob(f"{store_path.name}.before-*.bak"))
    backups = store_path.parent / BACKUP_DIR
    if backups.is_dir():
        found += [p for p in backups.glob("*.db") if not p.name.startswith(".")]
    return sorted(found)


PART_SUFFIX = ".part"


def unfinished_backups(store_path: Path | None) -> list[Path]:
    """Temporary copies left by a backup that was killed before it finished (they hold the
    store's records, so doctor names them)."""
    if store_path is None:
        return []
    found = list(store_path.parent.glob(f".{store_path.name}.before-*{PART_SUFFIX}"))
    backups = store_path.parent / BACKUP_DIR
    if backups.is_dir():
        found += list(backups.glob(f".*{PART_SUFFIX}"))
    return sorted(found)


def backup_sqlite(store: Store, dest: Path, *, replace: bool = False) -> Path:
    """Write a consistent snapshot of the store to dest, whole or not at all.

    The copy is made with VACUUM INTO (it reads in one transaction, so other commands may
    carry on writing) into a temporary file created 0600 in dest's folder (.NAME.XXXX.part:
    no name a backup has), checked with integrity_check, flushed to disk, and only then
    renamed to dest. A backup killed at any moment leaves no file that looks like a backup
    (SPEC §7). An existing dest is replaced only when `replace` (--force).
    An encrypted store gives an encrypted copy under the same key."""
    if store.location.path is None:
        raise StoreError("backup works on SQLite stores; use pg_dump for a PostgreSQL store.")
    dest = dest.expanduser().absolute()
    if dest == store.location.path or os.path.realpath(dest) == str(store.location.path):
        raise StoreError("The backup cannot overwrite the store itself.")
    if not replace and os.path.lexists(dest):
        raise StoreError(
            f"{dest} already exists; it was left as it was.",
            hint="Choose another --out, or add --force to replace it.",
        )
    import tempfile

    try:
        # mkstemp: O_EXCL, mode 0600 whatever the umask. VACUUM INTO accepts an existing
        # empty file and keeps its mode, so the copy is never readable by anyone else.
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=PART_SUFFIX, dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"Cannot write the backup at {dest}: {exc.strerror}.") from exc
    tmp = Path(name)
    try:
        _copy_into(store, tmp)
        verify_sqlite(tmp, passphrase=store.passphrase)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, dest)
        else:
            place_new(tmp, dest)
    except BaseException as exc:
        _shred(tmp)
        if isinstance(exc, FileExistsError):
            raise StoreError(f"{dest} appeared while the backup was written; it was kept.") from exc
        if isinstance(exc, OSError):
            raise StoreError(f"Cannot write the backup at {dest}: {exc.strerror}.") from exc
        raise
    _sync_folder(dest.parent)
    return dest


def backup_stream(store: Store, write: Callable[[bytes], object]) -> int:
    """A verified snapshot handed to `write` a block at a time (standard output, a FIFO, a
    device): made under a temporary name in the backups folder, which is removed (its
    bytes overwritten first) when done or on failure. Returns the size in bytes."""
    assert store.location.path is not None
    import tempfile

    folder = default_backup_path(store).parent
    fd, name = tempfile.mkstemp(
        prefix=f".{store.location.path.stem}.", suffix=PART_SUFFIX, dir=folder
    )
    os.close(fd)
    tmp = Path(name)
    size = 0
    try:
        _copy_into(store, tmp)
        verify_sqlite(tmp, passphrase=store.passphrase)
        with open(tmp, "rb") as fh:
            while block := fh.read(1 << 20):
                write(block)
                size += len(block)
    finally:
        _shred(tmp)
    return size


def _copy_into(store: Store, tmp: Path) -> None:
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM INTO ?", (str(tmp),))
        cursor.close()
        if store.passphrase is not None:
            from coachlog.store.engine import is_encrypted_file

            if not is_encrypted_file(tmp):
                # Some SQLCipher builds write VACUUM INTO copies in plaintext; never keep one.
                _shred(tmp)
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
                _sqlcipher_export(raw, tmp, store.passphrase)
        os.chmod(tmp, 0o600)
    except Exception as exc:
        from coachlog.store.engine import translate

        raise translate(exc, store.location, encrypted=store.encrypted) from exc
    finally:
        raw.close()


def place_new(tmp: Path, path: Path) -> None:
    """Rename tmp to path unless path exists (also if it appeared a moment ago): a hard
    link fails when the name is taken, a rename would not. Where the file system has no
    hard links (a FAT-formatted stick), a check and a rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(17, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (best effort: not every platform can fsync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
        # sqlcipher_export copies tables and rows, not the header's marks: the copy must
        # still be a coachlog store (store/identity.py) when it is restored.
        for mark in ("application_id", "user_version"):
            value = int(cursor.execute(f"PRAGMA main.{mark}").fetchone()[0])
            cursor.execute(f"PRAGMA coachlog_backup.{mark} = {value}")
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
    """A copy is a backup when it reads back whole: integrity_check passes and it holds
    coachlog's schema version (a copy cut short, or some other file, does not)."""
    from coachlog.store.engine import connect_raw

    try:
        conn = connect_raw(path, passphrase=passphrase, readonly=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result == "ok":
                conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except Exception as exc:
        raise StoreError(f"The backup at {path} cannot be read back: {exc}") from exc
    if result != "ok":
        raise StoreError(f"The backup at {path} failed its integrity check: {result}")
