"""One-line confirmations, warnings and errors. Every part is sanitized: plain strings and
user text alike go through clean(), so nothing printed here can style or break the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coachlog.render import clean, console

if TYPE_CHECKING:
    from rich.console import Console
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


class Aside:
    """A parenthesised remark at the end of a message, '(from "mon 10:00")': kept whole on
    one line, so a narrow terminal never breaks a line inside the parentheses."""

    def __init__(self, text: str) -> None:
        self.text = text


def aside(text: str | None) -> list[Aside]:
    """The remark as a part for say()/success(), or nothing when there is none."""
    return [Aside(text)] if text else []


def emit(*parts: object, stderr: bool = False) -> None:
    """Print one message. Piped, it is one line whatever its length; on a terminal the text
    wraps at the width and each aside goes whole onto the line that has room for it."""
    from rich.text import Text

    out = console(stderr=stderr)
    main = compose(*[p for p in parts if not isinstance(p, Aside)])
    asides = [compose(("(" + p.text + ")", "muted")) for p in parts if isinstance(p, Aside)]
    if not out.is_terminal:
        for a in asides:
            main.append("  ")
            main.append_text(a)
        out.print(main, soft_wrap=True)
        return
    indent = _hanging(main.plain)
    lines = _wrap(main, out, indent)
    for a in asides:
        lines[-1].rstrip()
        if lines[-1].cell_len + 2 + a.cell_len <= out.width:
            lines[-1].append("  ")
            lines[-1].append_text(a)
        else:
            indented = Text(" " * max(indent, 2))
            indented.append_text(a)
            lines.append(indented)
    for line in lines:
        out.print(line)


def _hanging(plain: str) -> int:
    """How far a wrapped message's later lines are indented: under the text after a leading
    "✓ " or "! ", else two more than the message's own indent (so a wrapped item reads as
    one item), else not at all."""
    if plain[:2] in ("✓ ", "! "):
        return 2
    lead = len(plain) - len(plain.lstrip(" "))
    return lead + 2 if lead else 0


def _wrap(main: Text, out: Console, indent: int) -> list[Text]:
    """The message wrapped at the terminal's width, its later lines indented by `indent`.
    Rich keeps a space that ends a wrapped line, as the terminal shows it: a path or a
    sentence copied from the screen then reads back with its spaces."""
    from rich.text import Text

    lines = list(main.wrap(out, out.width)) or [Text()]
    if len(lines) == 1 or not indent or out.width - indent < 20:
        return lines
    first = lines[0]
    rest = main.divide([len(first.plain)])[1]
    spaces = len(rest.plain) - len(rest.plain.lstrip(" "))
    if spaces:  # the space the line broke at, when the first line did not keep it
        rest = rest.divide([spaces])[1]
    wrapped = []
    for line in rest.wrap(out, out.width - indent):
        shifted = Text(" " * indent)
        shifted.append_text(line)
        wrapped.append(shifted)
    return [first, *wrapped]


def say(*parts: object) -> None:
    emit(*parts)


def success(*parts: object) -> None:
    emit(("✓ ", "ok"), *parts)


def note(*parts: object) -> None:
    """A quiet line on stderr (so stdout stays clean for JSON): how a date was read."""
    emit(*[(p, "muted") if isinstance(p, str) else p for p in parts], stderr=True)


def warn(*parts: object) -> None:
    emit(("! ", "warn"), *parts, stderr=True)


def not_shown(count: int, what: str) -> None:
    """Below a listing cut by --limit: how much came before it."""
    if count:
        from coachlog.words import plural

        say((f"… and {count} earlier {plural(count, what)}, not shown (--limit).", "muted"))


def error(message: str, hint: str | None = None) -> None:
    emit(("Error: ", "bad"), message, stderr=True)
    if hint:
        emit(("  ", ""), (hint, "muted"), stderr=True)


def _saved() -> bool:
    from coachlog.store.saved import anything_saved

    return anything_saved()


def interrupted() -> int:
    """Ctrl-C: say whether anything was saved; the exit status is 130."""
    import sys

    if _saved():
        sys.stderr.write("\nInterrupted; the changes this command had made were already saved.\n")
    else:
        sys.stderr.write("\nInterrupted; nothing was saved by this command.\n")
    return 130


def unexpected(exc: BaseException) -> int:
    """A bug, not a user error: a short report instead of a traceback; exit status 1."""
    said = (
        "The changes this command made before it were saved."
        if _saved()
        else "Nothing was saved by this command."
    )
    error(
        f"coachlog hit an unexpected problem ({type(exc).__name__}: {exc}). {said}",
        "Run again with COACHLOG_DEBUG=1 to see the details, and report it.",
    )
    return 1
