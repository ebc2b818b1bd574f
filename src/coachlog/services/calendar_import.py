"""`coachlog import FILE.ics`: a calendar exported by a calendar program (Thunderbird,
Google Calendar, khal, Apple Calendar, Outlook) read as planned sessions (SPEC §4a).

The file is read with the `icalendar` package, which also builds the zones a file defines
in its own VTIMEZONE components (Outlook's "W. Europe Standard Time", Thunderbird's
Olson names). An event with a floating time (no zone, no Z) is read in the coach's zone.
The rules (which events count, which session an event is, what it does) are in
domain/calendar.py and domain/ahead.py; this module reads the file and writes the result in
the caller's one transaction."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from coachlog.domain import ahead
from coachlog.domain import calendar as rules
from coachlog.domain.calendar import CalEvent, Existing
from coachlog.errors import InvalidInput
from coachlog.models import Client, CoachingSession
from coachlog.services.common import clients_query, scope

MAX_BYTES = 10 * 1024 * 1024  # as for notes (SPEC §3a): a calendar larger than that is refused
NOT_A_CALENDAR = "Give an .ics file exported by a calendar program (a VCALENDAR with VEVENTs)."


# ---- reading the file ---------------------------------------------------------------------


def read_events(data: bytes, *, name: str, tz: str) -> list[CalEvent]:
    """Every VEVENT of the file, read; a file that is not iCalendar is a clear error."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{name} is larger than 10 MiB; nothing was imported.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{name} is not UTF-8 text (byte {exc.start}); nothing was imported.",
            hint=NOT_A_CALENDAR,
        ) from None
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and others for a broken file
        raise InvalidInput(
            f"{name} is not an iCalendar file that can be read ({_short(exc)}); nothing was "
            "imported.",
            hint=NOT_A_CALENDAR,
        ) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise InvalidInput(f"{name} holds no VCALENDAR; nothing was imported.", hint=NOT_A_CALENDAR)
    return [_event(component, tz) for component in calendar.walk("VEVENT")]


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:120] + ("…" if len(text) > 120 else "")


