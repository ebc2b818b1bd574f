"""The only place Rich is touched. Every piece of user text reaches the terminal through
`safe()`, which never parses markup and makes control characters visible."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from coachlog.jsontext import dumps

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# C0 controls except tab and newline, DEL, C1 controls (ESC, CSI, OSC all start here), and
# lone surrogates (bytes that were not UTF-8, or a JSON \ud800): no terminal can be sent one.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Bidirectional overrides and isolates (the "Trojan Source" characters), plus line and
# paragraph separators that some terminals treat as newlines.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"


def clean(value: object) -> str:
    """User text as a plain string with control and bidi characters made visible."""
    text = "" if value is None else str(value)
    return _BIDI.sub(_visible, _CONTROL.sub(_visible, text))


def clean_line(value: object) -> str:
    """Like clean(), but for one-line cells: newlines and tabs become spaces."""
    return clean(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def safe(value: object, style: str = "") -> Text:
    """A Rich Text holding user text literally: `[red]` stays `[red]`, escapes are shown."""
    from rich.text import Text

    return Text(clean(value), style=style)


def safe_line(value: object, style: str = "") -> Text:
    from rich.text import Text

    return Text(clean_line(value), style=style)


_console: dict[bool, Console] = {}


def console(*, stderr: bool = False) -> Console:
    """The shared consoles. Markup, emoji codes and auto-highlighting are off, so no string
    printed through them is ever interpreted; styles come only from Text objects built in code.
    Colour follows the terminal (none when piped, none with NO_COLOR)."""
    if stderr not in _console:
        from rich.console import Console
        from rich.theme import Theme

        _console[stderr] = Console(
            stderr=stderr,
            markup=False,
            emoji=False,
            highlight=False,
            theme=Theme(THEME),
            soft_wrap=False,
        )
    return _console[stderr]


def reset() -> None:
    """Forget the consoles: the next command makes its own (see cli.main.main)."""
    _console.clear()


# Named styles, so screens speak of meaning ("overdue") rather than colours.
THEME = {
    "ok": "green",
    "bad": "bold red",
    "loud": "bold white on red",
    "warn": "yellow",
    "muted": "dim",
    "head": "bold",
    "id": "cyan",
    "name": "bold",
    "coach": "magenta",
    "client": "blue",
}


def print_json(data: Any) -> None:
    sys.stdout.write(dumps(data) + "\n")
    sys.stdout.flush()


class _NoTrailingSpaces:
    """A text stream that strips the spaces at the end of every line written through it
    (Rich pads table cells): what a script or a file receives from a piped listing."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.pending = ""

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        if lines:
            self.target.write("\n".join(line.rstrip(" ") for line in lines) + "\n")
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def finish(self) -> None:
        if self.pending:
            self.target.write(self.pending.rstrip(" "))
            self.pending = ""
        self.target.flush()


UNWRAPPED = 100_000  # "no width": a piped listing's lines are as long as what they hold


@contextmanager
def paged(enabled: bool) -> Iterator[None]:
    """A long listing (SPEC §2a): through the pager on a terminal ($PAGER, else less; off
    with --no-pager or `pager = false`); piped, never wrapped to a width (unless COLUMNS
    asks for one) and without trailing spaces."""
    import os

    out = console()
    if out.is_terminal:
        if enabled and sys.stdin.isatty():
            os.environ.setdefault("LESS", "FRX")  # one screen or less: no pager at all
            with out.pager(styles=True):
                yield
        else:
            yield
        return
    # Console.file is sys.stdout looked up at each write unless a file was set: restore
    # that (not the stream of this moment), or the shared console keeps writing to a
    # stream that may since have been closed or replaced.
    saved_file, saved_width = out._file, out._width
    stripped = _NoTrailingSpaces(out.file)
    out.file = stripped  # type: ignore[assignment]
    if not os.environ.get("COLUMNS"):
        out.width = UNWRAPPED
    try:
        yield
    finally:
        stripped.finish()
        out._file, out._width = saved_file, saved_width
