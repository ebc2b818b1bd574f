"""What shell completion offers: client names, promise and session ids (with their text as
help), and the choices of --kind, --status and --format. It runs on every Tab press, so it
reads the store with the plain sqlite3 module: no Typer, no ORM, no migrations, no pendulum
(see cli/entry.py). Typer's own completion callbacks (the path for other shells) call the
same functions, so both answer alike.

Each shell gets the answer in the form that makes the completed command run: bash inserts
what it is given as it is, so a name with a space comes quoted ('Ana Lima'); zsh and fish
quote by themselves and show the help beside each value."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
from collections.abc import Callable
from typing import Any

from coachlog.choices import (
    CLIENT_STATUSES,
    CONSENTS,
    CREDENTIALS,
    EXPORT_FORMATS,
    ICF_LOG_FORMATS,
    LEARNING_CATEGORIES,
    PROMISE_STATUSES,
    SESSION_KINDS,
)

Item = tuple[str, str | None]  # (value, help)
HELP_WIDTH = 60
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

# --- what each command's options and first argument take ------------------------------------

# Commands whose first argument is a promise id, and which promises they act on.
PROMISE_FIRST: dict[tuple[str, ...], str] = {
    (group, command): "open"
    for group in ("promises", "promise")
    for command in ("keep", "break", "release", "move")
}
SESSION_FIRST = {("session", "show"), ("session", "edit"), ("session", "delete")}


def option_choices(command: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """The values an option takes, for the command it is given to (None: not a choice)."""
    if option == "--kind" and command[:1] == ("session",):
        return SESSION_KINDS
    if option in ("--status", "-s") and command[:1] in (("promises",), ("promise",)):
        return PROMISE_STATUSES
    if option == "--status" and command[:1] == ("client",):
        return CLIENT_STATUSES
    if option == "--format" and command[:1] == ("export",):
        return EXPORT_FORMATS
    if option in ("--format", "-f") and command[:2] == ("icf", "log"):
        return ICF_LOG_FORMATS
    if option == "--target" and command[:2] == ("icf", "progress"):
        return CREDENTIALS
    if option == "--category" and command[:1] == ("learning",):
        return LEARNING_CATEGORIES
    if option == "--payment" and command[:1] == ("client",):
        return ("paid", "pro-bono")
    if option == "--icf-consent" and command[:1] == ("client",):
        return CONSENTS
    return None


# --- reading the store ----------------------------------------------------------------------


def store_path(db: str | None = None) -> str | None:
    value = db or os.environ.get("COACHLOG_DB", "")
    if "://" in value:
        if value.startswith("sqlite:///"):
            return value[len("sqlite:///") - 1 :] if value.startswith("sqlite:////") else value[10:]
        return None  # a server store: no completion rather than a slow one
    if value:
        return os.path.expanduser(value)
    from coachlog.store.paths import default_path

    return str(default_path())


def _rows(path: str | None, sql: str) -> list[tuple[object, ...]]:
    path = path or store_path()
    if not path or not os.path.exists(path):
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            from coachlog.store.identity import APPLICATION_ID

            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return []  # not (yet) a marked coachlog store: another program's names
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # encrypted, locked, or not a store: complete nothing
        return []


def _one_line(text: object, width: int = HELP_WIDTH) -> str:
    """User text as a short help line: no control or bidi characters, one line."""
    flat = " ".join(_UNPRINTABLE.sub(" ", str(text or "")).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _day(stored: object) -> str:
    """A stored UTC instant ("2026-11-27 23:59:59") as the coach's calendar day."""
    from datetime import UTC, datetime

    text = str(stored)
    try:
        moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        return text[:10]
    zone = None
    name = os.environ.get("COACHLOG_TZ", "").strip()
    if name:
        try:
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            zone = None
    try:
        return moment.astimezone(zone).date().isoformat()
    except (OverflowError, ValueError):
        return text[:10]


def client_names(prefix: str, path: str | None = None) -> list[str]:
    rows = _rows(path, "SELECT name FROM clients WHERE status != 'closed' ORDER BY name")
    folded = prefix.casefold()
    return [str(name) for (name,) in rows if str(name).casefold().startswith(folded)]


