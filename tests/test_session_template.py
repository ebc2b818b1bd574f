"""The session template: what it shows, and reading it back without losing a word."""

from __future__ import annotations

import pendulum
import pytest

from coachlog.errors import InvalidInput
from coachlog.services import session_template

TZ = "Europe/Lisbon"


def _render(values=None, **kw):
    base = {"held_at": pendulum.datetime(2026, 11, 22, 15, 0, tz="UTC"), "minutes": 45}
    return session_template.render("Ana Lima", {**base, **(values or {})}, tz=TZ, **kw)


def test_round_trip(now):
    t = _render(
        {
            "notes": "We worked on delegation.\n\n## A heading of mine\n<!-- my aside -->",
            "themes": ["delegation", "feedback"],
            "reflection": "Slow down.",
            "trust_pulse": 4,
            "kind": "pitstop",
            "private": True,
            "group_size": 6,
            "counts_for_icf": False,
        },
        now=now,
        promises=["Send the article @ fri 18:00"],
        commitments=["Talk to Rui @ +7d"],
    )
    parsed = session_template.parse(t.text, now=now, tz=TZ, comments=t.comments)
    assert parsed.values == {
        "notes": "We worked on delegation.\n\n## A heading of mine\n<!-- my aside -->",
        "themes": ["delegation", "feedback"],
        "reflection": "Slow down.",
        "held_at": pendulum.datetime(2026, 11, 22, 15, 0, tz="UTC"),
        "minutes": 45,
        "kind": "pitstop",
        "trust_pulse": 4,
        "private": True,
        "group_size": 6,
        "counts_for_icf": False,
    }
    assert parsed.when_text == "2026-11-22 15:00"
    assert [(p.owner, p.text, p.due_at) for p in parsed.promises] == [
        ("coach", "Send the article", pendulum.datetime(2026, 11, 27, 18, 0, tz="UTC")),
        ("client", "Talk to Rui", pendulum.datetime(2026, 11, 29, 23, 59, 59, tz="UTC")),
    ]


def test_the_empty_template_reads_as_an_empty_session(now):
    t = _render(now=now)
    parsed = session_template.parse(t.text, now=now, tz=TZ, comments=t.comments)
    assert parsed.promises == []
    assert parsed.values["notes"] is None and parsed.values["themes"] == []
    assert (parsed.values["kind"], parsed.values["trust_pulse"]) == ("regular", None)


def test_themes_as_bullets_and_the_title_is_ignored(now):
    text = "# anything\n## Themes\n- delegation\n- big goals, focus\n## Details\nTrust: 3\n"
    parsed = session_template.parse(text, now=now, tz=TZ)
    assert parsed.values == {"themes": ["delegation", "big goals", "focus"], "trust_pulse": 3}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("hello\n## Notes\n", "Line 1: text before the first section"),
        ("## I promised\nSend it @ fri\n", "Line 2: under 'I promised'"),
        ("## They committed\n\n- Talk @ someday\n", "Line 3: Due date of 'Talk'"),
        ("## Details\nMood: good\n", "Line 2: 'Mood: good' is not a detail line"),
        ("## Details\nMinutes: lots\n", "minutes must be a whole number"),
        ("## Details\nTrust pulse: 7\n", "trust pulse must be 1 to 5"),
        ("## Details\nKind: nap\n", "kind must be one of"),
        ("## Details\nWhen: blursday\n", "Line 2: When: Could not read"),
        ("## Details\nPrivate: perhaps\n", "private must be yes or no"),
        ("## Details\nGroup size: 0\n", "Line 2: group size must be a whole number from 1"),
        ("## Details\nGroup size: many\n", "group size must be a whole number"),
        ("## Details\nCounts for ICF: maybe\n", "Line 2: counts for ICF must be yes or no"),
    ],
)
def test_errors_name_the_line(now, text, words):
    with pytest.raises(InvalidInput) as err:
        session_template.parse(text, now=now, tz=TZ)
    assert words in err.value.message


def test_line_numbers_count_the_lines_of_removed_comments(now):
    t = _render(now=now)
    bad = t.text.replace("## I promised\n", "## I promised\nno bullet here\n")
    line = bad.splitlines().index("no bullet here") + 1
    with pytest.raises(InvalidInput, match=f"Line {line}:"):
        session_template.parse(bad, now=now, tz=TZ, comments=t.comments)


def test_recorded_promises_are_a_comment_and_are_not_read_back(now):
    from coachlog.models import Client, Promise
    from coachlog.services.promises import Item

    p = Promise(
        id=12,
        client_id=1,
        owner="coach",
        text="Send it --> now",
        made_at=now,
        due_at=pendulum.datetime(2026, 11, 27, 18, 0, tz="UTC"),
        status="open",
    )
    t = _render(now=now, recorded=[Item(p, Client(name="Ana Lima"), None)])
    assert "#12 Send it -- > now (due Fri 27 Nov 18:00)" in t.text
    parsed = session_template.parse(t.text, now=now, tz=TZ, comments=t.comments)
    assert parsed.promises == []


def test_when_in_the_template_is_about_the_past(now):
    """SPEC §3a: the session was held, so a bare weekday in `When:` is the one just gone
    (now is Sunday 22 Nov 2026: 'mon 10:00' is Monday 16 Nov, not Monday 23 Nov)."""
    t = _render({"notes": "x"}, now=now)
    text = t.text.replace("When: 2026-11-22 15:00", "When: mon 10:00")
    assert "When: mon 10:00" in text, t.text
    parsed = session_template.parse(text, now=now, tz=TZ, comments=t.comments)
    assert parsed.values["held_at"] == pendulum.datetime(2026, 11, 16, 10, 0, tz="UTC")
