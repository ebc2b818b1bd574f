"""Text coming in from outside: the command line, standard input, files (SPEC §3a, last
line). Python hands bytes that are not UTF-8 over as lone surrogates (U+DC80-U+DCFF, its
"surrogateescape"), and a JSON file can spell any lone surrogate out (\\ud800); none of them
is text, and each would fail later, far from where it came in, when the store's driver or
the terminal encodes it. Here each is refused where it enters, in words that say where.

Light on purpose: the fast path (cli/entry.py) imports it before anything else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

NOTES_LIMIT = 10 * 1024 * 1024  # bytes of notes from stdin or a file (SPEC §3a)
LIMIT_WORDS = "10 MiB"

_SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(text: str) -> str | None:
    """The first lone surrogate in text (no str that is text holds one), else None."""
    m = _SURROGATE.search(text)
    return m.group() if m else None


def escaped(char: str) -> str:
    """A lone surrogate as JSON and Python spell it: \\ud800."""
    return f"\\u{ord(char):04x}"


def as_typed(text: str) -> str:
    """An argument as the bytes that were typed, the ones that are not UTF-8 as \\xe9."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_utf8(args: list[str]) -> bool:
    return not any(first_surrogate(a) for a in args)


def check_arguments(args: list[str]) -> None:
    """Refuse a command line holding an argument that is not UTF-8, naming it."""
    from coachlog.errors import InvalidInput

    for i, arg in enumerate(args, 1):
        if first_surrogate(arg):
            raise InvalidInput(
                f"Argument {i} ('{as_typed(arg)}') is not UTF-8 text; nothing was done.",
                hint="Type it again in a terminal set to UTF-8 (the locale should end in "
                ".UTF-8), or convert the file name or text to UTF-8 first.",
            )


def decode(data: bytes, *, what: str) -> str:
    """UTF-8 bytes as text, or a message naming the first byte that is not."""
    from coachlog.errors import InvalidInput

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise InvalidInput(
            f"{what} is not UTF-8 text (byte {exc.start} is 0x{bad:02X}); nothing was saved.",
            hint="Save it as UTF-8 first, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8",
        ) from None


def read_limited(stream: IO[Any], *, what: str, limit: int = NOTES_LIMIT) -> str:
    """All of a stream (standard input, a file) as UTF-8 text, refusing more than `limit`
    bytes without reading further: /dev/zero ends in a message, not in a MemoryError."""
    from coachlog.errors import InvalidInput

    raw = getattr(stream, "buffer", stream)
    try:
        data = raw.read(limit + 1)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {what}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:  # a text stream that decodes strictly
        raise InvalidInput(
            f"{what} is not UTF-8 text (byte {exc.start}); nothing was saved."
        ) from None
    if isinstance(data, str):  # a text stream (a test's StringIO): back to its bytes
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise InvalidInput(
            f"{what} is larger than {LIMIT_WORDS}; nothing was saved.",
            hint="Keep long material in a file of its own and note in coachlog where it is.",
        )
    return decode(data, what=what)


def read_file(path: Path, *, what: str | None = None, limit: int = NOTES_LIMIT) -> str:
    """A file named on the command line, as read_limited reads a stream."""
    from coachlog.errors import InvalidInput

    name = what or str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.") from None
    with fh:
        return read_limited(fh, what=name, limit=limit)
