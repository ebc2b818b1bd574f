"""Pit-stops (seed 002, strategy 3): the check-in on the coaching relationship itself.

A pit-stop is a session of kind `pitstop` whose notes hold the answers to six questions,
one `## question` section each, and whose trust_pulse is the answer to "how safe does it
feel to be open here". This module holds the questions, the editor template and the
function that records one; when one is due is a rule of the domain (domain/pitstops.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coachlog.domain.limits import MINUTES, within
from coachlog.errors import InvalidInput, Problems
from coachlog.services.template_text import HEADING, blank_comments

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
    if minutes is not None and not within(minutes, MINUTES):
        raise InvalidInput(f"Minutes must be between {MINUTES[0]} and {MINUTES[1]}.")
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
