"""The trust checklist (SPEC §5): eleven checks that turn the two source articles'
strategies into questions the coach's own records can answer, and six reflection questions
for what records cannot judge.

Seeds: 000 = "Trust, the Foundation of a Strong Relationship in Coaching" (seven strategies,
§1-§7, and the pre-coaching engagement session in its introduction); 002 = "7 Key Strategies
to Build Trust in a Coaching Relationship" (§1-§7). docs/trust.md explains each rule.

Each check is `pass`, `fail` or `n/a` (the data cannot judge yet), with evidence (numbers,
dates, ids) and, when it fails, one sentence of advice. The score is passed / applicable.
Pure: the facts come from the query layer (queries/facts.py); `now` is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from coachlog.dates import local_date
from coachlog.domain.agreements import ELEMENTS, REQUIRED
from coachlog.domain.facts import LATE_DAYS, RELIABILITY_DAYS, RELIABILITY_MIN, Facts
from coachlog.words import count, pronouns, span

PASS, FAIL, NA = "pass", "fail", "n/a"
RELIABLE = 0.9  # check 5: at least 90% kept on time ...
RELIABLE_MIN = RELIABILITY_MIN  # ... of at least 3 closed promises
PITSTOP_MIN_SESSIONS = 3  # check 7 judges from the third session on

# id -> (name, source in the seeds)
CHECKS: dict[int, tuple[str, str]] = {
    1: ("Designed alliance", "002 §1, 000 §3-4"),
    2: ("Alliance kept current", "002 §1, 000 §4"),
    3: ("Engagement first", "000 intro"),
    4: ("Honor your word", "002 §7, 000 §5"),
    5: ("Reliability record", "000 §5"),
    6: ("Repair", "002 §7"),
    7: ("Pit-stops", "002 §3"),
    8: ("Accountability", "000 §6"),
    9: ("Consistency", "000 §5"),
    10: ("Knowing the person", "002 §4, 000 §2"),
    11: ("Continual learning", "000 §7"),
}


@dataclass(frozen=True)
class Question:
    strategy: str
    source: str
    text: str


# What data cannot judge, as questions to sit with, in our own words.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "Listening",
        "000 §2, 002 §2",
        "In our last session, when did I stop listening to {first} and start preparing "
        "my next question?",
    ),
    Question(
        "Empathy",
        "000 §2, 002 §6",
        "What was {first} feeling that went unsaid, and did I name it or walk past it?",
    ),
    Question(
        "Authenticity",
        "000 §1, 002 §5",
        "Where did I play the part of the coach instead of being myself, and when I shared "
        "something of my own, was it for {first} or for me?",
    ),
    Question(
        "Curiosity without judgment",
        "002 §2",
        "What have I already decided about {first} that I have not asked about?",
    ),
    Question(
        "Inclusivity",
        "002 §4",
        "How do {first}'s culture, language and setting shape what progress means to "
        "{them}, and have I asked rather than assumed?",
    ),
    Question(
        "Steadiness in setbacks",
        "002 §6",
        "When things last went badly for {first}, did my belief in {them} hold, and could "
        "{they} see that it did?",
    ),
)


@dataclass
class Check:
    id: int
    name: str
    status: str  # "pass" | "fail" | "n/a"
    evidence: str
    advice: str | None = None
    source: str = ""


@dataclass
class TrustReport:
    client: Any
    checks: list[Check]
    questions: list[Question] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(c.status == PASS for c in self.checks)

    @property
    def applicable(self) -> int:
        return sum(c.status != NA for c in self.checks)

    @property
    def score(self) -> str:
        return f"{self.passed}/{self.applicable}"

    @property
    def ratio(self) -> float:
        return self.passed / self.applicable if self.applicable else 1.0

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]


def evaluate_facts(client: Any, facts: Facts, *, now: datetime, tz: str) -> TrustReport:
    ctx = _Ctx(client, facts, now, tz)
    checks = []
    for number, rule in RULES.items():
        status, evidence, advice = rule(ctx)
        name, source = CHECKS[number]
        checks.append(
            Check(number, name, status, evidence, advice if status == FAIL else None, source)
        )
    return TrustReport(client, checks, list(QUESTIONS))


def question_text(question: Question, client: Any) -> str:
    """The question about this client: their first name, and the pronouns recorded for
    them (she/her: "could she see"), 'they' when none are."""
    them = pronouns(getattr(client, "pronouns", None))
    first = (client.name or "").split()[0] if (client.name or "").split() else them.object
    return question.text.format(first=first, they=them.subject, them=them.object)


# ------------------------------------------------------------------------------ the rules


@dataclass
class _Ctx:
    client: Any
    f: Facts
    now: datetime
    tz: str

    def day(self, dt: datetime) -> date:
        """The coach's calendar day of an instant. zoneinfo rather than pendulum: this runs
        a dozen times per client and pendulum's zone lookup dominated the dashboard."""
        return local_date(dt, self.tz)

    @property
    def today(self) -> date:
        return self.day(self.now)

    @property
    def ref(self) -> str:
        return str(self.client.id)


