"""Agreements: versions, the template, the check, and `--edit` with a real editor process."""

from __future__ import annotations

import os
import stat
import sys
from datetime import date
from pathlib import Path

import pytest

from coachlog.domain.agreements import check
from coachlog.services import agreement_template, agreements
from coachlog.services.clients import add_client

FULL = {
    "goals": "Lead without rescuing",
    "confidentiality": "All between us; safety is the only exception",
    "communication": "Signal, answers within a working day",
    "logistics": "Zoom, 60 minutes, 24h notice to move",
    "coach_responsibilities": "Prepare, keep time, keep my word",
    "client_responsibilities": "Come with a topic; do the work between sessions",
    "fees": "€150 a session, monthly invoice",
    "conflicts_of_interest": "none",
}


@pytest.fixture
def ana(store, now):
    with store.write() as db:
        client = add_client(db, values={"name": "Ana Lima"}, now=now)
    return client


def test_new_active_version_supersedes_and_keeps_the_old(store, ana, now):
    today = now.date()
    with store.write() as db:
        v1, sup = agreements.new_agreement(db, ana, values={"goals": "x"}, now=now, today=today)
        assert (v1.version, v1.status, sup) == (1, "active", None)
        v2, sup = agreements.new_agreement(db, ana, values={"goals": "y"}, now=now, today=today)
        assert (v2.version, sup.version, sup.status) == (2, 1, "superseded")
        draft, sup = agreements.new_agreement(
            db, ana, values={"status": "draft"}, now=now, today=today
        )
        assert (draft.version, draft.status, sup) == (3, "draft", None)
    with store.read() as db:
        assert [(a.version, a.status) for a in agreements.versions(db, ana)] == [
            (1, "superseded"),
            (2, "active"),
            (3, "draft"),
        ]
        assert agreements.active(db, ana).version == 2


def test_check_names_missing_and_past_review(store, ana, now):
    today = now.date()
    with store.write() as db:
        a, _ = agreements.new_agreement(
            db,
            ana,
            values={**FULL, "review_on": date(2026, 11, 21)},
            now=now,
            today=date(2026, 1, 1),
        )
    status = {c.field: c.status for c in check(a, today=today)}
    assert status["review_on"] == "past"
    assert all(status[k] == "ok" for k in FULL)
    a.fees = None
    a.review_on = date(2026, 11, 22)  # today is not past
    status = {c.field: c.status for c in check(a, today=today, sponsor="Acme")}
    assert status["fees"] == "missing"
    assert status["review_on"] == "ok"
    assert status["sponsor_reporting"] == "missing"  # a sponsor pays: say what they get
    assert check(None, today=today)[0].status == "missing"


def test_template_round_trip(now):
    values = {**FULL, "review_on": date(2027, 2, 20), "cadence_days": 14}
    text = agreement_template.render("Ana Lima", 1, values)
    parsed = agreement_template.parse(text, now=now, tz="Europe/Lisbon")
    for key, value in values.items():
        assert parsed[key] == value, key
    assert parsed["sponsor_reporting"] is None


def test_template_errors_name_the_line(now):
    from coachlog.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"Line 3: unknown section '## Snacks'"):
        agreement_template.parse("## Goals\nx\n## Snacks\n", now=now, tz="UTC")
    with pytest.raises(InvalidInput, match="Line 3"):
        agreement_template.parse("## Details\n\nReview on: blursday\n", now=now, tz="UTC")


def _editor(tmp_path: Path, body: str) -> str:
    """A real editor process: a script that records what it saw and writes `body`."""
    script = tmp_path / "fake-editor.py"
    log = tmp_path / "editor.log"
    script.write_text(
        "import os, stat, sys\n"
        "p = sys.argv[1]\n"
        f"log = open({str(log)!r}, 'a')\n"
        "log.write(f'{p}|{oct(stat.S_IMODE(os.stat(p).st_mode))}|"
        "{oct(stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode))}\\n')\n"
        f"body = {body!r}\n"
        "if body == 'UNCHANGED':\n"
        "    sys.exit(0)\n"
        "open(p, 'w').write(body)\n"
    )
    return f"{sys.executable} {script}"


