"""A session as a Markdown document, for `session new --edit` and `session edit --edit`.

Sections: Notes, I promised, They committed, Themes, Reflection, then a Details block
(when, minutes, kind, trust pulse, private, group size, counts for ICF). Lines under the two
promise sections are promises, one per line: "- TEXT @ WHEN".

Only the headings above start a section, and only the comments this template itself wrote
are dropped when it is read back: notes are Markdown, so a coach's own "## Topic" heading
or "<!-- aside -->" stays in the notes instead of being lost."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coachlog.domain.limits import MINUTES, within
from coachlog.errors import InvalidInput, Problems
from coachlog.models import SESSION_KINDS
from coachlog.services.promises import EXAMPLE, Item, PromiseSpec, parse_spec
from coachlog.services.template_text import HEADING, blank_comments, detail_line

SECTIONS = {
    "notes": "Notes",
    "coach": "I promised",
    "client": "They committed",
    "themes": "Themes",
    "reflection": "Reflection",
    "details": "Details",
}
DETAILS = {
    "when": "held_at",
    "minutes": "minutes",
    "kind": "kind",
    "trust pulse": "trust_pulse",
    "trust": "trust_pulse",
    "private": "private",
    "group size": "group_size",
    "counts for icf": "counts_for_icf",
}
_BULLET = re.compile(r"^\s*[-*+]\s+")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}

_HELP = {
    "notes": "What happened: topics, insights, what the client decided (Markdown).",
    "coach": "What you promised the client, one per line, e.g.\n"
    "     - Send the article on delegation @ fri 18:00",
    "client": "What the client committed to, one per line, e.g.\n"
    "     - Have the feedback conversation with Rui @ +7d",
    "themes": "Short tags, separated by commas: delegation, boundaries",
    "reflection": "Your own learning: what you noticed about your coaching today.",
}


@dataclass(frozen=True)
class Template:
    text: str
    # The comments written by render(): only these are ignored when the text is read back.
    comments: tuple[str, ...]


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    promises: list[PromiseSpec] = field(default_factory=list)
    when_text: str | None = None  # the When: line as written, to tell if it was changed


def _comment(body: str, out: list[str]) -> str:
    text = "<!-- " + body.replace("-->", "-- >") + " -->"
    out.append(text)
    return text


def when_text(held_at: datetime, tz: str) -> str:
    from coachlog.dates import local

    return local(held_at, tz).strftime("%Y-%m-%d %H:%M")


def _recorded(items: list[Item], now: datetime, tz: str) -> str:
    from coachlog.dates import describe_due

    lines = ["Already recorded (change them with 'coachlog promises keep|break|move ID'):"]
    for item in items:
        p = item.promise
        state = describe_due(p.due_at, now=now, tz=tz) if p.status == "open" else p.status
        text = " ".join(p.text.split())
        lines.append(f"     #{p.id} {text} ({state})")
    return "\n".join(lines)


def render(
    client_name: str,
    values: dict[str, Any],
    *,
    tz: str,
    now: datetime,
    session_id: int | None = None,
    promises: list[str] | None = None,
    commitments: list[str] | None = None,
    recorded: list[Item] | None = None,
) -> Template:
    """The template, filled with `values` (session fields) and promise lines ("TEXT @ WHEN"
    as typed). `recorded` promises (when editing) are shown in a comment, read-only."""
    comments: list[str] = []
    title = (
        f"# Session #{session_id} with {client_name}"
        if session_id
        else (f"# Session with {client_name}")
    )
    lines = [
        title,
        "",
        _comment(
            "Write under each heading; leave a section empty if it has nothing.\n"
            f"     Promises, one per line: - TEXT @ WHEN (e.g. - {EXAMPLE})\n"
            "     WHEN: 2026-12-01, tomorrow 9:00, fri, +3d ...; a day alone means its end.\n"
            "     Text inside these marks is ignored. Save and close to record the session;\n"
            "     leave the file unchanged, or empty it, to cancel.",
            comments,
        ),
        "",
    ]
    recorded = recorded or []
    given = {"coach": promises or [], "client": commitments or []}
    for key, heading in SECTIONS.items():
        if key == "details":
            continue
        lines += [f"## {heading}", _comment(_HELP[key], comments)]
        if key in ("coach", "client"):
            mine = [i for i in recorded if i.promise.owner == key]
            if mine:
                lines.append(_comment(_recorded(mine, now, tz), comments))
            lines += [f"- {text.strip()}" for text in given[key]]
        elif key == "themes":
            if values.get("themes"):
                lines.append(", ".join(values["themes"]))
        else:
            value = values.get(key)
            if value:
                lines.append(str(value).rstrip("\n"))
        lines.append("")
    trust = values.get("trust_pulse")
    lines += [
        "## Details",
        f"When: {when_text(values['held_at'], tz) if values.get('held_at') else 'now'}",
        f"Minutes: {values.get('minutes') or ''}".rstrip(),
        f"Kind: {values.get('kind') or 'regular'}",
        f"Trust pulse: {trust if trust else ''}".rstrip(),
        f"Private: {'yes' if values.get('private') else 'no'}",
        f"Group size: {values.get('group_size') or 1}",
        f"Counts for ICF: {'no' if values.get('counts_for_icf') is False else 'yes'}",
        _comment(
            f"Kind: {', '.join(SESSION_KINDS)}. Trust pulse: 1-5, how open\n"
            "     and safe the relationship felt (empty: not noted). Private: yes keeps the\n"
            "     session out of client-facing exports. Group size: 1 for one-to-one, else\n"
            "     the number of people. Counts for ICF: no for what is not client coaching\n"
            "     (e.g. mentor coaching you gave), so the ICF log leaves it out.",
            comments,
        ),
    ]
    return Template(text="\n".join(lines) + "\n", comments=tuple(comments))


def _detail(key: str, value: str, number: int, now: datetime, tz: str) -> Any:
    from coachlog.dates import DateError, parse_when

    if key == "held_at":
        if not value:
            return None
        try:
            # When a session was held is about the past: "mon 10:00" is the Monday just gone.
            read = parse_when(value, now=now, tz=tz, mode="start", toward="past")
            return read.instant
        except DateError as exc:
            raise InvalidInput(f"Line {number}: When: {exc}") from exc
    if key == "minutes":
        if not value:
            return None
        if not value.isdigit() or not within(int(value), MINUTES):
            raise InvalidInput(
                f"Line {number}: minutes must be a whole number from {MINUTES[0]} to {MINUTES[1]}."
            )
        return int(value)
    if key == "kind":
        from coachlog.domain.limits import kind_of

        if not value:
            return None
        try:
            return kind_of(value)
        except InvalidInput as exc:
            raise InvalidInput(f"Line {number}: {exc.message}") from exc
    if key == "trust_pulse":
        if not value:
            return None
        if value not in ("1", "2", "3", "4", "5"):
            raise InvalidInput(f"Line {number}: trust pulse must be 1 to 5, or empty.")
        return int(value)
    if key == "group_size":
        from coachlog.domain.credentials import GROUP_SIZES

        low, high = GROUP_SIZES
        if not value:
            return low
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidInput(
                f"Line {number}: group size must be a whole number from {low} (one-to-one) "
                f"to {high}."
            )
        return int(value)
    v = value.lower()
    if key == "counts_for_icf" and not v:
        return True
    if v in _YES:
        return True
    if v in _NO:
        return False
    label = "counts for ICF" if key == "counts_for_icf" else "private"
    raise InvalidInput(f"Line {number}: {label} must be yes or no.")


def parse(text: str, *, now: datetime, tz: str, comments: tuple[str, ...] | None = None) -> Parsed:
    """Read a filled template back. Every line that cannot be read is reported at once
    (TemplateProblems), each by its line number in `text`."""
    by_heading = {h.lower(): k for k, h in SECTIONS.items()}
    body = blank_comments(text, comments)
    out = Parsed()
    problems = Problems()
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(body.splitlines(), start=1):
        match = HEADING.match(line)
        if match and match.group(1).strip().lower() in by_heading:
            current = by_heading[match.group(1).strip().lower()]
            blocks.setdefault(current, [])
            continue
        if current is None:
            if not line.strip() or line.startswith("# "):
                continue
            problems.add(
                number,
                "text before the first section.",
                hint="Write under one of the headings: "
                + ", ".join(f"## {h}" for h in SECTIONS.values())
                + ".",
            )
            continue
        try:
            _read_line(current, line, number, out, blocks, now=now, tz=tz)
        except InvalidInput as exc:
            problems.add(number, _without_line(exc.message), exc.hint)
    problems.check()
    for key in ("notes", "reflection"):
        if key in blocks:
            out.values[key] = "\n".join(blocks[key]).strip() or None
    if "themes" in blocks:
        tags: list[str] = []
        for line in blocks["themes"]:
            tags += line[m.end() :].split(",") if (m := _BULLET.match(line)) else line.split(",")
        from coachlog.services.sessions import clean_themes

        out.values["themes"] = clean_themes(tags)
    return out


def _without_line(message: str) -> str:
    """A message without its "Line N: " start (the problem list adds its own)."""
    return re.sub(r"^Line \d+: ", "", message)


def _read_line(
    current: str,
    line: str,
    number: int,
    out: Parsed,
    blocks: dict[str, list[str]],
    *,
    now: datetime,
    tz: str,
) -> None:
    """One line of a section: a promise, a detail, or text of a free section."""
    if current in ("coach", "client"):
        if not line.strip():
            return
        bullet = _BULLET.match(line)
        if bullet is None:
            raise InvalidInput(
                f"under '{SECTIONS[current]}', write each promise on its "
                f"own line as - TEXT @ WHEN (got '{line.strip()}').",
                hint=f"e.g. - {EXAMPLE}",
            )
        out.promises.append(parse_spec(line[bullet.end() :], owner=current, now=now, tz=tz))
    elif current == "details":
        detail = detail_line(
            line,
            DETAILS,
            hint="Details are 'When:', 'Minutes:', 'Kind:', 'Trust pulse:', 'Private:', "
            "'Group size:' and 'Counts for ICF:'.",
        )
        if detail is None:
            return
        _, key, value = detail
        if key == "held_at":
            out.when_text = value
        out.values[key] = _detail(key, value, number, now, tz)
    else:
        blocks[current].append(line)