Result = tuple[str, str, str | None]


def _d(d: date) -> str:
    return d.isoformat()


def _ids(refs: list[Any], limit: int = 3) -> str:
    shown = ", ".join(f"#{r.id}" for r in refs[:limit])
    return shown + (f" and {len(refs) - limit} more" if len(refs) > limit else "")


def _days(n: int) -> str:
    return count(n, "day")


def _first(client: Any) -> str:
    words = (client.name or "").split()
    return words[0] if words else "the client"


def designed_alliance(c: _Ctx) -> Result:
    a = c.f.active_agreement
    advice = f"Complete the agreement together and record it: coachlog agreement new {c.ref} --edit"
    if a is None:
        latest = c.f.agreements[-1] if c.f.agreements else None
        evidence = (
            f"no active agreement (latest is v{latest.version}, {latest.status})"
            if latest
            else "no agreement recorded"
        )
        return FAIL, evidence, advice
    missing = [ELEMENTS[k].lower() for k in REQUIRED if not (getattr(a, k) or "").strip()]
    if missing:
        return FAIL, f"v{a.version} is missing {', '.join(missing)}", advice
    return PASS, f"v{a.version} has all {len(REQUIRED)} elements", None


def alliance_current(c: _Ctx) -> Result:
    a = c.f.active_agreement
    if a is None:
        # Check 1 already fails for a missing agreement; failing twice would double-count.
        return NA, "no active agreement to review", None
    if a.review_on is None:
        return (
            FAIL,
            f"v{a.version} has no review date",
            f"Agree when you will review it together: coachlog agreement new {c.ref} "
            "--review-on +90d",
        )
    if a.review_on < c.today:
        ago = (c.today - a.review_on).days
        return (
            FAIL,
            f"review was due {_d(a.review_on)}, {_days(ago)} ago",
            "Review the agreement together at your next session and record the new version.",
        )
    ahead = (a.review_on - c.today).days
    when = "today" if ahead == 0 else f"in {_days(ahead)}"
    return PASS, f"v{a.version} review on {_d(a.review_on)} ({when})", None


def engagement_first(c: _Ctx) -> Result:
    f = c.f
    if not f.sessions or f.first_session_at is None:
        return NA, "no sessions yet", None
    first_day = c.day(f.first_session_at)
    if f.first_session_kind == "engagement":
        return PASS, f"first session {_d(first_day)} was an engagement session", None
    first = f.first_agreement
    if first is not None and first.starts_on is not None and first.starts_on <= first_day:
        return (
            PASS,
            f"agreement v{first.version} began {_d(first.starts_on)}, before the first "
            f"session {_d(first_day)}",
            None,
        )
    began = (
        f"agreement v{first.version} began {_d(first.starts_on)}"
        if first is not None and first.starts_on is not None
        else "no agreement before it"
    )
    return (
        FAIL,
        f"first session {_d(first_day)} was {f.first_session_kind}; {began}",
        "Talk through how you work together now, and open with an engagement session "
        "for every new client.",
    )


def _late_list(refs: list[Any], c: _Ctx) -> str:
    """'#116 is overdue by 13 hours' or '3 overdue: #1, #2, #4 (the oldest by 16 days)',
    in the words `promises due` uses for the same promise."""
    oldest = span((c.now - refs[0].at).total_seconds())
    if len(refs) == 1:
        return f"#{refs[0].id} is overdue by {oldest}"
    return f"{len(refs)} overdue: {_ids(refs)} (the oldest by {oldest})"


def honor_your_word(c: _Ctx) -> Result:
    side = c.f.coach
    if side.overdue:
        first = f"#{side.overdue[0].id}"
        return (
            FAIL,
            _late_list(side.overdue, c),
            f"Keep {first} today, or move it openly with the client before the next session.",
        )
    if side.open:
        return PASS, f"{side.open} open, none overdue", None
    return PASS, "none of your promises is open", None


def reliability(c: _Ctx) -> Result:
    side = c.f.coach
    n, kept = side.closed_recent, side.on_time_recent
    if n < RELIABLE_MIN:
        return (
            NA,
            f"{n} of your promises closed in {RELIABILITY_DAYS} days (needs {RELIABLE_MIN})",
            None,
        )
    pct = round(100 * kept / n)
    evidence = f"{kept} of {n} kept on time in {RELIABILITY_DAYS} days ({pct}%)"
    if kept / n >= RELIABLE:
        return PASS, evidence, None
    return (
        FAIL,
        evidence,
        "Promise less and keep what you promise; when a date will slip, move it with the "
        "client before it passes.",
    )


