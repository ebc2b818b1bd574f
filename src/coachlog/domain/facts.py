"""What the trust checklist, the dashboard, prep and the client page know about a client:
counts, dates, the recent sessions, each side's promises. The query layer computes them
(queries/facts.py); the rules read them (domain/trust.py, domain/pitstops.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from coachlog.domain.pitstops import PitstopStatus

RECENT = 10  # sessions the consistency and learning checks look at (SPEC §5, checks 9, 11)
PULSES = 8  # trust pulses in a sparkline
RELIABILITY_DAYS = 90  # check 5's window ...
RELIABILITY_MIN = 3  # ... and how many closed promises it needs to judge
LATE_DAYS = 7  # check 8: a client commitment this many days past due needs a conversation


@dataclass
class Recent:
    id: int
    held_at: datetime
    kind: str
    trust_pulse: int | None
    reflected: bool


@dataclass
class Ref:
    """A promise named in evidence: its id and the instant that matters (due or broken)."""

    id: int
    at: datetime


@dataclass
class Side:
    """One owner's promises (the coach's or the client's)."""

    open: int = 0
    overdue: list[Ref] = field(default_factory=list)  # open and past due, oldest first
    closed_recent: int = 0  # kept or broken, closed in the last 90 days
    on_time_recent: int = 0  # of those, kept on time
    broken: int = 0
    unrepaired: list[Ref] = field(default_factory=list)  # broken without a repair
    not_raised: list[Ref] = field(default_factory=list)  # broken, no session since

    def late(self, now: datetime, days: int = LATE_DAYS) -> list[Ref]:
        return [r for r in self.overdue if r.at < now - timedelta(days=days)]

    @property
    def rate(self) -> float | None:
        """Kept on time / closed in the last 90 days; None with too few to judge (as
        trust check 5), so that one broken promise does not read as '0%'."""
        if self.closed_recent < RELIABILITY_MIN:
            return None
        return self.on_time_recent / self.closed_recent


@dataclass
class Facts:
    client_id: int
    sessions: int = 0  # held by now, every kind
    first_session_at: datetime | None = None
    first_session_kind: str | None = None
    last_session_at: datetime | None = None
    last_pitstop_at: datetime | None = None
    regular_since: int = 0  # regular sessions after the last pit-stop (or since the start)
    recent: list[Recent] = field(default_factory=list)  # newest first
    pulses: list[int] = field(default_factory=list)  # oldest first
    coach: Side = field(default_factory=Side)
    client: Side = field(default_factory=Side)
    agreements: list[Any] = field(default_factory=list)  # by version (Agreement rows)
    pitstop: PitstopStatus | None = None

    @property
    def active_agreement(self) -> Any:
        active = [a for a in self.agreements if a.status == "active"]
        return active[-1] if active else None

    @property
    def first_agreement(self) -> Any:
        return self.agreements[0] if self.agreements else None
