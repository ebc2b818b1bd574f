"""Bare `coachlog`: today's view (SPEC §2a). What is due, as `promises due` shows it, the
sessions planned for today and tomorrow, then one line on where help is; exit status 0, so
`coachlog | less` shows something.

It is `promises due` run with a hidden option, TODAY, that adds the planned sessions below
the promises: one command, one read of the store."""

from __future__ import annotations

import os

GLOBAL_OPTIONS = ("--db", "--tz")
TODAY = "--today-view"


def today_args(args: list[str]) -> list[str] | None:
    """The command line of today's view when `args` names no command (only --db/--tz, if
    anything), else None."""
    if "_COACHLOG_COMPLETE" in os.environ:  # shell completion runs coachlog with no words
        return None
    i = 0
    while i < len(args) and args[i].split("=", 1)[0] in GLOBAL_OPTIONS:
        i += 1 if "=" in args[i] else 2
    if i < len(args) or i > len(args):  # a command, or an option without its value
        return None
    return [*args, "promises", "due", TODAY]


def footer() -> None:
    from coachlog.render.messages import say

    say(("All commands: coachlog --help  ·  after a call: coachlog session new", "muted"))
