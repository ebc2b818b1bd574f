"""`coachlog prep CLIENT`: the brief before a session (SPEC §3)."""

from __future__ import annotations

import pytest

from support import PINNED
from support.records import DAY, NOW, make_agreement, make_client, make_promise, make_session

KEYS = [
    "id",
    "client",
    "agreement",
    "last_session",
    "open_promises",
    "broken_not_raised",
    "pitstop_due",
    "trust_pulses",
    "trust_score",
]


@pytest.fixture
def ana(store):
    with store.write() as db:
        ana = make_client(db, "Ana Lima", pronouns="she/her", context="Lisbon")
        make_agreement(db, ana, goals="Lead without rescuing", cadence_days=14)
        make_session(db, ana, NOW - 40 * DAY, kind="engagement", trust_pulse=3)
        make_session(
            db,
            ana,
            NOW - 12 * DAY,
            themes=["delegation", "feedback"],
            notes="Ana arrived tired. " + "We mapped who needs what. " * 30,
            trust_pulse=4,
        )
        make_promise(db, ana, text="Send the article", due=NOW - 2 * DAY)
        make_promise(db, ana, owner="client", text="Talk to the CFO", due=NOW + 5 * DAY)
        make_promise(
            db,
            ana,
            text="Send the calendar invite",
            status="broken",
            closed=NOW - 5 * DAY,  # after the last session: not raised yet
        )
    return ana


def test_prep_puts_the_unraised_broken_promise_first(ana, cli):
    r = cli("prep", "ana", env=PINNED)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "Prep · Ana Lima (she/her)  #1   Sun 22 Nov 10:00"
    assert lines[2].strip() == "Raise this first: a promise of yours was broken"
    assert lines[3] == "  #3 Send the calendar invite  broken 17 Nov"
    assert lines[4] == "    repair: none written yet"
    body = "\n".join(lines)
    assert "Goals         Lead without rescuing" in body
    assert "Cadence       every 14 days" in body
    assert "Last session  Tue 10 Nov 10:00  regular  (1 week ago)" in body
    assert "Themes        delegation, feedback" in body
    assert "Notes         Ana arrived tired. We mapped who needs what." in body
    assert " …" in body  # only the start of long notes
    assert "Trust pulse   ▄▆  4 of 5 last time" in body
    mine = next(line for line in lines if "#1" in line and "mine" in line)
    theirs = next(line for line in lines if "#2" in line)
    assert "overdue by 2 days" in mine and "due Fri 27 Nov" in theirs
    assert lines.index(mine) < lines.index(theirs)  # the coach's own first


def test_a_session_after_the_break_counts_as_raising_it(ana, store, cli):
    with store.write() as db:
        make_session(db, ana, NOW - DAY)
    r = cli("prep", "ana", env=PINNED)
    assert "Raise this first" not in r.out
    assert cli("prep", "ana", "--json", env=PINNED).json["broken_not_raised"] == []


def test_prep_json(ana, cli):
    data = cli("prep", "ana", "--json", env=PINNED).json
    assert list(data) == KEYS
    assert data["agreement"] == {
        "version": 1,
        "status": "active",
        "goals": "Lead without rescuing",
        "cadence_days": 14,
        "review_on": "2027-01-05",
    }
    assert list(data["last_session"]) == ["id", "held_at", "kind", "themes", "notes_start"]
    assert [(p["id"], p["owner"], p["overdue"]) for p in data["open_promises"]] == [
        (1, "coach", True),
        (2, "client", False),
    ]
    assert data["broken_not_raised"] == [
        {
            "id": 3,
            "text": "Send the calendar invite",
            "closed_at": "2026-11-17T10:00:00+00:00",
            "repair": None,
        }
    ]
    assert (data["pitstop_due"], data["trust_pulses"]) == (False, [3, 4])


def test_prep_for_a_new_client_is_calm(cli):
    cli("client", "add", "Bea Costa")
    r = cli("prep", "bea", env=PINNED)
    assert r.code == 0, r.err
    assert "Raise this first" not in r.out
    assert "no agreement yet: coachlog agreement new 1" in r.out
    assert "Last session  none yet" in r.out
    assert "Pit-stop      not yet: no sessions so far" in r.out
    assert "none either way" in r.out
    assert cli("prep", "nobody").code == 1


def test_prep_text_is_literal(cli, store):
    hostile = "[red]x[/] \x1b[31mred"
    with store.write() as db:
        c = make_client(db, "Eve")
        make_session(db, c, NOW - DAY, notes=hostile, themes=["[bold]t"])
        make_promise(db, c, text=hostile)
    out = cli("prep", "eve", env=PINNED).out
    assert "[red]x[/]" in out and "\x1b[31m" not in out and "\\x1b[31mred" in out
    assert "[bold]t" in out


def test_prep_recalls_what_they_asked_for_at_the_last_pitstop(store, cli):
    from coachlog.services.pitstops import notes_markdown

    with store.write() as db:
        c = make_client(db, "Ana Lima")
        answers = {"working": "Challenge", "not_working": "Evenings", "less": "Homework"}
        make_session(db, c, NOW - 20 * DAY, kind="pitstop", notes=notes_markdown(answers))
        make_session(db, c, NOW - 6 * DAY, notes="Talked about delegation.")
    lines = cli("prep", "ana", env=PINNED).out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Last pit-stop"))
    assert lines[start].rstrip() == "Last pit-stop  not working: Evenings"
    assert lines[start + 1].rstrip() == "               less of: Homework"
    assert any(line.startswith("Notes") and "delegation" in line for line in lines)
    with store.write() as db:
        make_session(db, c, NOW - DAY, kind="pitstop", notes=notes_markdown({"more": "Silence"}))
    out = cli("prep", "ana", env=PINNED).out
    assert "Last pit-stop  more of: Silence" in out
    assert "Notes" not in out  # the answers are the pit-stop's notes
