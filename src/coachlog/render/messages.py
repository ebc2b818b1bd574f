"""One-line confirmations, warnings and errors. Every part is sanitized: plain strings and
user text alike go through clean(), so nothing printed here can style or break the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coachlog.render import clean, console

if TYPE_CHECKING:
    from rich.text import Text

Part = "str | Text | tuple[str, str]"


def compose(*parts: object) -> Text:
    from rich.text import Text

    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(clean(part[0]), style=part[1])
        else:
            out.append(clean(part))
    return out


def say(*parts: object) -> None:
    console().print(compose(*parts))


def success(*parts: object) -> None:
    console().print(compose(("✓ ", "ok"), *parts))


def warn(*parts: object) -> None:
    console(stderr=True).print(compose(("! ", "warn"), *parts))


def not_shown(count: int, what: str) -> None:
    """Below a listing cut by --limit: how much came before it."""
    if count:
        noun = what if count == 1 else what + "s"
        say((f"… and {count} earlier {noun}, not shown (--limit).", "muted"))


def error(message: str, hint: str | None = None) -> None:
    err = console(stderr=True)
    err.print(compose(("Error: ", "bad"), message))
    if hint:
        err.print(compose(("  ", ""), (hint, "muted")))


def interrupted() -> int:
    """Ctrl-C: say nothing was saved; the exit status is 130."""
    import sys

    sys.stderr.write("\nInterrupted; nothing was saved by this command.\n")
    return 130


def unexpected(exc: BaseException) -> int:
    """A bug, not a user error: a short report instead of a traceback; exit status 1."""
    error(
        f"coachlog hit an unexpected problem ({type(exc).__name__}: {exc}). "
        "Nothing was saved by this command.",
        "Run again with COACHLOG_DEBUG=1 to see the details, and report it.",
    )
    return 1
