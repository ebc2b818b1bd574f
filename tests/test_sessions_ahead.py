"""Sessions ahead (SPEC §4a) end to end, through the CLI in-process on a real store (SQLite,
and PostgreSQL when COACHLOG_TEST_PG_URL names a server): session plan, session cancel,
session list --planned, the 12-hour take-up by session new, and that only held sessions
count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support import NOW

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def at(dt) -> dict[str, str]:
    """The environment of a command run at another moment than the suite's NOW."""
    return {"COACHLOG_NOW": dt.isoformat()}


@pytest.fixture
def ana(cli):
    r = cli("client", "add", "Ana Lima", "--email", "ana@example.org")
    assert r.code == 0, r.err
    return cli


def test_plan_lists_shows_and_carries_status_in_json(ana):
    cli = ana
    r = cli("session", "plan", "ana", "--at", "tue 15:00", "--minutes", "45")
    assert r.code == 0, r.err
    assert "Session #1 with Ana Lima planned: Tue 24 Nov 15:00, 45 min, regular" in r.out
    assert '(from "tue 15:00")' in r.out

    planned = cli("session", "list", "--planned", "--json").json
    assert [(s["id"], s["status"], s["held_at"]) for s in planned] == [
        (1, "planned", "2026-11-24T15:00:00+00:00")
    ]
    assert cli("session", "list", "--json").json == []  # held sessions only
    held = cli("session", "list")
    assert "No sessions yet" in held.out
    page = cli("session", "show", "1")
    assert "Planned for" in page.out and "Tue 24 Nov 15:00" in page.out
    assert cli("session", "show", "1", "--json").json["status"] == "planned"
    # "from now on": a day after it, it is no longer listed as planned
    later = cli("session", "list", "--planned", env=at(NOW + 3 * DAY))
    assert "No sessions planned." in later.out


def test_plan_json_is_the_session_record(ana):
    r = ana(
        "session", "plan", "ana", "--at", "2026-12-01T09:30:00+00:00", "--kind", "pit", "--json"
    )
    assert r.code == 0, r.err
    data = r.json
    assert data["status"] == "planned" and data["kind"] == "pitstop" and data["promises"] == []
    assert data["client"] == "Ana Lima" and data["minutes"] == 60


def test_a_time_already_past_is_refused_and_nothing_is_written(ana):
    r = ana("session", "plan", "ana", "--at", "today 9:00")
    assert r.code == 2
    assert "'today 9:00' reads as Sun 22 Nov 09:00, which is already past" in r.err
    assert "session new" in r.err and "Traceback" not in r.err
    assert ana("session", "list", "--planned", "--json").json == []
    bad = ana("session", "plan", "ana", "--at", "someday")
    assert bad.code == 2 and "--at" in bad.err


def test_session_new_ahead_points_to_session_plan(ana):
    r = ana("session", "new", "ana", "--at", "tomorrow 10:00", "--notes", "x")
    assert r.code == 1 and "still ahead" in r.err and "session plan" in r.err


def test_cancel_with_a_note_and_undo_puts_it_back(ana):
    cli = ana
    assert cli("session", "plan", "ana", "--at", "tue 15:00").code == 0
    r = cli("session", "cancel", "1", "--note", "Ana is ill")
    assert r.code == 0, r.err
    assert "Cancelled session #1 with Ana Lima (Tue 24 Nov 15:00)" in r.out
    shown = cli("session", "show", "1", "--json").json
    assert shown["status"] == "cancelled" and shown["notes"] == "Cancelled: Ana is ill"
    assert cli("session", "list", "--planned", "--json").json == []
    again = cli("session", "cancel", "1")
    assert again.code == 1 and "already cancelled" in again.err

    undone = cli("undo")
    assert undone.code == 0, undone.err
    assert "cancelled session #1 with Ana Lima" in undone.out
    back = cli("session", "show", "1", "--json").json
    assert back["status"] == "planned" and back["notes"] is None


