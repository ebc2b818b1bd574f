"""Promises and planned sessions as iCalendar (RFC 5545), for todoman, khal, Thunderbird.

- One VTODO per promise, UID = the promise's uid, so exporting again updates the task in
  the coach's calendar instead of adding a second one. STATUS follows the promise (open:
  NEEDS-ACTION; kept: COMPLETED with COMPLETED = closed_at; broken or released: CANCELLED),
  and `export --format ics` includes the promises closed in the last 30 days, so a calendar
  that holds a task sees it close rather than keeping it open forever.
- DTSTAMP and LAST-MODIFIED are the record's updated_at, so an unchanged promise exports
  byte for byte the same and sync tools leave it alone; SEQUENCE counts its due moves.
- A due at the end of a day in the coach's zone (a date typed alone) is a whole day,
  `DUE;VALUE=DATE`; any other due is a UTC moment.
- `--alarm SPAN` adds a VALARM that long before DUE, on open promises.
- Planned sessions (SPEC §4a) are VEVENTs, "Coaching: NAME".

The records are read by attribute name only. Built and read back with the `icalendar`
package rather than by hand: its escaping and line folding are what calendar programs
expect."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coachlog.export.base import Export, Job

NAME = "ics"
EXTENSION = "ics"
PRODID = "-//coachlog//EN"
CLOSED_SHOWN = timedelta(days=30)  # closed promises stay in the export this long
STATUS = {"open": "NEEDS-ACTION", "kept": "COMPLETED", "broken": "CANCELLED"}
# RFC 5545 TEXT may not hold control characters other than tab; line breaks are escaped
# by the library. Everything else (accents, other scripts, emoji) passes through.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _utc(dt: datetime) -> datetime:
    """A plain aware UTC datetime (second precision), whatever subclass came in, so that
    the library writes the RFC 5545 UTC form 20261128T180000Z."""
    u = dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)
    return datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, tzinfo=UTC)


def whole_day(due: datetime, tz: str) -> date | None:
    """The day a due stands for when it is the end of that day in the coach's zone (how a
    date typed alone is stored, SPEC §1), else None."""
    from coachlog.dates import wall_clock

    t = wall_clock(due, tz)
    return date(t.year, t.month, t.day) if (t.hour, t.minute, t.second) == (23, 59, 59) else None


def summary(promise: Any, client: Any) -> str:
    """'Ana Lima: Send the article' for the coach's own promise; the client's commitments
    are marked, 'Ana Lima (their commitment): Draft the team charter', so the coach's
    calendar shows at a glance whose move it is."""
    who = client.name if promise.owner == "coach" else f"{client.name} (their commitment)"
    return _text(f"{who}: {promise.text}")


def _description(promise: Any) -> str:
    if promise.status == "open":
        lines = [f"Close it with: coachlog promises keep {promise.id}"]
    else:
        lines = [f"Closed in coachlog: {promise.status} (promise {promise.id})."]
    if promise.note and promise.note.strip():
        lines.append(promise.note)
    return _text("\n".join(lines))


def todo(promise: Any, client: Any, *, tz: str, alarm: timedelta | None = None) -> Any:
    """The VTODO of one promise."""
    from icalendar import Alarm, Todo

    t = Todo()
    stamp = _utc(promise.updated_at)
    t.add("uid", promise.uid)
    t.add("dtstamp", stamp)
    t.add("created", _utc(promise.created_at))
    t.add("last-modified", stamp)
    t.add("summary", summary(promise, client))
    t.add("description", _description(promise))
    t.add("class", "CONFIDENTIAL")
    day = whole_day(promise.due_at, tz)
    if day is not None:
        t.add("due", day)  # DUE;VALUE=DATE
    else:
        t.add("due", _utc(promise.due_at))
    t.add("status", STATUS.get(promise.status, "CANCELLED"))
    if promise.status == "kept" and promise.closed_at is not None:
        t.add("completed", _utc(promise.closed_at))
        t.add("percent-complete", 100)
    # Each move of the due date is a new revision of the task (RFC 5545 §3.8.7.4).
    t.add("sequence", len(promise.due_history or []))
    t.add("categories", ["coachlog", "coach" if promise.owner == "coach" else "client"])
    if alarm is not None and promise.status == "open":
        a = Alarm()
        a.add("action", "DISPLAY")
        a.add("description", summary(promise, client))
        a.add("trigger", -alarm, parameters={"RELATED": "END"})
        t.add_component(a)
    return t


def event(session: Any, client: Any) -> Any:
    """The VEVENT of one planned (or cancelled) session."""
    from icalendar import Event

    e = Event()
    start = _utc(session.held_at)
    e.add("uid", session.uid)
    e.add("dtstamp", _utc(session.updated_at))
    e.add("created", _utc(session.created_at))
    e.add("last-modified", _utc(session.updated_at))
    e.add("dtstart", start)
    e.add("dtend", start + timedelta(minutes=session.minutes or 60))
    e.add("summary", _text(f"Coaching: {client.name}"))
    e.add("class", "CONFIDENTIAL")
    e.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
    e.add("categories", ["coachlog"])
    return e


def _calendar(name: str, components: Sequence[Any]) -> bytes:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _text(name))
    for c in components:
        cal.add_component(c)
    return bytes(cal.to_ical())


def calendar(
    promises: Sequence[tuple[Any, Any]],
    sessions: Sequence[tuple[Any, Any]] = (),
    *,
    tz: str,
    name: str = "coachlog",
    alarm: timedelta | None = None,
) -> bytes:
    """One VCALENDAR: a VTODO per (promise, client) and a VEVENT per (session, client), in
    the order given."""
    return _calendar(
        name,
        [todo(p, c, tz=tz, alarm=alarm) for p, c in promises] + [event(s, c) for s, c in sessions],
    )


def files(
    promises: Sequence[tuple[Any, Any]],
    sessions: Sequence[tuple[Any, Any]] = (),
    *,
    tz: str,
    name: str = "coachlog",
    alarm: timedelta | None = None,
) -> list[tuple[str, bytes]]:
    """One calendar file per UID, named UID.ics: the folder layout ("vdir") that todoman
    and vdirsyncer read, so a task ticked off there is one file."""
    out = [(f"{p.uid}.ics", _calendar(name, [todo(p, c, tz=tz, alarm=alarm)])) for p, c in promises]
    return out + [(f"{s.uid}.ics", _calendar(name, [event(s, c)])) for s, c in sessions]


def changed_elsewhere(existing: bytes, new: bytes) -> str | None:
    """Why a file in the folder should be kept as it is: the calendar program changed the
    task after coachlog last changed the promise (its LAST-MODIFIED is later), e.g. the
    coach ticked it off in todoman. None when coachlog's version is as new or newer, or
    the file cannot be read as a calendar."""
    from icalendar import Calendar

    def stamp_and_status(data: bytes) -> tuple[datetime, str] | None:
        try:
            cal = Calendar.from_ical(data)
        except ValueError:
            return None
        for comp in cal.walk():
            if comp.name in ("VTODO", "VEVENT") and "LAST-MODIFIED" in comp:
                when = comp.decoded("LAST-MODIFIED")
                if isinstance(when, datetime):
                    return _utc(when), str(comp.get("STATUS", ""))
        return None

    theirs, ours = stamp_and_status(existing), stamp_and_status(new)
    if theirs is None or ours is None or theirs[0] <= ours[0]:
        return None
    if theirs[1] and theirs[1] != ours[1]:
        return (
            f"changed in your calendar program since (there: {theirs[1]}); record it in "
            "coachlog to update it"
        )
    return "changed in your calendar program since; left as it is there"


def export(reader: Any, job: Job) -> Export:
    """`export --format ics`: open promises, the promises closed in the last 30 days, and
    planned sessions."""
    from coachlog.export.base import Export
    from coachlog.queries.exchange import calendar_promises, calendar_sessions

    promised = calendar_promises(
        reader,
        list(job.clients),
        window=job.window,
        whole=job.whole,
        closed_since=job.now - CLOSED_SHOWN,
    )
    planned = calendar_sessions(
        reader, list(job.clients), whole=job.whole, cancelled_since=job.now - CLOSED_SHOWN
    )
    name = "coachlog" if job.whole else f"coachlog: {job.clients[0].name}"
    base = "coachlog-practice" if job.whole else _one(job)
    kw: dict[str, Any] = {"tz": job.tz, "name": name, "alarm": job.alarm}
    return Export(
        name=f"{base}.ics",
        data=calendar(promised, planned, **kw),
        files=list(files(promised, planned, **kw)),
        what=lambda: _what(promised, planned),
        keep=changed_elsewhere,
    )


def _one(job: Job) -> str:
    from coachlog.export import slug

    return slug(job.clients[0].name, job.clients[0].id)


def _what(promised: Sequence[tuple[Any, Any]], planned: Sequence[tuple[Any, Any]]) -> str:
    from coachlog.words import count

    is_open = sum(1 for p, _ in promised if p.status == "open")
    text = f"{count(is_open, 'open promise')}, {count(len(promised) - is_open, 'closed one')}"
    return text + f" and {count(len(planned), 'planned session')}"
