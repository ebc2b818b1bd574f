"""The ICF rules, pure (SPEC §9, docs/credentials.md): the client coaching log (hours,
consent, one row per client and kind, the sessions that do not count and why), progress
toward a credential, and the continuing-education (CCE) renewal cycle.

Time is counted in whole minutes and learning in hundredths of an hour ("centihours"), so
every sum is exact; hours are made from them once, at the end, to two decimals. Nothing
here reads a clock: `today` and the coach's calendar date of each session come in."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from coachlog.errors import InvalidInput
from coachlog.settings import CREDENTIALS

# --- limits and requirements, each written once ---------------------------------------------

GROUP_SIZES = (1, 500)  # what a session's group_size may hold
ICF_GROUP_MAX = 15  # ICF counts groups of 15 people or fewer
RECENT_MONTHS = 18  # ACC and PCC: hours in the 18 months before applying
CYCLE_YEARS = 3  # a credential is renewed every three years
LEARNING_CENTIHOURS = (1, 100_000)  # one learning entry: 0.01 to 1,000 hours


@dataclass(frozen=True)
class Requirement:
    """What ICF asks of a coaching log for a credential (coachingfederation.org,
    "Experience Requirements")."""

    hours: int
    paid_hours: int
    clients: int
    recent_hours: int | None  # in the last RECENT_MONTHS; None: no such rule (MCC)


REQUIREMENTS = {
    "acc": Requirement(hours=100, paid_hours=75, clients=8, recent_hours=25),
    "pcc": Requirement(hours=500, paid_hours=450, clients=25, recent_hours=50),
    "mcc": Requirement(hours=2500, paid_hours=2250, clients=35, recent_hours=None),
}

# The columns of ICF's client coaching log template, in its order and words.
LOG_HEADER = (
    "Client Name",
    "Contact Information",
    "Individual/Group",
    "Number in Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro Bono Hours",
)

# Renewal, in centihours (ICF: 1 hour of education = 1 CCE unit).
CCE_REQUIRED = 40_00
CORE_REQUIRED = 24_00  # Core Competencies, mentor coaching and supervision included
ETHICS_REQUIRED = 3_00  # Coaching Ethics, part of the Core
RESOURCE_CAP = 16_00  # Resource Development counts at most this much
MENTOR_SUPERVISION_CAP = 10_00  # mentor coaching and supervision together, at most
ACC_MENTOR_REQUIRED = 10_00  # an ACC also needs 10 hours of mentor coaching in the cycle


# --- numbers ----------------------------------------------------------------------------------

CENT = Decimal("0.01")


def hours(minutes: int) -> Decimal:
    """Minutes as hours to two decimals (half up: 20 minutes is 0.33, 50 is 0.83)."""
    return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def hours_text(minutes: int) -> str:
    """As the log writes hours: always two decimals ("1.50")."""
    return f"{hours(minutes):.2f}"


def units(centihours: int) -> Decimal:
    return (Decimal(centihours) / 100).quantize(CENT)


def units_text(centihours: int) -> str:
    """Learning hours as a person writes them: "40", "1.5", "0.75"."""
    text = f"{units(centihours):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_hours(text: str) -> int:
    """`--hours 1.5` as centihours; whole hundredths only, within LEARNING_CENTIHOURS."""
    low, high = LEARNING_CENTIHOURS
    accepted = f"a number of hours from {units_text(low)} to {units_text(high)}, e.g. 1.5"
    raw = str(text).strip().replace(",", ".") if text is not None else ""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"--hours must be {accepted} (got {text!r}).") from None
    if not value.is_finite():
        raise InvalidInput(f"--hours must be {accepted} (got {text!r}).")
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"--hours takes at most two decimals (got {text!r}).")
    n = int(scaled)
    if not low <= n <= high:
        raise InvalidInput(f"--hours must be {accepted} (got {text!r}).")
    return n


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is
    shorter: 31 August less 6 months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the client coaching log ------------------------------------------------------------------


@dataclass(frozen=True)
class LogClient:
    id: int
    name: str
    email: str | None
    phone: str | None
    payment: str  # paid | pro_bono
    icf_consent: str | None  # yes | no | None (not asked)

    @property
    def contact(self) -> str:
        """ICF's "Contact Information": the email, else the phone."""
        return self.email or self.phone or ""

    @property
    def listable(self) -> bool:
        return self.icf_consent == "yes"


@dataclass(frozen=True)
class LogSession:
    id: int
    client_id: int
    held_at: datetime
    held_on: date  # the coach's calendar date of held_at
    minutes: int | None
    group_size: int = 1
    counts_for_icf: bool = True
    status: str = "held"

    @property
    def group(self) -> bool:
        return self.group_size > 1


@dataclass(frozen=True)
class Row:
    """One line of the log: a client's one-to-one sessions, or the group sessions they are
    the contact for."""

    client: LogClient
    group: bool
    number_in_group: int  # the largest group; 1 for one-to-one
    start: date
    end: date
    minutes: int
    sessions: int

    @property
    def paid_minutes(self) -> int:
        return self.minutes if self.client.payment == "paid" else 0

    @property
    def pro_bono_minutes(self) -> int:
        return self.minutes if self.client.payment != "paid" else 0

    @property
    def kind(self) -> str:
        return "Group" if self.group else "Individual"


