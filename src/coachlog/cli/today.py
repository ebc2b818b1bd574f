"""Bare `coachlog`: today's view (SPEC §2a). What is due, as `promises due` shows it, then
one line on where help is; exit status 0, so `coachlog | less` shows something.

(Sessions planned for today and tomorrow join this view once planned sessions exist,
issue 16.)"""

from __future__ import annotations

import os

GLOBAL_OPTIONS = ("--db", "--tz")


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
    return [*args, "promises", "due"]


def footer() -> None:
    from coachlog.render.messages import say

    say(("All commands: coachlog --help  ·  after a call: coachlog session new", "muted"))
