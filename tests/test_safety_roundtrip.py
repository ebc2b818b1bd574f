"""Whatever a coach types comes back byte for byte, or is refused cleanly.

Hypothesis makes up names, notes and dates (any Unicode a command line can carry:
control characters, bidi overrides, emoji, combining marks, lone quotes, leading dashes)
and sends them through real coachlog processes: `client add`, `agreement new`, then
`client show --json` and `agreement show --json` (and the JSON export, once it exists).
The stored value must equal what was typed, after coachlog's documented normalisations:
a name is trimmed of surrounding whitespace and stored in Unicode NFC, and a text field
has leading and trailing blank lines removed (an all-blank text is no text). A refusal must
be exit status 1 or 2 with a message, never a traceback.

Each example starts from a copy of a store made once for the module, in this process. The
command a coach types is a real process (its arguments, and its --json answer on standard
output, are what is tried); what was stored is read back (`show --json`, the JSON export)
in this process.

The same for session notes and times through `session new` is in
test_safety_roundtrip_sessions.py."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, example, given, settings

from coachlog.cli.main import app
from support import NOW
from support.inproc import copy_store, isolated, ok_here, run_here
from support.processes import run
from support.typed import (
    DATES,
    NAMES,
    NOTES,
    expected_name,
    expected_text,
)

TODAY = NOW.date()  # COACHLOG_NOW in the helpers

_counter = itertools.count()


def _clean_refusal(r, *words: str) -> None:
    assert r.code in (1, 2), r.shown
    assert "Traceback" not in r.shown and "unexpected" not in r.shown, r.shown
    # (a first write may say "Created a new store at …" before its error)
    errors = [line for line in r.err.splitlines() if not line.startswith("! Created a new store")]
    assert (errors and errors[0].startswith("Error")) or "Usage" in r.err, r.shown


def _has_command(*path: str) -> bool:
    group = typer.main.get_command(app)
    for name in path:
        group = getattr(group, "commands", {}).get(name)
        if group is None:
            return False
    return True


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An empty store, and one with the client Ana Lima, made once in this process."""
    folder = tmp_path_factory.mktemp("stores")
    made = {"empty": folder / "empty" / "coachlog.db", "ana": folder / "ana" / "coachlog.db"}
    with isolated(folder):
        ok_here(made["empty"], "init")
        ok_here(made["ana"], "client", "add", "Ana Lima")
    return made


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run and every machine
)


@pytest.mark.slow
@SETTINGS
@given(name=NAMES, context=NOTES, style=NOTES)
@example(name="[red]x[/] \x1b]8;;https://e.vil\x07z\x1b]8;;\x07 \u202eabc", context="", style="-")
@example(name="  -starts-with-dash ", context="\n\nblank lines\n\n", style="--json")
@example(name="١٢٣", context="x", style="y")
@example(name="Zoe\u0308 Jose\u0301", context="e\u0301", style="y")  # stored in NFC; texts as typed
def test_client_text_round_trips_byte_for_byte(stores, tmp_path: Path, name, context, style):
    db = copy_store(stores["empty"], tmp_path / f"rt{next(_counter)}" / "coachlog.db")
    r = run(db, "client", "add", "--json", f"--context={context}", f"--style={style}", "--", name)
    want = expected_name(name)
    if want is None:
        _clean_refusal(r)
        assert "name" in r.err
        return
    assert r.code == 0, r.shown
    added = r.json
    assert added["name"] == want
    assert added["context"] == expected_text(context)
    assert added["communication_style"] == expected_text(style)
    shown = run_here(db, "client", "show", str(added["id"]), "--json")
    assert shown.code == 0, shown.shown
    # the client's page has more (sessions, trust); what was stored comes back the same
    assert {k: shown.json[k] for k in added} == added
    # the JSON is safe on a terminal: no raw ESC, C1 or bidi control reaches stdout
    for raw in (r.out, shown.out):
        assert not any(ch in raw for ch in "\x1b\x07\x85\u202e\u202c"), repr(raw)
    if _has_command("export"):
        out = db.parent / "export.json"
        ex = run_here(db, "export", "--all", "--format", "json", "--out", str(out))
        assert ex.code == 0, ex.shown
        data = json.loads(out.read_text(encoding="utf-8"))
        assert [c["name"] for c in data["clients"]] == [want]
        assert data["clients"][0]["context"] == expected_text(context)


@pytest.mark.slow
@settings(SETTINGS, max_examples=20)
@given(goals=NOTES, fees=NOTES, review=DATES)
@example(goals="\n\nblank lines around\n\n", fees="--json", review=date(2199, 12, 31))
def test_agreement_text_and_dates_round_trip(stores, tmp_path: Path, goals, fees, review):
    db = copy_store(stores["ana"], tmp_path / f"ag{next(_counter)}" / "coachlog.db")  # client 1
    r = run(
        db,
        "agreement",
        "new",
        "1",
        f"--goals={goals}",
        f"--fees={fees}",
        f"--review-on={review.isoformat()}",
        "--json",
    )
    if review < TODAY:
        _clean_refusal(r)
        assert "review date is before the agreement starts" in r.err
        return
    assert r.code == 0, r.shown
    made = r.json
    assert made["goals"] == expected_text(goals)
    assert made["fees"] == expected_text(fees)
    assert made["review_on"] == review.isoformat()
    shown = run_here(db, "agreement", "show", "1", "--json")
    assert shown.code == 0, shown.shown
    assert shown.json == made


def test_a_name_is_refused_cleanly_and_nothing_is_stored(tmp_path: Path):
    """The refusals the property test expects, spelled out."""
    db = tmp_path / "r" / "coachlog.db"
    for name, words in (("   ", "needs a name"), ("12345", "numbers refer to client ids")):
        r = run(db, "client", "add", "--", name)
        _clean_refusal(r)
        assert words in r.err
    assert run(db, "client", "list", "--all", "--json").json == []
