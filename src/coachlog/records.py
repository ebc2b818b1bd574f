"""Records as plain dicts in the interchange format's field names (SPEC §6): what export
writes; render/shapes.py adds `id` and `client` (the name) for every --json. Reading an
interchange file and checking it is services/interchange.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the reads' --json uses these records without loading the ORM
    from coachlog.kinds import Agreement, Client, CoachingSession, Learning, Promise

CLIENT_KEYS = (
    "uid",
    "name",
    "email",
    "phone",
    "pronouns",
    "timezone",
    "status",
    "started_on",
    "ended_on",
    "preferred_channel",
    "communication_style",
    "context",
    "sponsor",
    # coachlog's own addition to format version 1: the client's pit-stop rhythm (SPEC §4).
    "pitstop_every_sessions",
    "pitstop_every_weeks",
    # version 2: the ICF coaching log (SPEC §9)
    "payment",
    "icf_consent",
    "icf_consent_note",
)
AGREEMENT_KEYS = (
    "uid",
    "client_uid",
    "version",
    "status",
    "starts_on",
    "review_on",
    "ends_on",
    "goals",
    "confidentiality",
    "communication",
    "logistics",
    "cadence_days",
    "coach_responsibilities",
    "client_responsibilities",
    "fees",
    "conflicts_of_interest",
    "sponsor_reporting",
)
SESSION_KEYS = (
    "uid",
    "client_uid",
    "held_at",
    "minutes",
    "kind",
    "notes",
    "themes",
    "trust_pulse",
    "reflection",
    "private",
    # version 2 (SPEC §4a, §9)
    "status",
    "group_size",
    "counts_for_icf",
)
PROMISE_KEYS = (
    "uid",
    "client_uid",
    "session_uid",
    "owner",
    "text",
    "made_at",
    "due_at",
    "status",
    "closed_at",
    "note",
    "repair",
    "due_history",
)
# The continuing-education log (version 2, SPEC §9): not tied to a client.
LEARNING_KEYS = (
    "uid",
    "title",
    "hours",
    "category",
    "ethics",
    "completed_on",
    "provider",
    "proof",
)
STAMPS = ("created_at", "updated_at")
FORMAT = "coachlog"
VERSION = 2
VERSIONS = (1, 2)  # the versions import reads
# The file's lists, parents first.
TABLES = ("clients", "agreements", "sessions", "promises", "learning")


def value(v: Any) -> Any:
    """Instants as ISO 8601 with offset (UTC, seconds), dates as YYYY-MM-DD."""
    if isinstance(v, datetime):
        return v.replace(microsecond=0).isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list):
        return list(v)
    return v


def _pick(obj: Any, keys: tuple[str, ...], extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in (*keys, *STAMPS):
        out[key] = value(extra[key] if key in extra else getattr(obj, key))
    return out


def client_record(c: Client) -> dict[str, Any]:
    return _pick(c, CLIENT_KEYS, {})


def agreement_record(a: Agreement, client: Client) -> dict[str, Any]:
    return _pick(a, AGREEMENT_KEYS, {"client_uid": client.uid})


def session_record(s: CoachingSession, client: Client) -> dict[str, Any]:
    return _pick(s, SESSION_KEYS, {"client_uid": client.uid})


def promise_record(p: Promise, client: Client, session_uid: str | None) -> dict[str, Any]:
    return _pick(p, PROMISE_KEYS, {"client_uid": client.uid, "session_uid": session_uid})


def hours_value(centihours: int) -> int | float:
    """Hundredths of an hour as the JSON number a person writes: 2, 1.5, 0.75."""
    whole, rest = divmod(centihours, 100)
    return whole if not rest else float(f"{whole}.{rest:02d}")


def learning_record(entry: Learning) -> dict[str, Any]:
    return _pick(entry, LEARNING_KEYS, {"hours": hours_value(entry.centihours)})
