"""Reading a calendar program's events as planned sessions (SPEC §4a, `coachlog import
FILE.ics`), the rules: which session an event is (its uid), which events are left alone or
refused and why, and what an event does to the planned session it is. Pure: the .ics file is
read into CalEvents by services/calendar_import.py; `now` is a parameter.

How an event's UID is kept. No column is added for it: the session's own uid is derived
from it. An event UID that is a UUID (Thunderbird, Evolution, khal and coachlog's own
calendar export write those) is the session's uid as it is, in lowercase; any other UID
(Google's `…@google.com`, Outlook's long hex strings) gives the name-based UUID
uuid5(UID_NAMESPACE, UID). The same event therefore always finds the same session, also
after a JSON export and import, and a calendar written by `coachlog export --format ics`
and read back finds the very sessions it came from."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from coachlog.domain.ahead import CANCELLED, HELD, PLANNED

# Fixed forever: changing it would make every event imported before a new session.
UID_NAMESPACE = uuid.UUID("6f1d7c2e-4b0a-5e8f-9a37-2c4d6b8e1f05")


def session_uid(event_uid: str) -> str:
    """The uid of the session an event UID is (see the module's docstring)."""
    text = event_uid.strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(UID_NAMESPACE, text))


@dataclass(frozen=True)
class CalEvent:
    """A VEVENT as the rules read it."""

    uid: str
    summary: str
    start: datetime | None  # aware; None for an all-day event
    minutes: int | None  # DTEND - DTSTART (or DURATION); None when neither is given
    attendees: tuple[str, ...] = ()
    cancelled: bool = False  # STATUS:CANCELLED
    day: date | None = None  # an all-day event's date (its start is then that day's end)
    repeats: bool = False  # RRULE/RDATE, or one changed occurrence (RECURRENCE-ID)
    may_recur_after: datetime | None = None  # a repeating event's UNTIL, when it has one
    broken: str | None = None  # why it cannot be read at all (no UID, no DTSTART, ...)

    def ahead(self, now: datetime) -> bool:
        """Whether the event (or, repeating, a later occurrence) can still be ahead. One that
        cannot be read is reported unless its start is known to be past."""
        if self.broken:
            return self.start is None or self.start >= now
        if self.repeats:
            return self.may_recur_after is None or self.may_recur_after >= now
        return self.start is not None and self.start >= now


# What an event does; the words are what the import report says.
NEW, MOVED, CANCEL, SAME, LEFT = "planned", "moved", "cancelled", "unchanged", "left"


@dataclass(frozen=True)
class Existing:
    """The store's session with the uid an event gives."""

    id: int
    client_id: int
    held_at: datetime
    minutes: int | None
    status: str


def refusal(event: CalEvent) -> str | None:
    """Why an event that is ahead cannot become a planned session, or None when it can."""
    if event.broken:
        return event.broken
    if event.repeats:
        return (
            "a repeating event: coachlog plans single sessions (plan them with 'coachlog "
            "session plan', or export the occurrences from your calendar program)"
        )
    if event.day is not None:
        return "an all-day event: it has no time to plan a session at"
    if event.minutes is not None and not 1 <= event.minutes <= 24 * 60:
        return f"it lasts {event.minutes} minutes; a session lasts from 1 minute to 24 hours"
    return None


def action(event: CalEvent, existing: Existing | None, client_id: int | None) -> str:
    """What importing `event` does, for an event that is ahead and can be read, for the
    client it matched (None: none or several). An event's UID decides which session it is:
    a session held, or cancelled in coachlog, is left as it is; a planned one follows its
    event (moved to the new time or length, or cancelled)."""
    if existing is None:
        if event.cancelled or client_id is None:
            return LEFT
        return NEW
    if existing.status in (HELD, CANCELLED):
        return SAME
    assert existing.status == PLANNED
    if event.cancelled:
        return CANCEL
    minutes = event.minutes if event.minutes is not None else existing.minutes
    target = client_id if client_id is not None else existing.client_id
    if (event.start, minutes, target) != (existing.held_at, existing.minutes, existing.client_id):
        return MOVED
    return SAME


def first_uid_wins(events: Iterable[CalEvent]) -> list[CalEvent]:
    """One event per UID: a calendar file may carry an event and its changed occurrences
    under one UID; the first (the series itself) is kept."""
    seen: set[str] = set()
    out = []
    for e in events:
        if e.uid in seen:
            continue
        seen.add(e.uid)
        out.append(e)
    return out
