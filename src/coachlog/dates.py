"""Reading and showing dates and times for coachlog.

Everything returned is a UTC ``pendulum.DateTime`` (or a ``pendulum.Date`` for calendar
fields). Wall-clock times are read in the coach's zone; see docs/dates.md for the rules.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pendulum
from pendulum import DateTime, Duration

ACCEPTED_FORMS = (
    "Accepted: 2026-12-01, 2026-12-01 15:30, now, today, tomorrow 9:00, fri, next week, "
    "+3d, in 3 days, 2 weeks ago, -2h"
)
_SPAN_FORMS = "Accepted: 7d, 2w, 48h, 30m, 3 days, 2 weeks, 1 day, 7 (= days)"
_ISO_FORMS = "Accepted: 2026-11-20T15:00:00+00:00, 2026-11-20T15:00:00Z"


class DateError(ValueError):
    """A date, time, span or zone the user typed could not be read (message is user-facing)."""


@dataclass(frozen=True)
class When:
    instant: DateTime  # UTC
    in_words: bool  # False only for plain ISO 8601 text
    date_only: bool  # a day-granularity expression without a time of day


_DAY_NAMES = (
    "mon monday",
    "tue tues tuesday",
    "wed weds wednesday",
    "thu thur thurs thursday",
    "fri friday",
    "sat saturday",
    "sun sunday",
)
_DAYS = {name: i for i, names in enumerate(_DAY_NAMES) for name in names.split()}
_UNIT_NAMES = {
    "d": "d day days",
    "w": "w wk wks week weeks",
    "h": "h hr hrs hour hours",
    "m": "m min mins minute minutes",
}
_UNIT = {name: unit for unit, names in _UNIT_NAMES.items() for name in names.split()}
_WORD_UNIT = r"(hours?|hrs?|minutes?|mins?)"

_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?"
)
_TIME_RE = (
    r"(?:at\s+)?(?P<h>\d{1,2})"
    r"(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap1>am|pm)?|\s*(?P<ap2>am|pm))"
)
_DAY_RE = re.compile(
    r"(?P<day>today|tomorrow|yesterday|next\s+week|[a-z]+|\d{4}-\d{2}-\d{2}"
    r"|(?P<sign>[+-])(?P<n1>\d+)(?P<u1>[dw])"
    r"|in\s+(?P<n2>\d+)\s+(?P<u2>days?|weeks?)|(?P<n3>\d+)\s+(?P<u3>days?|weeks?)\s+ago)"
    rf"(?:\s+{_TIME_RE})?"
)
_REL_RE = re.compile(
    rf"(?P<sign>[+-])(?P<n1>\d+)(?P<u1>[hm])|in\s+(?P<n2>\d+)\s+(?P<u2>{_WORD_UNIT})"
    rf"|(?P<n3>\d+)\s+(?P<u3>{_WORD_UNIT})\s+ago"
)
_SPAN_RE = re.compile(r"(\d+)\s*([a-z]*)")


def _fail(text: str, what: str = "a date", forms: str = ACCEPTED_FORMS) -> DateError:
    return DateError(f"Could not read {text.strip()!r} as {what}.\n{forms}")


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise DateError(
            f"Unknown time zone {tz!r}. Use an IANA zone name such as 'Europe/Lisbon'."
        ) from None


def coach_zone(tz: str | None = None) -> str:
    """IANA zone name: ``tz``, else ``$COACHLOG_TZ``, else the system zone (else 'UTC')."""
    for name, source in ((tz, "--tz"), (os.environ.get("COACHLOG_TZ"), "COACHLOG_TZ")):
        if name and name.strip():
            try:
                _zone(name.strip())
            except DateError as exc:
                raise DateError(f"{exc} (from {source})") from None
            return name.strip()
    try:
        # Read at call time (tests replace it); typed by hand: mypy takes
        # pendulum.local_timezone, a function, for the module of that name.
        system_zone = cast(Callable[[], Any], pendulum.local_timezone)
        name = system_zone().name
        _zone(name)
        return name
    except Exception:  # no usable system zone (fixed offset, missing tzdata, ...)
        return "UTC"


def to_utc(dt: datetime) -> DateTime:
    """Aware datetime -> pendulum UTC DateTime; a naive datetime is taken as UTC."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    off = dt.utcoffset()
    u = datetime(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond)
    if off is not None:
        u -= off
    return pendulum.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tz="UTC"
    )


@functools.lru_cache(maxsize=64)
def _pendulum_zone(tz: str) -> Any:
    # pendulum.timezone() loads the zone afresh on every call (about 50 µs); screens that
    # show thousands of instants would spend most of their time there.
    _zone(tz)
    return pendulum.timezone(tz)


