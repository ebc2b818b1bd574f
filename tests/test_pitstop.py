"""Pit-stops (SPEC §4): the due rule, the template, and `coachlog pitstop`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from coachlog.domain import pitstops as rules
from coachlog.errors import InvalidInput
from coachlog.queries.db import on_session
from coachlog.queries.facts import status_for
from coachlog.services import pitstops
from support import PINNED
from support.records import DAY, NOW, SECOND, make_client, make_session


def _status(**kw):
    base = {
        "sessions": 4,
        "first_session_at": NOW - 20 * DAY,
        "last_pitstop_at": None,
        "regular_since": 4,
        "every_sessions": 6,
        "every_weeks": 8,
        "now": NOW,
    }
    return rules.due_status(**{**base, **kw})


def test_due_rule_sessions_side():
    assert not _status(regular_since=5).due
    s = _status(regular_since=6)
    assert s.due and s.reason == "due: 6 regular sessions since the first session"
    assert _status(regular_since=5).reason == "after 1 more regular session"
    assert _status(regular_since=3).sessions_left == 3


def test_due_rule_weeks_side_counts_from_the_first_session_without_a_pitstop():
    assert not _status(regular_since=1, first_session_at=NOW - 56 * DAY + SECOND).due
    s = _status(regular_since=1, first_session_at=NOW - 56 * DAY)
    assert s.due and s.reason == "due: 8 weeks since the first session"
    last = _status(
        regular_since=0, last_pitstop_at=NOW - 60 * DAY, first_session_at=NOW - 1e3 * DAY
    )
    assert last.due and last.reason == "due: 8 weeks since the last pit-stop"
    fresh = _status(regular_since=0, last_pitstop_at=NOW - DAY)
    assert not fresh.due and fresh.deadline == NOW - DAY + 56 * DAY


def test_no_sessions_never_due():
    s = _status(sessions=0, first_session_at=None, regular_since=0)
    assert not s.due and s.reason == "no sessions yet" and s.deadline is None


def test_next_due_is_the_deadline_or_sooner_by_cadence():
    s = _status(regular_since=4, last_pitstop_at=NOW - 7 * DAY)
    assert rules.next_due(s, last_session_at=NOW, cadence_days=None) == s.deadline
    assert rules.next_due(s, last_session_at=NOW, cadence_days=7) == NOW + 14 * DAY
    assert rules.next_due(_status(regular_since=6), last_session_at=NOW, cadence_days=7) is None


def test_status_for_reads_the_store(store):
    with store.write() as db:
        ana = make_client(db)
        make_session(db, ana, NOW - 50 * DAY, kind="engagement")
        make_session(db, ana, NOW - 40 * DAY, kind="pitstop")
        for day in (30, 20, 10):
            make_session(db, ana, NOW - day * DAY)
    with store.read() as db:
        s = status_for(on_session(db), ana, now=NOW)
    assert (s.due, s.regular_since, s.last_pitstop_at) == (False, 3, NOW - 40 * DAY)


def test_template_round_trip_and_notes():
    answers = {
        "working": "The challenge",
        "not_working": None,
        "more": "Silence",
        "less": "Homework",
        "safety": 4,
        "agreement_change": "Every three weeks",
    }
    text = pitstops.template("Ana Lima", "Sun 22 Nov 10:00", answers)
    assert text.startswith("# Pit-stop with Ana Lima, Sun 22 Nov 10:00")
    assert pitstops.parse_template(text) == answers
    notes = pitstops.notes_markdown(answers)
    assert notes.splitlines()[0] == "## What is working in our coaching?"
    assert "## How safe does it feel to be open here?\n\n4 of 5\n" in notes
    assert "What is not working" not in notes  # unanswered: no empty section
    assert pitstops.answers_from_notes(notes) == {
        "working": "The challenge",
        "more": "Silence",
        "less": "Homework",
        "safety": "4 of 5",
        "agreement_change": "Every three weeks",
    }


def test_template_errors_name_the_line():
    with pytest.raises(InvalidInput, match=r"Line 3: unknown section '## Snacks'"):
        pitstops.parse_template("## What is working in our coaching?\nx\n## Snacks\n")
    with pytest.raises(InvalidInput, match=r"Line 2: Safety must be a whole number from 1 to 5"):
        pitstops.parse_template("## How safe does it feel to be open here?\nvery\n")
    with pytest.raises(InvalidInput, match="Line 1: text before the first question"):
        pitstops.parse_template("hello\n## What is not working?\n")


# ----------------------------------------------------------------------------- command


def test_pitstop_from_flags(cli):
    cli("client", "add", "Ana Lima")
    r = cli(
        "pitstop",
        "ana",
        "--working",
        "the challenge [red]",
        "--less",
        "homework",
        "--safety",
        "4",
        "--at",
        "2026-11-20 15:00",
        "--minutes",
        "30",
        "--json",
        env=PINNED,
    )
    assert r.code == 0, r.err
    data = r.json
    assert list(data)[:3] == ["id", "client", "uid"]
    assert (data["kind"], data["trust_pulse"], data["minutes"]) == ("pitstop", 4, 30)
    assert data["held_at"] == "2026-11-20T15:00:00+00:00"
    assert data["notes"] == (
        "## What is working in our coaching?\n\nthe challenge [red]\n\n"
        "## What do you want less of?\n\nhomework\n\n"
        "## How safe does it feel to be open here?\n\n4 of 5\n"
    )
    # it counts: a pit-stop two days ago resets the rule
    row = cli("dashboard", "--json", env=PINNED).json[0]
    assert (row["sessions"], row["pitstop_due"], row["next_pitstop_on"]) == (1, False, "2027-01-15")


def test_pitstop_screen_and_agreement_change_without_terminal(cli):
    cli("client", "add", "Ana Lima")
    r = cli(
        "pitstop",
        "ana",
        "--safety",
        "3",
        "--agreement-change",
        "Move to every three weeks",
        env=PINNED,
    )
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "✓ Pit-stop with Ana Lima recorded (session 1, Sun 22 Nov 10:00)"
    assert lines[1] == "  safety / trust pulse: 3 of 5"
    assert lines[2].startswith("  next pit-stop: after 6 more regular sessions or by 17 Jan 2027")
    assert lines[3] == "  The agreement should change: coachlog agreement new 1 --edit"


def test_pitstop_with_nothing_and_no_terminal_names_the_flags(cli):
    cli("client", "add", "Ana Lima")
    r = cli("pitstop", "ana", input="")
    assert r.code == 2
    assert "--working" in r.err and "--safety 1-5" in r.err and "--edit" in r.err
    assert cli("client", "show", "ana", "--json").json["sessions"] == 0


def test_pitstop_rejects_a_bad_safety_and_an_unknown_client(cli):
    cli("client", "add", "Ana Lima")
    r = cli("pitstop", "ana", "--safety", "6")
    assert r.code == 2 and "--safety" in r.err
    r = cli("pitstop", "zed", "--working", "x")
    assert r.code == 1 and "No client matches 'zed'" in r.err
    r = cli("pitstop", "ana", "--working", "x", "--at", "blursday")
    assert r.code == 2 and "--at" in r.err and "Accepted:" in r.err


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import sys\n"
        f"body = {body!r}\n"
        "if body != 'UNCHANGED':\n"
        "    open(sys.argv[1], 'w').write(body)\n"
    )
    return f"{sys.executable} {script}"


def test_pitstop_edit_through_a_real_editor(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    body = pitstops.template("Ana Lima", "now", {"working": "Being challenged"}).replace(
        "<!-- 1-5: 1 guarded, 5 completely open -->", "5"
    )
    r = cli(
        "pitstop",
        "ana",
        "--working",
        "prefilled",
        "--edit",
        "--json",
        env={"EDITOR": _editor(tmp_path, body)},
    )
    assert r.code == 0, r.err
    assert r.json["trust_pulse"] == 5 and "Being challenged" in r.json["notes"]
    r = cli("pitstop", "ana", "--edit", env={"EDITOR": _editor(tmp_path, "UNCHANGED")})
    assert r.code == 1 and "Nothing changed" in r.err
    assert cli("client", "show", "ana", "--json").json["sessions"] == 1


def test_pitstop_on_a_terminal_asks_each_question_then_offers_the_agreement(
    cli, monkeypatch, tmp_path
):
    """On a terminal with no flags, each question in turn (Enter skips one, a bad safety
    score is asked again); an answer about the agreement leads to `agreement new --edit`."""
    from coachlog.cli import context
    from coachlog.services import agreement_template
    from support.records import FULL as AGREEMENT

    cli("client", "add", "Ana Lima")
    cli("agreement", "new", "ana", *[f"--{k.replace('_', '-')}={v}" for k, v in AGREEMENT.items()])
    monkeypatch.setattr(context, "interactive", lambda: True)
    answers = "The challenge\n\nSilence\n\n9\n4\nEvery three weeks\ny\n"
    revised = agreement_template.render("Ana Lima", 2, {**AGREEMENT, "cadence_days": 21})
    r = cli("pitstop", "ana", input=answers, env={"EDITOR": _editor(tmp_path, revised)})
    assert r.code == 0, r.err
    assert "Safety must be a whole number from 1 to 5 (got '9')" in r.out  # asked again
    assert "Agreement v2 for Ana Lima recorded (active); v1 superseded" in r.out
    shown = cli("agreement", "show", "ana", "--json").json
    assert (shown["version"], shown["cadence_days"]) == (2, 21)
    page = cli("client", "show", "ana", "--json").json
    assert (page["sessions"], page["agreement_version"]) == (1, 2)


def test_pitstop_on_a_terminal_with_every_question_skipped_stores_nothing(cli, monkeypatch):
    from coachlog.cli import context

    cli("client", "add", "Ana Lima")
    monkeypatch.setattr(context, "interactive", lambda: True)
    r = cli("pitstop", "ana", input="\n\n\n\n\n\n")
    assert r.code == 1 and "Nothing was answered" in r.err
    assert cli("client", "show", "ana", "--json").json["sessions"] == 0
