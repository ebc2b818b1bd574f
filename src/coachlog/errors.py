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


class TemplateProblems(InvalidInput):
    """Every problem found in a filled-in template, at once, each with the number of its line
    in the text that was read (None: not about one line). The editor shows them all on top of
    the reopened file, renumbered to the lines the editor shows."""

    def __init__(self, problems: list[tuple[int | None, str]], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(describe_problems(self.problems), hint=hint)


def problem_line(line: int | None, message: str) -> str:
    return f"Line {line}: {message}" if line is not None else message


def describe_problems(problems: list[tuple[int | None, str]]) -> str:
    if len(problems) == 1:
        return problem_line(*problems[0])
    listed = "\n".join("  " + problem_line(n, m).replace("\n", "\n    ") for n, m in problems)
    return f"{len(problems)} problems in the text:\n{listed}"


class Problems:
    """Collects a template's problems while it is read, so that all are reported together."""

    def __init__(self) -> None:
        self.found: list[tuple[int | None, str]] = []
        self.hints: list[str] = []

    def add(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.found.append((line, message))
        if hint and hint not in self.hints:
            self.hints.append(hint)

    def check(self) -> None:
        """Raise TemplateProblems when anything was found."""
        if self.found:
            raise TemplateProblems(self.found, hint=" ".join(self.hints) or None)
