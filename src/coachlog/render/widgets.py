"""The pieces several screens share: the page width, dates in a line, the label grid, the
promises table, the pit-stop and trust lines, a client's header."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe_line

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from coachlog.domain.pitstops import PitstopStatus
    from coachlog.domain.trust import TrustReport
    from coachlog.kinds import Client


NOTES_CHARS = 320  # the start of the last session's notes shown in prep
PAGE = 100  # one client's screens stay readable on a wide terminal: no wider than this
KIND = {"pitstop": "pit-stop"}


def page_width() -> int:
    return min(console().width, PAGE)


def when(dt: datetime, *, now: datetime, tz: str) -> str:
    """'Tue 17 Nov 15:00', with the year when it is not this year (of `now`, not the
    clock, so pinned screens stay the same)."""
    from coachlog.dates import format_instant

    return format_instant(dt, tz, now=now)


def day(dt: Any, *, now: datetime, tz: str) -> str:
    """'17 Nov' (or '17 Nov 2027') for an instant or a date, in the coach's zone."""
    from coachlog.dates import format_date, wall_clock

    d = wall_clock(dt, tz).date() if isinstance(dt, datetime) else dt
    return format_date(d, with_year=d.year != wall_clock(now, tz).year)


def label_grid() -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def pitstop_text(status: PitstopStatus | None, nxt: datetime | None, *, now: datetime, tz: str):
    from rich.text import Text

    if status is None or status.anchor_at is None:
        return Text("not yet: no sessions so far", style="muted")
    if status.due:
        return Text(status.reason.replace("due: ", "due now: "), style="warn")
    line = Text(status.reason)
    if nxt is not None:
        line.append(f" or by {day(nxt, now=now, tz=tz)}")
    if status.last_pitstop_at is not None:
        line.append(f"  (last {day(status.last_pitstop_at, now=now, tz=tz)})", style="muted")
    return line


def promise_table(promises: list[Any], *, now: datetime, tz: str) -> Any:
    """Open promises, the coach's first; overdue ones of the coach's are the loudest."""
    from rich.table import Table
    from rich.text import Text

    from coachlog.dates import describe_due

    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", style="id", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_column(no_wrap=True)
    ordered = sorted(promises, key=lambda p: (p.owner != "coach", p.due_at, p.id))
    for p in ordered:
        overdue = p.due_at < now
        who = Text("mine", style="coach") if p.owner == "coach" else Text("theirs", style="client")
        due = describe_due(p.due_at, now=now, tz=tz)
        style = ("loud" if p.owner == "coach" else "warn") if overdue else "muted"
        due_text = Text()
        due_text.append(due, style=style)
        if p.due_history:
            due_text.append(" (moved)", style="muted")
        table.add_row(who, f"#{p.id}", safe_line(p.text), due_text)
    from rich.padding import Padding

    return Padding(table, (0, 0, 0, 2))


ANSWER_LABELS = {
    "not_working": "not working",
    "more": "more of",
    "less": "less of",
    "agreement_change": "agreement",
}


def pitstop_answers(pitstop: Any) -> Text:
    """What the client asked for at the last pit-stop, one line per answer: what is not
    working, more of, less of, and what should change in the agreement."""
    from rich.text import Text

    from coachlog.services.pitstops import answers_from_notes

    answers = answers_from_notes(pitstop.notes)
    out = Text()
    for key, label in ANSWER_LABELS.items():
        if key in answers:
            if out:
                out.append("\n")
            out.append(f"{label}: ", style="muted")
            out.append_text(safe_line(answers[key]))
    return out if out else Text("nothing noted at the last pit-stop", style="muted")


def trust_line(report: Any) -> Text:
    """'7/11 checks pass  ✗ 4 honor your word, 7 pit-stops'."""
    from rich.text import Text

    line = Text()
    line.append_text(score_text(report, suffix=" checks pass"))
    if report.failed:
        failed = ", ".join(f"{c.id} {c.name.lower()}" for c in report.failed)
        line.append(f"  ✗ {failed}", style="muted")
    return line


def notes_start(notes: str | None, limit: int = NOTES_CHARS) -> str:
    text = " ".join((notes or "").replace("## ", "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def client_header(client: Client) -> Any:
    from rich.text import Text

    title = Text()
    title.append_text(safe_line(client.name, "name"))
    if client.pronouns:
        title.append_text(safe_line(f" ({client.pronouns})", "muted"))
    title.append(f"  #{client.id}", style="id")
    return title


def score_text(report: TrustReport, *, suffix: str = "") -> Text:
    """'8/10' in green when nothing fails, yellow when one or two do, red beyond."""
    from rich.text import Text

    failed = len(report.failed)
    style = "ok" if failed == 0 else ("warn" if failed <= 2 else "bad")
    return Text(report.score + suffix, style=style)
