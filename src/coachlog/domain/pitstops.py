"""Pit-stops (seed 002, strategy 3): the check-in on the coaching relationship itself.

A pit-stop is a session of kind `pitstop` whose notes hold the answers to six questions,
one `## question` section each, and whose trust_pulse is the answer to "how safe does it
feel to be open here". This module holds the rule for when a pit-stop is due;
services/pitstops.py the questions, the template and the recording.

The due rule (SPEC §4), stated precisely. With N = client.pitstop_every_sessions (default 6)
and W = client.pitstop_every_weeks (default 8), a pit-stop is due when the client has had
at least one session by now and either
  - N or more regular sessions were held after the last pit-stop (or, with none yet,
    since the start), or
  - W weeks or more have passed since the last pit-stop (or, with none yet, since the
    first session),
whichever comes first. Only sessions held by `now` count; a pit-stop resets both clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from coachlog.words import count

DEFAULT_EVERY_SESSIONS = 6
DEFAULT_EVERY_WEEKS = 8

# ---------------------------------------------------------------------------- the due rule


@dataclass(frozen=True)
class PitstopStatus:
    due: bool
    every_sessions: int
    every_weeks: int
    last_pitstop_at: datetime | None
    regular_since: int  # regular sessions held after the last pit-stop (or since the start)
    anchor_at: datetime | None  # last pit-stop, else the first session; None: no sessions
    deadline: datetime | None  # when the weeks rule makes it due (None without sessions)
    reason: str  # one line for screens: why it is due, or when it will be

    @property
    def sessions_left(self) -> int:
        return max(0, self.every_sessions - self.regular_since)


def every(client: Any) -> tuple[int, int]:
    """The client's pit-stop rhythm: (sessions, weeks)."""
    return (
        client.pitstop_every_sessions or DEFAULT_EVERY_SESSIONS,
        client.pitstop_every_weeks or DEFAULT_EVERY_WEEKS,
    )


def due_status(
    *,
    sessions: int,
    first_session_at: datetime | None,
    last_pitstop_at: datetime | None,
    regular_since: int,
    every_sessions: int,
    every_weeks: int,
    now: datetime,
) -> PitstopStatus:
    """Apply the due rule to counts the caller got from the store (see the module doc)."""
    anchor = last_pitstop_at or first_session_at
    if sessions == 0 or anchor is None:
        return PitstopStatus(
            False, every_sessions, every_weeks, None, 0, None, None, "no sessions yet"
        )
    deadline = anchor + timedelta(weeks=every_weeks)
    since = "the last pit-stop" if last_pitstop_at else "the first session"
    if regular_since >= every_sessions:
        reason = f"due: {count(regular_since, 'regular session')} since {since}"
        due = True
    elif now >= deadline:
        weeks = (now - anchor).days // 7
        reason = f"due: {count(weeks, 'week')} since {since}"
        due = True
    else:
        left = every_sessions - regular_since
        # the screen adds the date ("... or by 17 Jan") in the coach's format
        reason = f"after {count(left, 'more regular session')}"
        due = False
    return PitstopStatus(
        due,
        every_sessions,
        every_weeks,
        last_pitstop_at,
        regular_since,
        anchor,
        deadline,
        reason,
    )


def next_due(
    status: PitstopStatus, *, last_session_at: datetime | None, cadence_days: int | None
) -> datetime | None:
    """When the next pit-stop will be due, for the dashboard: the weeks deadline, or sooner
    when the agreed cadence brings the Nth regular session first. None when it is due now
    (or there are no sessions)."""
    if status.due or status.deadline is None:
        return None
    when = status.deadline
    if cadence_days and last_session_at is not None:
        by_sessions = last_session_at + timedelta(days=cadence_days * status.sessions_left)
        when = min(when, by_sessions)
    return when
