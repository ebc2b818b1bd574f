"""Every field's limits and vocabularies, written once (the numbers in choices.py, which
the settings read too): the command-line options, the
editor templates, the prompts, the import's validation and the services all read them
here, so `session new --minutes 0`, a template's `Minutes: 0` and an imported `"minutes": 0`
are refused alike."""

from __future__ import annotations

from coachlog.choices import (  # noqa: F401  (the limits, re-exported with their checks)
    CADENCE_DAYS,
    MINUTES,
    PROMISE_STATUSES,
    SESSION_KINDS,
    TRUST_PULSE,
)
from coachlog.errors import InvalidInput

DEFAULT_MINUTES = 60


def within(value: int, limits: tuple[int, int]) -> bool:
    low, high = limits
    return low <= value <= high


def kind_of(value: str) -> str:
    """A session kind, or a unique prefix of one ("pit" -> "pitstop")."""
    v = (value or "").strip().lower()
    if v in SESSION_KINDS:
        return v
    matches = [k for k in SESSION_KINDS if v and k.startswith(v)]
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(f"kind must be one of: {', '.join(SESSION_KINDS)} (got '{value}').")


def check_status(status: str | None) -> str | None:
    """A promise status as typed (any case), or None."""
    if status is None:
        return None
    value = status.strip().lower()
    if value not in PROMISE_STATUSES:
        raise InvalidInput(
            f"status must be one of: {', '.join(PROMISE_STATUSES)} (got '{status}')."
        )
    return value
