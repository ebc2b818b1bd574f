"""The editor loop never makes the coach retype (issue 13; SPEC §3a): every problem is
listed at once, at the line numbers the editor shows, and once they are fixed the next
save reads cleanly, whatever the list on top held. Saving unchanged stops, keeping the text.

Real coachlog processes on a pseudo-terminal (the loop only reopens on a terminal), with a
real editor process: a script that makes the coach's edits round by round and keeps a copy
of each file it was shown."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pendulum
import pytest

from coachlog.errors import TemplateProblems
from coachlog.services import agreement_template, pitstops, session_template
from support.processes import run_in_terminal

NOW = pendulum.datetime(2026, 11, 22, 10, 0, tz="UTC")
TZ = "Europe/Lisbon"
LINE = re.compile(r"Line (\d+): (.*)")


def scripted_editor(
    tmp_path: Path, rounds: list[list[tuple[str, str]]], *, encodings: list[str] | None = None
) -> str:
    """An editor that, at its Nth opening, replaces each (old, new) of rounds[N] once, and
    keeps a copy of the file as it was shown in seen/N. It saves round N in encodings[N]
    (UTF-8 when not given), as an editor set to another encoding would."""
    (tmp_path / "rounds.json").write_text(json.dumps(rounds))
    (tmp_path / "encodings.json").write_text(json.dumps(encodings or []))
    script = tmp_path / "editor.py"
    script.write_text(
        "import json, os, sys\n"
        "p = sys.argv[1]\n"
        f"base = {str(tmp_path)!r}\n"
        "seen = os.path.join(base, 'seen')\n"
        "os.makedirs(seen, exist_ok=True)\n"
        "n = len(os.listdir(seen))\n"
        "text = open(p, encoding='utf-8').read()\n"
        "open(os.path.join(seen, str(n)), 'w', encoding='utf-8').write(text)\n"
        "rounds = json.load(open(os.path.join(base, 'rounds.json')))\n"
        "for old, new in (rounds[n] if n < len(rounds) else []):\n"
        "    assert old in text, (n, old)\n"
        "    text = text.replace(old, new, 1)\n"
        "codes = json.load(open(os.path.join(base, 'encodings.json')))\n"
        "open(p, 'w', encoding=codes[n] if n < len(codes) else 'utf-8').write(text)\n"
    )
    return f"{sys.executable} {script}"


def seen(tmp_path: Path) -> list[list[str]]:
    folder = tmp_path / "seen"
    return [(folder / str(n)).read_text().splitlines() for n in range(len(list(folder.iterdir())))]


def listed(shown: list[str]) -> list[tuple[int, str]]:
    """The problems listed on top of a reopened file: (line number, message)."""
    head = []
    for line in shown:
        head.append(line)
        if line.endswith("-->"):
            break
    return [(int(m.group(1)), m.group(2)) for line in head if (m := LINE.search(line))]


@pytest.fixture
def ana(cli):
    assert cli("client", "add", "Ana Lima").code == 0
    return cli


# ---- the readers: every problem at once, at the line of the text read ---------------------


def _lines_of(text: str, *needles: str) -> list[int]:
    lines = text.splitlines()
    return [next(i for i, line in enumerate(lines, 1) if needle in line) for needle in needles]


def test_session_template_reports_every_problem_at_its_line():
    t = session_template.render("Ana Lima", {"held_at": NOW, "minutes": 45}, tz=TZ, now=NOW)
    bad = (
        t.text.replace("## I promised\n", "## I promised\n- Call Rui @ blursday\nno bullet\n")
        .replace("Minutes: 45", "Minutes: lots")
        .replace("Kind: regular", "Kind: nap")
    )
    with pytest.raises(TemplateProblems) as err:
        session_template.parse(bad, now=NOW, tz=TZ, comments=t.comments)
    found = err.value.problems
    assert [n for n, _ in found] == _lines_of(
        bad, "- Call Rui @ blursday", "no bullet", "Minutes: lots", "Kind: nap"
    )
    assert err.value.message.startswith("4 problems in the text:\n  Line ")


def test_agreement_template_reports_every_problem_at_its_line():
    text = agreement_template.render("Ana Lima", 1, {"goals": "Lead"})
    bad = (
        text.replace("## Fees\n", "## Snacks\ncake\n")
        .replace("Review on:", "Review on: blursday")
        .replace("Cadence days:", "Cadence days: often")
    )
    with pytest.raises(TemplateProblems) as err:
        agreement_template.parse(bad, now=NOW, tz=TZ)
    assert [n for n, _ in err.value.problems] == _lines_of(
        bad, "## Snacks", "Review on: blursday", "Cadence days: often"
    )


def test_agreement_template_reads_cadence_in_words():
    text = agreement_template.render("Ana Lima", 1, {"goals": "Lead"})
    for said, days in (("weekly", 7), ("fortnightly", 14), ("every 3 weeks", 21), ("10", 10)):
        filled = text.replace("Cadence days:", f"Cadence days: {said}")
        assert agreement_template.parse(filled, now=NOW, tz=TZ)["cadence_days"] == days


def test_pitstop_template_reports_every_problem_at_its_line():
    text = pitstops.template("Ana Lima", "today", {})
    bad = text.replace(
        "## How safe does it feel to be open here?\n<!-- 1-5: 1 guarded, 5 completely open -->\n",
        "## How safe does it feel to be open here?\n<!-- 1-5: 1 guarded, 5 completely open -->\n"
        "very\n",
    ).replace("## What do you want less of?", "## Snacks")
    with pytest.raises(TemplateProblems) as err:
        pitstops.parse_template(bad)
    assert [n for n, _ in err.value.problems] == _lines_of(bad, "## Snacks", "very")


# ---- the loop, in a real terminal with a real editor ------------------------------------


def test_two_mistakes_one_round_trip_and_the_next_save_reads_cleanly(ana, db_url, tmp_path):
    """A date error (a message of two lines) and a bad detail: both listed at once, at the
    lines the editor shows; fixed without touching the list, the next save is recorded."""
    editor = scripted_editor(
        tmp_path,
        [
            [
                ("## Notes\n", "## Notes\nWe talked about delegation.\n"),
                ("## I promised\n", "## I promised\n- Call Rui @ blursday\n"),
                ("Minutes: 60", "Minutes: lots"),
            ],
            [("- Call Rui @ blursday", "- Call Rui @ fri"), ("Minutes: lots", "Minutes: 50")],
        ],
    )
    r = run_in_terminal(db_url, "session", "new", "ana", "--edit", env={"EDITOR": editor})
    assert r.code == 0, r.plain
    assert "Session #1 with Ana Lima recorded" in r.plain
    shown = seen(tmp_path)
    assert len(shown) == 2  # one round trip for two mistakes
    problems = listed(shown[1])
    assert len(problems) == 2
    # each number is the line the editor shows, the list on top included
    assert shown[1][problems[0][0] - 1] == "- Call Rui @ blursday"
    assert shown[1][problems[1][0] - 1] == "Minutes: lots"
    assert "Could not read 'blursday'" in problems[0][1]
    data = ana("session", "show", "1", "--json").json
    assert (data["notes"], data["minutes"]) == ("We talked about delegation.", 50)
    assert [p["text"] for p in data["promises"]] == ["Call Rui"]


def test_agreement_problems_all_at_once_at_the_editor_lines(ana, db_url, tmp_path):
    editor = scripted_editor(
        tmp_path,
        [
            [
                ("## Goals\n", "## Goals\nLead without rescuing\n"),
                ("Review on:", "Review on: blursday"),
                ("Cadence days:", "Cadence days: often"),
            ],
            [
                ("Review on: blursday", "Review on: 2027-03-01"),
                ("Cadence days: often", "Cadence days: fortnightly"),
            ],
        ],
    )
    r = run_in_terminal(db_url, "agreement", "new", "ana", "--edit", env={"EDITOR": editor})
    assert r.code == 0, r.plain
    shown = seen(tmp_path)
    assert len(shown) == 2
    problems = listed(shown[1])
    assert [shown[1][n - 1] for n, _ in problems] == [
        "Review on: blursday",
        "Cadence days: often",
    ]
    data = ana("agreement", "show", "ana", "--json").json
    assert (data["goals"], data["review_on"], data["cadence_days"]) == (
        "Lead without rescuing",
        "2027-03-01",
        14,
    )


def test_saving_unchanged_after_problems_stops_and_keeps_the_text(ana, db_url, tmp_path):
    editor = scripted_editor(
        tmp_path, [[("## Notes\n", "## Notes\nPrecious words.\n"), ("Minutes: 60", "Minutes: x")]]
    )
    r = run_in_terminal(db_url, "session", "new", "ana", "--edit", env={"EDITOR": editor})
    assert r.code == 1, r.plain
    assert len(seen(tmp_path)) == 2  # reopened once, saved unchanged: no third time
    flat = r.plain.replace("\n", "")
    kept = Path(re.search(r"kept in (/\S+?\.md)", flat).group(1))  # type: ignore[union-attr]
    text = kept.read_text()
    assert "Precious words." in text and not text.startswith("<!--")
    assert ana("session", "list", "--json").json == []


def test_typing_above_the_problem_list_leaves_it_out_of_the_text(ana, db_url, tmp_path):
    """The coach types above the list of problems (here: a title and an empty line at the
    top of the file) and fixes the problem: the list, no longer at the start, is still not
    read as text, and the next save is recorded."""
    editor = scripted_editor(
        tmp_path,
        [
            [("## Notes\n", "## Notes\nWe talked about delegation.\n"), ("Minutes: 60", "x: 1")],
            [
                ("<!-- coachlog: ", "# Ana, second try\n\n<!-- coachlog: "),
                ("\nx: 1", "\nMinutes: 50"),
            ],
        ],
    )
    r = run_in_terminal(db_url, "session", "new", "ana", "--edit", env={"EDITOR": editor})
    assert r.code == 0, r.plain
    assert len(seen(tmp_path)) == 2
    data = ana("session", "show", "1", "--json").json
    assert (data["notes"], data["minutes"]) == ("We talked about delegation.", 50)


def test_text_the_editor_saved_in_latin1_reopens_naming_its_line(ana, db_url, tmp_path):
    """An editor set to Latin-1 saves bytes that are not UTF-8: on a terminal the file
    reopens with the line named and the unreadable byte shown as \\xe9; retyped, it is
    recorded."""
    editor = scripted_editor(
        tmp_path,
        [
            [("## Notes\n", "## Notes\nCafé com a equipa.\n")],
            [("Caf\\xe9", "Café")],
        ],
        encodings=["latin-1"],
    )
    r = run_in_terminal(db_url, "session", "new", "ana", "--edit", env={"EDITOR": editor})
    assert r.code == 0, r.plain
    assert "unexpected" not in r.plain
    shown = seen(tmp_path)
    assert len(shown) == 2
    problems = listed(shown[1])
    assert len(problems) == 1
    number, message = problems[0]
    assert shown[1][number - 1] == "Caf\\xe9 com a equipa."
    assert "not UTF-8" in message
    assert ana("session", "show", "1", "--json").json["notes"] == "Café com a equipa."