def local(dt: datetime, tz: str) -> DateTime:
    return to_utc(dt).in_tz(_pendulum_zone(tz))


def _localize(d: date, t: time, tz: str) -> DateTime:
    """Local wall time -> UTC. Gap: forward by the gap; overlap: first occurrence (fold=0)."""
    aware = datetime.combine(d, t).replace(tzinfo=_zone(tz), fold=0)
    return to_utc(aware)


def _clock(m: re.Match[str], text: str) -> time | None:
    if m.group("h") is None:
        return None
    h, mi, s = int(m.group("h")), int(m.group("m") or 0), int(m.group("s") or 0)
    ampm = m.group("ap1") or m.group("ap2")
    if ampm:
        if not 1 <= h <= 12:
            raise _fail(text)
        h = h % 12 + (12 if ampm == "pm" else 0)
    if h > 23 or mi > 59 or s > 59:
        raise _fail(text)
    return time(h, mi, s)


def _day(m: re.Match[str], today: date, text: str) -> date | None:
    word = re.sub(r"\s+", " ", m.group("day"))
    fixed = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in fixed:
        return today + timedelta(days=fixed[word])
    if word == "next week":
        return today + timedelta(days=7 - today.weekday())
    if word in _DAYS:
        return today + timedelta(days=(_DAYS[word] - today.weekday() - 1) % 7 + 1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        return date.fromisoformat(word)
    for i, sign in ((1, m.group("sign") or "+"), (2, "+"), (3, "-")):
        if m.group(f"n{i}") is not None:
            n = int(m.group(f"n{i}")) * (7 if m.group(f"u{i}")[0] == "w" else 1)
            return today + timedelta(days=n if sign == "+" else -n)
    return None


def _parse(text: str, now: DateTime, tz: str) -> tuple[date | DateTime, bool]:
    """Return (local calendar date, in_words) or (UTC instant, in_words)."""
    try:
        return _read(text, now, tz)
    except DateError:
        raise
    except (ValueError, OverflowError):  # impossible dates/times, offsets out of range
        raise _fail(text) from None


def _read(text: str, now: DateTime, tz: str) -> tuple[date | DateTime, bool]:
    s = re.sub(r"\s+", " ", text.strip().lower())
    now = to_utc(now)
    _zone(tz)
    if m := _ISO_RE.fullmatch(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if m[4] is None:
            return date(y, mo, d), False
        frac = int((m[7] or "0")[:6].ljust(6, "0"))
        wall = datetime(y, mo, d, int(m[4]), int(m[5]), int(m[6] or 0), frac)
        if m[8] is None:
            return _localize(wall.date(), wall.time(), tz), False
        digits = "0" if m[8] == "z" else m[8][1:].replace(":", "")
        hh, mm, ss = (int(digits.ljust(6, "0")[i : i + 2]) for i in (0, 2, 4))
        if mm > 59 or ss > 59:
            raise ValueError(m[8])
        off = timedelta(hours=hh, minutes=mm, seconds=ss)
        return to_utc(wall.replace(tzinfo=timezone(-off if m[8][0] == "-" else off))), False
    if s == "now":
        return now, True
    if m := _REL_RE.fullmatch(s):
        for i, sign in ((1, m.group("sign") or "+"), (2, "+"), (3, "-")):
            if m.group(f"n{i}") is not None:
                n = int(m.group(f"n{i}")) * (60 if _UNIT[m.group(f"u{i}")] == "h" else 1)
                return now + timedelta(minutes=n if sign == "+" else -n), True
    if m := _DAY_RE.fullmatch(s):
        day = _day(m, now.in_tz(tz).date(), text)
        if day is not None:
            clock = _clock(m, text)
            return (day if clock is None else _localize(day, clock, tz)), True
    raise _fail(text)


def parse_when(
    text: str, *, now: DateTime, tz: str, mode: Literal["start", "end"] = "start"
) -> When:
    """Read a command-line date/time. A bare day is 00:00:00 ("start") or 23:59:59 ("end")."""
    value, in_words = _parse(text, now, tz)
    if isinstance(value, datetime):
        return When(instant=to_utc(value), in_words=in_words, date_only=False)
    clock = time(23, 59, 59) if mode == "end" else time(0, 0, 0)
    return When(instant=_localize(value, clock, tz), in_words=in_words, date_only=True)


def parse_date(text: str, *, now: DateTime, tz: str) -> pendulum.Date:
    """Same grammar as parse_when; returns the local calendar date (of the instant, if any)."""
    value, _ = _parse(text, now, tz)
    if isinstance(value, datetime):
        value = to_utc(value).in_tz(tz).date()
    return pendulum.date(value.year, value.month, value.day)


def parse_span(text: str) -> Duration:
    """'7d', '2w', '48h', '30m', '3 days', '2 weeks', '1 day'; a bare integer is days."""
    m = _SPAN_RE.fullmatch(text.strip().lower())
    unit = (_UNIT.get(m[2]) if m[2] else "d") if m else None
    if m is None or unit is None:
        raise _fail(text, "a span of time", _SPAN_FORMS)
    n = int(m[1])
    if n > 100_000:
        raise _fail(text, "a span of time", _SPAN_FORMS)
    return {
        "d": pendulum.duration(days=n),
        "w": pendulum.duration(weeks=n),
        "h": pendulum.duration(hours=n),
        "m": pendulum.duration(minutes=n),
    }[unit]


def parse_iso_instant(text: str) -> DateTime:
    """Strict ISO 8601 date-time with an offset (or Z), as written by iso()."""
    m = _ISO_RE.fullmatch(text.strip().lower())
    if not m or m[4] is None or m[8] is None:
        raise _fail(text, "an ISO 8601 date-time with offset", _ISO_FORMS)
    try:
        value, _ = _parse(text, pendulum.datetime(2000, 1, 1, tz="UTC"), "UTC")
    except DateError:
        raise _fail(text, "an ISO 8601 date-time with offset", _ISO_FORMS) from None
    assert isinstance(value, datetime)
    return to_utc(value)


def iso(dt: datetime) -> str:
    """ISO 8601 in UTC with offset, seconds precision: '2026-11-20T15:00:00+00:00'."""
    return to_utc(dt).replace(microsecond=0).isoformat()


def _is_end_of_day(t: datetime) -> bool:
    return (t.hour, t.minute, t.second) == (23, 59, 59)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def wall_clock(dt: datetime, tz: str) -> datetime:
    """The wall-clock time in `tz`, on the standard library's cached zone objects: listings
    of a decade of records format thousands of instants, and pendulum's formatter with a
    locale costs about 30 µs a call."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(_zone(tz))


def format_date(d: date, *, with_year: bool = True) -> str:
    """'28 Nov 2026' (or '28 Nov'). A datetime is shown by its own calendar date."""
    text = f"{d.day} {_MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def format_instant(
    dt: datetime, tz: str, *, with_year: bool | None = None, now: datetime | None = None
) -> str:
    """'Fri 28 Nov 18:00'; the year when not the year of `now` (default: the clock); a
    23:59:59 local time shows no time."""
    t = wall_clock(dt, tz)
    if with_year is None:
        this_year = wall_clock(now, tz).year if now is not None else pendulum.now(tz).year
        with_year = t.year != this_year
    text = f"{_WEEKDAYS[t.weekday()]} {format_date(t, with_year=with_year)}"
    return text if _is_end_of_day(t) else f"{text} {t.hour:02d}:{t.minute:02d}"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


def describe_due(due: datetime, *, now: datetime, tz: str) -> str:
    """'overdue by 2 days', 'due today 18:00', 'due tomorrow', 'due Fri 28 Nov', ..."""
    due_u, now_u = to_utc(due), to_utc(now)
    if due_u < now_u:
        secs = int((now_u - due_u).total_seconds())
        if secs < 3600:
            return f"overdue by {_plural(max(1, secs // 60), 'minute')}"
        if secs < 86400:
            return f"overdue by {_plural(secs // 3600, 'hour')}"
        return f"overdue by {_plural(secs // 86400, 'day')}"
    t, today = wall_clock(due_u, tz), wall_clock(now_u, tz).date()
    days = (t.date() - today).days
    clock = "" if _is_end_of_day(t) else f" {t.hour:02d}:{t.minute:02d}"
    if days == 0:
        return f"due today{clock}"
    if days == 1:
        return f"due tomorrow{clock}"
    if days <= 7:
        return f"due {format_instant(t, tz, with_year=False)}"
    if not clock:
        return f"due {format_date(t, with_year=t.year != today.year)}"
    return f"due {format_instant(t, tz, with_year=t.year != today.year)}"


def relative(dt: datetime, *, now: datetime) -> str:
    """Compact elapsed-time words for tables: 'just now', 'in 2 hours', 'yesterday', ..."""
    secs = int((to_utc(dt) - to_utc(now)).total_seconds())
    past, a = secs < 0, abs(secs)
    if a < 60:
        return "just now"
    if 86400 <= a < 2 * 86400:
        return "yesterday" if past else "tomorrow"
    sizes = {
        "year": 365 * 86400,
        "month": 30 * 86400,
        "week": 7 * 86400,
        "day": 86400,
        "hour": 3600,
    }
    unit = next((u for u, size in sizes.items() if a >= size), "minute")
    words = _plural(a // sizes.get(unit, 60), unit)
    return f"{words} ago" if past else f"in {words}"
