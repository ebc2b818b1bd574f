"""Reading an interchange file (SPEC §6): every check on an import file that needs no store
(shape, keys, types, enums, ranges, duplicates, references inside the file); what each key
holds is in interchange_fields.py, and services/importing.py does the checks against the
store and the writing.

A file is never held whole, so that a practice of any size imports in a bounded amount of
memory: check() reads it once, checking every record and keeping only what the checks
against the store need (uids and references; clients and agreements whole, as they are
few); records() reads it again for the writing, a record at a time, and refuses to go on
if the file changed in between."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from coachlog.errors import InvalidInput
from coachlog.jsonstream import Items
from coachlog.records import FORMAT, TABLES, VERSIONS
from coachlog.services.interchange_fields import (
    DATE,
    DEFAULTS,
    KINDS,
    OPTIONAL_KEYS,
    STAMP,
    TEXT,
    UID,
    BadValue,
    Kind,
    read_value,
)

# What a record's keys hold is in interchange_fields; its names are reachable from here too.
__all__ = [
    "DATE",
    "DEFAULTS",
    "KINDS",
    "OPTIONAL_KEYS",
    "STAMP",
    "TEXT",
    "UID",
    "BadValue",
    "Kind",
    "Problems",
    "Source",
    "Summary",
    "check",
    "read_value",
    "records",
]

# --- Reading a file: everything that can be checked without the store ---------------------

TOP_KEYS = ("format", "version", "exported_at", *TABLES)
_NOT_OURS = "coachlog import reads the JSON that 'coachlog export --format json' writes."


class Problems:
    """Everything wrong with a file, gathered so the coach can fix it in one go. Only the
    first SHOWN are kept (a file wrong in every record must not fill the memory); the
    rest are counted."""

    SHOWN = 12

    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0

    def add(self, where: str, key: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < self.SHOWN:
            self.items.append(f"{where}, {key}: {message}" if key else f"{where}: {message}")

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items[: self.SHOWN - len(self.items)])
        self.count += other.count

    def raise_if_any(self, name: str) -> None:
        if not self.count:
            return
        more = self.count - len(self.items)
        lines = "\n".join(f"  {line}" for line in self.items)
        tail = f"\n  … and {more} more" if more else ""
        raise InvalidInput(
            f"{name} cannot be imported; nothing was written.\n{lines}{tail}",
            hint="Fix the file and import it again (the format: docs/interchange.md).",
        )


def label(table: str, i: int, uid: Any) -> str:
    """How a record is named in a problem: its place in the file, and its uid if it has one."""
    if isinstance(uid, str) and uid:
        return f"{table}[{i}] (uid {uid[:8]}…)"
    return f"{table}[{i}]"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in pairs:
        if key in out:
            raise ValueError(f"the key {json.dumps(key)} appears twice in one object")
        out[key] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# What an import from standard input or a pipe into an encrypted store may hold: it is kept
# in memory, never written to disk as plaintext (SPEC §7); docs/interchange.md states it.
MEMORY_LIMIT = 256 * 1024 * 1024
MEMORY_WORDS = "256 MiB"


class Source:
    """An import file, read from the start each time it is asked for: a path, or a seekable
    binary file (standard input is first copied into a private temporary file; for an
    encrypted store, into memory only)."""

    def __init__(self, name: str, *, path: str | Path | None = None, file: IO[bytes] | None = None):
        self.name, self._path, self._file = name, path, file

    @classmethod
    def at(cls, path: str, *, private: Callable[[], bool] = lambda: False) -> Source:
        """The file named on the command line. One that cannot be read twice (a pipe,
        /dev/stdin, a shell's <(...)) is first copied, like standard input; `private()`
        says whether that copy must stay in memory (asked only then: it opens the store)."""
        import os
        import stat

        source = cls(path, path=path)
        try:
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except (OSError, ValueError):
            return source  # reading it says what is wrong, in words
        if regular:
            return source
        with source.open() as fh:
            try:
                return cls.spooled(path, fh, private=private())
            except OSError as exc:
                raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.") from None

    @classmethod
    def spooled(
        cls, name: str, stream: IO[Any], *, private: bool = False, limit: int = MEMORY_LIMIT
    ) -> Source:
        """Copy a one-way stream (bytes or text) so that it can be read twice: into a
        temporary file that only this process can read, held in memory while it is small;
        or, when `private` (an encrypted store), into memory only, at most `limit` bytes,
        so that no plaintext copy of the records ever reaches the disk."""
        import io
        import tempfile

        if private:
            spool: IO[bytes] = io.BytesIO()
        else:
            spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 (closed by close())
        size = 0
        while chunk := stream.read(1 << 20):
            data = chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else chunk
            size += len(data)
            if private and size > limit:
                spool.close()
                raise InvalidInput(
                    f"{name} holds more than {MEMORY_WORDS}: an import into an encrypted store "
                    "keeps what it reads from a pipe in memory, never on disk, up to that "
                    "size. Nothing was imported.",
                    hint="Import the file by its name instead (coachlog import FILE): it is "
                    "read where it is, and no copy is made.",
                )
            spool.write(data)
        return cls(name, file=spool)

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        if self._file is not None:
            self._file.seek(0)
            yield self._file
            return
        assert self._path is not None
        try:
            fh = open(self._path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise InvalidInput(f"Cannot read {self.name}: {exc.strerror or exc}.") from None
        except ValueError:  # a NUL byte in the name
            raise InvalidInput(
                f"Cannot read {self.name!r}: that is not a usable file name."
            ) from None
        with fh:
            yield fh

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


@contextmanager
def _reading(source: Source) -> Iterator[Any]:
    """A jsonstream.Reader over the file; what goes wrong reading it, said in the words
    import has always used."""
    from coachlog.jsonstream import JSONError, Reader, UTF8Error

    name = source.name
    with source.open() as fh:
        try:
            yield Reader(fh, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except UTF8Error as exc:
            raise InvalidInput(
                f"{name} is not UTF-8 text (byte {exc.start}); nothing was imported.",
                hint=_NOT_OURS,
            ) from None
        except JSONError as exc:
            where = f" at line {exc.lineno}, column {exc.colno}" if exc.lineno else ""
            raise InvalidInput(
                f"{name} is not valid JSON: {exc.message}{where}; nothing was imported.",
                hint=_NOT_OURS if where else None,
            ) from None
        except OSError as exc:
            raise InvalidInput(f"Cannot read {name}: {exc.strerror or exc}.") from None


def _lists(key: str) -> bool:
    return key in TABLES


@dataclass
class Table:
    """What the first reading keeps of one table. Clients, agreements and learning: every
    record (`full`, as (label, values)). Sessions and promises: each record's uid (with its place
    in the file) and the uids it refers to, in file order."""

    full: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    uids: dict[str, int] = field(default_factory=dict)
    client_uids: list[str | None] = field(default_factory=list)
    session_uids: list[str | None] = field(default_factory=list)

    def label(self, table: str, uid: str) -> str:
        return label(table, self.uids[uid], uid)


@dataclass
class Summary:
    """A file that passed every check that needs no store."""

    source: Source
    tables: dict[str, Table]
    order: tuple[str, ...]  # the tables present, in file order
    digest: bytes

    @property
    def name(self) -> str:
        return self.source.name


def check_record(
    table: str, i: int, raw: Any, problems: Problems
) -> tuple[str, dict[str, Any] | None]:
    """One record: its label and its values in Python types (None if it is not an object)."""
    kinds = KINDS[table]
    where = label(table, i, raw.get("uid") if isinstance(raw, dict) else None)
    if not isinstance(raw, dict):
        problems.add(where, None, "must be an object")
        return where, None
    values: dict[str, Any] = {}
    for key in raw:
        if key not in kinds:
            problems.add(where, key, "unknown key")
    optional = DEFAULTS.get(table, {})
    for key, kind in kinds.items():
        if key not in raw:
            if key not in optional:
                problems.add(where, key, "missing (write null if unknown)")
            continue
        try:
            values[key] = read_value(kind, raw[key])
        except BadValue as exc:
            problems.add(where, key, str(exc))
    name = values.get("name")
    if table == "clients" and isinstance(name, str) and name.strip().isdigit():
        problems.add(where, "name", "is only digits; numbers refer to client ids")
    return where, values


def check(source: Source) -> Summary:
    """Read the whole file once and check everything that can be checked from it alone:
    shape, keys, types, enums, ranges, duplicate uids and names, references inside the
    file. Raises InvalidInput naming every problem (the first few, and how many more)."""
    name = source.name
    top, stamp = Problems(), Problems()
    found = {t: Problems() for t in TABLES}
    tables = {t: Table() for t in TABLES}
    order: list[str] = []
    head: dict[str, Any] = {}
    shared: dict[str, str] = {}  # one str object per uid referred to many times
    is_object = True
    with _reading(source) as reader:
        for key, items in reader.top(_lists):
            if key is None:
                is_object = False
            elif key not in TOP_KEYS:
                top.add("the file", key, f"unknown key (accepted: {', '.join(TOP_KEYS)})")
            elif key not in TABLES:
                head[key] = items
            elif not isinstance(items, Items):
                found[key].add("the file", key, "must be a list of records")
            else:
                order.append(key)
                _check_table(key, items, found[key], tables[key], shared)
    if not is_object or head.get("format") != FORMAT:
        raise InvalidInput(
            f'{name} is not a coachlog export (no "format": "coachlog"); nothing was imported.',
            hint=_NOT_OURS,
        )
    version = head.get("version")
    if type(version) is not int:
        # JSON true and 1.0 equal 1 to Python; neither is a format version.
        raise InvalidInput(
            f"{name} is in format version {json.dumps(version)}, which is not a whole "
            f"number; this coachlog reads versions {' and '.join(map(str, VERSIONS))}. "
            "Nothing was imported.",
            hint=f'The file must say "version": {VERSIONS[-1]}, as coachlog export writes it.',
        )
    if version not in VERSIONS:
        raise InvalidInput(
            f"{name} is in format version {json.dumps(version)}; this coachlog "
            f"reads versions {' and '.join(map(str, VERSIONS))}. Nothing was imported.",
            hint="A newer file needs a newer coachlog: upgrade it, then import again.",
        )
    if "exported_at" in head:
        try:
            read_value(STAMP, head["exported_at"])
        except BadValue as exc:
            stamp.add("the file", "exported_at", str(exc))
    within = Problems()
    _check_within(tables, within)
    problems = Problems()
    for part in (top, stamp, *found.values(), within):
        problems.extend(part)
    problems.raise_if_any(name)
    return Summary(source, tables, tuple(order), reader.digest.digest())


def _check_table(
    table: str, items: Any, problems: Problems, kept: Table, shared: dict[str, str]
) -> None:
    seen = kept.uids
    for i, raw in enumerate(items):
        where, values = check_record(table, i, raw, problems)
        if values is None:
            continue
        if table in ("clients", "agreements", "learning"):
            kept.full.append((where, values))
        uid = values.get("uid")
        if uid is None:
            continue
        if uid in seen:
            problems.add(where, "uid", f"also used by {table}[{seen[uid]}]")
            continue
        seen[shared.setdefault(uid, uid)] = i
        if table in ("sessions", "promises"):
            client = values.get("client_uid")
            kept.client_uids.append(shared.setdefault(client, client) if client else client)
        if table == "promises":
            ref = values.get("session_uid")
            kept.session_uids.append(shared.setdefault(ref, ref) if ref else ref)


def _check_within(tables: dict[str, Table], problems: Problems) -> None:
    names: dict[str, str] = {}
    for where, v in tables["clients"].full:
        folded = str(v.get("name", "")).casefold()
        if folded and folded in names:
            problems.add(
                where, "name", f"{json.dumps(v['name'])} is also the name of {names[folded]}"
            )
        names.setdefault(folded, where)
    versions: dict[tuple[Any, Any], str] = {}
    for where, v in tables["agreements"].full:
        key = (v.get("client_uid"), v.get("version"))
        if None not in key and key in versions:
            problems.add(
                where, "version", f"client already has version {key[1]} in {versions[key]}"
            )
        versions.setdefault(key, where)


def records(summary: Summary, tables: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Read the file again and yield (table, values) for every record of `tables`, all of
    one table before the next, in the order given (parents first, for the writing): one
    reading when the file has them in that order, as export writes them, else one each.
    Raises InvalidInput if the file is not what check() read."""
    present = [t for t in summary.order if t in tables]
    wanted = tuple(t for t in tables if t in present)
    for group in [wanted] if tuple(present) == wanted else [(t,) for t in wanted]:
        yield from _reread(summary, group)


def _reread(summary: Summary, group: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    def changed() -> InvalidInput:
        return InvalidInput(
            f"{summary.name} changed while it was being imported; nothing was written.",
            hint="Import it again once nothing else is writing to it.",
        )

    try:
        with _reading(summary.source) as reader:
            for key, items in reader.top(_lists):
                if key not in group or not isinstance(items, Items):
                    continue
                uids = summary.tables[key].uids
                for i, raw in enumerate(items):
                    problems = Problems()
                    _, values = check_record(key, i, raw, problems)
                    if problems.count or values is None or uids.get(values.get("uid", "")) != i:
                        raise changed()
                    yield key, values
    except InvalidInput as exc:  # no longer JSON, no longer UTF-8, gone
        raise changed() from exc
    if reader.digest.digest() != summary.digest:
        raise changed()
