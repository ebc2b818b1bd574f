"""Reading and showing dates and times for coachlog.

Everything returned is an aware ``datetime`` in UTC (or a ``date`` for calendar fields, a
``timedelta`` for spans). Wall-clock times are read in the coach's zone; see docs/dates.md
for the rules. The standard library's datetime and zoneinfo do all of it: every command
reads or shows a date, and importing pendulum cost each one about 25 ms (issue 11).
pendulum is asked only for the system's zone, when no zone is set and the system's own
files do not name one (see system_zone).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ACCEPTED_FORMS = (
    "Accepted: 2026-12-01, 2026-12-01 15:30, 4 Dec, now, today, tomorrow 9:00, tomorrow noon, "
    "fri, last fri, next fri, next week, next month, +3d, in 3 days, 2 weeks ago, -2h, "
    "+30min, +3mo"
)
_SPAN_FORMS = "Accepted: 7d, 2w, 48h, 30min, 3 days, 2 weeks, 1 day, 7 (= days)"
_ISO_FORMS = "Accepted: 2026-11-20T15:00:00+00:00, 2026-11-20T15:00:00Z"
FIRST_YEAR, LAST_YEAR = 1900, 2199  # the moments coachlog takes (SPEC §3a)
FUTURE_GRACE = timedelta(minutes=10)  # a session "held" this far ahead is a clock's slack

# Which way a bare weekday or day of the year points: "past" where the date is about what
# happened (session new --at, pitstop --at, promises keep --at, --since), "future" elsewhere.
Toward = Literal["past", "future"]


class DateError(ValueError):
    """A date, time, span or zone the user typed could not be read (message is user-facing)."""


@dataclass(frozen=True)
class When:
    instant: datetime  # UTC
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
_MONTH_NAMES = (
    "jan january",
    "feb february",
    "mar march",
    "apr april",
    "may",
    "jun june",
    "jul july",
    "aug august",
    "sep sept september",
    "oct october",
    "nov november",
    "dec december",
)
_MONTH = {name: i + 1 for i, names in enumerate(_MONTH_NAMES) for name in names.split()}
_UNIT_NAMES = {
    "d": "d day days",
    "w": "w wk wks week weeks",
    "h": "h hr hrs hour hours",
    "min": "min mins minute minutes",
    "mo": "mo mos month months",
}
_UNIT = {name: unit for unit, names in _UNIT_NAMES.items() for name in names.split()}
_WORD_UNIT = r"(hours?|hrs?|minutes?|mins?)"
_DAY_UNIT = r"(days?|weeks?|months?)"

_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?"
)
_CLOCK = (
    r"(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap1>am|pm)?|\s*(?P<ap2>am|pm))"
    r"|(?P<word>noon|midnight)"
)
# A day, then optionally a time of day ("tomorrow 9:00", "fri at noon", "4 dec 2027 9am").
_DAY_TIME_RE = re.compile(rf"(?P<day>.+?)(?:\s+(?:at\s+)?(?:{_CLOCK}))?")
_CLOCK_RE = re.compile(_CLOCK)
_OFFSET_RE = re.compile(
    rf"(?P<sign>[+-])(?P<n1>\d+)(?P<u1>d|w|mo)|in\s+(?P<n2>\d+)\s+(?P<u2>{_DAY_UNIT})"
    rf"|(?P<n3>\d+)\s+(?P<u3>{_DAY_UNIT})\s+ago"
)
_DAY_MONTH_RE = re.compile(
    r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]+)\.?(?:,?\s+(?P<y1>\d{4}))?"
    r"|(?P<m2>[a-z]+)\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{4}))?"
)
_REL_RE = re.compile(
    rf"(?P<sign>[+-])(?P<n1>\d+)(?P<u1>h|min)|in\s+(?P<n2>\d+)\s+(?P<u2>{_WORD_UNIT})"
    rf"|(?P<n3>\d+)\s+(?P<u3>{_WORD_UNIT})\s+ago"
)
_BARE_M_RE = re.compile(r"(?:[+-]|in\s+)?(\d+)\s*m(?:\s+ago)?")
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
        name = system_zone()
        _zone(name)
        return name
    except Exception:  # no usable system zone (fixed offset, missing tzdata, ...)
        return "UTC"


# Where a Unix system names its zone; tests point these at files of their own.
LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")


def system_zone() -> str:
    """The system's IANA zone name: $TZ when it names one, else the zone /etc/localtime
    links to, else /etc/timezone (Debian); only when none of them does is pendulum asked
    (it knows more systems' ways, and costs about 25 ms to import)."""
    env = os.environ.get("TZ", "").strip().lstrip(":")
    if env and not env.startswith("/") and is_zone(env):
        return env
    try:
        target = str(LOCALTIME.resolve(strict=True))
    except OSError:
        target = ""
    _, found, name = target.partition("/zoneinfo/")
    if found and is_zone(name):
        return name
    try:
        name = TIMEZONE_FILE.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    if is_zone(name):
        return name
    from pendulum.tz import local_timezone

    return str(local_timezone().name)


def is_zone(name: str) -> bool:
    """True when the zone database knows `name` (an IANA name such as 'Europe/Lisbon')."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return bool(name)


def to_utc(dt: datetime) -> datetime:
    """Aware datetime -> the same instant as a UTC datetime; a naive datetime is taken as UTC."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    off = dt.utcoffset()
    u = datetime(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond)
    if off is not None:
        u -= off
    return u.replace(tzinfo=UTC)


def local(dt: datetime, tz: str) -> datetime:
    """The instant in the coach's zone (wall_clock; the zone's name is checked first)."""
    _zone(tz)
    return wall_clock(dt, tz)


def _localize(d: date, t: time, tz: str) -> datetime:
    """Local wall time -> UTC. Gap: forward by the gap; overlap: first occurrence (fold=0)."""
    aware = datetime.combine(d, t).replace(tzinfo=_zone(tz), fold=0)
    return to_utc(aware)


def _clock(m: re.Match[str], text: str) -> time | None:
    if m.group("word"):
        return time(12) if m.group("word") == "noon" else time(0)
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


def weekday_date(weekday: int, today: date, toward: Toward, which: str = "") -> date:
    """The date of a weekday (0 = Monday) named on `today`. "last" is always before today
    and "next" always after; a bare name is the most recent one, today included, when the
    date is about the past, and the next one after today otherwise."""
    if which == "last":
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    if which == "next" or toward == "future":
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def add_months(d: date, n: int) -> date:
    """The same day n calendar months on (or back), the month's last day when it is
    shorter: 31 Jan + 1 month = 28 Feb (29 in a leap year)."""
    import calendar

    y, m0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    if not 1 <= y <= 9999:
        raise OverflowError("date value out of range")
    return date(y, m0 + 1, min(d.day, calendar.monthrange(y, m0 + 1)[1]))


def day_of_year(day: int, month: int, today: date, toward: Toward) -> date:
    """'4 Dec' without a year: the next 4 Dec from today on (today included), or the most
    recent one up to today when the date is about the past. 29 Feb is the nearest leap
    year's."""
    date(2000, month, day)  # ValueError for a day no year has (31 Apr)
    step = -1 if toward == "past" else 1
    for k in range(9):
        try:
            d = date(today.year + step * k, month, day)
        except ValueError:  # 29 Feb in a common year
            continue
        if (d >= today) if step == 1 else (d <= today):
            return d
    raise ValueError(f"no {day} of month {month}")


def _offset(n: int, unit: str, sign: str, today: date) -> date:
    if unit.startswith("mo"):
        return add_months(today, n if sign == "+" else -n)
    days = n * (7 if unit.startswith("w") else 1)
    return today + timedelta(days=days if sign == "+" else -days)


def _day(word: str, today: date, toward: Toward) -> date | None:
    """The calendar date a day expression names, or None when it names none."""
    fixed = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in fixed:
        return today + timedelta(days=fixed[word])
    if word == "next week":
        return today + timedelta(days=7 - today.weekday())
    if word == "next month":
        return add_months(today.replace(day=1), 1)
    which, _, name = word.rpartition(" ")
    if name in _DAYS and which in ("", "last", "next"):
        return weekday_date(_DAYS[name], today, toward, which)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        return date.fromisoformat(word)
    if m := _OFFSET_RE.fullmatch(word):
        for i, sign in ((1, m.group("sign") or "+"), (2, "+"), (3, "-")):
            if m.group(f"n{i}") is not None:
                return _offset(int(m.group(f"n{i}")), m.group(f"u{i}"), sign, today)
    if m := _DAY_MONTH_RE.fullmatch(word):
        d, mon, y = (m["d1"], m["m1"], m["y1"]) if m["d1"] else (m["d2"], m["m2"], m["y2"])
        if mon not in _MONTH:
            return None
        if y is not None:
            return date(int(y), _MONTH[mon], int(d))
        return day_of_year(int(d), _MONTH[mon], today, toward)
    return None


def _out_of_range(text: str, shown: str | None = None) -> DateError:
    reads = f" (it reads as {shown})" if shown else ""
    return DateError(
        f"{text.strip()!r} is out of range{reads}: coachlog takes dates from "
        f"{FIRST_YEAR} to {LAST_YEAR}."
    )


def _parse(
    text: str, now: datetime, tz: str, toward: Toward = "future"
) -> tuple[date | datetime, bool]:
    """Return (local calendar date, in_words) or (UTC instant, in_words), within the years
    coachlog takes."""
    try:
        value, in_words = _read(text, now, tz, toward)
    except DateError:
        raise
    except OverflowError:  # an offset that leaves the calendar
        raise _out_of_range(text) from None
    except ValueError:  # impossible dates/times, offsets out of range
        raise _fail(text) from None
    day = value if not isinstance(value, datetime) else wall_clock(value, tz).date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _out_of_range(text, format_date(day) if in_words else None)
    return value, in_words


def _read(text: str, now: datetime, tz: str, toward: Toward) -> tuple[date | datetime, bool]:
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
    if m := _BARE_M_RE.fullmatch(s):
        n = m[1]
        raise DateError(
            f"{text.strip()!r}: 'm' could mean minutes or months. Write {n}min for "
            f"minutes or {n}mo for months (e.g. +{n}min, in {n} months)."
        )
    if m := _REL_RE.fullmatch(s):
        for i, sign in ((1, m.group("sign") or "+"), (2, "+"), (3, "-")):
            if m.group(f"n{i}") is not None:
                n = int(m.group(f"n{i}")) * (60 if _UNIT[m.group(f"u{i}")] == "h" else 1)
                return now + timedelta(minutes=n if sign == "+" else -n), True
    if m := _DAY_TIME_RE.fullmatch(s):
        today = wall_clock(now, tz).date()
        day = _day(m.group("day"), today, toward)
        if day is not None:
            clock = _clock(m, text)
            return (day if clock is None else _localize(day, clock, tz)), True
    raise _fail(text)


def parse_when(
    text: str,
    *,
    now: datetime,
    tz: str,
    mode: Literal["start", "end"] = "start",
    toward: Toward = "future",
) -> When:
    """Read a command-line date/time. A bare day is 00:00:00 ("start") or 23:59:59 ("end").
    `toward` says which way a bare weekday or day of the year points (see weekday_date)."""
    value, in_words = _parse(text, now, tz, toward)
    if isinstance(value, datetime):
        return When(instant=to_utc(value), in_words=in_words, date_only=False)
    clock = time(23, 59, 59) if mode == "end" else time(0, 0, 0)
    return When(instant=_localize(value, clock, tz), in_words=in_words, date_only=True)


def parse_date(text: str, *, now: datetime, tz: str, toward: Toward = "future") -> date:
    """Same grammar as parse_when; returns the local calendar date (of the instant, if any)."""
    value, _ = _parse(text, now, tz, toward)
    if isinstance(value, datetime):
        value = wall_clock(value, tz).date()
    return date(value.year, value.month, value.day)


def in_words(text: str) -> bool:
    """True when the text is not plain ISO 8601: what the coach typed must then be echoed
    with the date it was read as."""
    return _ISO_RE.fullmatch(re.sub(r"\s+", " ", text.strip().lower())) is None


def parse_span(text: str) -> timedelta:
    """'7d', '2w', '48h', '30min', '3 days', '2 weeks', '1 day'; a bare integer is days."""
    m = _SPAN_RE.fullmatch(text.strip().lower())
    if m is not None and m[2] == "m":
        raise DateError(
            f"{text.strip()!r}: 'm' could mean minutes or months. Write {m[1]}min for "
            "minutes; a window in months is written in weeks or days (13w, 90d).\n" + _SPAN_FORMS
        )
    unit = (_UNIT.get(m[2]) if m[2] else "d") if m else None
    if m is None or unit is None or unit == "mo":
        raise _fail(text, "a span of time", _SPAN_FORMS)
    n = int(m[1])
    if n > 100_000:
        raise _fail(text, "a span of time", _SPAN_FORMS)
    return {
        "d": timedelta(days=n),
        "w": timedelta(weeks=n),
        "h": timedelta(hours=n),
        "min": timedelta(minutes=n),
    }[unit]


def parse_iso_instant(text: str) -> datetime:
    """Strict ISO 8601 date-time with an offset (or Z), as written by iso(). Any year the
    calendar holds: this reads what coachlog itself wrote."""
    m = _ISO_RE.fullmatch(text.strip().lower())
    if not m or m[4] is None or m[8] is None:
        raise _fail(text, "an ISO 8601 date-time with offset", _ISO_FORMS)
    try:
        value, _ = _read(text, datetime(2000, 1, 1, tzinfo=UTC), "UTC", "future")
    except (DateError, ValueError, OverflowError):
        raise _fail(text, "an ISO 8601 date-time with offset", _ISO_FORMS) from None
    assert isinstance(value, datetime)
    return to_utc(value)


def future_session_problem(
    held: datetime, *, now: datetime, tz: str, typed: str | None = None
) -> str | None:
    """Why a session cannot be recorded as held at `held`, or None when it can. A session
    is recorded once it has happened: more than FUTURE_GRACE after now is a plan, not a
    record (a clock a few minutes fast is not)."""
    if to_utc(held) <= to_utc(now) + FUTURE_GRACE:
        return None
    shown = format_instant(held, tz, now=now)
    read = f"{typed.strip()!r} reads as {shown}, which is" if typed else shown + " is"
    return (
        f"{read} still ahead. 'session new' records sessions that have happened: give the "
        "time it was held, e.g. 'today 10:00' or 'last mon 15:00'; to plan one ahead, "
        "use 'coachlog session plan CLIENT --at WHEN'."
    )


def clock() -> datetime:
    """The machine's clock, in UTC (a command's own `now` is AppState.now)."""
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """ISO 8601 in UTC with offset, seconds precision: '2026-11-20T15:00:00+00:00'."""
    return to_utc(dt).replace(microsecond=0).isoformat()


def _is_end_of_day(t: datetime) -> bool:
    return (t.hour, t.minute, t.second) == (23, 59, 59)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def wall_clock(dt: datetime, tz: str) -> datetime:
    """The wall-clock time in `tz`, on the standard library's cached zone objects. An
    instant the zone cannot hold (year 1 west of UTC, year 9999 east of it) is shown in
    UTC rather than failing."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(_zone(tz))
    except (OverflowError, ValueError):
        return dt.astimezone(UTC)


def local_date(dt: datetime, tz: str) -> date:
    """The coach's calendar date of an instant (see wall_clock for the calendar's ends)."""
    t = wall_clock(dt, tz)
    return date(t.year, t.month, t.day)


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
        this_year = wall_clock(now if now is not None else clock(), tz).year
        with_year = t.year != this_year
    text = f"{_WEEKDAYS[t.weekday()]} {format_date(t, with_year=with_year)}"
    return text if _is_end_of_day(t) else f"{text} {t.hour:02d}:{t.minute:02d}"


def describe_due(due: datetime, *, now: datetime, tz: str) -> str:
    """'overdue by 2 days', 'due today 18:00', 'due tomorrow', 'due Fri 28 Nov', ..."""
    from coachlog.words import span

    due_u, now_u = to_utc(due), to_utc(now)
    if due_u < now_u:
        return f"overdue by {span((now_u - due_u).total_seconds())}"
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


def calendar_days(dt: datetime, *, now: datetime, tz: str) -> int:
    """Days from now's date to dt's date on the coach's calendar: -1 for any moment of
    yesterday, whatever the hour."""
    return (local_date(dt, tz) - local_date(now, tz)).days


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def relative(dt: datetime, *, now: datetime, tz: str) -> str:
    """Compact words for tables, counted in calendar days in the coach's zone: 'just now',
    '2 hours ago' (today), 'yesterday' (any hour of it), '3 days ago', 'in 2 weeks', ..."""
    from coachlog.words import count

    days = calendar_days(dt, now=now, tz=tz)
    if days == 0:
        secs = int((to_utc(dt) - to_utc(now)).total_seconds())
        a = abs(secs)
        if a < 60:
            return "just now"
        words = count(a // 3600, "hour") if a >= 3600 else count(a // 60, "minute")
        return f"{words} ago" if secs < 0 else f"in {words}"
    if days in (-1, 1):
        return "yesterday" if days < 0 else "tomorrow"
    a = abs(days)
    if a < 7:
        words = count(a, "day")
    else:
        first, last = sorted((local_date(dt, tz), local_date(now, tz)))
        months = _months_between(first, last)
        if months >= 12:
            words = count(months // 12, "year")
        elif months >= 1:
            words = count(months, "month")
        else:
            words = count(a // 7, "week")
    return f"{words} ago" if days < 0 else f"in {words}"