def test_a_held_session_is_not_cancelled(ana):
    assert ana("session", "new", "ana", "--notes", "x").code == 0
    r = ana("session", "cancel", "1")
    assert r.code == 1
    assert "was held; only a planned session can be cancelled" in r.err
    assert "session delete 1" in r.err
    assert ana("session", "show", "1", "--json").json["status"] == "held"
    missing = ana("session", "cancel", "99")
    assert missing.code == 1 and "No session with id 99" in missing.err


def test_session_new_records_the_planned_session_within_12_hours(ana):
    cli = ana
    # planned the day before, for 10:30 today; recorded after the call at 11:40
    plan = cli(
        "session", "plan", "ana", "--at", "2026-11-22T10:30:00+00:00", "--minutes", "50",
        "--kind", "pitstop", "--json", env=at(NOW - DAY),
    )  # fmt: skip
    assert plan.code == 0, plan.err
    planned = plan.json
    r = cli(
        "session", "new", "ana", "--notes", "Went well", "--promise", "Send the article @ fri",
        env=at(NOW + 100 * timedelta(minutes=1)),
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "Session #1 with Ana Lima recorded: Sun 22 Nov 10:30, 50 min, pitstop" in r.out
    assert "This is the session planned for Sun 22 Nov 10:30 (same id, now held)." in r.out
    held = cli("session", "show", "1", "--json").json
    assert held["uid"] == planned["uid"] and held["status"] == "held"
    assert held["notes"] == "Went well" and len(held["promises"]) == 1
    assert cli("session", "list", "--planned", "--json", env=at(NOW - DAY)).json == []

    # undo: planned again, the promise gone
    assert cli("undo").code == 0
    back = cli("session", "show", "1", "--json").json
    assert back["status"] == "planned" and back["notes"] is None and back["promises"] == []


def test_session_new_beyond_12_hours_records_a_new_session(ana):
    cli = ana
    far = NOW + 12 * HOUR + timedelta(minutes=1)
    assert cli("session", "plan", "ana", "--at", far.isoformat()).code == 0
    r = cli("session", "new", "ana", "--notes", "x", "--json")
    assert r.code == 0, r.err
    assert r.json["id"] == 2 and r.json["status"] == "held"
    assert [s["id"] for s in cli("session", "list", "--planned", "--json").json] == [1]
    # exactly 12 hours: taken up
    assert cli("session", "plan", "ana", "--at", (NOW + 20 * HOUR).isoformat()).code == 0
    r = cli("session", "new", "ana", "--notes", "y", env=at(NOW + 8 * HOUR))
    assert r.code == 0 and "planned for" in r.out
    r = cli("session", "new", "ana", "--notes", "z", "--at", "2026-11-22T08:00:00+00:00")
    assert r.code == 0 and "planned for" not in r.out  # 12 h 1 min before #1, 12 h before #3


def test_a_given_time_is_kept_when_taking_up(ana):
    cli = ana
    assert (
        cli("session", "plan", "ana", "--at", "2026-11-22T11:00:00+00:00", env=at(NOW - DAY)).code
        == 0
    )
    r = cli("session", "new", "ana", "--at", "today 9:15", "--notes", "moved earlier")
    assert r.code == 0, r.err
    assert "recorded: Sun 22 Nov 09:15" in r.out and "planned for Sun 22 Nov 11:00" in r.out


def test_other_clients_plans_are_not_taken_up(ana):
    cli = ana
    assert cli("client", "add", "Bruno Costa").code == 0
    assert cli("session", "plan", "bruno", "--at", (NOW + HOUR).isoformat()).code == 0
    r = cli("session", "new", "ana", "--notes", "x", "--json")
    assert r.json["id"] == 2
    assert cli("session", "show", "1", "--json").json["status"] == "planned"


# ---- only held sessions count ----------------------------------------------------------------


@pytest.fixture
def counted(ana):
    """Ana: two sessions held, a session planned for earlier today that was never recorded,
    and one planned then cancelled (both before NOW, where the counts look)."""
    cli = ana
    week_ago = NOW - 7 * DAY
    for when in ("2026-11-01T10:00:00+00:00", "2026-11-15T10:00:00+00:00"):
        assert (
            cli("session", "new", "ana", "--at", when, "--notes", "held", env=at(week_ago)).code
            == 0
        )
    assert (
        cli(
            "agreement", "new", "ana", "--goals", "g", "--cadence-days", "14", env=at(week_ago)
        ).code
        == 0
    )
    made = cli("promises", "add", "ana", "Send the notes @ 2026-11-16", env=at(week_ago))
    assert made.code == 0, made.err
    assert cli("promises", "break", "1", "--repair", "apologise", env=at(week_ago)).code == 0
    for when in ("2026-11-20T10:00:00+00:00", "2026-11-22T08:00:00+00:00"):
        assert cli("session", "plan", "ana", "--at", when, env=at(week_ago)).code == 0
    assert cli("session", "cancel", "3", "--note", "ill", env=at(week_ago)).code == 0
    return cli


def test_dashboard_counts_held_sessions_only(counted):
    row = counted("dashboard", "--json").json[0]
    assert row["sessions"] == 2
    assert row["last_session_at"] == "2026-11-15T10:00:00+00:00"
    # the broken promise has not been raised: no session was held after it broke
    assert row["broken_not_raised"] == 1


def test_trust_and_client_page_count_held_sessions_only(counted):
    trust = counted("trust", "ana", "--json").json
    checks = {c["id"]: c for c in trust["checks"]}
    assert "2 sessions" in checks[7]["evidence"]  # pit-stops: fewer than 3 sessions so far
    page = counted("client", "show", "ana")
    assert page.code == 0, page.err
    assert "Fri 20 Nov" not in page.out and "Sun 22 Nov 08:00" not in page.out


def test_session_list_and_markdown_export_hold_held_sessions_only(counted):
    assert [s["id"] for s in counted("session", "list", "--json").json] == [1, 2]
    md = counted("export", "ana", "--include-private")
    assert md.code == 0, md.err
    assert "ill" not in md.out and md.out.count("held") == 2
    # the JSON export is the whole record: every status, for a faithful round trip
    doc = counted("export", "ana", "--format", "json").json
    assert sorted(s["status"] for s in doc["sessions"]) == ["cancelled", "held", "held", "planned"]


def test_prep_last_session_is_the_last_held(counted):
    r = counted("prep", "ana")
    assert r.code == 0, r.err
    assert "Sun 15 Nov" in r.out and "Sun 22 Nov 08:00" not in r.out


def test_icf_hours_count_held_sessions_only(counted):
    assert counted("client", "edit", "ana", "--icf-consent", "yes").code == 0
    progress = counted("icf", "progress", "--json").json
    assert progress["hours"] == 2  # two sessions of 60 minutes held


def test_search_finds_a_cancellation_note_and_says_it_was_cancelled(counted):
    hits = counted("search", "ill", "--json").json["hits"]
    cancelled = {"kind": "regular", "status": "cancelled"}
    assert [(h["id"], h["record"]) for h in hits] == [(3, cancelled)]
    screen = counted("search", "ill")
    assert "regular, cancelled" in screen.out


# ---- moving a planned session ------------------------------------------------------------


def test_session_edit_moves_a_planned_session_ahead_only(ana):
    cli = ana
    assert cli("session", "plan", "ana", "--at", "tue 15:00").code == 0
    r = cli("session", "edit", "1", "--at", "thu 16:30", "--minutes", "30")
    assert r.code == 0, r.err
    assert "Thu 26 Nov 16:30, 30 min" in r.out and '(from "thu 16:30")' in r.out
    assert cli("session", "show", "1", "--json").json["status"] == "planned"
    past = cli("session", "edit", "1", "--at", "yesterday 10:00")
    assert past.code == 2 and "already past" in past.err
    day = cli("session", "plan", "ana", "--at", "fri")
    assert day.code == 2 and "a day without a time" in day.err
    assert cli("undo").code == 0  # the move, undone
    assert cli("session", "show", "1", "--json").json["held_at"] == "2026-11-24T15:00:00+00:00"
