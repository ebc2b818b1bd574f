"""`coachlog schema` (SPEC §6): the JSON Schema, draft 2020-12, of the interchange format.
It is a valid 2020-12 schema, every export validates against it (checked with the
`jsonschema` package, formats included), and what it refuses import refuses too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

from support import PINNED as PIN  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def validator(schema: dict):
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture
def practice(proc):
    """A practice with every kind of record: the demo's years of sessions and promises in
    every status, plus a private session with hostile text, a moved promise and a learning
    entry."""
    r = proc("demo", "--clients", "3", "--years", "1", "--seed", "7", env=PIN)
    assert r.code == 0, r.err
    assert proc("client", "add", "Ýrr <b>O'Brien</b>", "--timezone", "Asia/Kolkata",
                env=PIN).code == 0  # fmt: skip
    r = proc(
        "session", "new", "ýrr", "--at", "2026-11-20 15:00", "--private",
        "--notes", "línea\n\u202e<script>", "--promise", "Call back @ 2026-11-25", env=PIN,
    )  # fmt: skip
    assert r.code == 0, r.err
    assert proc("learning", "add", "Ethics", "--hours", "1.25", "--category", "core",
                "--ethics", "--on", "2026-10-01", env=PIN).code == 0  # fmt: skip
    return proc


def test_schema_is_a_2020_12_schema_and_every_export_validates(practice):
    r = practice("schema")
    assert r.code == 0, r.err
    schema = r.json
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    check = validator(schema)
    whole = practice("export", "--all", "--format", "json", env=PIN).json
    assert {k: bool(v) for k, v in whole.items() if isinstance(v, list)} == dict.fromkeys(
        ("clients", "agreements", "sessions", "promises", "learning"), True
    )
    assert sorted({p["status"] for p in whole["promises"]}) == [
        "broken",
        "kept",
        "open",
        "released",
    ]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(whole)]
    assert errors == []
    one = practice("export", "ýrr", "--format", "json", "--since", "2026-11-01", env=PIN).json
    check.validate(one)


def test_what_the_schema_refuses_import_refuses(practice, tmp_path):
    check = validator(practice("schema").json)
    doc = practice("export", "--all", "--format", "json", env=PIN).json
    bad = [
        ("an unknown key", lambda d: d["sessions"][0].update(mood="good")),
        ("a kind not in the list", lambda d: d["sessions"][0].update(kind="nap")),
        ("a date-time without offset", lambda d: d["promises"][0].update(due_at="2026-11-30")),
        ("a pulse out of range", lambda d: d["sessions"][0].update(trust_pulse=9)),
        ("a missing key", lambda d: d["clients"][0].pop("status")),
        ("an uppercase uid", lambda d: d["clients"][0].update(uid=d["clients"][0]["uid"].upper())),
    ]
    for what, spoil in bad:
        copy = json.loads(json.dumps(doc))
        spoil(copy)
        assert not check.is_valid(copy), what
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(copy))
        r = practice("import", str(path), "--dry-run", env=PIN)
        assert r.code == 1, (what, r.out, r.err)
    # a version-1 file, without the keys version 2 added, is valid and imports
    old = json.loads(json.dumps(doc))
    old["version"] = 1
    old.pop("learning")
    for c in old["clients"]:
        for key in ("payment", "icf_consent", "icf_consent_note"):
            c.pop(key)
    for s in old["sessions"]:
        for key in ("status", "group_size", "counts_for_icf"):
            s.pop(key)
    check.validate(old)


def test_the_interchange_doc_is_generated_from_the_schema():
    """docs/interchange.md's record tables come from the schema (scripts/gen_docs.py;
    tests/test_docs.py fails when they are stale): every key of every record is listed."""
    from coachlog.services.interchange_schema import schema

    text = (ROOT / "docs" / "interchange.md").read_text()
    generated = text.split("<!-- records: generated", 1)[1].split("<!-- end of the generated")[0]
    for table, record in schema()["$defs"].items():
        section = generated.split(f"### {table}\n", 1)[1].split("###", 1)[0]
        assert [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")] == (
            list(record["properties"])
        )
