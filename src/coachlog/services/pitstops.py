"""Pit-stops (seed 002, strategy 3): the check-in on the coaching relationship itself.

A pit-stop is a session of kind `pitstop` whose notes hold the answers to six questions,
one `## question` section each, and whose trust_pulse is the answer to "how safe does it
feel to be open here". This module holds the questions, the editor template, the rule for
when a pit-stop is due, and the function that records one.

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

from coachlog.errors import InvalidInput, Problems
from coachlog.services.template_text import HEADING, blank_comments
from coachlog.words import count

DEFAULT_EVERY_SESSIONS = 6
DEFAULT_EVERY_WEEKS = 8

# The check-in questions, in the order they are asked: (key, question, flag).
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("working", "What is working in our coaching?", "--working"),
    ("not_working", "What is not working?", "--not-working"),
    ("more", "What do you want more of?", "--more"),
    ("less", "What do you want less of?", "--less"),
    ("safety", "How safe does it feel to be open here?", "--safety"),
    ("agreement_change", "What in our agreement should change?", "--agreement-change"),
)
TEXT_KEYS = tuple(k for k, _, _ in QUESTIONS if k != "safety")
SAFETY_HINT = "1-5: 1 guarded, 5 completely open"


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


# ---------------------------------------------------------------------- answers and notes


def clean_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Strip text answers (empty -> None) and check the safety score."""
    out: dict[str, Any] = {}
    for key, _, _ in QUESTIONS:
        value = answers.get(key)
        if key == "safety":
            out[key] = read_safety(value) if value not in (None, "") else None
        else:
            text = (value or "").strip()
            out[key] = text or None
    return out


def read_safety(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise InvalidInput(
            f"Safety must be a whole number from 1 to 5 (got '{text}').", hint=SAFETY_HINT
        )
    return int(text)


def notes_markdown(answers: dict[str, Any]) -> str:
    """The answers as the session's notes: one `## question` section per answer given."""
    parts = []
    for key, question, _ in QUESTIONS:
        value = answers.get(key)
        if value in (None, ""):
            continue
        body = f"{value} of 5" if key == "safety" else str(value).strip()
        parts.append(f"## {question}\n\n{body}\n")
    return "\n".join(parts)


def template(client_name: str, when: str, answers: dict[str, Any]) -> str:
    """The Markdown the coach fills in with `pitstop --edit`."""
    lines = [
        f"# Pit-stop with {client_name}, {when}",
        "",
        "<!-- A check-in on the coaching itself. Ask together; write the answers under",
        "     each heading and leave a section empty if it did not come up. Text inside",
        "     these marks is ignored. Save and close to record it; leave the file",
        "     unchanged or empty to cancel. -->",
        "",
    ]
    for key, question, _ in QUESTIONS:
        lines.append(f"## {question}")
        if key == "safety":
            lines.append(f"<!-- {SAFETY_HINT} -->")
        value = answers.get(key)
        lines += [str(value).strip(), ""] if value not in (None, "") else [""]
    return "\n".join(lines)


def _key_for(title: str) -> str | None:
    folded = title.strip().lower().rstrip("?").strip()
    for key, question, _ in QUESTIONS:
        q = question.lower().rstrip("?")
        if folded == q or folded.startswith(q):
            return key
    return None


def parse_template(text: str) -> dict[str, Any]:
    """Read a filled template back; unknown headings and a bad safety score are reported
    all at once (TemplateProblems), each naming its line in `text`."""
    body = blank_comments(text)
    values: dict[str, Any] = {}
    problems = Problems()
    current: str | None = None
    buffer: list[tuple[int, str]] = []

    def flush() -> None:
        if current is None or current == "?":
            return
        value = "\n".join(line for _, line in buffer).strip()
        if current == "safety" and value:
            first = next(n for n, line in buffer if line.strip())
            try:
                values[current] = read_safety(value.split()[0])
            except InvalidInput as exc:
                problems.add(first, exc.message, exc.hint)
        else:
            values[current] = value or None

    for number, line in enumerate(body.splitlines(), start=1):
        match = HEADING.match(line)
        if match:
            flush()
            current = _key_for(match.group(1)) or "?"
            if current == "?":
                problems.add(
                    number,
                    f"unknown section '## {match.group(1)}'.",
                    hint="Sections: " + " / ".join(q for _, q, _ in QUESTIONS),
                )
            buffer = []
            continue
        if current is None:
            if line.startswith("# ") or not line.strip():
                continue
            problems.add(
                number,
                "text before the first question.",
                hint="Write under one of the '## ' headings.",
            )
            continue
        buffer.append((number, line))
    flush()
    problems.check()
    return clean_answers(values)


def has_answers(answers: dict[str, Any]) -> bool:
    return any(answers.get(k) not in (None, "") for k, _, _ in QUESTIONS)


def record_pitstop(
    session: Any,
    client: Any,
    *,
    answers: dict[str, Any],
    held_at: datetime,
    minutes: int | None,
    now: datetime,
) -> Any:
    """Store the pit-stop as a session of kind `pitstop`. Returns the session."""
    from coachlog.models import CoachingSession
    from coachlog.services.clients import activate_prospect

    answers = clean_answers(answers)
    if not has_answers(answers):
        raise InvalidInput(
            "A pit-stop needs at least one answer; nothing was recorded.",
            hint="Give --working, --not-working, --more, --less, --safety or "
            "--agreement-change, or use --edit.",
        )
    if minutes is not None and not 1 <= minutes <= 600:
        raise InvalidInput("Minutes must be between 1 and 600.")
    record = CoachingSession(
        client_id=client.id,
        held_at=held_at,
        minutes=minutes,
        kind="pitstop",
        notes=notes_markdown(answers),
        themes=[],
        trust_pulse=answers["safety"],
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    activate_prospect(session, client, on=held_at.date(), now=now)
    session.flush()
    return record


def answers_from_notes(notes: str | None) -> dict[str, str]:
    """The answers back from a pit-stop's notes (for prep and the client page)."""
    out: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    for line in [*(notes or "").splitlines(), "## end"]:
        match = HEADING.match(line)
        if match:
            if current is not None and "\n".join(buffer).strip():
                out[current] = "\n".join(buffer).strip()
            current, buffer = _key_for(match.group(1)), []
        elif current is not None:
            buffer.append(line)
    return out


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
