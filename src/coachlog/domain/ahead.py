"""Sessions ahead (SPEC §4a), the rules: which sessions count as held, a client's next
planned session, when the agreed cadence has run out with nothing planned, where the
`promises due --before-next` window ends, which planned session `session new` takes up, and
which client a calendar event is for. Pure: every rule that depends on time takes `now`,
records are read through the Protocol below (an ORM object or a plain row serves alike)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Generic, Protocol, TypeVar

HELD, PLANNED, CANCELLED = "held", "planned", "cancelled"
# `session new` records a planned session instead of a new one when its planned time is at
# most this far from the time the session is recorded as held (SPEC §4a).
TAKE_UP_WINDOW = timedelta(hours=12)


class Session(Protocol):
    """What the rules read of a session (models.CoachingSession has it)."""

    @property
    def id(self) -> int | None: ...
    @property
    def held_at(self) -> datetime: ...
    @property
    def status(self) -> str: ...


S = TypeVar("S", bound=Session)


def counts(session: Session) -> bool:
    """Only held sessions count: in sessions so far, the last session, pit-stops, the trust
    checks, ICF hours and client-facing exports. A planned session has not happened yet and
    a cancelled one never will."""
    return session.status == HELD


def next_planned(sessions: Iterable[S], *, now: datetime) -> S | None:
    """The earliest planned session at or after `now` (a planned time already gone by is
    not 'next': it is waiting to be recorded or cancelled)."""
    ahead = [s for s in sessions if s.status == PLANNED and s.held_at >= now]
    return min(ahead, key=lambda s: (s.held_at, s.id or 0), default=None)


def take_up(sessions: Iterable[S], *, at: datetime, window: timedelta = TAKE_UP_WINDOW) -> S | None:
    """The planned session that a session recorded as held at `at` is: the planned one
    nearest to `at`, at most `window` before or after it (both ends included); of two as
    near, the earlier. None when no planned session is that close."""

    def apart(s: S) -> float:  # seconds, not a timedelta: pendulum's intervals keep a sign
        return abs((s.held_at - at).total_seconds())

    near = [s for s in sessions if s.status == PLANNED and apart(s) <= window.total_seconds()]
    return min(near, key=lambda s: (apart(s), s.held_at, s.id or 0), default=None)


def taken_up_at(planned_at: datetime, *, given: datetime | None, now: datetime) -> datetime:
    """When a taken-up session was held: the time the coach gave; else its planned time,
    unless that is still ahead (a call recorded a few minutes early), then now."""
    if given is not None:
        return given
    return min(planned_at, now)


def plan_problem(at: datetime, *, now: datetime) -> str | None:
    """Why a session cannot be planned at `at`, or None when it can: a plan is for a time
    still ahead (what has happened is recorded with `session new`)."""
    if at >= now:
        return None
    return "is already past: a session that has happened is recorded with 'coachlog session new'"


def cadence_due_at(last_held_at: datetime | None, cadence_days: int | None) -> datetime | None:
    """When the next session is due by the agreed cadence: the last held session plus
    cadence_days; None without a cadence or without a held session to count from."""
    if not cadence_days or last_held_at is None:
        return None
    return last_held_at + timedelta(days=cadence_days)


def cadence_ran_out(
    *,
    last_held_at: datetime | None,
    cadence_days: int | None,
    next_planned_at: datetime | None,
    now: datetime,
) -> bool:
    """The agreed rhythm has run out with nothing planned: more than cadence_days since the
    last held session, and no session planned from now on (seed 000, strategy 5: consistency
    and reliability). The day the cadence ends is not yet run out."""
    due = cadence_due_at(last_held_at, cadence_days)
    return due is not None and now > due and next_planned_at is None


def window_end(*, now: datetime, within: timedelta, next_planned_at: datetime | None) -> datetime:
    """Where a client's `promises due --before-next` window ends: at their next planned
    session (what is due before it), else `within` from now, as without --before-next."""
    if next_planned_at is not None:
        return next_planned_at
    return now + within


def days_ahead(now: datetime, tz: str, days: int = 2) -> tuple[datetime, datetime]:
    """From the start of today to the start of the day after the next `days - 1` days, in
    the coach's zone, as UTC instants: today's view shows the sessions planned for today and
    tomorrow (SPEC §2a), those of today already gone by included."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    today: date = now.astimezone(zone).date()
    start = datetime(today.year, today.month, today.day, tzinfo=zone)
    end_day = today + timedelta(days=days)
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


# ---- which client a calendar event is for --------------------------------------------------


class Client(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...


C = TypeVar("C", bound=Client)


@dataclass(frozen=True)
class EventMatch(Generic[C]):
    """Whom an event is for: one client, several (ambiguous: not imported), or none."""

    client: C | None = None
    several: Sequence[C] = ()
    by: str = ""  # "email" | "name"


def _words(text: str) -> list[str]:
    from coachlog.names import fold

    out, word = [], []
    for ch in fold(text):
        if ch.isalnum():
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def _holds(words: list[str], name: list[str]) -> bool:
    n = len(name)
    return n > 0 and any(words[i : i + n] == name for i in range(len(words) - n + 1))


def match_event(summary: str, attendees: Iterable[str], clients: Iterable[C]) -> EventMatch[C]:
    """The client an event is for. An attendee's email equal to a client's email (case
    aside) decides; without one, the client whose full name the summary holds, as whole
    words, without regard to case or accents ("Coaching: jose rocha" is José Rocha). When a
    name found is part of a longer one also found ("Ana Lima" in "Ana Lima Costa"), the
    longer is meant. More than one client either way is ambiguous."""
    pool = list(clients)
    emails = {a.strip().lower().removeprefix("mailto:") for a in attendees if a and a.strip()}
    by_email = [c for c in pool if c.email and c.email.strip().lower() in emails]
    if by_email:
        if len({c.id for c in by_email}) == 1:
            return EventMatch(by_email[0], by="email")
        return EventMatch(several=by_email, by="email")
    words = _words(summary or "")
    named = [(c, _words(c.name)) for c in pool]
    found = [(c, n) for c, n in named if _holds(words, n)]
    # A name inside a longer name that was also found is that longer name's.
    found = [
        (c, n)
        for c, n in found
        if not any(len(m) > len(n) and _holds(m, n) for d, m in found if d is not c)
    ]
    if len(found) == 1:
        return EventMatch(found[0][0], by="name")
    if found:
        return EventMatch(several=[c for c, _ in found], by="name")
    return EventMatch()
