"""One error hierarchy. Every error a user can cause is a CoachlogError; the root command
turns it into a message on stderr and its exit status (1 user error, 2 usage error)."""

from __future__ import annotations


class CoachlogError(Exception):
    """A problem the user can fix: bad input, a missing record, a locked store."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CoachlogError):
    """The command line itself is wrong (a missing flag, two flags that exclude each other)."""

    exit_code = 2


class NotFound(CoachlogError):
    """No record matches what the user typed."""


class Ambiguous(CoachlogError):
    """A name prefix matches several clients."""


class InvalidInput(CoachlogError):
    """A value was read but is not acceptable (a date, a number out of range, a bad file)."""


class StoreError(CoachlogError):
    """The store cannot be opened or written: permissions, a full disk, a newer schema."""


class Cancelled(CoachlogError):
    """The user cancelled (an unchanged editor template, 'no' at a confirmation)."""

    exit_code = 1
