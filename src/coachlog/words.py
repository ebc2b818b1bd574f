"""The words coachlog puts around numbers, durations and people, in one place: plurals
("1 session", "2 sessions"), spans of time ("13 hours", "2 days"), and a client's pronouns.

Pure functions on plain values: no database, Rich or Typer, so every screen, rule and
export says the same thing the same way."""

from __future__ import annotations

from dataclasses import dataclass

# Nouns whose plural is not the noun + "s".
_IRREGULAR = {
    "match": "matches",
    "summary": "summaries",
    "client summary": "client summaries",
    "was": "were",
    "is": "are",
    "needs": "need",
    "has": "have",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    """The word for `n` of them, without the number: plural(1, "session") == "session"."""
    if n == 1:
        return one
    return many or _IRREGULAR.get(one) or one + "s"


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 session', '2 sessions', '0 promises'."""
    return f"{n} {plural(n, one, many)}"


_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))


def span(seconds: float) -> str:
    """A length of time in its largest whole unit, rounded down: '13 hours', '1 day',
    '2 days', '5 minutes' (never less than '1 minute'). The one wording of durations:
    'overdue by 13 hours', '13 hours late', '#4 is overdue by 13 hours'."""
    secs = int(abs(seconds))
    for size, unit in _UNITS:
        if secs >= size:
            return count(secs // size, unit)
    return count(1, "minute")


def window(seconds: float) -> str:
    """A window ahead, for 'due within …': '7 days', '1 day', '48 hours', '30 minutes'.
    Unlike span() it keeps the unit the window is a whole number of (48 hours stays 48
    hours rather than becoming 2 days), so it reads as what was asked for."""
    secs = int(seconds)
    for size, unit in _UNITS:
        if secs >= size and secs % size == 0:
            return count(secs // size, unit)
    return count(max(1, secs // 60), "minute")


def times(n: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(n, count(n, "time"))


@dataclass(frozen=True)
class Pronouns:
    subject: str  # "she" ("could she see …")
    object: str  # "her" ("what progress means to her")


THEY = Pronouns("they", "them")
_KNOWN = {
    "she": Pronouns("she", "her"),
    "he": Pronouns("he", "him"),
    "they": THEY,
    "her": Pronouns("she", "her"),
    "him": Pronouns("he", "him"),
    "them": THEY,
}


def pronouns(recorded: str | None) -> Pronouns:
    """The pronouns to write about a client, from what the coach recorded: 'she/her',
    'He/Him', 'they', 'xe/xem'. Anything that does not name them ('any', 'ask', blank)
    is 'they/them'. Only forms whose grammar does not change with the pronoun are used
    ("could she see", "to her"), so unusual pronouns stay correct."""
    text = (recorded or "").strip().lower()
    parts = [p for p in text.replace(",", "/").replace(" ", "/").split("/") if p]
    if not parts:
        return THEY
    first = parts[0]
    if first in _KNOWN:
        return _KNOWN[first]
    if len(parts) >= 2 and first.isalpha() and parts[1].isalpha() and first not in ("any",):
        return Pronouns(first, parts[1])
    return THEY