@dataclass(frozen=True)
class LeftOff:
    """A client whose hours count but who may not be listed (no consent)."""

    client: LogClient
    minutes: int
    sessions: int

    @property
    def why(self) -> str:
        if self.client.icf_consent == "no":
            return "did not consent to be listed"
        return "not asked for consent yet"


@dataclass(frozen=True)
class Excluded:
    session: LogSession
    client: LogClient
    reason: str


@dataclass
class CoachingLog:
    rows: list[Row] = field(default_factory=list)
    left_off: list[LeftOff] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    # Every session that counts, with its client (listable or not), in the order held.
    counted: list[tuple[LogSession, LogClient]] = field(default_factory=list)

    @property
    def paid_minutes(self) -> int:
        return sum(r.paid_minutes for r in self.rows)

    @property
    def pro_bono_minutes(self) -> int:
        return sum(r.pro_bono_minutes for r in self.rows)

    @property
    def minutes(self) -> int:
        return sum(r.minutes for r in self.rows)

    @property
    def unlisted_minutes(self) -> int:
        return sum(o.minutes for o in self.left_off)


def exclusion(session: LogSession, training_started_on: date | None) -> str | None:
    """Why a held session in the period does not count toward the log, or None if it does."""
    if not session.counts_for_icf:
        return "marked as not counting for ICF (counts_for_icf is false)"
    if training_started_on is not None and session.held_on < training_started_on:
        return f"held before your coach-specific training began ({training_started_on})"
    if not session.minutes:
        return "no length recorded"
    if session.group_size > ICF_GROUP_MAX:
        return f"a group of {session.group_size}: ICF counts groups of {ICF_GROUP_MAX} or fewer"
    return None


