"""Writing export files: private (0600) and atomic, so a crash, Ctrl-C or a full disk never
leaves a half-written summary behind, and no other user of the machine can read it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from coachlog.errors import StoreError


def _reason(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    if exc.errno == errno.ENOTDIR:
        return "part of the path is not a folder"
    return exc.strerror or str(exc)


def write_private(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` readable by the owner only (0600), atomically.

    The bytes go to a temporary file created 0600 in the same folder, are flushed to disk,
    and only then renamed over `path`; on any failure the temporary file is removed and the
    old `path`, if any, is left as it was. Errors become a StoreError naming the path."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise StoreError(f"Cannot write {path}: it is a folder.", hint="Give a file name.")
    tmp: str | None = None
    try:
        # mkstemp creates the file O_EXCL with mode 0600 whatever the umask.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        tmp = None
        # Make the rename itself durable (best effort: not every platform can fsync a folder).
        with contextlib.suppress(OSError):
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except ValueError as exc:  # a NUL byte in the path
        raise StoreError(f"Cannot write {str(path)!r}: not a usable file name.") from exc
    except OSError as exc:
        raise StoreError(
            f"Cannot write {path}: {_reason(exc)}. Nothing was written.",
            hint="Check the folder exists, is yours and has space; or choose another --out.",
        ) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path


def private_dir(path: Path) -> Path:
    """Make sure an output folder exists; one we create is 0700."""
    path = Path(path)
    try:
        if not path.exists():
            path.mkdir(parents=True, mode=0o700)
            os.chmod(path, 0o700)
        elif not path.is_dir():
            raise StoreError(
                f"Cannot write into {path}: it is a file, not a folder.",
                hint="With --all, --out names a folder for one file per client.",
            )
    except ValueError as exc:
        raise StoreError(f"Cannot create the folder {str(path)!r}: not a usable name.") from exc
    except OSError as exc:
        raise StoreError(f"Cannot create the folder {path}: {_reason(exc)}.") from exc
    return path
