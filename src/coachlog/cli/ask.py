"""Questions on a terminal. Only called when stdin and stdout are terminals; without one,
commands fail fast naming the missing flag instead of waiting for input that cannot come."""

from __future__ import annotations

from coachlog.render import clean, console


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
    answer = Prompt.ask(prompt, console=console(), default="", show_default=False)
    answer = answer.strip()
    if answer == "-":
        return None
    return answer or default


def confirm(question: str, *, default: bool = False) -> bool:
    from rich.prompt import Confirm
    from rich.text import Text

    return Confirm.ask(Text(clean(question)), console=console(), default=default)
