"""Whether this command has saved anything yet. A write transaction that committed is
counted here, so that a failure afterwards (the confirmation cannot be printed, an
unexpected error, Ctrl-C) is reported as what it is: the records were saved (SPEC §7).
One command runs per process; cli/main.py resets the count at the start of each run."""

from __future__ import annotations

_commits = 0


def note_commit() -> None:
    global _commits
    _commits += 1


def anything_saved() -> bool:
    return _commits > 0


def reset() -> None:
    global _commits
    _commits = 0
