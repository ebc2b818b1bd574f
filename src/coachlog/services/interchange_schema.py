"""The interchange format as a JSON Schema, draft 2020-12 (SPEC §6): `coachlog schema`
prints it, docs/interchange.md is generated from it (scripts/gen_docs.py), and the tests
validate every export against it.

It is built from the same table of keys that import checks a file with
(interchange_fields.KINDS and DEFAULTS), so the schema cannot say something import does
not. A few rules need the store or the whole file (a client_uid names a client, uids are
unique, names are unique ignoring case); those are import's alone, and are said in the
descriptions."""

from __future__ import annotations

from typing import Any

from coachlog.records import FORMAT, VERSION, VERSIONS
from coachlog.services.interchange_fields import DEFAULTS, KINDS, TABLE_KEYS, Kind

SCHEMA_ID = "https://coachlog.invalid/schema/interchange-v2.json"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INSTANT_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?"
    "(Z|[+-][0-9]{2}:[0-9]{2})$"
)

TABLE_TITLES = {
    "clients": "client",
    "agreements": "agreement",
    "sessions": "session",
    "promises": "promise",
    "learning": "learning",
}

# What each key means, where its name does not say it all (shown in docs/interchange.md).
NOTES: dict[str, dict[str, str]] = {
    "clients": {
        "uid": "unique among the file's clients",
        "name": "not only digits (numbers are ids on the command line); unique ignoring "
        "case, in the file and among your clients in the store",
        "timezone": "an IANA zone name, e.g. `Europe/Lisbon`",
        "pitstop_every_sessions": "a pit-stop is due after this many regular sessions (default 6)",
        "pitstop_every_weeks": "... or after this many weeks (default 8)",
        "payment": "the hours column of the ICF log",
        "icf_consent": "listed on the ICF log or not; `null`: not asked",
        "icf_consent_note": "how and when consent was given",
    },
    "agreements": {
        "client_uid": "a client in the file or already in your store",
        "version": "one agreement per client and version",
        "cadence_days": "agreed days between sessions",
        "conflicts_of_interest": '`"none"` is an answer; `null` is no answer',
    },
    "sessions": {
        "client_uid": "a client in the file or already in your store",
        "notes": "Markdown",
        "themes": "`[]` when none",
        "reflection": "the coach's own learning",
        "private": "never in a client-facing summary",
        "status": "whether the session took place",
        "group_size": "1 for one-to-one, else the people in the group",
        "counts_for_icf": "`false` for what is not client coaching",
    },
    "promises": {
        "uid": "also the UID of the promise's calendar task",
        "client_uid": "a client in the file or already in your store",
        "session_uid": "the session it was made in: in the file or in your store, and of "
        "the same client",
        "closed_at": "when it was kept, broken or released",
        "repair": "what the coach did to make a broken promise right",
        "due_history": "earlier due instants, oldest first; `[]` when never moved",
    },
    "learning": {
        "hours": "1 hour = 1 ICF CCE unit; at most two decimals",
        "ethics": "Coaching Ethics (counts only on a `core` entry)",
        "proof": "a path to a certificate; the file itself is not in the export",
    },
}

TYPE_WORDS = {
    "uid": "uid",
    "text": "text",
    "name": "text",
    "zone": "text",
    "date": "date",
    "instant": "instant",
    "int": "integer",
    "bool": "boolean",
    "enum": "text",
    "tags": "list of text",
    "instants": "list of instants",
    "hours": "hours",
}


def _base(kind: Kind) -> dict[str, Any]:
    t = kind.type
    if t == "uid":
        return {"type": "string", "pattern": UUID_PATTERN}
    if t in ("text", "zone"):
        return {"type": "string"}
    if t == "name":
        out: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": "\\S"}
        if kind.high is not None:
            out["maxLength"] = kind.high
        return out
    if t == "date":
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    if t == "instant":
        return {"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}
    if t == "int":
        out = {"type": "integer"}
        if kind.low is not None:
            out["minimum"] = kind.low
        if kind.high is not None:
            out["maximum"] = kind.high
        return out
    if t == "bool":
        return {"type": "boolean"}
    if t == "enum":
        return {"type": "string", "enum": list(kind.choices)}
    if t == "tags":
        return {"type": "array", "items": {"type": "string"}}
    if t == "instants":
        return {"type": "array", "items": _base(Kind("instant"))}
    if t == "hours":
        from coachlog.domain.credentials import LEARNING_CENTIHOURS

        low, high = LEARNING_CENTIHOURS
        return {"type": "number", "minimum": low / 100, "maximum": high / 100}
    raise ValueError(f"unknown kind {t}")


def property_schema(table: str, key: str) -> dict[str, Any]:
    kind = KINDS[table][key]
    out = _base(kind)
    if kind.null:
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        out["type"] = [out["type"], "null"]
    note = NOTES.get(table, {}).get(key)
    if note:
        out["description"] = note
    return out


def record_schema(table: str) -> dict[str, Any]:
    keys = TABLE_KEYS[table]
    optional = set(DEFAULTS.get(table, {}))
    return {
        "type": "object",
        "title": TABLE_TITLES[table],
        "properties": {key: property_schema(table, key) for key in keys},
        "required": [key for key in keys if key not in optional],
        "additionalProperties": False,
    }


def schema() -> dict[str, Any]:
    """The JSON Schema of an interchange file (versions 1 and 2)."""
    tables = list(TABLE_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"coachlog interchange format, version {VERSION}",
        "description": "What 'coachlog export --format json' writes and 'coachlog import' "
        "reads. Keys not listed are errors. Rules that need the whole file or the store "
        "(unique uids and names, references between records) are checked by import.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "version": {"type": "integer", "enum": list(VERSIONS)},
            "exported_at": _base(Kind("instant")),
            **{t: {"type": "array", "items": {"$ref": f"#/$defs/{t}"}} for t in tables},
        },
        "required": ["format", "version"],
        "additionalProperties": False,
        "$defs": {t: record_schema(t) for t in tables},
    }


def optional_keys(table: str) -> set[str]:
    return set(DEFAULTS.get(table, {}))


def type_words(table: str, key: str) -> str:
    """How docs/interchange.md names a key's type: 'integer 1–5', 'text', 'date' …"""
    kind = KINDS[table][key]
    words = TYPE_WORDS[kind.type]
    if kind.type == "int" and kind.low is not None:
        words += f" {kind.low}–{kind.high}" if kind.high is not None else f" ≥ {kind.low}"
    if kind.type == "enum":
        choices = [f"`{c}`" for c in kind.choices]
        words += ": " + (
            ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else choices[0]
        )
    if kind.type == "name":
        words += ", not empty" + (
            f", at most {kind.high} characters" if kind.high is not None else ""
        )
    return words
