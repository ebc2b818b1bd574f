"""Open promises as an iCalendar file (RFC 5545): one VTODO per promise.

The VTODO's UID is the promise's uid, so exporting again after a change (a moved due date,
a corrected text) updates the task in the coach's calendar instead of adding a second one.
Built and read back with the `icalendar` package rather than by hand: its escaping and line
folding are what calendar programs expect."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachlog.models import Client, Promise

PRODID = "-//coachlog//EN"
# RFC 5545 TEXT may not hold control characters other than tab; line breaks are escaped
# by the library. Everything else (accents, other scripts, emoji) passes through.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _utc(dt: datetime) -> datetime:
    """A plain aware UTC datetime (second precision), whatever subclass came in, so that
    the library writes the RFC 5545 UTC form 20261128T180000Z."""
    u = dt.astimezone(UTC)
    return datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, tzinfo=UTC)


def summary(promise: Promise, client: Client) -> str:
    """'Ana Lima: Send the article' for the coach's own promise; the client's commitments
    are marked, 'Ana Lima (their commitment): Draft the team charter', so the coach's
    calendar shows at a glance whose move it is."""
    who = client.name if promise.owner == "coach" else f"{client.name} (their commitment)"
    return _text(f"{who}: {promise.text}")


def promises_calendar(items: list[tuple[Promise, Client]], *, now: datetime) -> bytes:
    """A VCALENDAR with one VTODO per (promise, client), in the order given."""
    from icalendar import Calendar, Todo

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = _utc(now)
    for promise, client in items:
        todo = Todo()
        todo.add("uid", promise.uid)
        todo.add("dtstamp", stamp)
        todo.add("created", _utc(promise.created_at))
        todo.add("last-modified", _utc(promise.updated_at))
        todo.add("summary", summary(promise, client))
        todo.add("due", _utc(promise.due_at))
        todo.add("status", "NEEDS-ACTION")
        # Each move of the due date is a new revision of the task (RFC 5545 §3.8.7.4).
        todo.add("sequence", len(promise.due_history or []))
        todo.add("categories", ["coachlog", "coach" if promise.owner == "coach" else "client"])
        if promise.note:
            todo.add("description", _text(promise.note))
        cal.add_component(todo)
    return cal.to_ical()
