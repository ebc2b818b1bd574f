"""`coachlog prep CLIENT`, the one-screen brief before a session. The pieces it shares with
the client page and the trust screens are in render/widgets.py."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe, safe_line
from coachlog.render.widgets import (
    KIND,
    day,
    label_grid,
    notes_start,
    page_width,
    pitstop_answers,
    pitstop_text,
    promise_table,
    trust_line,
    when,
)
from coachlog.words import count

if TYPE_CHECKING:
    from coachlog.queries.overview import ClientOverview


def prep_screen(o: ClientOverview, *, now: datetime, tz: str) -> None:
    from rich.text import Text

    from coachlog.render.sparkline import pulse_line
    from coachlog.render.widgets import client_header

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
        rhythm = f"every {count(a.cadence_days, 'day')}" if a.cadence_days else "no agreed cadence"
        extra = "" if a.status == "active" else f"  (v{a.version} is {a.status})"
        grid.add_row("Cadence", Text(rhythm + extra, style="" if a.cadence_days else "muted"))
    s = o.last_session
    if s is None:
        grid.add_row("Last session", Text("none yet", style="muted"))
    else:
        line = Text(when(s.held_at, now=now, tz=tz))
        line.append(f"  {KIND.get(s.kind, s.kind)}", style="muted")
        from coachlog.dates import relative

        line.append(f"  ({relative(s.held_at, now=now, tz=tz)})", style="muted")
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


def pitstop_recorded(
    client: Any, record: Any, status: Any, *, now: datetime, tz: str, at_typed: str | None = None
) -> None:
    from coachlog.render.messages import aside, say, success

    held = when(record.held_at, now=now, tz=tz)
    success(
        "Pit-stop with ",
        (client.name, "name"),
        f" recorded (session {record.id}, {held})",
        *aside(f'from "{at_typed}"' if at_typed else None),
    )
    if record.trust_pulse is not None:
        say(("  safety / trust pulse: ", "muted"), f"{record.trust_pulse} of 5")
    line = pitstop_text(status, status.deadline, now=now, tz=tz)
    say(("  next pit-stop: ", "muted"), line)
