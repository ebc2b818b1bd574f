"""The agreement as a Markdown document: one heading per designed-alliance element, then a
few 'key: value' lines for dates and cadence. Used by `agreement new --edit` and `--from`."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pendulum import DateTime

from coachlog.errors import InvalidInput
from coachlog.services.agreements import ELEMENT_HELP, ELEMENTS

DETAILS = {
    "starts on": "starts_on",
    "review on": "review_on",
    "ends on": "ends_on",
    "cadence days": "cadence_days",
    "status": "status",
}
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def render(client_name: str, version: int, values: dict[str, Any]) -> str:
    lines = [
        f"# Coaching agreement with {client_name}, version {version}",
        "",
        "<!-- Write under each heading; leave a section empty if it does not apply yet.",
        "     Dates accept 2027-02-20, +90d, next week ... Text inside these marks is ignored.",
        "     Save and close to record it; leave the file unchanged or empty to cancel. -->",
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


def parse(text: str, *, now: DateTime, tz: str) -> dict[str, Any]:
    """Read a filled template back. Unknown headings and unreadable details are errors that
    name the line, so the coach can fix them."""
    from coachlog.dates import DateError, parse_date

    by_heading = {h.lower(): k for k, h in ELEMENTS.items()}
    body = _COMMENT.sub("", text)
    values: dict[str, Any] = {}
    current: str | None = None
    buffer: list[str] = []

    def flush() -> None:
        if current and current != "details":
            values[current] = "\n".join(buffer).strip() or None

    for number, line in enumerate(body.splitlines(), start=1):
        match = _HEADING.match(line)
        if match:
            flush()
            title = match.group(1).strip().lower()
            if title == "details":
                current = "details"
            elif title in by_heading:
                current = by_heading[title]
            else:
                raise InvalidInput(
                    f"Line {number}: unknown section '## {match.group(1)}'.",
                    hint="Sections: " + ", ".join(ELEMENTS.values()) + ", Details.",
                )
            buffer = []
            continue
        if line.startswith("# ") and current is None:
            continue
        if current == "details":
            if not line.strip():
                continue
            label, sep, value = line.partition(":")
            key = DETAILS.get(label.strip().lower())
            if not sep or key is None:
                raise InvalidInput(
                    f"Line {number}: '{line.strip()}' is not a detail line.",
                    hint="Details are 'Starts on:', 'Review on:', 'Ends on:', "
                    "'Cadence days:' and 'Status:'.",
                )
            value = value.strip()
            if not value:
                values[key] = None
            elif key == "cadence_days":
                if not value.isdigit():
                    raise InvalidInput(f"Line {number}: cadence days must be a whole number.")
                values[key] = int(value)
            elif key == "status":
                values[key] = value.lower()
            else:
                try:
                    values[key] = parse_date(value, now=now, tz=tz)
                except DateError as exc:
                    raise InvalidInput(f"Line {number}: {exc}") from exc
        elif current is not None:
            buffer.append(line)
        elif line.strip():
            raise InvalidInput(
                f"Line {number}: text before the first section.",
                hint="Write under one of the '## ' headings.",
            )
    flush()
    return values
