"""The interchange format (SPEC §6), both ways.

Writing: records as plain dicts in the format's field names, plus `id` and `client` (the
name) for --json. Reading: what each key holds, and every check on an import file that
needs no store (shape, keys, types, enums, ranges, duplicates); services/exchange.py does
the checks against the store and the writing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from coachlog.errors import InvalidInput
from coachlog.models import Agreement, Client, CoachingSession, Promise

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
STAMPS = ("created_at", "updated_at")


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


def public(
    record: dict[str, Any], *, id: int | None, client: Client | None = None
) -> dict[str, Any]:
    """A record for --json: `id` first, then `client` (the name) when tied to a client."""
    out: dict[str, Any] = {"id": id}
    if client is not None:
        out["client"] = client.name
    out.update(record)
    return out


def public_client(c: Client) -> dict[str, Any]:
    return public(client_record(c), id=c.id)


def public_agreement(a: Agreement, client: Client) -> dict[str, Any]:
    return public(agreement_record(a, client), id=a.id, client=client)


# --- The interchange format's field types (SPEC §6), used to validate an import ----------

TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "clients": (*CLIENT_KEYS, *STAMPS),
    "agreements": (*AGREEMENT_KEYS, *STAMPS),
    "sessions": (*SESSION_KEYS, *STAMPS),
    "promises": (*PROMISE_KEYS, *STAMPS),
}
# Keys a version-1 file may leave out (coachlog's later additions); every other key of a
# record must be present, null where the value is unknown.
OPTIONAL_KEYS = frozenset({"pitstop_every_sessions", "pitstop_every_weeks"})


@dataclass(frozen=True)
class Kind:
    """What one key holds: `type` is one of uid, text, name, zone, date, instant, int,
    bool, enum, tags, instants; `null` whether null is allowed."""

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
    from coachlog.models import (
        AGREEMENT_STATUSES,
        CLIENT_STATUSES,
        PROMISE_OWNERS,
        PROMISE_STATUSES,
        SESSION_KINDS,
    )

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
            "minutes": Kind("int", low=0, high=1440),
            "kind": Kind("enum", null=False, choices=SESSION_KINDS),
            "notes": TEXT,
            "themes": Kind("tags", null=False),
            "trust_pulse": Kind("int", low=1, high=5),
            "reflection": TEXT,
            "private": Kind("bool", null=False),
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
    if t == "bool" and type(v) is not bool:
        raise BadValue(f"must be true or false (got {_shown(v)})")
    if t == "tags":
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise BadValue(f"must be a list of strings (got {_shown(v)})")
        if any("\x00" in x for x in v):
            raise BadValue("contains a NUL character")
        return list(v)
    if t == "instants":
        if not isinstance(v, list):
            raise BadValue(f"must be a list of date-times (got {_shown(v)})")
        try:
            return [value(_instant(x)) for x in v]
        except BadValue as exc:
            raise BadValue(f"holds a bad date-time: {exc}") from None
    return v


# --- Reading a whole file: everything that can be checked without the store ---------------

FORMAT = "coachlog"
VERSION = 1
TABLES = ("clients", "agreements", "sessions", "promises")
TOP_KEYS = ("format", "version", "exported_at", *TABLES)


class Problems:
    """Everything wrong with a file, gathered so the coach can fix it in one go."""

    SHOWN = 12

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, key: str | None, message: str) -> None:
        self.items.append(f"{where}, {key}: {message}" if key else f"{where}: {message}")

    def raise_if_any(self, name: str) -> None:
        if not self.items:
            return
        shown = self.items[: self.SHOWN]
        more = len(self.items) - len(shown)
        lines = "\n".join(f"  {line}" for line in shown)
        tail = f"\n  … and {more} more" if more else ""
        raise InvalidInput(
            f"{name} cannot be imported; nothing was written.\n{lines}{tail}",
            hint="Fix the file and import it again (the format: docs/interchange.md).",
        )


def _label(table: str, i: int, raw: Any) -> str:
    uid = raw.get("uid") if isinstance(raw, dict) else None
    if isinstance(uid, str) and uid:
        return f"{table}[{i}] (uid {uid[:8]}…)"
    return f"{table}[{i}]"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in pairs:
        if key in out:
            raise ValueError(f"the key {json.dumps(key)} appears twice in one object")
        out[key] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse(raw: bytes, *, name: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{name} is not UTF-8 text (byte {exc.start}); nothing was imported.",
            hint="coachlog import reads the JSON that 'coachlog export --format json' writes.",
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "nothing was imported.",
            hint="coachlog import reads the JSON that 'coachlog export --format json' writes.",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{name} is not valid JSON: {exc}; nothing was imported.") from None


@dataclass
class Checked:
    """A file that passed every check that needs no store: per table, (label, values) with
    values in Python types, keyed by the interchange names present in the file."""

    tables: dict[str, list[tuple[str, dict[str, Any]]]]


def check_document(doc: Any, *, name: str) -> Checked:
    """Everything that can be checked from the file alone: shape, keys, types, enums,
    ranges, duplicate uids and names, references inside the file."""
    problems = Problems()
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(
            f'{name} is not a coachlog export (no "format": "coachlog"); nothing was imported.',
            hint="coachlog import reads the JSON that 'coachlog export --format json' writes.",
        )
    if doc.get("version") != VERSION:
        raise InvalidInput(
            f"{name} is in format version {json.dumps(doc.get('version'))}; this coachlog "
            f"reads version {VERSION}. Nothing was imported.",
            hint="A newer file needs a newer coachlog: upgrade it, then import again.",
        )
    for key in doc:
        if key not in TOP_KEYS:
            problems.add("the file", key, f"unknown key (accepted: {', '.join(TOP_KEYS)})")
    if "exported_at" in doc:
        try:
            read_value(STAMP, doc["exported_at"])
        except BadValue as exc:
            problems.add("the file", "exported_at", str(exc))
    tables: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for table in TABLES:
        items = doc.get(table, [])
        if not isinstance(items, list):
            problems.add("the file", table, "must be a list of records")
            items = []
        tables[table] = _check_table(table, items, problems)
    _check_within(tables, problems)
    problems.raise_if_any(name)
    return Checked(tables)


def _check_table(table: str, items: list[Any], problems: Problems) -> list[tuple[str, Any]]:
    kinds = KINDS[table]
    out: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(items):
        where = _label(table, i, raw)
        if not isinstance(raw, dict):
            problems.add(where, None, "must be an object")
            continue
        values: dict[str, Any] = {}
        for key in raw:
            if key not in kinds:
                problems.add(where, key, "unknown key")
        for key, kind in kinds.items():
            if key not in raw:
                if key not in OPTIONAL_KEYS:
                    problems.add(where, key, "missing (write null if unknown)")
                continue
            try:
                values[key] = read_value(kind, raw[key])
            except BadValue as exc:
                problems.add(where, key, str(exc))
        uid = values.get("uid")
        if uid is not None:
            if uid in seen:
                problems.add(where, "uid", f"also used by {seen[uid]}")
            seen[uid] = f"{table}[{i}]"
        name = values.get("name")
        if table == "clients" and isinstance(name, str) and name.strip().isdigit():
            problems.add(where, "name", "is only digits; numbers refer to client ids")
        out.append((where, values))
    return out


def _check_within(tables: dict[str, list[tuple[str, Any]]], problems: Problems) -> None:
    names: dict[str, str] = {}
    for where, v in tables["clients"]:
        folded = str(v.get("name", "")).casefold()
        if folded and folded in names:
            problems.add(
                where, "name", f"{json.dumps(v['name'])} is also the name of {names[folded]}"
            )
        names.setdefault(folded, where)
    versions: dict[tuple[Any, Any], str] = {}
    for where, v in tables["agreements"]:
        key = (v.get("client_uid"), v.get("version"))
        if None not in key and key in versions:
            problems.add(
                where, "version", f"client already has version {key[1]} in {versions[key]}"
            )
        versions.setdefault(key, where)
