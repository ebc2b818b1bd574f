"""Tests for coachlog.dates. Every expected value below was worked out by hand.

Fixture clock: NOW = Sunday 2026-11-22 10:00 UTC.
  Europe/Lisbon is on WET (UTC+0) that day     -> local 10:00 Sun 22 Nov.
  Asia/Kolkata is UTC+5:30 (no DST)            -> local 15:30 Sun 22 Nov.
  America/Los_Angeles is on PST (UTC-8)        -> local 02:00 Sun 22 Nov.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachlog import dates
from coachlog.dates import (
    ACCEPTED_FORMS,
    DateError,
    When,
    coach_zone,
    describe_due,
    format_date,
    format_instant,
    iso,
    local,
    parse_date,
    parse_iso_instant,
    parse_span,
    parse_when,
    relative,
    to_utc,
)
from support import NOW

LIS, KOL, LA, NY = "Europe/Lisbon", "Asia/Kolkata", "America/Los_Angeles", "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (text, expected UTC for mode="start", expected UTC for mode="end", in_words, date_only)
LISBON_CASES = [
    ("now", utc(2026, 11, 22, 10), utc(2026, 11, 22, 10), True, False),
    ("today", utc(2026, 11, 22), utc(2026, 11, 22, 23, 59, 59), True, True),
    ("tomorrow", utc(2026, 11, 23), utc(2026, 11, 23, 23, 59, 59), True, True),
    ("yesterday", utc(2026, 11, 21), utc(2026, 11, 21, 23, 59, 59), True, True),
    ("fri", utc(2026, 11, 27), utc(2026, 11, 27, 23, 59, 59), True, True),
    ("friday", utc(2026, 11, 27), utc(2026, 11, 27, 23, 59, 59), True, True),
    ("Fri", utc(2026, 11, 27), utc(2026, 11, 27, 23, 59, 59), True, True),
    ("next week", utc(2026, 11, 23), utc(2026, 11, 23, 23, 59, 59), True, True),
    ("+3d", utc(2026, 11, 25), utc(2026, 11, 25, 23, 59, 59), True, True),
    ("-3d", utc(2026, 11, 19), utc(2026, 11, 19, 23, 59, 59), True, True),
    ("+1w", utc(2026, 11, 29), utc(2026, 11, 29, 23, 59, 59), True, True),
    ("in 3 days", utc(2026, 11, 25), utc(2026, 11, 25, 23, 59, 59), True, True),
    ("in 1 day", utc(2026, 11, 23), utc(2026, 11, 23, 23, 59, 59), True, True),
    ("in 2 weeks", utc(2026, 12, 6), utc(2026, 12, 6, 23, 59, 59), True, True),
    ("2 weeks ago", utc(2026, 11, 8), utc(2026, 11, 8, 23, 59, 59), True, True),
    ("1 week ago", utc(2026, 11, 15), utc(2026, 11, 15, 23, 59, 59), True, True),
    ("3 days ago", utc(2026, 11, 19), utc(2026, 11, 19, 23, 59, 59), True, True),
    ("-2h", utc(2026, 11, 22, 8), utc(2026, 11, 22, 8), True, False),
    ("+30min", utc(2026, 11, 22, 10, 30), utc(2026, 11, 22, 10, 30), True, False),
    ("in 2 hours", utc(2026, 11, 22, 12), utc(2026, 11, 22, 12), True, False),
    ("in 1 hour", utc(2026, 11, 22, 11), utc(2026, 11, 22, 11), True, False),
    ("in 45 minutes", utc(2026, 11, 22, 10, 45), utc(2026, 11, 22, 10, 45), True, False),
    ("3 hours ago", utc(2026, 11, 22, 7), utc(2026, 11, 22, 7), True, False),
    ("tomorrow 9:00", utc(2026, 11, 23, 9), utc(2026, 11, 23, 9), True, False),
    ("tomorrow at 9:00", utc(2026, 11, 23, 9), utc(2026, 11, 23, 9), True, False),
    ("fri 14:30", utc(2026, 11, 27, 14, 30), utc(2026, 11, 27, 14, 30), True, False),
    ("+3d 9am", utc(2026, 11, 25, 9), utc(2026, 11, 25, 9), True, False),
    ("today 5pm", utc(2026, 11, 22, 17), utc(2026, 11, 22, 17), True, False),
    ("today 12am", utc(2026, 11, 22, 0), utc(2026, 11, 22, 0), True, False),
    ("today 12pm", utc(2026, 11, 22, 12), utc(2026, 11, 22, 12), True, False),
    ("2 weeks ago 8:15", utc(2026, 11, 8, 8, 15), utc(2026, 11, 8, 8, 15), True, False),
    ("next week 10:00:30", utc(2026, 11, 23, 10, 0, 30), utc(2026, 11, 23, 10, 0, 30), True, False),
    ("2026-12-01 9am", utc(2026, 12, 1, 9), utc(2026, 12, 1, 9), True, False),
    ("2026-12-01", utc(2026, 12, 1), utc(2026, 12, 1, 23, 59, 59), False, True),
    ("2026-12-01 15:30", utc(2026, 12, 1, 15, 30), utc(2026, 12, 1, 15, 30), False, False),
    ("2026-12-01T15:30", utc(2026, 12, 1, 15, 30), utc(2026, 12, 1, 15, 30), False, False),
    (
        "2026-12-01 15:30:45",
        utc(2026, 12, 1, 15, 30, 45),
        utc(2026, 12, 1, 15, 30, 45),
        False,
        False,
    ),
    ("2026-12-01T15:30Z", utc(2026, 12, 1, 15, 30), utc(2026, 12, 1, 15, 30), False, False),
    ("2026-12-01T15:30:00+05:30", utc(2026, 12, 1, 10), utc(2026, 12, 1, 10), False, False),
    ("2026-12-01T15:30-0300", utc(2026, 12, 1, 18, 30), utc(2026, 12, 1, 18, 30), False, False),
    # summer date in Lisbon is WEST (UTC+1)
    ("2027-07-01", utc(2027, 6, 30, 23), utc(2027, 7, 1, 22, 59, 59), False, True),
    ("2027-07-01 15:30", utc(2027, 7, 1, 14, 30), utc(2027, 7, 1, 14, 30), False, False),
]

# Asia/Kolkata: UTC = local - 5:30. Local now is 15:30 Sun 22 Nov.
KOLKATA_CASES = [
    ("now", utc(2026, 11, 22, 10), utc(2026, 11, 22, 10), True, False),
    ("today", utc(2026, 11, 21, 18, 30), utc(2026, 11, 22, 18, 29, 59), True, True),
    ("tomorrow", utc(2026, 11, 22, 18, 30), utc(2026, 11, 23, 18, 29, 59), True, True),
    ("yesterday", utc(2026, 11, 20, 18, 30), utc(2026, 11, 21, 18, 29, 59), True, True),
    ("FRIDAY", utc(2026, 11, 26, 18, 30), utc(2026, 11, 27, 18, 29, 59), True, True),
    ("Next Week", utc(2026, 11, 22, 18, 30), utc(2026, 11, 23, 18, 29, 59), True, True),
    ("+3d", utc(2026, 11, 24, 18, 30), utc(2026, 11, 25, 18, 29, 59), True, True),
    ("+1w", utc(2026, 11, 28, 18, 30), utc(2026, 11, 29, 18, 29, 59), True, True),
    ("in 3 days", utc(2026, 11, 24, 18, 30), utc(2026, 11, 25, 18, 29, 59), True, True),
    ("2 weeks ago", utc(2026, 11, 7, 18, 30), utc(2026, 11, 8, 18, 29, 59), True, True),
    ("3 days ago", utc(2026, 11, 18, 18, 30), utc(2026, 11, 19, 18, 29, 59), True, True),
    ("-2h", utc(2026, 11, 22, 8), utc(2026, 11, 22, 8), True, False),
    ("+30min", utc(2026, 11, 22, 10, 30), utc(2026, 11, 22, 10, 30), True, False),
    ("in 2 hours", utc(2026, 11, 22, 12), utc(2026, 11, 22, 12), True, False),
    ("tomorrow 9:00", utc(2026, 11, 23, 3, 30), utc(2026, 11, 23, 3, 30), True, False),
    ("fri 14:30", utc(2026, 11, 27, 9), utc(2026, 11, 27, 9), True, False),
    ("+3d 9am", utc(2026, 11, 25, 3, 30), utc(2026, 11, 25, 3, 30), True, False),
    ("TODAY 5PM", utc(2026, 11, 22, 11, 30), utc(2026, 11, 22, 11, 30), True, False),
    ("  2026-12-01  ", utc(2026, 11, 30, 18, 30), utc(2026, 12, 1, 18, 29, 59), False, True),
    ("2026-12-01 15:30", utc(2026, 12, 1, 10), utc(2026, 12, 1, 10), False, False),
    ("2026-12-01t15:30z", utc(2026, 12, 1, 15, 30), utc(2026, 12, 1, 15, 30), False, False),
]

# America/Los_Angeles: UTC = local + 8 (PST). Local now is 02:00 Sun 22 Nov.
LA_CASES = [
    ("today", utc(2026, 11, 22, 8), utc(2026, 11, 23, 7, 59, 59), True, True),
    ("tomorrow 9:00", utc(2026, 11, 23, 17), utc(2026, 11, 23, 17), True, False),
    ("sat", utc(2026, 11, 28, 8), utc(2026, 11, 29, 7, 59, 59), True, True),
    ("2026-12-01", utc(2026, 12, 1, 8), utc(2026, 12, 2, 7, 59, 59), False, True),
    ("-2h", utc(2026, 11, 22, 8), utc(2026, 11, 22, 8), True, False),
]


def _cases(zone: str, rows: list[tuple]) -> list:
    return [pytest.param(zone, *row, id=f"{zone}:{row[0]}") for row in rows]


@pytest.mark.parametrize(
    ("zone", "text", "start", "end", "in_words", "date_only"),
    _cases(LIS, LISBON_CASES) + _cases(KOL, KOLKATA_CASES) + _cases(LA, LA_CASES),
)
def test_parse_when_forms(zone, text, start, end, in_words, date_only):
    got_start = parse_when(text, now=NOW, tz=zone, mode="start")
    got_end = parse_when(text, now=NOW, tz=zone, mode="end")
    assert got_start == When(instant=start, in_words=in_words, date_only=date_only)
    assert got_end == When(instant=end, in_words=in_words, date_only=date_only)
    assert got_start.instant.tzinfo is UTC


def test_default_mode_is_start():
    assert parse_when("tomorrow", now=NOW, tz=LIS).instant == utc(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("mon", 23),
        ("tue", 24),
        ("tues", 24),
        ("wed", 25),
        ("thu", 26),
        ("thursday", 26),
        ("fri", 27),
        ("sat", 28),
        ("sun", 29),
        ("sunday", 29),
        ("SUN", 29),
    ],
)
def test_weekday_is_strictly_after_today(text, day):
    # Sunday 22 Nov: "sun" is next week's Sunday, never today.
    assert parse_when(text, now=NOW, tz=LIS).instant == utc(2026, 11, day)


def test_today_is_the_local_date_not_the_utc_date():
    # 03:00 UTC on Sun 22 Nov is 19:00 on Sat 21 Nov in Los Angeles.
    now = utc(2026, 11, 22, 3)
    assert parse_when("today", now=now, tz=LA).instant == utc(2026, 11, 21, 8)
    assert parse_when("tomorrow", now=now, tz=LA).instant == utc(2026, 11, 22, 8)
    assert parse_when("sun", now=now, tz=LA).instant == utc(2026, 11, 22, 8)
    assert parse_when("sat", now=now, tz=LA).instant == utc(2026, 11, 28, 8)
    assert parse_when("next week", now=now, tz=LA).instant == utc(2026, 11, 23, 8)


def test_next_week_on_a_monday_is_the_following_monday():
    monday = utc(2026, 11, 23, 10)
    assert parse_when("next week", now=monday, tz=LIS).instant == utc(2026, 11, 30)


# --- DST -----------------------------------------------------------------------------------


def test_dst_gap_moves_forward_lisbon():
    # 2027-03-28: Lisbon clocks jump 01:00 WET -> 02:00 WEST; 01:30 does not exist.
    # It becomes 02:30 WEST = 01:30 UTC.
    assert parse_when("2027-03-28 01:30", now=NOW, tz=LIS).instant == utc(2027, 3, 28, 1, 30)
    sat = utc(2027, 3, 27, 12)
    assert parse_when("tomorrow 1:30am", now=sat, tz=LIS).instant == utc(2027, 3, 28, 1, 30)


def test_dst_overlap_takes_first_occurrence_lisbon():
    # 2026-10-25: Lisbon clocks go back 02:00 WEST -> 01:00 WET; 01:30 happens twice.
    # First occurrence is 01:30 WEST (UTC+1) = 00:30 UTC.
    assert parse_when("2026-10-25 01:30", now=NOW, tz=LIS).instant == utc(2026, 10, 25, 0, 30)
    sat = utc(2026, 10, 24, 12)
    assert parse_when("tomorrow 1:30", now=sat, tz=LIS).instant == utc(2026, 10, 25, 0, 30)


def test_dst_gap_and_overlap_new_york():
    # 2027-03-14 02:30 does not exist -> 03:30 EDT (UTC-4) = 07:30 UTC.
    assert parse_when("2027-03-14 02:30", now=NOW, tz=NY).instant == utc(2027, 3, 14, 7, 30)
    # 2026-11-01 01:30 happens twice -> first is EDT (UTC-4) = 05:30 UTC.
    assert parse_when("2026-11-01 01:30", now=NOW, tz=NY).instant == utc(2026, 11, 1, 5, 30)


def test_day_bounds_on_dst_days():
    # Spring-forward day in Lisbon: starts 00:00 WET, ends 23:59:59 WEST.
    got = parse_when("2027-03-28", now=NOW, tz=LIS, mode="start").instant
    assert got == utc(2027, 3, 28)
    got = parse_when("2027-03-28", now=NOW, tz=LIS, mode="end").instant
    assert got == utc(2027, 3, 28, 22, 59, 59)


def test_day_offsets_follow_the_calendar_hour_offsets_follow_the_clock():
    sat_noon = utc(2027, 3, 27, 12)  # 12:00 WET
    # Tomorrow 09:00 local is 09:00 WEST = 08:00 UTC.
    assert parse_when("tomorrow 9:00", now=sat_noon, tz=LIS).instant == utc(2027, 3, 28, 8)
    # +24h is exactly 24 hours later (13:00 local on the short day).
    assert parse_when("+24h", now=sat_noon, tz=LIS).instant == utc(2027, 3, 28, 12)


# --- errors ----------------------------------------------------------------------------------

BAD = [
    "",
    "   ",
    "blursday",
    "2026-13-01",
    "2026-02-30",
    "+3x",
    "in three days",
    "tomorrow 25:00",
    "tomorrow 9",
    "tomorrow 13pm",
    "today 0am",
    "today 9:60",
    "fri at",
    "now 9:00",
    "+2h 9:00",
    "in 2 hours 9:00",
    "3 days",
    "next",
    "week",
    "+3d9am",
    "2026-12-01T15:30+05:75",
    "2026-12-01T24:00",
    "9:00",
    "26-12-01",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_input_is_rejected_with_accepted_forms(text):
    with pytest.raises(DateError) as err:
        parse_when(text, now=NOW, tz=LIS)
    message = str(err.value)
    assert "Accepted" in message
    assert ACCEPTED_FORMS in message
    assert f"Could not read {text.strip()!r} as a date." in message
    assert len(message.splitlines()) <= 2
    with pytest.raises(DateError):
        parse_date(text, now=NOW, tz=LIS)


def test_error_message_format():
    with pytest.raises(DateError) as err:
        parse_when("blursday", now=NOW, tz=LIS)
    assert str(err.value) == (
        "Could not read 'blursday' as a date.\n"
        "Accepted: 2026-12-01, 2026-12-01 15:30, 4 Dec, now, today, tomorrow 9:00, tomorrow "
        "noon, fri, last fri, next fri, next week, next month, +3d, in 3 days, 2 weeks ago, "
        "-2h, +30min, +3mo"
    )
    assert isinstance(err.value, ValueError)


def test_unknown_zone_in_parse_is_a_date_error():
    with pytest.raises(DateError, match="Europe/Lisbon"):
        parse_when("today", now=NOW, tz="Mars/Olympus")


# --- parse_date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("tomorrow", LIS, date(2026, 11, 23)),
        ("fri", LIS, date(2026, 11, 27)),
        ("2026-12-01", LIS, date(2026, 12, 1)),
        ("2026-12-01 15:30", KOL, date(2026, 12, 1)),
        ("2 weeks ago", KOL, date(2026, 11, 8)),
        ("-2h", LIS, date(2026, 11, 22)),
        ("+10h", LIS, date(2026, 11, 22)),  # 20:00 UTC = 20:00 Lisbon
        ("+10h", KOL, date(2026, 11, 23)),  # 20:00 UTC = 01:30 IST next day
        ("-11h", LA, date(2026, 11, 21)),  # 23:00 UTC Sat = 15:00 PST Sat
        ("2026-12-01T22:00Z", KOL, date(2026, 12, 2)),  # 03:30 IST on 2 Dec
        ("today 23:00", KOL, date(2026, 11, 22)),
    ],
)
def test_parse_date(text, zone, expected):
    got = parse_date(text, now=NOW, tz=zone)
    assert got == expected
    assert type(got) is date


# --- parse_span ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("2w", timedelta(days=14)),
        ("48h", timedelta(hours=48)),
        ("30min", timedelta(minutes=30)),
        ("45 minutes", timedelta(minutes=45)),
        ("3 days", timedelta(days=3)),
        ("2 weeks", timedelta(days=14)),
        ("1 day", timedelta(days=1)),
        ("1 week", timedelta(days=7)),
        ("2 hours", timedelta(hours=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("7", timedelta(days=7)),
        (" 10D ", timedelta(days=10)),
        ("0", timedelta(0)),
    ],
)
def test_parse_span(text, expected):
    got = parse_span(text)
    assert got == expected
    assert type(got) is timedelta


@pytest.mark.parametrize(
    "text",
    ["", "x", "7x", "-3d", "+3d", "3.5d", "in 3 days", "three days", "d", "7 d 2", "999999d"],
)
def test_parse_span_errors(text):
    with pytest.raises(DateError) as err:
        parse_span(text)
    assert "Accepted" in str(err.value)
    assert "7d" in str(err.value)


# --- conversion and formatting ---------------------------------------------------------------


def test_to_utc():
    assert to_utc(datetime(2026, 11, 20, 15)) == utc(2026, 11, 20, 15)  # naive is UTC
    kolkata = datetime(2026, 11, 20, 20, 30, tzinfo=ZoneInfo(KOL))
    assert to_utc(kolkata) == utc(2026, 11, 20, 15)
    assert to_utc(kolkata).tzinfo is UTC
    second = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo(LIS), fold=1)
    first = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo(LIS), fold=0)
    assert to_utc(second) == utc(2026, 10, 25, 1, 30)
    assert to_utc(first) == utc(2026, 10, 25, 0, 30)
    assert to_utc(pendulum.datetime(2026, 7, 1, 12, tz=LIS)) == utc(2026, 7, 1, 11)


def test_local():
    got = local(utc(2026, 11, 22, 10), KOL)
    assert (got.day, got.hour, got.minute, str(got.tzinfo)) == (22, 15, 30, KOL)


def test_iso():
    assert iso(utc(2026, 11, 20, 15)) == "2026-11-20T15:00:00+00:00"
    assert iso(pendulum.datetime(2026, 11, 20, 20, 30, tz=KOL)) == "2026-11-20T15:00:00+00:00"
    assert iso(utc(2026, 11, 20, 15, 0, 0, 999_999)) == "2026-11-20T15:00:00+00:00"
    assert iso(datetime(2026, 11, 20, 15)) == "2026-11-20T15:00:00+00:00"


def test_parse_iso_instant():
    assert parse_iso_instant("2026-11-20T15:00:00+00:00") == utc(2026, 11, 20, 15)
    assert parse_iso_instant("2026-11-20T20:30:00+05:30") == utc(2026, 11, 20, 15)
    assert parse_iso_instant("2026-11-20T15:00:00Z") == utc(2026, 11, 20, 15)
    assert parse_iso_instant("2026-11-20T15:00:00.250Z") == utc(2026, 11, 20, 15, 0, 0, 250_000)
    assert parse_iso_instant("2026-11-20T15:00:00Z").tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["2026-11-20T15:00:00", "2026-11-20", "tomorrow", "", "2026-11-20T25:00:00Z", "now"],
)
def test_parse_iso_instant_requires_an_offset(text):
    with pytest.raises(DateError) as err:
        parse_iso_instant(text)
    assert "Accepted" in str(err.value)


def test_format_date():
    assert format_date(date(2026, 11, 28)) == "28 Nov 2026"
    assert format_date(date(2026, 12, 5), with_year=False) == "5 Dec"
    assert format_date(pendulum.date(2027, 1, 12)) == "12 Jan 2027"


def test_format_instant():
    assert format_instant(utc(2026, 11, 28, 18), LIS, with_year=False) == "Sat 28 Nov 18:00"
    assert format_instant(utc(2026, 11, 28, 18), LIS, with_year=True) == "Sat 28 Nov 2026 18:00"
    assert format_instant(utc(2026, 11, 28, 18), KOL, with_year=False) == "Sat 28 Nov 23:30"
    assert format_instant(utc(2026, 11, 28, 18, 30), KOL, with_year=False) == "Sun 29 Nov 00:00"
    # 23:59:59 local is "end of that day": no time shown
    assert format_instant(utc(2026, 11, 28, 23, 59, 59), LIS, with_year=False) == "Sat 28 Nov"
    assert format_instant(utc(2026, 11, 28, 18, 29, 59), KOL, with_year=False) == "Sat 28 Nov"


def test_format_instant_year_is_automatic(monkeypatch):
    monkeypatch.setattr(dates, "clock", lambda: NOW)
    assert format_instant(utc(2026, 11, 28, 18), LIS) == "Sat 28 Nov 18:00"
    assert format_instant(utc(2025, 11, 28, 18), LIS) == "Fri 28 Nov 2025 18:00"
    assert format_instant(utc(2027, 1, 12, 9), LIS) == "Tue 12 Jan 2027 09:00"


# --- describe_due ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (NOW - timedelta(seconds=20), "overdue by 1 minute"),
        (NOW - timedelta(minutes=1), "overdue by 1 minute"),
        (NOW - timedelta(minutes=5), "overdue by 5 minutes"),
        (NOW - timedelta(minutes=59, seconds=59), "overdue by 59 minutes"),
        (NOW - timedelta(hours=1), "overdue by 1 hour"),
        (NOW - timedelta(hours=3), "overdue by 3 hours"),
        (NOW - timedelta(hours=23, minutes=59), "overdue by 23 hours"),
        (NOW - timedelta(days=1), "overdue by 1 day"),
        (NOW - timedelta(days=2, hours=5), "overdue by 2 days"),
        (NOW - timedelta(days=40), "overdue by 40 days"),
        (NOW, "due today 10:00"),
        (utc(2026, 11, 22, 18), "due today 18:00"),
        (utc(2026, 11, 22, 23, 59, 59), "due today"),
        (utc(2026, 11, 23, 9), "due tomorrow 09:00"),
        (utc(2026, 11, 23, 23, 59, 59), "due tomorrow"),
        (utc(2026, 11, 24, 18), "due Tue 24 Nov 18:00"),
        (utc(2026, 11, 27, 18), "due Fri 27 Nov 18:00"),
        (utc(2026, 11, 29, 23, 59, 59), "due Sun 29 Nov"),  # 7 days out: weekday form
        (utc(2026, 11, 30, 23, 59, 59), "due 30 Nov"),  # 8 days out: date form
        (utc(2026, 11, 30, 9), "due Mon 30 Nov 09:00"),
        (utc(2027, 1, 12, 23, 59, 59), "due 12 Jan 2027"),
        (utc(2027, 1, 12, 9), "due Tue 12 Jan 2027 09:00"),
    ],
)
def test_describe_due_lisbon(due, expected):
    assert describe_due(due, now=NOW, tz=LIS) == expected


def test_describe_due_uses_the_local_calendar():
    # Kolkata: local now is 15:30 Sun 22 Nov.
    assert describe_due(utc(2026, 11, 22, 18, 29, 59), now=NOW, tz=KOL) == "due today"
    assert describe_due(utc(2026, 11, 22, 18, 30), now=NOW, tz=KOL) == "due tomorrow 00:00"
    assert describe_due(utc(2026, 11, 22, 12, 30), now=NOW, tz=KOL) == "due today 18:00"
    # A --due "fri" read in Kolkata ends 23:59:59 IST on Fri 27 Nov.
    due = parse_when("fri", now=NOW, tz=KOL, mode="end").instant
    assert describe_due(due, now=NOW, tz=KOL) == "due Fri 27 Nov"


# --- relative --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=-59), "just now"),
        (timedelta(seconds=30), "just now"),
        (timedelta(minutes=-1), "1 minute ago"),
        (timedelta(minutes=-5), "5 minutes ago"),
        (timedelta(minutes=45), "in 45 minutes"),
        (timedelta(hours=-1), "1 hour ago"),
        (timedelta(hours=2), "in 2 hours"),
        (timedelta(hours=-10), "10 hours ago"),  # 00:00 today
        (timedelta(hours=-10, seconds=-1), "yesterday"),  # 23:59:59 yesterday
        (timedelta(hours=-23, minutes=-59), "yesterday"),
        (timedelta(days=-1), "yesterday"),
        (timedelta(hours=-34), "yesterday"),  # 00:00 yesterday
        (timedelta(hours=-34, seconds=-1), "2 days ago"),  # 23:59:59 the day before
        (timedelta(hours=-47), "2 days ago"),
        (timedelta(hours=13, minutes=59), "in 13 hours"),  # 23:59 today
        (timedelta(hours=14), "tomorrow"),  # 00:00 tomorrow
        (timedelta(hours=30), "tomorrow"),
        (timedelta(days=-3), "3 days ago"),
        (timedelta(days=6), "in 6 days"),
        (timedelta(days=-7), "1 week ago"),
        (timedelta(days=-20), "2 weeks ago"),
        (timedelta(days=-30), "4 weeks ago"),  # 23 Oct: not yet a calendar month
        (timedelta(days=-31), "1 month ago"),  # 22 Oct
        (timedelta(days=-60), "1 month ago"),  # 23 Sep: not yet two calendar months
        (timedelta(days=-61), "2 months ago"),  # 22 Sep
        (timedelta(days=-400), "1 year ago"),
        (timedelta(days=800), "in 2 years"),
    ],
)
def test_relative(delta, expected):
    assert relative(NOW + delta, now=NOW, tz=LIS) == expected


# --- coach_zone ------------------------------------------------------------------------------


def test_coach_zone_precedence(monkeypatch):
    monkeypatch.setattr(dates, "system_zone", lambda: "Asia/Tokyo")
    monkeypatch.setenv("COACHLOG_TZ", "America/New_York")
    assert coach_zone("Europe/Lisbon") == "Europe/Lisbon"
    assert coach_zone() == "America/New_York"
    monkeypatch.delenv("COACHLOG_TZ")
    assert coach_zone() == "Asia/Tokyo"
    monkeypatch.setenv("COACHLOG_TZ", "")
    assert coach_zone() == "Asia/Tokyo"


def test_coach_zone_falls_back_to_utc(monkeypatch):
    def broken() -> str:
        raise RuntimeError("no zone")

    monkeypatch.delenv("COACHLOG_TZ", raising=False)
    monkeypatch.setattr(dates, "system_zone", broken)
    assert coach_zone() == "UTC"
    monkeypatch.setattr(dates, "system_zone", lambda: "Not/AZone")
    assert coach_zone() == "UTC"


@pytest.fixture
def system_files(tmp_path, monkeypatch):
    """A system whose zone files are the test's own: /etc/localtime links into a zoneinfo
    tree, /etc/timezone names a zone. No TZ unless a test sets it; pendulum, the last
    resort, answers "Pacific/Auckland" so that reaching it shows."""
    tree = tmp_path / "usr" / "share" / "zoneinfo" / "Asia"
    tree.mkdir(parents=True)
    (tree / "Tokyo").write_bytes(b"TZif")
    localtime, timezone_file = tmp_path / "localtime", tmp_path / "timezone"
    localtime.symlink_to(tree / "Tokyo")
    timezone_file.write_text("America/Chicago\n")
    monkeypatch.setattr(dates, "LOCALTIME", localtime)
    monkeypatch.setattr(dates, "TIMEZONE_FILE", timezone_file)
    monkeypatch.delenv("TZ", raising=False)
    import pendulum.tz

    monkeypatch.setattr(
        pendulum.tz, "local_timezone", lambda: pendulum.timezone("Pacific/Auckland")
    )
    return localtime, timezone_file


def test_system_zone_order(system_files, monkeypatch):
    localtime, timezone_file = system_files
    monkeypatch.setenv("TZ", ":Europe/Berlin")  # glibc's form: a leading colon
    assert dates.system_zone() == "Europe/Berlin"
    monkeypatch.setenv("TZ", "Not/AZone")  # a TZ that names no zone is passed over
    assert dates.system_zone() == "Asia/Tokyo"  # where /etc/localtime links
    monkeypatch.delenv("TZ")
    assert dates.system_zone() == "Asia/Tokyo"
    localtime.unlink()
    localtime.write_bytes(b"TZif")  # a copy, not a link: the name is not in the path
    assert dates.system_zone() == "America/Chicago"  # /etc/timezone
    timezone_file.write_bytes(b"\xff\xfe")  # not text
    assert dates.system_zone() == "Pacific/Auckland"  # pendulum's own search
    timezone_file.unlink()
    localtime.unlink()
    assert dates.system_zone() == "Pacific/Auckland"


def test_coach_zone_unknown(monkeypatch):
    with pytest.raises(DateError, match="Europe/Lisbon"):
        coach_zone("Mars/Olympus")
    monkeypatch.setenv("COACHLOG_TZ", "Nowhere/Land")
    with pytest.raises(DateError, match="COACHLOG_TZ"):
        coach_zone()


# --- round trip property ---------------------------------------------------------------------

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
fixed_offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
aware = st.datetimes(
    min_value=datetime(1900, 1, 2),
    max_value=datetime(2199, 12, 30, 23, 59, 59),
    timezones=st.one_of(fixed_offsets, st.timezones()),
)


def _whole_seconds(dt: datetime) -> int:
    """Seconds since the epoch, microseconds dropped (stdlib only, not the code under test)."""
    return calendar.timegm(dt.utctimetuple())


@given(aware)
def test_iso_round_trip(dt):
    text = iso(dt)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", text)
    for got in (parse_when(text, now=NOW, tz=KOL).instant, parse_iso_instant(text)):
        assert got.microsecond == 0
        assert _whole_seconds(got) == _whole_seconds(dt)


@given(aware)
def test_isoformat_with_any_offset_round_trips(dt):
    text = dt.replace(microsecond=0).isoformat()
    assert parse_iso_instant(text) == EPOCH + timedelta(seconds=_whole_seconds(dt))
    when = parse_when(text, now=NOW, tz=LA)
    assert _whole_seconds(when.instant) == _whole_seconds(dt)
    assert (when.in_words, when.date_only) == (False, False)