def coaching_log(
    clients: list[LogClient],
    sessions: list[LogSession],
    *,
    training_started_on: date | None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> CoachingLog:
    """The client coaching log of the held sessions in [since, until] (both ends included;
    None: open). A row per client and kind for clients who consented; the others' counted
    hours in `left_off`; every session of the period that does not count in `excluded`."""
    by_id = {c.id: c for c in clients}
    log = CoachingLog()
    groups: dict[tuple[int, bool], list[LogSession]] = {}
    for s in sorted(sessions, key=lambda s: (s.held_at, s.id)):
        client = by_id.get(s.client_id)
        if client is None or s.status != "held":
            continue  # another coach's client; a session that has not happened
        if (since is not None and s.held_at < since) or (until is not None and s.held_at > until):
            continue
        reason = exclusion(s, training_started_on)
        if reason is not None:
            log.excluded.append(Excluded(s, client, reason))
            continue
        log.counted.append((s, client))
        groups.setdefault((client.id, s.group), []).append(s)
    unlisted: dict[int, list[LogSession]] = {}
    for (client_id, group), held in groups.items():
        client = by_id[client_id]
        if not client.listable:
            unlisted.setdefault(client_id, []).extend(held)
            continue
        log.rows.append(
            Row(
                client=client,
                group=group,
                number_in_group=max(s.group_size for s in held),
                start=min(s.held_on for s in held),
                end=max(s.held_on for s in held),
                minutes=sum(s.minutes or 0 for s in held),
                sessions=len(held),
            )
        )
    log.rows.sort(key=lambda r: (r.client.name.casefold(), r.client.id, r.group))
    log.left_off = sorted(
        (
            LeftOff(by_id[cid], sum(s.minutes or 0 for s in held), len(held))
            for cid, held in unlisted.items()
        ),
        key=lambda o: (o.client.name.casefold(), o.client.id),
    )
    return log


# --- progress toward a credential -------------------------------------------------------------


def next_target(credential: str | None) -> str:
    """The credential to work toward: the one after the coach's own (MCC stays MCC)."""
    if credential not in CREDENTIALS:
        return "acc"
    i = CREDENTIALS.index(credential)
    return CREDENTIALS[min(i + 1, len(CREDENTIALS) - 1)]


@dataclass(frozen=True)
class Measure:
    """One requirement: how much there is, how much is needed (None: no such rule)."""

    key: str
    label: str
    have: Decimal
    need: int | None

    @property
    def met(self) -> bool:
        return self.need is None or self.have >= self.need


@dataclass(frozen=True)
class Progress:
    target: str
    required: Requirement
    minutes: int
    paid_minutes: int
    clients: int
    recent_minutes: int
    unlisted_minutes: int
    recent_since: date

    @property
    def measures(self) -> list[Measure]:
        r = self.required
        return [
            Measure("hours", "Hours", hours(self.minutes), r.hours),
            Measure("paid_hours", "Paid hours", hours(self.paid_minutes), r.paid_hours),
            Measure("clients", "Clients", Decimal(self.clients), r.clients),
            Measure(
                "recent_hours",
                f"Hours, last {RECENT_MONTHS} months",
                hours(self.recent_minutes),
                r.recent_hours,
            ),
        ]

    @property
    def met(self) -> bool:
        return all(m.met for m in self.measures)


def progress(log: CoachingLog, *, target: str, today: date) -> Progress:
    """Where the listable (consented) part of an all-time log stands against a credential.
    Each person counts as a client: a row adds its Number in Group (1 for one-to-one)."""
    if target not in REQUIREMENTS:
        raise InvalidInput(f"--target must be one of {', '.join(CREDENTIALS)} (got {target!r}).")
    since = months_before(today, RECENT_MONTHS)
    recent = sum(
        s.minutes or 0 for s, c in log.counted if c.listable and since <= s.held_on <= today
    )
    return Progress(
        target=target,
        required=REQUIREMENTS[target],
        minutes=log.minutes,
        paid_minutes=log.paid_minutes,
        clients=sum(r.number_in_group for r in log.rows),
        recent_minutes=recent,
        unlisted_minutes=log.unlisted_minutes,
        recent_since=since,
    )


# --- the renewal cycle ------------------------------------------------------------------------


@dataclass(frozen=True)
class Learning:
    id: int
    title: str
    centihours: int
    category: str  # core | resource | mentor | supervision
    ethics: bool
    completed_on: date


@dataclass(frozen=True)
class Renewal:
    credential: str | None
    cycle_start: date
    cycle_end: date
    entries: list[Learning]  # those in the cycle, oldest first
    core_own: int  # centihours of Core Competencies entries
    mentor: int
    supervision: int
    resource: int
    ethics: int

    @property
    def mentor_supervision_counted(self) -> int:
        return min(self.mentor + self.supervision, MENTOR_SUPERVISION_CAP)

    @property
    def core(self) -> int:
        return self.core_own + self.mentor_supervision_counted

    @property
    def resource_counted(self) -> int:
        return min(self.resource, RESOURCE_CAP)

    @property
    def cce(self) -> int:
        return self.core + self.resource_counted

    @property
    def mentor_required(self) -> int:
        return ACC_MENTOR_REQUIRED if self.credential == "acc" else 0

    @property
    def missing(self) -> list[str]:
        """What is still needed, one sentence each (empty when the renewal is met)."""
        out: list[str] = []
        if self.cce < CCE_REQUIRED:
            out.append(
                f"{units_text(CCE_REQUIRED - self.cce)} more CCE "
                f"({units_text(self.cce)} of {units_text(CCE_REQUIRED)} counted)."
            )
        if self.core < CORE_REQUIRED:
            out.append(
                f"{units_text(CORE_REQUIRED - self.core)} more in Core Competencies "
                f"({units_text(self.core)} of at least {units_text(CORE_REQUIRED)})."
            )
        if self.ethics < ETHICS_REQUIRED:
            out.append(
                f"{units_text(ETHICS_REQUIRED - self.ethics)} more in Coaching Ethics "
                f"({units_text(self.ethics)} of at least {units_text(ETHICS_REQUIRED)})."
            )
        if self.mentor < self.mentor_required:
            out.append(
                f"{units_text(self.mentor_required - self.mentor)} more hours of mentor "
                f"coaching ({units_text(self.mentor)} of the {units_text(self.mentor_required)} "
                "an ACC needs)."
            )
        return out

    @property
    def notes(self) -> list[str]:
        """What was logged but does not count, and why."""
        out: list[str] = []
        if self.resource > RESOURCE_CAP:
            out.append(
                f"Resource Development: {units_text(self.resource)} logged, "
                f"{units_text(RESOURCE_CAP)} count (the most ICF accepts)."
            )
        both = self.mentor + self.supervision
        if both > MENTOR_SUPERVISION_CAP:
            out.append(
                f"Mentor coaching and supervision: {units_text(both)} logged, "
                f"{units_text(MENTOR_SUPERVISION_CAP)} count toward the CCE."
            )
        return out

    @property
    def met(self) -> bool:
        return not self.missing


def cycle(expires_on: date) -> tuple[date, date]:
    """The renewal cycle: the three years that end on the day the credential expires."""
    return months_before(expires_on, CYCLE_YEARS * 12), expires_on


def renewal(entries: list[Learning], *, credential: str | None, expires_on: date) -> Renewal:
    """The CCE of the cycle ending on `expires_on`, with ICF's caps applied: mentor coaching
    and supervision count at most 10 together (toward the Core), Resource Development at
    most 16; ethics entries are Core entries marked as ethics."""
    start, end = cycle(expires_on)
    inside = sorted(
        (e for e in entries if start <= e.completed_on <= end), key=lambda e: (e.completed_on, e.id)
    )

    def total(category: str) -> int:
        return sum(e.centihours for e in inside if e.category == category)

    return Renewal(
        credential=credential,
        cycle_start=start,
        cycle_end=end,
        entries=inside,
        core_own=total("core"),
        mentor=total("mentor"),
        supervision=total("supervision"),
        resource=total("resource"),
        ethics=sum(e.centihours for e in inside if e.ethics and e.category == "core"),
    )
