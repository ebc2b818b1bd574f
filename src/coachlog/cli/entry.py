"""The `coachlog` executable. Client-name completion runs on every Tab press, so it is
answered here, before Typer and its parameter machinery are even imported; so is the plain
`promises due`, which a coach runs many times a day (coachlog.cli.fastpath, off with
COACHLOG_NO_FASTPATH=1). Everything else goes to the real command line in coachlog.cli.main."""

from __future__ import annotations

import os
import shlex
import sys

# Commands whose first argument is a CLIENT. tests/test_completion.py checks this table
# against the commands themselves, so it cannot drift.
CLIENT_FIRST = {
    ("client", "show"), ("client", "edit"), ("client", "close"), ("client", "reopen"),
    ("client", "forget"),
    ("agreement", "new"), ("agreement", "show"), ("agreement", "list"), ("agreement", "check"),
    ("session", "new"),
    ("promises", "add"), ("promise", "add"),
    ("pitstop",), ("prep",), ("trust",), ("export",),
}  # fmt: skip
CLIENT_OPTIONS = {"--client", "-c"}
GLOBAL_OPTIONS = {"--db", "--tz"}


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:  # an unclosed quote while typing a name
        return shlex.split(line + '"') if line.count('"') % 2 else line.split()


def client_completion_request() -> tuple[str, str | None] | None:
    """(incomplete, --db value) when the word being completed is a client, else None."""
    mode = os.environ.get("_COACHLOG_COMPLETE")
    if mode == "complete_bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        try:
            cword = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            return None
        args, incomplete = words[1:cword], words[cword] if cword < len(words) else ""
    elif mode == "complete_zsh":
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = _split(line)
        if line.endswith(" ") or not words[1:]:
            args, incomplete = words[1:], ""
        else:
            args, incomplete = words[1:-1], words[-1]
    else:
        return None
    db = None
    while len(args) >= 2 and args[0] in GLOBAL_OPTIONS:
        if args[0] == "--db":
            db = args[1]
        args = args[2:]
    if args and args[-1] in CLIENT_OPTIONS:
        return incomplete, db
    if tuple(args) in CLIENT_FIRST and not incomplete.startswith("-"):
        return incomplete, db
    return None


def fast_complete() -> bool:
    request = client_completion_request()
    if request is None:
        return False
    from coachlog.cli.complete import client_names, store_path

    incomplete, db = request
    names = client_names(incomplete, store_path(db))
    if os.environ["_COACHLOG_COMPLETE"] == "complete_bash":
        sys.stdout.write("".join(f"{name}\n" for name in names))
    elif names:
        quoted = "\n".join(
            '"'
            + n.replace('"', '""')
            .replace("'", "''")
            .replace("$", "\\$")
            .replace("`", "\\`")
            .replace(":", r"\\:")
            + '"'
            for n in names
        )
        sys.stdout.write(f"_arguments '*: :(({quoted}))'")
    else:
        sys.stdout.write("_files")
    return True


def fast_read(args: list[str]) -> int | None:
    """The exit status of `promises due` answered without Typer or the ORM, or None when
    the normal command line should answer (see coachlog.cli.fastpath)."""
    if "due" not in args or os.environ.get("COACHLOG_NO_FASTPATH"):
        return None
    from coachlog.cli.fastpath.due import run as run_due

    return run_due(args)


def run() -> None:
    if "_COACHLOG_COMPLETE" in os.environ:
        if fast_complete():
            sys.exit(0)
    else:
        from coachlog.cli.signals import exit_cleanly_on_signals

        exit_cleanly_on_signals()
        from coachlog.cli.today import footer, today_args

        today = today_args(sys.argv[1:])
        code = fast_read(today or sys.argv[1:])
        if code is not None:
            if today is not None and code == 0:
                footer()
            sys.exit(code)
    from coachlog.cli.main import run as main_run

    main_run()