def repair(c: _Ctx) -> Result:
    side = c.f.coach
    if not side.broken:
        return NA, "none of your promises was broken", None
    if side.unrepaired:
        n = len(side.unrepaired)
        which = f"#{side.unrepaired[0].id}" if n == 1 else "each of them"
        return (
            FAIL,
            f"{n} of {side.broken} broken without a repair: {_ids(side.unrepaired)}",
            f"Write down how you will make {which} right, and raise it with the client "
            "at the next session.",
        )
    if side.broken == 1:
        return PASS, "the 1 broken promise has a repair", None
    return PASS, f"all {side.broken} broken promises have a repair", None


def pitstop(c: _Ctx) -> Result:
    f = c.f
    status = f.pitstop
    if f.sessions < PITSTOP_MIN_SESSIONS or status is None:
        so_far = count(f.sessions, "session")
        return NA, f"{so_far} so far (judged from {PITSTOP_MIN_SESSIONS})", None
    rule = (
        f"(rule: {count(status.every_sessions, 'session')} or {count(status.every_weeks, 'week')})"
    )
    regular = count(f.regular_since, "regular session")
    if f.last_pitstop_at is None:
        start = _d(c.day(f.first_session_at))  # type: ignore[arg-type]
        base = f"none yet; {regular} since {start} {rule}"
    else:
        last = c.day(f.last_pitstop_at)
        days = (c.today - last).days  # calendar days, as every screen counts them
        ago = {0: "today", 1: "yesterday"}.get(days, f"{_days(days)} ago")
        if days >= 14:
            ago = f"{count(days // 7, 'week')} ago"  # the rule is in weeks
        base = f"last {_d(last)}, {ago}, {regular} since {rule}"
    if status.due:
        return FAIL, base, f"Make room for a pit-stop at the next session: coachlog pitstop {c.ref}"
    return PASS, base, None


def accountability(c: _Ctx) -> Result:
    late = c.f.client.late(c.now)
    if late:
        first = f"#{late[0].id}" if len(late) == 1 else "each one"
        return (
            FAIL,
            _late_list(late, c),
            f"Ask about {first} at the next session: keep it, move it or let it go together.",
        )
    if c.f.client.open:
        return PASS, f"{c.f.client.open} of theirs open, none over {LATE_DAYS} days late", None
    return PASS, "none of their commitments is open", None


def consistency(c: _Ctx) -> Result:
    a = c.f.active_agreement
    if a is None or not a.cadence_days:
        return NA, "no agreed cadence", None
    recent = c.f.recent
    cadence = f"cadence {count(a.cadence_days, 'day')}"
    if len(recent) < 2:
        return NA, f"{cadence}; fewer than 2 sessions", None
    days = [c.day(r.held_at) for r in reversed(recent)]
    gaps = [(b - a_).days for a_, b in pairwise(days)]
    longest = max(gaps)
    at = gaps.index(longest)
    limit = 2 * a.cadence_days
    evidence = (
        f"{cadence}; longest gap {count(longest, 'day')} in the last "
        f"{count(len(recent), 'session')}"
    )
    if longest <= limit:
        return PASS, evidence, None
    return (
        FAIL,
        f"{cadence}; a gap of {count(longest, 'day')}, {_d(days[at])} to {_d(days[at + 1])}",
        "Book the next sessions at the agreed rhythm, or agree a new cadence together.",
    )


def knowing_the_person(c: _Ctx) -> Result:
    style = bool((c.client.communication_style or "").strip())
    context = bool((c.client.context or "").strip())
    if style and context:
        return PASS, "communication style and context recorded", None
    if style or context:
        return PASS, ("communication style" if style else "context") + " recorded", None
    return (
        FAIL,
        "neither communication style nor context recorded",
        f"Note {_first(c.client)}'s way of communicating and what matters to "
        f"{pronouns(c.client.pronouns).object}: coachlog client edit {c.ref} "
        '--style "…" --context "…"',
    )


def learning(c: _Ctx) -> Result:
    recent = c.f.recent
    if not recent:
        return NA, "no sessions yet", None
    n = len(recent)
    done = sum(r.reflected for r in recent)
    if n == 1:
        evidence = ("a" if done else "no") + " reflection on the one session so far"
    else:
        evidence = f"reflections on {done} of the last {n} sessions"
    if 2 * done >= n:
        return PASS, evidence, None
    return (
        FAIL,
        evidence,
        "After each session, take five minutes to write what you learned about your own coaching.",
    )


RULES: dict[int, Callable[[_Ctx], Result]] = {
    1: designed_alliance,
    2: alliance_current,
    3: engagement_first,
    4: honor_your_word,
    5: reliability,
    6: repair,
    7: pitstop,
    8: accountability,
    9: consistency,
    10: knowing_the_person,
    11: learning,
}
assert set(RULES) == set(CHECKS)
