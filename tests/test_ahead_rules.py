"""The rules of sessions ahead (SPEC §4a), pure, with a fixed `now`: each boundary tried on
both sides (domain/ahead.py, domain/calendar.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from coachlog.domain import ahead
from coachlog.domain import calendar as cal
from support import NOW

SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class S:
    id: int
    held_at: datetime
    status: str = "planned"


@dataclass(frozen=True)
class C:
    id: int
    name: str
    email: str | None = None


# ---- which sessions count --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "counts"), [("held", True), ("planned", False), ("cancelled", False)]
)
def test_only_held_sessions_count(status, counts):
    assert ahead.counts(S(1, NOW - DAY, status)) is counts


# ---- the next planned session --------------------------------------------------------------


def test_next_planned_is_the_earliest_planned_from_now_on():
    sessions = [
        S(1, NOW - SECOND),  # gone by: waiting to be recorded, not "next"
        S(2, NOW + 3 * DAY),
        S(3, NOW + DAY, "cancelled"),
        S(4, NOW + DAY, "held"),
        S(5, NOW + 2 * DAY),
    ]
    assert ahead.next_planned(sessions, now=NOW).id == 5


def test_next_planned_at_now_itself_is_next():
    assert ahead.next_planned([S(1, NOW)], now=NOW).id == 1
    assert ahead.next_planned([S(1, NOW - SECOND)], now=NOW) is None
    assert ahead.next_planned([], now=NOW) is None


# ---- the 12-hour take-up ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "taken"),
    [
        (12 * HOUR, True),
        (12 * HOUR + SECOND, False),
        (-12 * HOUR, True),
        (-12 * HOUR - SECOND, False),
        (timedelta(0), True),
    ],
)
def test_take_up_window_is_twelve_hours_either_side_inclusive(offset, taken):
    found = ahead.take_up([S(7, NOW + offset)], at=NOW)
    assert (found is not None) is taken


def test_take_up_chooses_the_nearest_then_the_earlier_and_only_planned():
    sessions = [
        S(1, NOW - 3 * HOUR),
        S(2, NOW + 2 * HOUR),
        S(3, NOW + HOUR, "cancelled"),
        S(4, NOW + HOUR, "held"),
    ]
    assert ahead.take_up(sessions, at=NOW).id == 2
    tie = [S(5, NOW + 2 * HOUR), S(6, NOW - 2 * HOUR)]
    assert ahead.take_up(tie, at=NOW).id == 6


def test_taken_up_at_keeps_a_given_time_else_the_plan_never_ahead_of_now():
    planned = NOW - HOUR
    assert ahead.taken_up_at(planned, given=None, now=NOW) == planned
    assert ahead.taken_up_at(NOW + HOUR, given=None, now=NOW) == NOW
    assert ahead.taken_up_at(planned, given=NOW - 5 * HOUR, now=NOW) == NOW - 5 * HOUR


def test_a_plan_is_for_now_or_later():
    assert ahead.plan_problem(NOW, now=NOW) is None
    assert ahead.plan_problem(NOW + SECOND, now=NOW) is None
    assert "already past" in (ahead.plan_problem(NOW - SECOND, now=NOW) or "")


# ---- the cadence ran out ------------------------------------------------------------------


def test_cadence_runs_out_after_the_last_held_session_plus_cadence_days():
    last = NOW - 14 * DAY
    assert not ahead.cadence_ran_out(
        last_held_at=last, cadence_days=14, next_planned_at=None, now=NOW
    )  # the day it ends, to the second: not yet
    assert ahead.cadence_ran_out(
        last_held_at=last - SECOND, cadence_days=14, next_planned_at=None, now=NOW
    )


def test_cadence_not_run_out_with_something_planned_or_no_cadence_or_no_session():
    last = NOW - 30 * DAY
    assert not ahead.cadence_ran_out(
        last_held_at=last, cadence_days=14, next_planned_at=NOW + DAY, now=NOW
    )
    assert not ahead.cadence_ran_out(
        last_held_at=last, cadence_days=None, next_planned_at=None, now=NOW
    )
    assert not ahead.cadence_ran_out(
        last_held_at=None, cadence_days=14, next_planned_at=None, now=NOW
    )
    assert ahead.cadence_due_at(last, 14) == last + 14 * DAY


# ---- the --before-next window --------------------------------------------------------------


def test_window_ends_at_the_next_planned_session_else_within():
    week = 7 * DAY
    assert ahead.window_end(now=NOW, within=week, next_planned_at=NOW + 2 * DAY) == NOW + 2 * DAY
    assert ahead.window_end(now=NOW, within=week, next_planned_at=NOW + 20 * DAY) == NOW + 20 * DAY
    assert ahead.window_end(now=NOW, within=week, next_planned_at=None) == NOW + week


def test_days_ahead_are_today_and_tomorrow_in_the_coachs_zone():
    # 23:30 UTC on 22 Nov is already 23 Nov 08:30 in Tokyo.
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    start, end = ahead.days_ahead(late, "Asia/Tokyo")
    assert start == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # 23 Nov 00:00 in Tokyo
    assert end == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 25 Nov 00:00 in Tokyo
    start, end = ahead.days_ahead(NOW, "Europe/Lisbon")
    assert (start, end) == (
        datetime(2026, 11, 22, 0, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 0, 0, tzinfo=UTC),
    )


# ---- which client an event is for ----------------------------------------------------------

CLIENTS = [
    C(1, "Ana Lima", "Ana.Lima@example.org"),
    C(2, "Ana Lima Costa"),
    C(3, "José Rocha"),
    C(4, "Bruno Costa", "bruno@example.org"),
    C(5, "Bruno Twin", "bruno@example.org"),
]


def test_an_attendee_email_decides_case_aside():
    m = ahead.match_event("Call", ["mailto:ana.lima@EXAMPLE.org", "mailto:me@x.net"], CLIENTS)
    assert m.client is not None and m.client.id == 1 and m.by == "email"


def test_the_full_name_in_the_title_as_whole_words_without_case_or_accents():
    assert ahead.match_event("coaching: jose rocha", [], CLIENTS).client.id == 3
    assert ahead.match_event("Rocha, José", [], CLIENTS).client is None  # not the full name
    assert ahead.match_event("Josérocha", [], CLIENTS).client is None


def test_a_name_inside_a_longer_name_found_is_the_longer_one():
    assert ahead.match_event("Ana Lima Costa: review", [], CLIENTS).client.id == 2
    assert ahead.match_event("Ana Lima: review", [], CLIENTS).client.id == 1


def test_several_clients_are_ambiguous():
    m = ahead.match_event("Ana Lima and José Rocha", [], CLIENTS)
    assert m.client is None and {c.id for c in m.several} == {1, 3}
    shared = ahead.match_event("x", ["mailto:bruno@example.org"], CLIENTS)
    assert shared.client is None and {c.id for c in shared.several} == {4, 5}
    assert ahead.match_event("Dentist", [], CLIENTS) == ahead.EventMatch()


# ---- calendar events as sessions -----------------------------------------------------------


def test_an_event_uid_that_is_a_uuid_is_the_session_uid_else_a_uuid5_of_it():
    u = "0B6F3A0E-6F0C-4D43-9A51-5F2B7C9D1E2A"
    assert cal.session_uid(u) == u.lower()
    g = cal.session_uid("4k2j7m9q1r3s@google.com")
    assert g == str(uuid.uuid5(cal.UID_NAMESPACE, "4k2j7m9q1r3s@google.com"))
    assert g == cal.session_uid(" 4k2j7m9q1r3s@google.com ")  # always the same session
    assert g != cal.session_uid("4k2j7m9q1r3s@google.co")


def _event(**kw) -> cal.CalEvent:
    base = {"uid": "u", "summary": "Ana Lima", "start": NOW + DAY, "minutes": 60}
    return cal.CalEvent(**{**base, **kw})


def test_which_events_are_ahead():
    assert _event(start=NOW).ahead(NOW)
    assert not _event(start=NOW - SECOND).ahead(NOW)
    assert _event(repeats=True, start=NOW - 90 * DAY).ahead(NOW)  # no UNTIL: may recur
    assert _event(repeats=True, may_recur_after=NOW).ahead(NOW)
    assert not _event(repeats=True, may_recur_after=NOW - SECOND).ahead(NOW)
    assert _event(broken="it has no DTSTART", start=None).ahead(NOW)  # reported
    assert not _event(broken="it has no UID", start=NOW - SECOND).ahead(NOW)


def test_refusals_say_why():
    assert cal.refusal(_event()) is None
    assert "repeating" in cal.refusal(_event(repeats=True))
    assert "all-day" in cal.refusal(_event(day=date(2026, 12, 4)))
    assert "1 minute to 24 hours" in cal.refusal(_event(minutes=0))
    assert cal.refusal(_event(minutes=24 * 60)) is None
    assert "1 minute to 24 hours" in cal.refusal(_event(minutes=24 * 60 + 1))


def test_what_an_event_does_to_the_session_it_is():
    planned = cal.Existing(9, 1, NOW + DAY, 60, "planned")
    assert cal.action(_event(), None, 1) == cal.NEW
    assert cal.action(_event(), None, None) == cal.LEFT
    assert cal.action(_event(cancelled=True), None, 1) == cal.LEFT
    assert cal.action(_event(), planned, 1) == cal.SAME
    assert cal.action(_event(), planned, None) == cal.SAME  # the uid decides
    assert cal.action(_event(start=NOW + 2 * DAY), planned, 1) == cal.MOVED
    assert cal.action(_event(minutes=45), planned, 1) == cal.MOVED
    assert cal.action(_event(minutes=None), planned, 1) == cal.SAME
    assert cal.action(_event(), planned, 2) == cal.MOVED  # now for another client
    assert cal.action(_event(cancelled=True), planned, 1) == cal.CANCEL
    for status in ("held", "cancelled"):
        done = cal.Existing(9, 1, NOW - DAY, 60, status)
        assert cal.action(_event(start=NOW + 5 * DAY), done, 1) == cal.SAME
        assert cal.action(_event(cancelled=True), done, 1) == cal.SAME
