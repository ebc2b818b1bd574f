"""The designed alliance (seed 002 §1; seed 000 §3-4), as rules: its elements, which are
required, how a cadence is said, and which elements of an agreement are missing, empty or
past review. Pure: an agreement is anything with the attributes of models.Agreement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from coachlog.choices import CADENCE_DAYS
from coachlog.errors import InvalidInput
from coachlog.words import count

# The designed-alliance elements, in the order a coach discusses them, with their headings.
ELEMENTS: dict[str, str] = {
    "goals": "Goals",
    "confidentiality": "Confidentiality",
    "communication": "Communication",
    "logistics": "Logistics",
    "coach_responsibilities": "Coach responsibilities",
    "client_responsibilities": "Client responsibilities",
    "fees": "Fees",
    "conflicts_of_interest": "Conflicts of interest",
    "sponsor_reporting": "Sponsor reporting",
}
# What each element is for, shown in templates and prompts.
ELEMENT_HELP: dict[str, str] = {
    "goals": "What the client wants from the coaching, in their words.",
    "confidentiality": "What stays between us, and the limits of that.",
    "communication": "Channels and response times between sessions.",
    "logistics": "Medium, session length, rescheduling and cancellation.",
    "coach_responsibilities": "What I, the coach, commit to.",
    "client_responsibilities": "What the client commits to.",
    "fees": "Fees, invoicing, what happens with missed sessions.",
    "conflicts_of_interest": "Any conflict of interest ('none' is a valid answer).",
    "sponsor_reporting": "What, if anything, is reported to a sponsor.",
}
DATE_FIELDS = ("starts_on", "review_on", "ends_on")
# Required for a complete designed alliance (trust check 1). Sponsor reporting is optional:
# many clients pay for themselves.
REQUIRED = (
    "goals",
    "confidentiality",
    "communication",
    "logistics",
    "coach_responsibilities",
    "client_responsibilities",
    "fees",
    "conflicts_of_interest",
)
ALL_FIELDS = (*ELEMENTS, *DATE_FIELDS, "cadence_days", "status")


CADENCE_WORDS = {
    "daily": 1,
    "every day": 1,
    "weekly": 7,
    "every week": 7,
    "fortnightly": 14,
    "every fortnight": 14,
    "every other week": 14,
}
CADENCE_ACCEPTED = "a number of days (14), weekly, fortnightly, every 3 weeks, every 10 days"
_CADENCE = re.compile(r"^(?:every\s+)?(\d+)\s*(d|days?|w|wks?|weeks?)?$")


def read_cadence(text: str) -> int:
    """The agreed days between sessions, as a coach says it: 14, 14 days, weekly,
    fortnightly, every 3 weeks, every 10 days, 2w. Months are refused (they differ in
    length): say it in weeks."""
    said = " ".join(str(text).lower().split())
    days = CADENCE_WORDS.get(said)
    if days is None:
        match = _CADENCE.match(said)
        if match is None:
            hint = (
                "Months differ in length: say it in weeks, e.g. every 4 weeks."
                if "month" in said
                else None
            )
            raise InvalidInput(
                f"cadence: could not read '{text}'. Accepted: {CADENCE_ACCEPTED}.", hint=hint
            )
        days = int(match.group(1)) * (7 if (match.group(2) or "d").startswith("w") else 1)
    if not CADENCE_DAYS[0] <= days <= CADENCE_DAYS[1]:
        raise InvalidInput(
            f"cadence: {days} days is not between {CADENCE_DAYS[0]} and {CADENCE_DAYS[1]}."
        )
    return days


def nothing_new(base: dict[str, Any], values: dict[str, Any]) -> bool:
    """True when `values` says nothing that `base` (the previous version's values, or {}
    for a first agreement) did not already say: then no new version is worth making. For a
    first agreement a review date alone (the suggested +90d) is not an agreement."""
    keys = (*ELEMENTS, "cadence_days")
    if base:
        keys = (*keys, "review_on", "ends_on")

    def said(value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    return all(said(values.get(k)) == said(base.get(k)) for k in keys)


@dataclass(frozen=True)
class ElementCheck:
    field: str
    label: str
    status: str  # "ok" | "missing" | "past"
    detail: str


def check(agreement: Any, *, today: date, sponsor: str | None = None) -> list[ElementCheck]:
    """Which designed-alliance elements are missing, empty or past review. Sponsor
    reporting is required only when the client has a sponsor."""
    if agreement is None:
        return [ElementCheck("agreement", "Agreement", "missing", "no agreement recorded")]
    results = []
    if agreement.status != "active":
        results.append(
            ElementCheck(
                "status",
                "Status",
                "missing",
                f"version {agreement.version} is {agreement.status}, not active",
            )
        )
    for key in (*REQUIRED, "sponsor_reporting"):
        value = getattr(agreement, key)
        label = ELEMENTS[key]
        if value:
            results.append(ElementCheck(key, label, "ok", _first_line(value)))
        elif key == "sponsor_reporting" and not sponsor:
            results.append(ElementCheck(key, label, "ok", "not needed (no sponsor)"))
        elif key == "sponsor_reporting":
            results.append(ElementCheck(key, label, "missing", f"empty, and {sponsor} sponsors"))
        else:
            results.append(ElementCheck(key, label, "missing", "empty"))
    if agreement.review_on is None:
        results.append(ElementCheck("review_on", "Review date", "missing", "no review date set"))
    elif agreement.review_on < today:
        days = (today - agreement.review_on).days
        results.append(
            ElementCheck(
                "review_on",
                "Review date",
                "past",
                f"{agreement.review_on.isoformat()}, {count(days, 'day')} ago",
            )
        )
    else:
        results.append(
            ElementCheck("review_on", "Review date", "ok", agreement.review_on.isoformat())
        )
    if agreement.ends_on is not None and agreement.ends_on < today:
        results.append(
            ElementCheck("ends_on", "End date", "past", f"ended {agreement.ends_on.isoformat()}")
        )
    return results


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
