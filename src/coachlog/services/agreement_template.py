"""The agreement as a Markdown document: one heading per designed-alliance element, then a
few 'key: value' lines for dates and cadence. Used by `agreement new --edit` and `--from`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from coachlog.domain.agreements import ELEMENT_HELP, ELEMENTS, read_cadence
from coachlog.errors import InvalidInput, Problems
from coachlog.services.template_text import HEADING, blank_comments, detail_line

DETAILS = {
    "starts on": "starts_on",
    "review on": "review_on",
    "ends on": "ends_on",
    "cadence days": "cadence_days",
    "status": "status",
}


def render(client_name: str, version: int, values: dict[str, Any]) -> str:
    lines = [
        f"# Coaching agreement with {client_name}, version {version}",
        "",
        "<!-- Write under each heading; leave a section empty if it does not apply yet.",
        "     Dates accept 2027-02-20, +90d, 4 Dec, next month ... Text inside these",
        "     marks is ignored. Save and close to record it; leave the file unchanged",
        "     or empty to cancel. -->",
        "",
    ]
    for key, heading in ELEMENTS.items():
        lines += [f"## {heading}", f"<!-- {ELEMENT_HELP[key]} -->"]
        value = values.get(key)
        lines += [value.rstrip("\n"), ""] if value else [""]
    lines += ["## Details", ""]
    for label, key in DETAILS.items():
        value = values.get(key)
        shown = value.isoformat() if isinstance(value, date) else str(value or "")
        if key == "status":
            shown = shown or "active"
        lines.append(f"{label.capitalize()}: {shown}".rstrip())
    return "\n".join(lines) + "\n"


def parse(text: str, *, now: datetime, tz: str) -> dict[str, Any]:
    """Read a filled template back. Unknown headings and unreadable details are reported all
    at once (TemplateProblems), each naming its line, so the coach can fix them in one go."""
    by_heading = {h.lower(): k for k, h in ELEMENTS.items()}
    body = blank_comments(text)
    values: dict[str, Any] = {}
    problems = Problems()
    current: str | None = None
    buffer: list[str] = []

    def flush() -> None:
        if current and current not in ("details", "?"):
            values[current] = "\n".join(buffer).strip() or None

    for number, line in enumerate(body.splitlines(), start=1):
        match = HEADING.match(line)
        if match:
            flush()
            title = match.group(1).strip().lower()
            if title == "details":
                current = "details"
            elif title in by_heading:
                current = by_heading[title]
            else:
                current = "?"  # its text is not read; the heading is the problem
                problems.add(
                    number,
                    f"unknown section '## {match.group(1)}'.",
                    hint="Sections: " + ", ".join(ELEMENTS.values()) + ", Details.",
                )
            buffer = []
            continue
        if line.startswith("# ") and current is None:
            continue
        if current == "details":
            try:
                _detail(line, values, now=now, tz=tz)
            except InvalidInput as exc:
                problems.add(number, exc.message, exc.hint)
        elif current is not None:
            buffer.append(line)
        elif line.strip():
            problems.add(
                number,
                "text before the first section.",
                hint="Write under one of the '## ' headings.",
            )
    flush()
    problems.check()
    return values


DATE_KEYS = ("starts_on", "review_on", "ends_on")


def dates_in_words(text: str) -> dict[str, str]:
    """The dates a filled template gives in words ("in 3 months"), by key, so that the
    confirmation can show what each was read as (SPEC §3a). Plain ISO dates are left out."""
    from coachlog.dates import in_words

    found: dict[str, str] = {}
    for line in blank_comments(text).splitlines():
        label, _, value = line.partition(":")
        key = DETAILS.get(label.strip().lower())
        if key in DATE_KEYS and value.strip() and in_words(value):
            found[key] = value.strip()
    return found


def _detail(line: str, values: dict[str, Any], *, now: datetime, tz: str) -> None:
    from coachlog.dates import DateError, parse_date

    detail = detail_line(
        line,
        DETAILS,
        hint="Details are 'Starts on:', 'Review on:', 'Ends on:', 'Cadence days:' and 'Status:'.",
    )
    if detail is None:
        return
    label, key, value = detail
    if not value:
        values[key] = None
    elif key == "cadence_days":
        values[key] = read_cadence(value)
    elif key == "status":
        values[key] = value.lower()
    else:
        try:
            values[key] = parse_date(value, now=now, tz=tz)
        except DateError as exc:
            raise InvalidInput(f"{label}: {exc}") from exc
