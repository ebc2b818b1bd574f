"""Session screens: the confirmation after a call, the list, and one session's page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from coachlog.render import console, safe, safe_line
from coachlog.render.promises import line, recorded, when

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.models import Client, CoachingSession
    from coachlog.services.promises import Item, PromiseSpec
    from coachlog.services.sessions import Row


def _summary(s: CoachingSession, *, now: datetime, tz: str) -> str:
    parts = [when(s.held_at, now=now, tz=tz)]
    if s.minutes:
        parts.append(f"{s.minutes} min")
    parts.append(s.kind)
    if s.trust_pulse:
        parts.append(f"trust {s.trust_pulse}/5")
    if s.private:
        parts.append("private")
    return ", ".join(parts)


def saved(
    verb: str,
    s: CoachingSession,
    client: Client,
    items: list[Item],
    specs: list[PromiseSpec],
    *,
    now: datetime,
    tz: str,
    at_typed: str | None = None,
) -> None:
    """'✓ Session #7 with Ana Lima recorded: Sun 22 Nov 17:00, 45 min, regular', then one
    line per promise written."""
    from coachlog.render.messages import success

    parts: list[object] = [
        (f"Session #{s.id}", "id"),
        " with ",
        (client.name, "name"),
        f" {verb}: {_summary(s, now=now, tz=tz)}",
    ]
    if at_typed:
        parts.append((f'  (from "{at_typed}")', "muted"))
    success(*parts)
    if items:
        recorded(items, specs, now=now, tz=tz)


def _first_line(text: str | None, width: int = 60) -> str:
    for raw in (text or "").splitlines():
        stripped = raw.strip().lstrip("#").strip()
        if stripped:
            return stripped if len(stripped) <= width else stripped[: width - 1] + "…"
    return ""


def session_list(rows: list[Row], *, now: datetime, tz: str, filtered: bool) -> None:
    """One line per session; the last column (themes, then the first line of the notes) gets
    what width is left and is cut with an ellipsis, so the table never wraps."""
    from rich import box
    from rich.table import Table

    out = console()
    if not rows:
        hint = "" if filtered else ' Record one after a call: coachlog session new ana --notes "…"'
        out.print(safe(f"No sessions{' match.' if filtered else ' yet.'}{hint}", "muted"))
        return
    cells = []
    for r in rows:
        s = r.session
        about = safe_line(", ".join(s.themes), "muted") if s.themes else safe_line("")
        first = _first_line(s.notes, 200)
        if first:
            if s.themes:
                about.append(" · ", style="muted")
            about.append_text(safe_line(first))
        if s.private:
            about.append(" (private)", style="warn")
        cells.append(
            [
                str(s.id),
                when(s.held_at, now=now, tz=tz),
                safe_line(r.client.name),
                s.kind,
                str(s.minutes or ""),
                f"{s.trust_pulse}/5" if s.trust_pulse else "",
                str(r.promises or ""),
                about,
            ]
        )
    heads = ["id", "held", "client", "kind", "min", "trust", "promises"]
    widths = [max(len(h), *(len(str(c[i])) for c in cells)) for i, h in enumerate(heads)]
    widths[2] = min(widths[2], 18)  # a long name folds rather than squeezing the notes out
    # Between columns: one space of border and one of (collapsed) padding.
    left = out.width - sum(widths) - 2 * len(widths)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    for i, head in enumerate(heads):
        table.add_column(
            head,
            justify="right" if head in ("id", "min", "trust", "promises") else "left",
            style="id" if head == "id" else "",
            no_wrap=head != "client",
            overflow="fold",
            min_width=widths[i],
            max_width=widths[i],
        )
    if left >= 12:
        table.add_column("themes · notes", no_wrap=True, overflow="ellipsis", max_width=left)
        for c in cells:
            c[-1].truncate(left, overflow="ellipsis")
    else:
        cells = [c[:-1] for c in cells]
    for c in cells:
        table.add_row(*c)
    out.print(table)


def session_page(
    s: CoachingSession, client: Client, items: list[Item], *, now: datetime, tz: str
) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    out = console()
    title = Text()
    title.append(f"Session #{s.id}", style="id")
    title.append(" with ")
    title.append_text(safe_line(client.name, "name"))
    title.append(f"  {_summary(s, now=now, tz=tz)}", style="muted")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Themes", safe(", ".join(s.themes)) if s.themes else safe("—", "muted"))
    grid.add_row("Trust pulse", f"{s.trust_pulse}/5" if s.trust_pulse else safe("—", "muted"))
    grid.add_row("Notes", safe(s.notes) if s.notes else safe("—", "muted"))
    grid.add_row("Reflection", safe(s.reflection) if s.reflection else safe("—", "muted"))
    if s.private:
        grid.add_row("Private", safe("yes: left out of client-facing exports", "warn"))
    out.print(Panel(grid, title=title, title_align="left"))
    if not items:
        out.print(safe("No promises were made in this session.", "muted"))
        return
    out.print(safe("Promises made in this session", "head"))
    for item in items:
        text: Text = line(item, now=now, tz=tz, due_words=True)
        if item.promise.repair:
            text.append_text(safe_line(f"; repair: {item.promise.repair}", "muted"))
        text.pad_left(2)
        out.print(text)