def _aware(value: datetime, tz: str) -> datetime:
    """A floating time is the coach's; every instant comes back in UTC."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def _decoded(component: Any, key: str) -> Any:
    if component.get(key) is None:
        return None
    try:
        return component.decoded(key)
    except Exception:  # a value icalendar cannot read is as good as none here
        return None


def _attendees(component: Any) -> tuple[str, ...]:
    found = component.get("ATTENDEE")
    if found is None:
        return ()
    values = found if isinstance(found, list) else [found]
    return tuple(str(v) for v in values)


def _until(component: Any, tz: str) -> datetime | None:
    """A repeating event's last possible occurrence (its RRULE's UNTIL), when it has one
    and no RDATE can add later ones; None: it may still recur."""
    rule = component.get("RRULE")
    if rule is None or component.get("RDATE") is not None:
        return None
    rules_ = rule if isinstance(rule, list) else [rule]
    ends = []
    for r in rules_:
        until = r.get("UNTIL")
        if not until:
            return None
        u = until[0]
        if isinstance(u, datetime):
            ends.append(_aware(u, tz))
        elif isinstance(u, date):
            ends.append(_aware(datetime(u.year, u.month, u.day, 23, 59, 59), tz))
    return max(ends) if ends else None


def _event(component: Any, tz: str) -> CalEvent:
    uid = str(component.get("UID") or "").strip()
    summary = " ".join(str(component.get("SUMMARY") or "").split())
    status = str(component.get("STATUS") or "").strip().upper()
    repeats = any(component.get(k) is not None for k in ("RRULE", "RDATE", "RECURRENCE-ID"))
    start = _decoded(component, "DTSTART")
    common: dict[str, Any] = {
        "uid": uid,
        "summary": summary,
        "attendees": _attendees(component),
        "cancelled": status == "CANCELLED",
        "repeats": repeats,
    }
    if repeats:
        first = _aware(start, tz) if isinstance(start, datetime) else None
        until = _until(component, tz) if component.get("RECURRENCE-ID") is None else first
        return CalEvent(start=first, minutes=None, may_recur_after=until, **common)
    if not uid:
        begins = _aware(start, tz) if isinstance(start, datetime) else None
        return CalEvent(start=begins, minutes=None, broken="it has no UID", **common)
    if start is None:
        return CalEvent(start=None, minutes=None, broken="it has no DTSTART", **common)
    if not isinstance(start, datetime):  # VALUE=DATE: an all-day event
        day_end = datetime(start.year, start.month, start.day, 23, 59, 59)
        return CalEvent(start=_aware(day_end, tz), minutes=None, day=start, **common)
    begins = _aware(start, tz)
    end = _decoded(component, "DTEND")
    length: timedelta | None = None
    if isinstance(end, datetime):
        length = _aware(end, tz) - begins
    elif isinstance(_decoded(component, "DURATION"), timedelta):
        length = _decoded(component, "DURATION")
    minutes = None if length is None else int(length.total_seconds() // 60)
    return CalEvent(start=begins, minutes=minutes, **common)


# ---- deciding and writing -----------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """A planned session the import made, moved or cancelled (id None: a dry run's new
    session)."""

    what: str  # rules.NEW | rules.MOVED | rules.CANCEL
    id: int | None
    client: str  # the client's name
    at: datetime
    minutes: int | None
    summary: str


@dataclass(frozen=True)
class Left:
    """An event ahead that was not imported, and why."""

    event: CalEvent
    reason: str
    candidates: tuple[str, ...] = ()


@dataclass
class Outcome:
    done: list[Done] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    unchanged: int = 0
    past: int = 0  # events already over (or, repeating, over for good): left alone
    events: int = 0

    def count(self, what: str) -> int:
        return sum(1 for d in self.done if d.what == what)


def _existing(db: Session, uids: list[str]) -> dict[str, tuple[CoachingSession, Existing]]:
    if not uids:
        return {}
    stmt = scope(
        select(CoachingSession).where(col(CoachingSession.uid).in_(uids)),
        db,
        CoachingSession.client_id,
    )
    return {
        s.uid: (s, Existing(s.id or 0, s.client_id, s.held_at, s.minutes, s.status))
        for s in db.exec(stmt).all()
    }


def import_calendar(
    db: Session, events: list[CalEvent], *, now: datetime, dry_run: bool = False
) -> Outcome:
    """Plan, move or cancel a session for each event ahead that is for one client; list the
    others with the reason. With dry_run nothing is written."""
    out = Outcome(events=len(events))
    clients = list(db.exec(clients_query(db)).all())
    ahead_events = []
    for e in rules.first_uid_wins(events):
        if not e.ahead(now):
            out.past += 1
        else:
            ahead_events.append(e)
    found = _existing(db, [rules.session_uid(e.uid) for e in ahead_events if e.uid])
    # A dry run changes rows in memory only: nothing may reach the database, not even
    # through the flush a later query would do first.
    with db.no_autoflush if dry_run else nullcontext():
        _decide(db, out, ahead_events, found, clients, now=now, dry_run=dry_run)
    if dry_run:
        db.rollback()
    out.done.sort(key=lambda d: (d.at, d.id or 0))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    out.left.sort(key=lambda left: left.event.start or far)
    return out


def _decide(
    db: Session,
    out: Outcome,
    ahead_events: list[CalEvent],
    found: dict[str, tuple[CoachingSession, Existing]],
    clients: list[Client],
    *,
    now: datetime,
    dry_run: bool,
) -> None:
    from coachlog.services.sessions import default_minutes

    by_id = {c.id: c for c in clients}
    for e in ahead_events:
        match = ahead.match_event(e.summary, e.attendees, clients)
        refused = rules.refusal(e)
        if refused is not None:
            if not e.cancelled:
                out.left.append(Left(e, refused))
            continue
        uid = rules.session_uid(e.uid)
        row, existing = found.get(uid, (None, None))
        client = match.client
        if client is not None and client.status == "closed":
            if existing is None and not e.cancelled:
                out.left.append(
                    Left(e, f"it is for {client.name}, whose coaching is closed (coachlog "
                         f"client reopen {client.id} first)")
                )  # fmt: skip
                continue
            client = None
        if existing is None and client is None and not e.cancelled:
            if match.several:
                names = tuple(c.name for c in match.several)
                out.left.append(Left(e, f"it could be for any of {len(names)} clients", names))
            else:
                out.left.append(
                    Left(e, "no client's email is among its attendees, nor a client's full "
                            "name in its title")
                )  # fmt: skip
            continue
        what = rules.action(e, existing, client.id if client is not None else None)
        if what in (rules.SAME, rules.LEFT):
            out.unchanged += what == rules.SAME
            continue
        target = client if client is not None else by_id[existing.client_id]  # type: ignore[union-attr]
        assert target is not None and e.start is not None
        if what == rules.NEW:
            minutes = e.minutes if e.minutes is not None else default_minutes(db, target)
            row = CoachingSession(
                uid=uid,
                client_id=target.id,  # type: ignore[arg-type]
                held_at=e.start,
                minutes=minutes,
                kind="regular",
                status=ahead.PLANNED,
                created_at=now,
                updated_at=now,
            )
            out.done.append(Done(what, None, target.name, e.start, minutes, e.summary))
        else:
            assert row is not None
            at = e.start if what == rules.MOVED else row.held_at
            length = e.minutes if what == rules.MOVED and e.minutes is not None else row.minutes
            out.done.append(Done(what, row.id, target.name, at, length, e.summary))
            if what == rules.MOVED:
                row.held_at, row.minutes = at, length
                row.client_id = target.id  # type: ignore[assignment]
            else:  # cancelled in the calendar
                row.status = ahead.CANCELLED
            row.updated_at = now
        if not dry_run:
            db.add(row)
            db.flush()
            if what == rules.NEW:  # the id, now that it has one
                out.done[-1] = Done(what, row.id, target.name, e.start, row.minutes, e.summary)
