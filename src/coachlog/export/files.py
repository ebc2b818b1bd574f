"""Writing export files: private (0600) and atomic, so a crash, Ctrl-C or a full disk never
leaves a half-written summary behind, and no other user of the machine can read it. And the
JSON text of a document that is too big to hold whole, written as its records come."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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


def write_private(path: Path, data: bytes | str | Iterable[bytes | str]) -> Path:
    """Write `data` (whole, or in pieces as an iterable produces them) to `path` readable by
    the owner only (0600), atomically.

    The bytes go to a temporary file created 0600 in the same folder as they come, are
    flushed to disk, and only then renamed over `path`; on any failure, including one while
    producing the pieces, the temporary file is removed and the old `path`, if any, is left
    as it was. Errors writing become a StoreError naming the path."""
    path = Path(path)
    pieces = [data] if isinstance(data, bytes | str) else data
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise StoreError(f"Cannot write {path}: it is a folder.", hint="Give a file name.")
    tmp: str | None = None
    try:
        # mkstemp creates the file O_EXCL with mode 0600 whatever the umask.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                for piece in pieces:
                    fh.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
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


def json_text(head: dict[str, Any], lists: Iterable[tuple[str, Iterable[Any]]]) -> Iterator[str]:
    """The text render.dumps(document) + "\\n" would give for the document `head` plus each
    (key, items) of `lists`, produced a few items at a time so the document is never whole
    in memory. Items are rendered by render.dumps itself (same indentation, same escaping of
    bidi and C1 characters) and indented one level deeper."""
    from coachlog.jsontext import dumps

    text = dumps(head)  # '{\n  "k": v,\n  ...\n}'
    yield text[:-2] if head else "{"
    first = not head
    for key, items in lists:
        yield f"{'' if first else ','}\n  {dumps(key)}: "
        first = False
        opened = False
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) == 200:
                yield _items(batch, opened)
                batch, opened = [], True
        if batch:
            yield _items(batch, opened)
            opened = True
        yield "\n  ]" if opened else "[]"
    yield "\n}\n" if not first else "}\n"


def _items(batch: list[Any], opened: bool) -> str:
    from coachlog.jsontext import dumps

    body = dumps(batch)[2:-2].replace("\n", "\n  ")  # '  {...},\n  {...}', one level in
    return ("[\n  " if not opened else ",\n  ") + body
