"""The `coachlog` executable. Client-name completion runs on every Tab press, so it is
answered here, before Typer and its parameter machinery are even imported. Everything else
goes to the command line in coachlog.cli.main, whose root group imports only the command
that runs (and whose reads need no ORM: coachlog.queries)."""

from __future__ import annotations

import os
import sys

# Commands whose first argument is a CLIENT. tests/test_completion.py checks this table
# against the commands themselves, so it cannot drift.
CLIENT_FIRST = {
    ("client", "show"), ("client", "edit"), ("client", "close"), ("client", "reopen"),
    ("client", "forget"),
    ("agreement", "new"), ("agreement", "show"), ("agreement", "list"), ("agreement", "check"),
    ("session", "new"), ("session", "plan"),
    ("promises", "add"), ("promise", "add"),
    ("pitstop",), ("prep",), ("trust",), ("export",),
}  # fmt: skip
CLIENT_OPTIONS = {"--client", "-c"}
GLOBAL_OPTIONS = {"--db", "--tz"}


def _split(line: str) -> list[str]:
    """The words of a command line being typed; an unclosed quote (a name being typed as
    'Ana Li) closes at the end."""
    import shlex  # here, not above: its patterns cost every command ~4 ms to compile

    try:
        return shlex.split(line)
    except ValueError:
        for quote in ("'", '"'):
            try:
                return shlex.split(line + quote)
            except ValueError:
                continue
        return line.split()


def _shell_words() -> tuple[str, list[str], str] | None:
    """(shell, the words before the one being completed, that word) from Typer's variables."""
    mode = os.environ.get("_COACHLOG_COMPLETE", "")
    if mode == "complete_bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        try:
            cword = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            return None
        return "bash", words[1:cword], words[cword] if cword < len(words) else ""
    if mode in ("complete_zsh", "complete_fish"):
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = _split(line)
        if line.endswith(" ") or not words[1:]:
            return mode[9:], words[1:], ""
        return mode[9:], words[1:-1], words[-1]
    return None


def completion_request() -> tuple[str, str, str, str | None, tuple[str, ...]] | None:
    """(shell, what, incomplete, --db value, command) when the word being completed is one
    the fast path answers: "client", "promise", "session" or "choice"; else None."""
    found = _shell_words()
    if found is None:
        return None
    shell, args, incomplete = found
    db = None
    while len(args) >= 2 and args[0] in GLOBAL_OPTIONS:
        if args[0] == "--db":
            db = args[1]
        args = args[2:]
    from coachlog.cli.complete import PROMISE_FIRST, SESSION_FIRST, option_choices

    command = tuple(a for a in args[:2] if not a.startswith("-"))
    if args and args[-1] in CLIENT_OPTIONS:
        return shell, "client", incomplete, db, command
    if args and args[-1].startswith("-") and option_choices(command, args[-1]) is not None:
        return shell, "choice:" + args[-1], incomplete, db, command
    if incomplete.startswith("-"):
        return None
    if tuple(args) in CLIENT_FIRST:
        return shell, "client", incomplete, db, command
    if tuple(args) in PROMISE_FIRST:
        return shell, "promise", incomplete, db, command
    if tuple(args) in SESSION_FIRST:
        return shell, "session", incomplete, db, command
    return None


def fast_complete() -> bool:
    """Answer the completion here, without Typer, when it is about the store or a choice.
    Fish asks twice per Tab with Typer's own script ("is-args", then "get-args"); both are
    answered here, and coachlog's fish script asks once (cli/main.py)."""
    request = completion_request()
    if request is None:
        return False
    from coachlog.cli import complete

    shell, what, incomplete, db, command = request
    path = complete.store_path(db)
    if what == "client":
        items: list[complete.Item] = [(n, None) for n in complete.client_names(incomplete, path)]
    elif what == "promise":
        items = complete.promise_ids(incomplete, path, which=complete.PROMISE_FIRST[command])
    elif what == "session":
        items = complete.session_ids(incomplete, path)
    else:
        values = complete.option_choices(command, what.split(":", 1)[1]) or ()
        items = complete.choices(values, incomplete)
    if shell == "fish" and os.environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        sys.exit(0 if items else 1)
    sys.stdout.write(complete.for_shell(shell, items, files_when_none=what == "client"))
    return True


def run() -> None:
    if "_COACHLOG_COMPLETE" in os.environ and fast_complete():
        sys.exit(0)
    from coachlog.cli.main import run as main_run

    main_run()
