"""Questions on a terminal. Only called when stdin and stdout are terminals; without one,
commands fail fast naming the missing flag instead of waiting for input that cannot come."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from coachlog.render import clean, console

T = TypeVar("T")
UNREADABLE = "That was not readable text (it is not UTF-8); type it again."


def unreadable(answer: str) -> bool:
    """An answer holding bytes that were not UTF-8 (Python reads them as lone surrogates)."""
    return any("\ud800" <= ch <= "\udfff" for ch in answer)


def ask_text(label: str, *, default: str | None = None, help: str | None = None) -> str | None:
    """One line of text; Enter keeps the default (shown in brackets); '-' clears it."""
    from rich.prompt import Prompt
    from rich.text import Text

    prompt = Text(clean(label), style="head")
    if help:
        prompt.append(f" ({clean(help)})", style="muted")
    if default:
        shown = clean(default).splitlines()[0]
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        prompt.append(f" [{shown}]", style="muted")
    while True:
        try:
            answer = Prompt.ask(prompt, console=console(), default="", show_default=False)
        except UnicodeDecodeError:
            answer = "\udcff"
        if not unreadable(answer):
            break
        problem(UNREADABLE)
    answer = answer.strip()
    if answer == "-":
        return None
    return answer or default


def confirm(question: str, *, default: bool = False) -> bool:
    from rich.prompt import Confirm
    from rich.text import Text

    return Confirm.ask(Text(clean(question)), console=console(), default=default)


def problem(message: str, hint: str | None = None) -> None:
    """What was wrong with an answer, before the question is asked again."""
    from coachlog.render.messages import say

    say(("  ✗ ", "bad"), message)
    if hint:
        say(("    " + hint, "muted"))


def ask_until_ok(
    label: str,
    read: Callable[[str | None], T],
    *,
    default: str | None = None,
    help: str | None = None,
) -> T:
    """ask_text() until read() accepts the answer: a CoachlogError's message is shown and
    the question asked again, so one unreadable answer never throws away those before it."""
    from coachlog.errors import CoachlogError

    while True:
        answer = ask_text(label, default=default, help=help)
        try:
            return read(answer)
        except CoachlogError as exc:
            problem(exc.message, exc.hint)
