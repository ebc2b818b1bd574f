"""`coachlog prep CLIENT`, the one-screen brief before a session, and the pieces it shares
with the client page: promises both ways, the pit-stop line, the pulse line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe, safe_line

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from coachlog.services.overview import ClientOverview
    from coachlog.services.pitstops import PitstopStatus

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

    from coachlog.render.trust import score_text

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


def prep_screen(o: ClientOverview, *, now: datetime, tz: str) -> None:
    from rich.text import Text

    from coachlog.render.clients import client_header
    from coachlog.render.sparkline import pulse_line

    out = console()
    w = page_width()
    head = Text()
    head.append("Prep · ", style="head")
    head.append_text(client_header(o.client))
    head.append(f"   {when(now, now=now, tz=tz)}", style="muted")
    out.print(head, width=w)
    out.print(width=w)

    if o.not_raised:  # seed 002 §7: address it at the next session; the loudest thing here
        out.print(Text(" Raise this first: a promise of yours was broken ", style="loud"), width=w)
        for p in o.not_raised:
            line = Text("  ")
            line.append(f"#{p.id} ", style="id")
            line.append_text(safe_line(p.text, "head"))
            broken = day(p.closed_at, now=now, tz=tz) if p.closed_at else "?"
            line.append(f"  broken {broken}", style="bad")
            out.print(line, width=w)
            repair = Text()
            repair.append("    repair: ", style="muted")
            repair.append_text(
                safe_line(p.repair) if p.repair else Text("none written yet", style="bad")
            )
            out.print(repair, width=w)
        out.print(width=w)

    grid = label_grid()
    a = o.agreement
    if a is None:
        grid.add_row("Goals", Text("no agreement yet: coachlog agreement new " + str(o.client.id)))
    else:
        grid.add_row("Goals", safe(a.goals) if a.goals else Text("none written", style="warn"))
        rhythm = f"every {a.cadence_days} days" if a.cadence_days else "no agreed cadence"
        extra = "" if a.status == "active" else f"  (v{a.version} is {a.status})"
        grid.add_row("Cadence", Text(rhythm + extra, style="" if a.cadence_days else "muted"))
    s = o.last_session
    if s is None:
        grid.add_row("Last session", Text("none yet", style="muted"))
    else:
        line = Text(when(s.held_at, now=now, tz=tz))
        line.append(f"  {KIND.get(s.kind, s.kind)}", style="muted")
        from coachlog.dates import relative

        line.append(f"  ({relative(s.held_at, now=now)})", style="muted")
        grid.add_row("Last session", line)
        if s.themes:
            grid.add_row("Themes", safe_line(", ".join(s.themes)))
        if s.notes and s.kind != "pitstop":  # a pit-stop's answers have their own row
            grid.add_row("Notes", safe(notes_start(s.notes), "muted"))
    grid.add_row("Pit-stop", pitstop_text(o.facts.pitstop, o.next_pitstop, now=now, tz=tz))
    if o.last_pitstop is not None:  # its date is on the line above
        grid.add_row("Last pit-stop", pitstop_answers(o.last_pitstop))
    grid.add_row("Trust pulse", pulse_line(o.facts.pulses))
    grid.add_row("Trust", trust_line(o.report))
    out.print(grid, width=w)
    out.print(width=w)
    out.print(Text("Open promises", style="head"), width=w)
    if o.open_promises:
        out.print(promise_table(o.open_promises, now=now, tz=tz), width=w)
    else:
        out.print(Text("  none either way", style="muted"), width=w)


def prep_json(o: ClientOverview, *, now: datetime) -> dict[str, Any]:
    from coachlog.services.records import value

    a, s, f = o.agreement, o.last_session, o.facts
    return {
        "id": o.client.id,
        "client": o.client.name,
        "agreement": None
        if a is None
        else {
            "version": a.version,
            "status": a.status,
            "goals": a.goals,
            "cadence_days": a.cadence_days,
            "review_on": value(a.review_on),
        },
        "last_session": None
        if s is None
        else {
            "id": s.id,
            "held_at": value(s.held_at),
            "kind": s.kind,
            "themes": list(s.themes or []),
            "notes_start": notes_start(s.notes),
        },
        "open_promises": [
            {
                "id": p.id,
                "owner": p.owner,
                "text": p.text,
                "due_at": value(p.due_at),
                "overdue": p.due_at < now,
            }
            for p in o.open_promises
        ],
        "broken_not_raised": [
            {"id": p.id, "text": p.text, "closed_at": value(p.closed_at), "repair": p.repair}
            for p in o.not_raised
        ],
        "pitstop_due": bool(f.pitstop and f.pitstop.due),
        "trust_pulse": list(f.pulses),
        "trust_score": o.report.score,
    }


def pitstop_recorded(client: Any, record: Any, status: Any, *, now: datetime, tz: str) -> None:
    from coachlog.render.messages import say, success

    held = when(record.held_at, now=now, tz=tz)
    success("Pit-stop with ", (client.name, "name"), f" recorded (session {record.id}, {held})")
    if record.trust_pulse is not None:
        say(("  safety / trust pulse: ", "muted"), f"{record.trust_pulse} of 5")
    line = pitstop_text(status, status.deadline, now=now, tz=tz)
    say(("  next pit-stop: ", "muted"), line)