def test_agreement_new_edit_through_a_real_editor(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    body = agreement_template.render("Ana Lima", 1, {**FULL, "cadence_days": 14})
    body = body.replace("Review on:", "Review on: 2027-02-20")
    r = cli("agreement", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, body)})
    assert r.code == 0, r.err
    assert "Agreement v1 for Ana Lima recorded (active)" in r.out
    shown = cli("agreement", "show", "ana", "--json").json
    assert shown["goals"] == FULL["goals"] and shown["cadence_days"] == 14
    assert shown["review_on"] == "2027-02-20"
    # the editor's file was private and is gone
    path, file_mode, dir_mode = (tmp_path / "editor.log").read_text().splitlines()[0].split("|")
    assert (file_mode, dir_mode) == ("0o600", "0o700")
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path))
    check = cli("agreement", "check", "ana", "--json").json
    assert check["complete"] is True


def test_unchanged_template_cancels(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    r = cli("agreement", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, "UNCHANGED")})
    assert r.code == 1 and "Nothing changed" in r.err
    assert cli("agreement", "list", "ana", "--json").json == []


def test_unreadable_edit_without_terminal_keeps_the_text(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    r = cli(
        "agreement",
        "new",
        "ana",
        "--edit",
        env={"EDITOR": _editor(tmp_path, "## Goals\nbe brave\n## Snacks\ncake\n")},
    )
    assert r.code == 1 and "unknown section" in r.err
    kept = r.err.split("kept in ")[1].split(".md")[0] + ".md"
    kept = kept.replace("\n", "")
    assert Path(kept).read_text() == "## Goals\nbe brave\n## Snacks\ncake\n"
    assert stat.S_IMODE(Path(kept).stat().st_mode) == 0o600
    assert cli("agreement", "list", "ana", "--json").json == []


def test_agreement_from_file_and_versions(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    f = tmp_path / "a.md"
    f.write_text(agreement_template.render("Ana Lima", 1, FULL))
    assert cli("agreement", "new", "ana", "--from", str(f)).code == 0
    r = cli(
        "agreement",
        "new",
        "ana",
        "--fees",
        "€170",
        "--review-on",
        "+90d",
        env={"COACHLOG_NOW": "2026-11-22T10:00:00+00:00"},
    )
    assert r.code == 0
    assert "v1 superseded" in r.out
    assert 'review on 2027-02-20  (from "+90d")' in r.out  # +90d read as a date and shown
    rows = cli("agreement", "list", "ana", "--json").json
    assert [(a["version"], a["status"]) for a in rows] == [(1, "superseded"), (2, "active")]
    assert rows[1]["goals"] == FULL["goals"]  # carried over from v1
    assert rows[1]["fees"] == "€170"
    assert list(rows[1])[:3] == ["id", "client", "uid"]
    assert cli("agreement", "show", "ana", "--version", "1", "--json").json["fees"] == FULL["fees"]


def test_agreement_without_anything_and_no_terminal_fails_fast(cli):
    cli("client", "add", "Ana Lima")
    r = cli("agreement", "new", "ana", input="")
    assert r.code == 2 and "--goals" in r.err


def test_cadence_flag_reads_words_as_the_questions_and_template_do(cli, proc):
    assert cli("client", "add", "Ana Lima").code == 0
    for said, days in (("weekly", 7), ("fortnightly", 14), ("every 3 weeks", 21), ("10", 10)):
        r = proc("agreement", "new", "ana", "--goals", "Lead", "--cadence-days", said, "--json")
        assert r.code == 0, (said, r.err)
        assert r.json["cadence_days"] == days, said
    r = proc("agreement", "new", "ana", "--goals", "Lead", "--cadence-days", "monthly")
    assert r.code == 2, r.err
    assert "--cadence-days" in r.err and "fortnightly" in r.err and "weeks" in r.err
    assert "Traceback" not in r.err
    r = proc("agreement", "new", "ana", "--goals", "Lead", "--cadence-days", "400")
    assert r.code == 2 and "between 1 and 365" in r.err, r.err


def test_dates_written_in_words_in_the_template_are_echoed_as_read(cli, tmp_path):
    """SPEC §3a: a date typed in words in the editor is echoed with the date it was read as
    (the pinned now is Sun 22 Nov 2026); ISO dates are shown without an echo."""
    cli("client", "add", "Ana Lima")
    body = agreement_template.render("Ana Lima", 1, {**FULL, "cadence_days": 14})
    body = body.replace("Review on:", "Review on: in 3 months").replace(
        "Ends on:", "Ends on: 2027-06-30"
    )
    r = cli("agreement", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, body)})
    assert r.code == 0, r.err
    assert '  review on 2027-02-22  (from "in 3 months")' in r.out.splitlines()
    assert "ends on" not in r.out  # typed as a date, nothing to echo