def promise_ids(prefix: str, path: str | None = None, *, which: str = "open") -> list[Item]:
    """Promise ids with "client: text (due day)" as help, soonest due first."""
    where = "p.status = 'open'" if which == "open" else "p.status != 'open'"
    rows = _rows(
        path,
        "SELECT p.id, c.name, p.owner, p.text, p.due_at FROM promises p "
        f"JOIN clients c ON c.id = p.client_id WHERE {where} ORDER BY p.due_at, p.id",
    )
    out: list[Item] = []
    for pid, name, owner, text, due in rows:
        if str(pid).startswith(prefix):
            who = "you" if owner == "coach" else "they"
            help_ = f"{name}, {who}: {text} (due {_day(due)})"
            out.append((str(pid), _one_line(help_)))
    return out


def session_ids(prefix: str, path: str | None = None) -> list[Item]:
    """Session ids with "client, day: first words of the notes" as help, newest first."""
    rows = _rows(
        path,
        "SELECT s.id, c.name, s.held_at, s.notes FROM sessions s "
        "JOIN clients c ON c.id = s.client_id ORDER BY s.held_at DESC, s.id DESC",
    )
    return [
        (str(sid), _one_line(f"{name}, {_day(held)}: {notes or ''}".rstrip(": ")))
        for sid, name, held, notes in rows
        if str(sid).startswith(prefix)
    ]


def choices(values: tuple[str, ...], prefix: str) -> list[Item]:
    return [(v, None) for v in values if v.startswith(prefix.lower())]


# --- answering the shell --------------------------------------------------------------------


def _zsh_escape(s: str) -> str:
    return (
        s.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def _typed_quote() -> str:
    """The quote the word being completed in bash was opened with ('' for none), from the
    raw words bash passes (COMP_WORDS joined by spaces)."""
    words = os.environ.get("COMP_WORDS", "")
    try:
        cword = int(os.environ.get("COMP_CWORD", ""))
    except ValueError:
        return ""
    for closing in ("", "'", '"'):
        try:
            lexer = shlex.shlex(words + closing, posix=False)
            lexer.whitespace_split = True
            raw = list(lexer)
            break
        except ValueError:
            continue
    else:
        return ""
    word = raw[cword] if cword < len(raw) else ""
    return word[:1] if word[:1] in ("'", '"') else ""


def bash_quote(value: str) -> str:
    """A value as bash must be given it to insert it whole: bash puts the answer in place
    of the word being typed, as it is. In double quotes when the coach opened one, else as
    shlex quotes it ('Ana Lima'; a plain word stays plain)."""
    if _typed_quote() == '"':
        escaped = "".join("\\" + ch if ch in '\\"$`' else ch for ch in value)
        return f'"{escaped}"'
    return shlex.quote(value)


def for_shell(shell: str, items: list[Item], *, files_when_none: bool = False) -> str:
    """The completion answer in the form each shell's script reads (Typer's scripts)."""
    if shell == "bash":  # inserted as it is: quote what the shell would split or expand
        return "".join(f"{bash_quote(value)}\n" for value, _ in items)
    if shell == "zsh":
        if not items:
            return "_files" if files_when_none else ""
        specs = "\n".join(
            f'"{_zsh_escape(v)}":"{_zsh_escape(h)}"' if h else f'"{_zsh_escape(v)}"'
            for v, h in items
        )
        return f"_arguments '*: :(({specs}))'"
    # fish (and anything else): one value per line, a tab before its help
    return "".join(f"{v}\t{h}\n" if h else f"{v}\n" for v, h in items)


def case_blind(find: Callable[[Any, list[str], str], list[Any]]) -> Callable[..., list[Any]]:
    """A completion class's get_completions() that matches values whatever their case, as
    the fast path does (cli/main.py fits it to Typer's classes): Typer keeps only the values
    that start with the word exactly as typed, so when that finds nothing, every value is
    asked for and those that start with the word in any case are kept."""

    def get_completions(self: Any, args: list[str], incomplete: str) -> list[Any]:
        found = find(self, args, incomplete)
        if found or not incomplete or incomplete.startswith("-"):
            return found
        try:
            every = find(self, list(args), "")
        except Exception:
            return found
        folded = incomplete.casefold()
        return [item for item in every if str(item.value).casefold().startswith(folded)]

    return get_completions


def typer_callback(find: Callable[[str], list[Item]]) -> Callable[[str], list[Item]]:
    """A Typer autocompletion callback answering like the fast path (Typer keeps the values
    that start with what was typed; for bash, cli/main.py has Typer quote them)."""

    def complete(incomplete: str) -> list[Item]:
        return [(v, h or "") for v, h in find(incomplete)]

    return complete
