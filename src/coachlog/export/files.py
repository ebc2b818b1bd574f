"""Writing export files: private (0600) and atomic, so a crash, Ctrl-C or a full disk never
leaves a half-written summary behind, and no other user of the machine can read it. And the
JSON text of a document that is too big to hold whole, written as its records come.

Every --out and --ics goes through output() and cli/output.py write_output() (SPEC §6,
"Output files"):
`-` is standard output; a FIFO or a character device (or a symlink to one) is written
through, never replaced; a regular file is written whole under a temporary name and
renamed, and an existing one is replaced only with --force; the store and its companion
files (-wal, -shm, -journal, backups) are refused."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from coachlog.errors import InvalidInput, StoreError, UsageError

Data = bytes | str | Iterable[bytes | str]


@dataclass(frozen=True)
class Output:
    """Where one output goes. `path`: for "through", the FIFO or device as given; for
    "file", the regular file to write, symlinks resolved (a link stays a link and its
    target gets the new content)."""

    shown: str
    kind: Literal["stdout", "through", "file"]
    path: Path | None = None
    replace: bool = False


def protected_files(store: Path | None) -> list[tuple[Path, str]]:
    """The store's own files, which no output may be written to, each with its name."""
    if store is None:
        return []
    from coachlog.store.backup import list_backups

    files = [
        (store, "the store itself"),
        (store.with_name(store.name + "-wal"), "the store's write-ahead log"),
        (store.with_name(store.name + "-shm"), "the store's shared-memory file"),
        (store.with_name(store.name + "-journal"), "the store's rollback journal"),
    ]
    return files + [(copy, "a backup of the store") for copy in list_backups(store)]


def _same(a: Path, real_a: str, b: Path) -> bool:
    if real_a == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # a hard link to the store is the store
    except OSError:
        return False


def output(given: Path | str, *, force: bool, option: str, store: Path | None) -> Output:
    """Decide where `given` (the value of `option`) sends an output, before anything is
    written. Raises UsageError for the store's own files, InvalidInput for an existing
    file without --force, StoreError for what cannot be written to."""
    shown = str(given)
    if shown == "-":
        return Output(shown, "stdout")
    try:
        path = Path(os.path.expanduser(shown))
        real = os.path.realpath(path)
    except ValueError as exc:  # a NUL byte
        raise StoreError(f"Cannot write {shown!r}: not a usable file name.") from exc
    for own, what in protected_files(store):
        if _same(path, real, own):
            raise UsageError(
                f"{option} {shown} is {what}; writing there would destroy records. "
                "Choose another file.",
                hint="Backups are made with 'coachlog backup'.",
            )
    try:
        mode = path.stat().st_mode  # through a symlink to what it names
    except FileNotFoundError:
        return Output(shown, "file", Path(real))
    except OSError as exc:
        raise StoreError(f"Cannot write {shown}: {_reason(exc)}.") from exc
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Output(shown, "through", path)
    if stat.S_ISREG(mode):
        if not force:
            raise InvalidInput(
                f"{shown} already exists; it was left as it was and nothing was written.",
                hint=f"Add --force to replace it, or give {option} another name.",
            )
        return Output(shown, "file", Path(real), replace=True)
    from coachlog.store.engine import file_kind

    raise StoreError(
        f"Cannot write {shown}: it is {file_kind(mode)}.",
        hint="Give a file name, a FIFO or a character device, or '-' for standard output.",
    )


def write_target(target: Output, data: Data) -> Path:
    """Write `data` to a FIFO or device, or to a file, as `target` says (standard output is
    the CLI's: cli/output.py write_output). Returns the path written."""
    assert target.kind != "stdout" and target.path is not None
    if target.kind == "through":
        _write_through(target, data)
        return target.path
    return write_private(target.path, data, replace=target.replace)


def _pieces(data: Data) -> Iterable[bytes | str]:
    return [data] if isinstance(data, bytes | str) else data


def _write_through(target: Output, data: Data) -> None:
    """Into a FIFO or a device: opened as it is (no create, no truncate), never replaced."""
    assert target.path is not None
    try:
        fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY)
        with os.fdopen(fd, "wb") as fh:
            for piece in _pieces(data):
                fh.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
    except OSError as exc:
        raise StoreError(f"Cannot write {target.shown}: {_reason(exc)}.") from exc


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
    if exc.errno == errno.EEXIST:
        return "a file of that name appeared meanwhile"
    return exc.strerror or str(exc)


def write_private(path: Path, data: Data, *, replace: bool = True) -> Path:
    """Write `data` (whole, or in pieces as an iterable produces them) to `path` readable by
    the owner only (0600), atomically.

    The bytes go to a temporary file created 0600 in the same folder as they come, are
    flushed to disk, and only then renamed over `path`; on any failure, including one while
    producing the pieces, the temporary file is removed and the old `path`, if any, is left
    as it was. With replace=False a file that appeared at `path` meanwhile is not replaced.
    Errors writing become a StoreError naming the path."""
    path = Path(path)
    pieces = _pieces(data)
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
        if replace:
            os.replace(tmp, path)
        else:
            from coachlog.store.backup import place_new

            place_new(Path(tmp), path)
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


@dataclass
class FolderPlan:
    """What writing a set of files into a folder will do, decided before the first is
    written: `write` the outputs to write; `same` files already holding these bytes;
    `kept` (name, why) files left as another program changed them."""

    write: list[tuple[Output, Data]]
    same: list[str]
    kept: list[tuple[str, str]]


def plan_folder(
    folder: Path,
    files: Iterable[tuple[str, Data]],
    *,
    force: bool,
    store: Path | None,
    keep: Any = None,
) -> FolderPlan:
    """Check every file of a folder export before any is written, so that it is all of
    them or none: an existing file with the same bytes is left alone; one that `keep`
    (existing bytes, new bytes) -> reason says to keep is left and reported; any other
    existing file is replaced only with --force (else InvalidInput, nothing written)."""
    plan = FolderPlan([], [], [])
    taken: list[str] = []
    for name, data in files:
        path = folder / name
        try:
            old = path.read_bytes() if path.is_file() else None
        except OSError:
            old = None
        if old is not None:
            new = b"".join(p.encode("utf-8") if isinstance(p, str) else p for p in _pieces(data))
            if old == new:
                plan.same.append(name)
                continue
            why = keep(old, new) if keep is not None else None
            if why:
                plan.kept.append((name, why))
                continue
            if not force:
                taken.append(name)
                continue
            data = new
        plan.write.append((output(path, force=True, option="--out", store=store), data))
    if taken:
        shown = ", ".join(taken[:3]) + (f" and {len(taken) - 3} more" if len(taken) > 3 else "")
        exists = "already exists" if len(taken) == 1 else "already exist"
        raise InvalidInput(
            f"{len(taken)} file{'s' if len(taken) != 1 else ''} in {folder} {exists} and "
            f"would change ({shown}); nothing was written.",
            hint="Add --force to replace them.",
        )
    return plan
