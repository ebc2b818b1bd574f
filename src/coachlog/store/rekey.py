"""Changing a store's encryption (SPEC §7): a new passphrase for an encrypted store, and
encrypting a plain store in place. Both end with a store that has been read back under its
new key; neither leaves a plaintext copy beside the store, except the verified backup that
`encrypt_in_place` is given (named to the coach, who deletes it once satisfied)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from coachlog.errors import StoreError
from coachlog.store.engine import BUSY_TIMEOUT_MS, _key_literal, connect_raw

TABLES = ("clients", "agreements", "sessions", "promises")


def change_passphrase(raw: Any, path: Path, new: str) -> None:
    """Re-encrypt every page of an open, keyed store under `new` (SQLCipher's rekey: one
    transaction, so a crash leaves the store under the old key or the new, whole), empty
    the write-ahead log of pages under the old key, and read the store back under the new
    one. `raw` is a driver connection keyed with the current passphrase."""
    cur = raw.cursor()
    try:
        cur.execute(f"PRAGMA rekey = {_key_literal(new)}")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        cur.close()
    _verify(path, new, expected=None)


def encrypt_in_place(path: Path, passphrase: str) -> None:
    """Encrypt the plain store at `path`: sqlcipher_export into a keyed temporary file
    beside it, read that back (integrity and every table's count), then rename it over the
    store. The store is held with an exclusive lock from before the copy until after the
    rename, and its old file, which other programs might still hold open, is overwritten
    with zeros, so that none of them can write to it unseen and no plaintext is left in it.
    Refused, changing nothing, when another program has the store open."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    temp = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    old_fd: int | None = None
    try:
        _take_alone(conn, path)
        counts = _counts(conn)
        marks = [
            conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("user_version", "application_id")
        ]
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        conn.execute(
            f"ATTACH DATABASE ? AS coachlog_encrypted KEY {_key_literal(passphrase)}", (str(temp),)
        )
        conn.execute("SELECT sqlcipher_export('coachlog_encrypted')")
        conn.execute(f"PRAGMA coachlog_encrypted.user_version = {int(marks[0])}")
        conn.execute(f"PRAGMA coachlog_encrypted.application_id = {int(marks[1])}")
        conn.execute("DETACH DATABASE coachlog_encrypted")
        _verify(temp, passphrase, expected=counts)
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        old_fd = os.open(path, os.O_RDWR)
        os.replace(temp, path)
        _fsync_dir(path.parent)
        # The old file: other programs may have it open; zeros leave them nothing to read
        # or write to, and no plaintext in its blocks.
        _zero(old_fd)
    except BaseException:
        _remove(temp)
        raise
    finally:
        if old_fd is not None:
            os.close(old_fd)
        conn.close()
    for companion in ("-wal", "-shm", "-journal"):
        Path(f"{path}{companion}").unlink(missing_ok=True)


def _take_alone(conn: Any, path: Path) -> None:
    """Leave WAL mode (possible only when no other connection has the store open) and hold
    an exclusive lock until the connection closes."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except Exception as exc:
        raise _in_use(path) from exc
    if str(mode).lower() != "delete":
        raise _in_use(path)


def _in_use(path: Path) -> StoreError:
    return StoreError(
        f"Another program has the store at {path} open; nothing was changed.",
        hint="Close the other coachlog (or whatever holds the store), then run it again.",
    )


def _counts(conn: Any) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _verify(path: Path, passphrase: str, *, expected: dict[str, int] | None) -> None:
    try:
        conn = connect_raw(path, passphrase=passphrase, readonly=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            counts = _counts(conn)
        finally:
            conn.close()
    except Exception as exc:
        raise StoreError(f"The store could not be read back under its new key: {exc}") from exc
    if result != "ok" or (expected is not None and counts != expected):
        raise StoreError(
            f"The store failed its check under the new key ({result}); nothing was changed."
        )


def _zero(fd: int) -> None:
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    block = b"\0" * (1 << 20)
    left = size
    while left > 0:
        left -= os.write(fd, block[: min(left, len(block))])
    os.fsync(fd)


def _remove(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        _zero(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
