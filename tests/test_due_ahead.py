"""Sessions ahead on the read side (SPEC §4a, §2a), through the CLI in-process: each client's
next planned session in `promises due`, `--before-next`, and today's view (bare `coachlog`) with
the sessions planned for today and tomorrow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support import NOW

DAY = timedelta(days=1)


def at(dt) -> dict[str, str]:
    return {"COACHLOG_NOW": dt.isoformat()}


@pytest.fixture
def two(cli):
    """Ana: promises due in 3 and 10 days, next session in 12 days. Bruno: due in 2 and 9
    days (the second his), next session tomorrow 09:00. Carla: due in 5 days, nothing
    planned."""
    for name in ("Ana Lima", "Bruno Costa", "Carla Dias"):
        assert cli("client", "add", name).code == 0
    for args in (
        ("ana", "Send the article @ +3d"),
        ("ana", "Call back @ +10d"),
        ("bruno", "Book the room @ +2d"),
        ("bruno", "Write the report @ +9d", "--theirs"),
        ("carla", "Share the model @ +5d"),
    ):
        assert cli("promises", "add", *args).code == 0
    assert cli("session", "plan", "ana", "--at", "+12d 10:00").code == 0
    assert cli("session", "plan", "bruno", "--at", "tomorrow 9:00").code == 0
    return cli


def test_each_clients_heading_has_their_next_planned_session(two):
    r = two("promises", "due")
    assert r.code == 0, r.err
    assert "Bruno Costa  next session Mon 23 Nov 09:00" in r.out
    assert "Ana Lima  next session Fri 4 Dec 10:00" in r.out
    carla = next(line for line in r.out.splitlines() if line.startswith("Carla Dias"))
    assert carla == "Carla Dias"  # nothing planned: nothing said


def test_before_next_ends_each_window_at_the_next_session(two):
    r = two("promises", "due", "--before-next", "--json")
    assert r.code == 0, r.err
    got = sorted((p["client"], p["text"]) for p in r.json)
    assert got == [
        ("Ana Lima", "Call back"),  # 10 days: before her session in 12
        ("Ana Lima", "Send the article"),
        ("Carla Dias", "Share the model"),  # nothing planned: --within (7d)
    ]  # Bruno's: due after his session tomorrow
    plain = two("promises", "due", "--json")
    assert len(plain.json) == 3  # 3, 2 and 5 days: within 7d
    screen = two("promises", "due", "--before-next")
    assert "3 promises due before each client's next session (or within 7 days)" in screen.out
    narrow = two("promises", "due", "--before-next", "--within", "1d", "--json")
    assert sorted(p["text"] for p in narrow.json) == ["Call back", "Send the article"]


def test_before_next_boundary_a_promise_due_at_the_session_is_not_before_it(two):
    # Bruno's session is Mon 23 Nov 09:00 (UTC in Lisbon in November)
    assert two("promises", "add", "bruno", "At the start @ 2026-11-23T09:00:00+00:00").code == 0
    assert two("promises", "add", "bruno", "Just before @ 2026-11-23T08:59:00+00:00").code == 0
    texts = [p["text"] for p in two("promises", "due", "--before-next", "--json").json]
    assert "Just before" in texts and "At the start" not in texts


def test_before_next_keeps_the_overdue(two):
    assert two("promises", "add", "bruno", "Late one @ yesterday").code == 0
    texts = [p["text"] for p in two("promises", "due", "--before-next", "--json").json]
    assert "Late one" in texts


def test_todays_view_shows_sessions_planned_today_and_tomorrow(two):
    cli = two
    earlier = NOW - DAY
    assert (
        cli("session", "plan", "carla", "--at", "2026-11-22T08:30:00+00:00", env=at(earlier)).code
        == 0
    )
    assert (
        cli("session", "plan", "carla", "--at", "2026-11-24T00:00:00+00:00", env=at(earlier)).code
        == 0
    )
    r = cli()
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    i = lines.index("Planned today and tomorrow")
    assert lines[i + 1 : i + 3] == [
        "  Sun 22 Nov 08:30  Carla Dias  60 min  #3  not recorded yet",
        "  Mon 23 Nov 09:00  Bruno Costa  60 min  #2",
    ]  # not Ana's in 12 days, not Carla's at midnight after tomorrow
    assert lines[-1].startswith("All commands: coachlog --help")
    assert "Carla Dias  next session Tue 24 Nov 00:00" in lines  # the one at 08:30 is gone by
    assert i > lines.index("Carla Dias  next session Tue 24 Nov 00:00")  # below what is due


def test_todays_view_with_nothing_planned_says_so(cli):
    assert cli("client", "add", "Ana Lima").code == 0
    r = cli()
    assert r.code == 0 and "No sessions planned today or tomorrow." in r.out


def test_todays_view_counts_days_in_the_coachs_zone(two):
    # 23:30 UTC on Sunday is Monday 08:30 in Tokyo: "today" there is Monday, so Bruno's
    # session (Mon 09:00 UTC = Mon 18:00 in Tokyo) is today and a session on Wednesday
    # 02:00 Tokyo time is after tomorrow.
    assert two("session", "plan", "carla", "--at", "2026-11-24T17:00:00+00:00").code == 0
    r = two("--tz", "Asia/Tokyo", env=at(NOW.replace(hour=23, minute=30)))
    assert r.code == 0, r.err
    assert "Mon 23 Nov 18:00  Bruno Costa" in r.out
    assert "Carla Dias  60 min  #" not in r.out


# ---- dashboard and prep ----------------------------------------------------------------------


@pytest.fixture
def rhythm(cli):
    """Three clients on a 14-day cadence, each last seen 15 days ago (the cadence ran out a
    day ago): Ana has a session planned, Bruno had one planned that was cancelled, Carla has
    nothing planned but the coach owes Bruno an overdue promise."""
    earlier = NOW - 16 * DAY
    for name in ("Ana Lima", "Bruno Costa", "Carla Dias"):
        assert cli("client", "add", name, env=at(earlier)).code == 0
        ref = name.split()[0].lower()
        assert (
            cli(
                "agreement", "new", ref, "--goals", "g", "--cadence-days", "14", env=at(earlier)
            ).code
            == 0
        )
        held = (NOW - 15 * DAY).isoformat()
        assert (
            cli("session", "new", ref, "--at", held, "--notes", "x", env=at(earlier + DAY)).code
            == 0
        )
    assert cli("session", "plan", "ana", "--at", "+3d 10:00").code == 0
    assert cli("session", "plan", "bruno", "--at", "+2d 10:00").code == 0
    assert cli("session", "cancel", "5").code == 0
    assert cli("promises", "add", "bruno", "Overdue thing @ yesterday").code == 0
    return cli


def test_dashboard_puts_a_client_whose_cadence_ran_out_with_nothing_planned_on_top(rhythm):
    rows = rhythm("dashboard", "--json").json
    assert [(r["client"], r["cadence_ran_out"]) for r in rows] == [
        ("Bruno Costa", True),  # ran out, and an overdue promise of the coach's
        ("Carla Dias", True),
        ("Ana Lima", False),  # ran out too, but the next session is planned
    ]
    assert rows[2]["next_session_at"] == "2026-11-25T10:00:00+00:00"
    assert rows[0]["next_session_at"] is None  # the cancelled one is not next
    assert "cadence ran out, nothing planned" in rows[1]["attention"]
    screen = rhythm("dashboard")
    assert screen.code == 0, screen.err
    carla = next(line for line in screen.out.splitlines() if "Carla Dias" in line)
    assert " none " in carla


def test_dashboard_cadence_boundary(rhythm):
    # 14 days after the last session, to the second: not yet run out
    on_the_day = NOW - DAY
    rows = rhythm("dashboard", "--json", env=at(on_the_day)).json
    assert {r["client"]: r["cadence_ran_out"] for r in rows}["Carla Dias"] is False
    rows = rhythm("dashboard", "--json", env=at(on_the_day + timedelta(seconds=1))).json
    assert {r["client"]: r["cadence_ran_out"] for r in rows}["Carla Dias"] is True


def test_prep_shows_the_next_planned_session(rhythm):
    r = rhythm("prep", "ana")
    assert r.code == 0, r.err
    assert "Next session  Wed 25 Nov 10:00  60 min" in r.out
    data = rhythm("prep", "ana", "--json").json
    assert data["next_session"] == {
        "id": 4,
        "held_at": "2026-11-25T10:00:00+00:00",
        "minutes": 60,
        "kind": "regular",
    }
    carla = rhythm("prep", "carla")
    assert "Next session  none planned: the agreed cadence has run out" in carla.out
    assert rhythm("prep", "carla", "--json").json["next_session"] is None
