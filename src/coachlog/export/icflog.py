"""The ICF client coaching log as files (SPEC §9): CSV with exactly the columns of ICF's
template, for a spreadsheet, and Markdown for reading. The CSV holds the listed clients
only: who was left off and which sessions were excluded are said beside it (on the
terminal), never inside a file meant to be shown to ICF."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from coachlog.domain.credentials import LOG_HEADER as HEADER
from coachlog.domain.credentials import CoachingLog, hours_text
from coachlog.export.markdown import inline

# A spreadsheet reads a cell that starts with one of these as a formula. A phone number
# ("+351 912 345 678", "-") is left alone; anything else so starting is kept as text.
_FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d\s().+/-]*$)")


def cell(text: str) -> str:
    """User text for a CSV cell, never taken for a formula (OWASP "CSV injection")."""
    return "'" + text if _FORMULA.search(text) else text


def csv_text(log: CoachingLog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in log.rows:
        writer.writerow(
            [
                cell(r.client.name),
                cell(r.client.contact),
                r.kind,
                r.number_in_group,
                r.start.isoformat(),
                r.end.isoformat(),
                hours_text(r.paid_minutes),
                hours_text(r.pro_bono_minutes),
            ]
        )
    return out.getvalue()


def period_text(since: date | None, until: date | None, training: date | None) -> str:
    """One sentence: which sessions the log holds."""
    if since and until:
        span = f"Sessions held from {since} to {until}"
    elif since:
        span = f"Sessions held from {since} on"
    elif until:
        span = f"Sessions held up to {until}"
    else:
        span = "Every session held"
    if training is None:
        return span + " (no training date set: all of them can count)."
    return span + f", counted from {training}, when coach-specific training began."


def markdown_text(log: CoachingLog, *, period: str) -> str:
    lines = ["# ICF client coaching log", "", period, ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("| --- | --- | --- | ---: | --- | --- | ---: | ---: |")
    for r in log.rows:
        cells = [
            inline(r.client.name),
            inline(r.client.contact),
            r.kind,
            str(r.number_in_group),
            r.start.isoformat(),
            r.end.isoformat(),
            hours_text(r.paid_minutes),
            hours_text(r.pro_bono_minutes),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        f"| **Total** |  |  |  |  |  | **{hours_text(log.paid_minutes)}** "
        f"| **{hours_text(log.pro_bono_minutes)}** |"
    )
    lines.append("")
    lines.append(
        f"{len(log.rows)} row{'' if len(log.rows) == 1 else 's'}, "
        f"{hours_text(log.minutes)} hours in all. Hours are minutes / 60 to two decimals; "
        "totals are summed in minutes."
    )
    if log.left_off:
        lines += ["", "## Left off: not consented to be listed", ""]
        for o in log.left_off:
            lines.append(
                f"- {inline(o.client.name)}: {hours_text(o.minutes)} hours in {o.sessions} "
                f"session{'' if o.sessions == 1 else 's'} ({o.why})"
            )
    if log.excluded:
        lines += ["", "## Sessions that do not count", ""]
        for e in log.excluded:
            lines.append(
                f"- {e.session.held_on.isoformat()}, {inline(e.client.name)}, session "
                f"{e.session.id}: {inline(e.reason)}"
            )
    return "\n".join(lines) + "\n"
