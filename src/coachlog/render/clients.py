"""Client screens: the list and the basic page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe, safe_line
from coachlog.words import count

if TYPE_CHECKING:
    from datetime import datetime

    from rich.text import Text

    from coachlog.kinds import Client
    from coachlog.queries.overview import ClientOverview

STATUS_STYLE = {"active": "ok", "paused": "warn", "prospect": "muted", "closed": "muted"}
LABELS = {
    "email": "Email",
    "phone": "Phone",
    "pronouns": "Pronouns",
    "timezone": "Time zone",
    "started_on": "Started",
    "ended_on": "Ended",
    "preferred_channel": "Channel",
    "communication_style": "Communication style",
    "context": "Context",
    "sponsor": "Sponsor",
    "pitstop_every_sessions": "Pit-stop every (sessions)",
    "pitstop_every_weeks": "Pit-stop every (weeks)",
}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def open_promises_words(counts: dict[str, int]) -> str:
    """'3 open promises (2 yours, 1 theirs)'."""
    mine, theirs = counts.get("coach", 0), counts.get("client", 0)
    total = _count(mine + theirs, "open promise", "open promises")
    return f"{total} ({mine} yours, {theirs} theirs)"


def left_out_words(counts: dict[str, int]) -> str | None:
    """'Not shown: 2 prospects and 1 closed client (coachlog client list --all).'"""
    parts = []
    if counts.get("prospect"):
        parts.append(_count(counts["prospect"], "prospect", "prospects"))
    if counts.get("closed"):
        parts.append(_count(counts["closed"], "closed client", "closed clients"))
    if not parts:
        return None
    return f"Not shown: {' and '.join(parts)} (coachlog client list --all)."


def client_list(
    clients: Sequence[Client], *, include_all: bool, left_out: dict[str, int] | None = None
) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    hidden = left_out_words(left_out or {})
    if not clients:
        if hidden:
            out.print(safe("No active or paused clients.", "muted"))
            out.print(safe(hidden, "muted"))
            return
        hint = "" if include_all else " (active and paused; --all for every client)"
        out.print(safe(f'No clients yet{hint}. Add one: coachlog client add "Ana Lima"', "muted"))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("id", justify="right", style="id", no_wrap=True)
    table.add_column("name", style="name", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("since", no_wrap=True)
    table.add_column("sponsor", overflow="ellipsis", max_width=24)
    table.add_column("channel", overflow="ellipsis", max_width=16)
    for c in clients:
        table.add_row(
            str(c.id),
            safe_line(c.name),
            safe(c.status, STATUS_STYLE.get(c.status, "")),
            c.started_on.isoformat() if c.started_on else "",
            safe_line(c.sponsor or ""),
            safe_line(c.preferred_channel or ""),
        )
    out.print(table)
    if hidden:
        out.print(safe(hidden, "muted"))


def closed(client: Client, *, released: int, still_open: dict[str, int]) -> None:
    """✓ Closed Ana Lima (status closed), and what became of the open promises."""
    from coachlog.render.messages import say, success

    success("Closed ", (client.name, "name"), " (status closed)")
    if released:
        say(("  Released ", "muted"), _count(released, "open promise", "open promises"), ".")
    elif sum(still_open.values()):
        say(
            ("  Still open: ", "warn"),
            open_promises_words(still_open),
            (f"; release them with: coachlog client close {client.id} --release-promises", "muted"),
        )


def details_table(client: Client) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False, show_edge=False)
    table.add_column(style="muted", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("Status", safe(client.status, STATUS_STYLE.get(client.status, "")))
    for key, label in LABELS.items():
        value = getattr(client, key)
        if value in (None, ""):
            continue
        shown = value.isoformat() if hasattr(value, "isoformat") else value
        table.add_row(label, safe(shown))
    table.add_row("ICF log", icf_line(client))
    return table


def icf_line(client: Client) -> Text:
    """How the client stands on the ICF coaching log: paid or pro bono, and consent."""
    from rich.text import Text

    line = Text("pro bono" if client.payment == "pro_bono" else "paid")
    if client.icf_consent == "yes":
        line.append(" · consented to be listed", style="ok")
    elif client.icf_consent == "no":
        line.append(" · declined to be listed (left off the log)", style="muted")
    else:
        line.append(" · consent not asked yet (left off the log)", style="warn")
    if client.icf_consent_note:
        line.append(" · ")
        line.append_text(safe_line(client.icf_consent_note, "muted"))
    return line


def client_page(o: ClientOverview, *, now: datetime, tz: str) -> None:
    """`coachlog client show`: details, the agreement, trust, recent sessions and the open
    promises both ways, on one page."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from coachlog.render.sparkline import pulse_line
    from coachlog.render.widgets import (
        KIND,
        client_header,
        day,
        label_grid,
        page_width,
        pitstop_text,
        promise_table,
        trust_line,
        when,
    )

    out = console()
    w = page_width()
    client = o.client
    out.print(
        Panel(details_table(client), title=client_header(client), title_align="left"), width=w
    )
    grid = label_grid()
    a = o.agreement
    if a is None:
        grid.add_row(
            "Agreement", Text(f"none yet: coachlog agreement new {client.id} --edit", "warn")
        )
    else:
        line = Text()
        line.append(f"v{a.version} ", style="head")
        line.append(a.status, style="ok" if a.status == "active" else "warn")
        if a.starts_on:
            line.append(f" since {day(a.starts_on, now=now, tz=tz)}")
        if a.review_on:
            line.append(f" · review {day(a.review_on, now=now, tz=tz)}")
        if a.cadence_days:
            line.append(f" · every {count(a.cadence_days, 'day')}")
        if o.agreement_gaps:
            line.append(" · to attend to: " + ", ".join(o.agreement_gaps), style="warn")
        else:
            line.append(" · complete and current", style="ok")
        grid.add_row("Agreement", line)
    grid.add_row("Trust", trust_line(o.report))
    grid.add_row("Trust pulse", pulse_line(o.facts.pulses))
    grid.add_row("Pit-stop", pitstop_text(o.facts.pitstop, o.next_pitstop, now=now, tz=tz))
    out.print(grid, width=w)
    out.print(width=w)

    head = Text()
    head.append("Recent sessions", style="head")
    head.append(f" · {o.facts.sessions} in all", style="muted")
    out.print(head, width=w)
    if not o.sessions:
        out.print(Text(f"  none yet: coachlog session new {client.id}", style="muted"), width=w)
    else:
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", style="id", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, style="muted")
        table.add_column(justify="right", no_wrap=True)
        table.add_column(overflow="ellipsis", no_wrap=True)
        for s in o.sessions:
            kind = KIND.get(s.kind, s.kind) + (" · private" if s.private else "")
            pulse = Text(f"{s.trust_pulse}/5" if s.trust_pulse else "", style="muted")
            table.add_row(
                f"#{s.id}",
                when(s.held_at, now=now, tz=tz),
                kind,
                pulse,
                safe_line(", ".join(s.themes or [])),
            )
        out.print(table, width=w)
    out.print(width=w)
    out.print(Text("Open promises", style="head"), width=w)
    if o.open_promises:
        out.print(promise_table(o.open_promises, now=now, tz=tz), width=w)
    else:
        out.print(Text("  none either way", style="muted"), width=w)


def became_active(client: Client) -> None:
    """Said after a session or an agreement is recorded for a prospect (SPEC §3b)."""
    from coachlog.render.messages import say

    since = f" since {client.started_on.isoformat()}" if client.started_on else ""
    say("  ", (client.name, "name"), f" was a prospect and is now an active client{since}.")
