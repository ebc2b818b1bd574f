"""The interchange format's field types (SPEC §6, docs/interchange.md): what each key of an
imported record holds, and reading one value into its Python type or saying, in words, what
is wrong with it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from coachlog.domain.limits import MINUTES
from coachlog.records import (
    AGREEMENT_KEYS,
    CLIENT_KEYS,
    LEARNING_KEYS,
    PROMISE_KEYS,
    SESSION_KEYS,
    STAMPS,
    hours_value,
    value,
)

TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "clients": (*CLIENT_KEYS, *STAMPS),
    "agreements": (*AGREEMENT_KEYS, *STAMPS),
    "sessions": (*SESSION_KEYS, *STAMPS),
    "promises": (*PROMISE_KEYS, *STAMPS),
    "learning": (*LEARNING_KEYS, *STAMPS),
}
# Keys a file may leave out, and the value a new record then takes (a record already in the
# store keeps its own): coachlog's additions to version 1 (the pit-stop rhythm) and the keys
# version 2 added, so that a version-1 file imports as held, one-to-one, counting, paid and
# not asked (SPEC §9). Every other key of a record must be present, null where unknown.
DEFAULTS: dict[str, dict[str, Any]] = {
    "clients": {
        "pitstop_every_sessions": None,
        "pitstop_every_weeks": None,
        "payment": "paid",
        "icf_consent": None,
        "icf_consent_note": None,
    },
    "sessions": {"status": "held", "group_size": 1, "counts_for_icf": True},
}
OPTIONAL_KEYS = frozenset(DEFAULTS["clients"])


@dataclass(frozen=True)
class Kind:
    """What one key holds: `type` is one of uid, text, name, zone, date, instant, int,
    bool, enum, tags, instants, hours; `null` whether null is allowed."""

    type: str
    null: bool = True
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


UID = Kind("uid", null=False)
TEXT = Kind("text")
DATE = Kind("date")
STAMP = Kind("instant", null=False)


def _kinds() -> dict[str, dict[str, Kind]]:
    from coachlog.choices import (  # not models: `coachlog schema` loads no ORM
        AGREEMENT_STATUSES,
        CLIENT_STATUSES,
        CONSENTS,
        LEARNING_CATEGORIES,
        PAYMENTS,
        PROMISE_OWNERS,
        PROMISE_STATUSES,
        SESSION_KINDS,
        SESSION_STATUSES,
    )
    from coachlog.domain.credentials import GROUP_SIZES

    stamps = {"created_at": STAMP, "updated_at": STAMP}
    return {
        "clients": {
            "uid": UID,
            "name": Kind("name", null=False, high=200),
            **{k: TEXT for k in ("email", "phone", "pronouns", "preferred_channel")},
            "timezone": Kind("zone"),
            "status": Kind("enum", null=False, choices=CLIENT_STATUSES),
            "started_on": DATE,
            "ended_on": DATE,
            **{k: TEXT for k in ("communication_style", "context", "sponsor")},
            "pitstop_every_sessions": Kind("int", low=1, high=1000),
            "pitstop_every_weeks": Kind("int", low=1, high=1000),
            "payment": Kind("enum", null=False, choices=PAYMENTS),
            "icf_consent": Kind("enum", choices=CONSENTS),
            "icf_consent_note": TEXT,
            **stamps,
        },
        "agreements": {
            "uid": UID,
            "client_uid": UID,
            "version": Kind("int", null=False, low=1, high=100_000),
            "status": Kind("enum", null=False, choices=AGREEMENT_STATUSES),
            "starts_on": DATE,
            "review_on": DATE,
            "ends_on": DATE,
            **{k: TEXT for k in AGREEMENT_KEYS[7:] if k != "cadence_days"},
            "cadence_days": Kind("int", low=1, high=365),
            **stamps,
        },
        "sessions": {
            "uid": UID,
            "client_uid": UID,
            "held_at": STAMP,
            "minutes": Kind("int", low=MINUTES[0], high=MINUTES[1]),
            "kind": Kind("enum", null=False, choices=SESSION_KINDS),
            "notes": TEXT,
            "themes": Kind("tags", null=False),
            "trust_pulse": Kind("int", low=1, high=5),
            "reflection": TEXT,
            "private": Kind("bool", null=False),
            "status": Kind("enum", null=False, choices=SESSION_STATUSES),
            "group_size": Kind("int", null=False, low=GROUP_SIZES[0], high=GROUP_SIZES[1]),
            "counts_for_icf": Kind("bool", null=False),
            **stamps,
        },
        "promises": {
            "uid": UID,
            "client_uid": UID,
            "session_uid": Kind("uid"),
            "owner": Kind("enum", null=False, choices=PROMISE_OWNERS),
            "text": Kind("name", null=False),
            "made_at": STAMP,
            "due_at": STAMP,
            "status": Kind("enum", null=False, choices=PROMISE_STATUSES),
            "closed_at": Kind("instant"),
            "note": TEXT,
            "repair": TEXT,
            "due_history": Kind("instants", null=False),
            **stamps,
        },
        "learning": {
            "uid": UID,
            "title": Kind("name", null=False, high=500),
            "hours": Kind("hours", null=False),
            "category": Kind("enum", null=False, choices=LEARNING_CATEGORIES),
            "ethics": Kind("bool", null=False),
            "completed_on": Kind("date", null=False),
            "provider": TEXT,
            "proof": TEXT,
            **stamps,
        },
    }


KINDS = _kinds()


class BadValue(ValueError):
    """One value of an imported record is not what its key holds (message is user-facing)."""


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ISO 8601 date-time with a zone offset (RFC 3339 profile): what export writes, plus Z and
# fractions of a second, which other tools write.
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})")
_ZONES: dict[str, bool] = {}


def _shown(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _instant(v: Any) -> datetime:
    if not isinstance(v, str) or not _INSTANT.fullmatch(v):
        raise BadValue(
            f"must be an ISO 8601 date-time with offset, e.g. 2026-11-20T15:00:00+00:00 "
            f"(got {_shown(v)})"
        )
    text = v[:-1] + "+00:00" if v.endswith("Z") else v
    if "." in text:  # fromisoformat takes at most 6 digits of fraction
        head, rest = text.split(".", 1)
        digits = re.match(r"\d+", rest).group()  # type: ignore[union-attr]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits) :]}"
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadValue(f"is not a real date and time (got {_shown(v)})") from None


def _hours(v: Any) -> int | float:
    """Learning hours: a number of hours in hundredths (1.5, 0.25), as export writes it."""
    from decimal import Decimal

    from coachlog.domain.credentials import LEARNING_CENTIHOURS, units_text

    low, high = LEARNING_CENTIHOURS
    if type(v) not in (int, float):
        raise BadValue(f"must be a number of hours, e.g. 1.5 (got {_shown(v)})")
    scaled = Decimal(repr(v)) * 100 if isinstance(v, float) else Decimal(v) * 100
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise BadValue(f"must be hours in hundredths at most, e.g. 1.25 (got {_shown(v)})")
    if not low <= int(scaled) <= high:
        raise BadValue(
            f"must be between {units_text(low)} and {units_text(high)} hours (got {_shown(v)})"
        )
    return hours_value(int(scaled))


def _text_only(v: str) -> None:
    """A lone surrogate (JSON can write one, "\\ud800") is not text: no store or terminal can
    take it, so the record and key are named here rather than a crash later."""
    from coachlog.textin import escaped, first_surrogate

    bad = first_surrogate(v)
    if bad is not None:
        raise BadValue(
            f"holds a lone surrogate ({escaped(bad)}), which is not a character: "
            "write the text it stood for"
        )


def read_value(kind: Kind, v: Any) -> Any:
    """The Python value of one key of an imported record, or BadValue saying what is wrong."""
    if v is None:
        if kind.null:
            return None
        raise BadValue("is required (got null)")
    t = kind.type
    if t in ("uid", "text", "name", "zone", "enum") and not isinstance(v, str):
        raise BadValue(f"must be a string (got {_shown(v)})")
    if isinstance(v, str) and "\x00" in v:
        raise BadValue("contains a NUL character")
    if isinstance(v, str):
        _text_only(v)
    if t == "uid" and not _UUID.fullmatch(v):
        raise BadValue(
            f"must be a lowercase UUID like 3f2b9c1e-8d4a-4c1b-9e2f-5a6b7c8d9e0f (got {_shown(v)})"
        )
    if t == "name" and not v.strip():
        raise BadValue("must not be empty")
    if t == "name" and kind.high is not None and len(v) > kind.high:
        raise BadValue(f"is longer than {kind.high} characters")
    if t == "zone":
        if v not in _ZONES:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(v)
                _ZONES[v] = True
            except (ValueError, KeyError, OSError):
                _ZONES[v] = False
        if not _ZONES[v]:
            raise BadValue(f"is not an IANA time zone such as Europe/Lisbon (got {_shown(v)})")
    if t == "enum" and v not in kind.choices:
        raise BadValue(f"must be one of {', '.join(kind.choices)} (got {_shown(v)})")
    if t == "date":
        if not isinstance(v, str) or not _DATE.fullmatch(v):
            raise BadValue(f"must be a date YYYY-MM-DD (got {_shown(v)})")
        try:
            return date.fromisoformat(v)
        except ValueError:
            raise BadValue(f"is not a real date (got {_shown(v)})") from None
    if t == "instant":
        return _instant(v)
    if t == "int":
        # JSON true/false are ints to Python; 60.0 is not a whole number to a person reading
        # the file either, so both are refused.
        if type(v) is not int:
            raise BadValue(f"must be a whole number (got {_shown(v)})")
        if (kind.low is not None and v < kind.low) or (kind.high is not None and v > kind.high):
            raise BadValue(f"must be between {kind.low} and {kind.high} (got {v})")
    if t == "hours":
        return _hours(v)
    if t == "bool" and type(v) is not bool:
        raise BadValue(f"must be true or false (got {_shown(v)})")
    if t == "tags":
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise BadValue(f"must be a list of strings (got {_shown(v)})")
        if any("\x00" in x for x in v):
            raise BadValue("contains a NUL character")
        for x in v:
            _text_only(x)
        return list(v)
    if t == "instants":
        if not isinstance(v, list):
            raise BadValue(f"must be a list of date-times (got {_shown(v)})")
        try:
            return [value(_instant(x)) for x in v]
        except BadValue as exc:
            raise BadValue(f"holds a bad date-time: {exc}") from None
    return v
