"""Session screens: the confirmation after a call, the list, and one session's page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from coachlog.render import clean_line, console, safe, safe_line
from coachlog.render.promises import line, print_lines, recorded, when

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.kinds import Client, CoachingSession
    from coachlog.queries.sessions import Row
    from coachlog.services.promises import Item, PromiseSpec


def _summary(s: CoachingSession, *, now: datetime, tz: str) -> str:
    parts = [when(s.held_at, now=now, tz=tz)]
    if s.minutes:
        parts.append(f"{s.minutes} min")
    parts.append(s.kind)
    if s.trust_pulse:
        parts.append(f"trust {s.trust_pulse}/5")
    if s.private:
        parts.append("private")
    if s.group_size > 1:
        parts.append(f"group of {s.group_size}")
    if not s.counts_for_icf:
        parts.append("not for ICF")
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
    from coachlog.render.messages import aside, success

    success(
        (f"Session #{s.id}", "id"),
        " with ",
        (client.name, "name"),
        f" {verb}: {_summary(s, now=now, tz=tz)}",
        *aside(f'from "{at_typed}"' if at_typed else None),
    )
    if items:
        recorded(items, specs, now=now, tz=tz)


def moved(s: CoachingSession, source: Client, target: Client, promises: int) -> None:
    """'✓ Session #7 moved from Ana Lima to Bruno Costa, with the 2 promises made in it'."""
    from coachlog.render.messages import success

    carried = (
        f", with the {promises} promise{'s' if promises != 1 else ''} made in it"
        if promises
        else ""
    )
    success(
        (f"Session #{s.id}", "id"),
        " moved from ",
        (source.name, "name"),
        " to ",
        (target.name, "name"),
        carried,
    )


def _first_line(text: str | None, width: int = 60) -> str:
    for raw in (text or "").splitlines():
        stripped = raw.strip().lstrip("#").strip()
        if stripped:
            return stripped if len(stripped) <= width else stripped[: width - 1] + "…"
    return ""


def session_list(rows: list[Row], *, now: datetime, tz: str, filtered: bool) -> None:
    """One line per session; the last column (themes, then the first line of the notes) gets
    what width is left and is cut with an ellipsis, so no row wraps. Laid out by hand: a
    decade of sessions (10,000 rows) prints in well under a second, where a Rich table
    takes several."""
    from rich.text import Text

    out = console()
    if not rows:
        hint = "" if filtered else ' Record one after a call: coachlog session new ana --notes "…"'
        out.print(safe(f"No sessions{' match.' if filtered else ' yet.'}{hint}", "muted"))
        return
    heads = ["id", "held", "client", "kind", "min", "trust", "promises"]
    right = {"id", "min", "trust", "promises"}
    cells = []
    for r in rows:
        s = r.session
        cells.append(
            [
                str(s.id),
                when(s.held_at, now=now, tz=tz),
                clean_line(r.client.name),
                s.kind,
                str(s.minutes or ""),
                f"{s.trust_pulse}/5" if s.trust_pulse else "",
                str(r.promises or ""),
            ]
        )
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    widths[2] = min(widths[2], 18)  # a long name is cut rather than squeezing the notes out
    left = out.width - sum(widths) - 2 * len(widths)
    show_about = left >= 12

    def fit(text: str, width: int, head: str) -> str:
        if len(text) > width:
            text = text[: width - 1] + "…"
        return text.rjust(width) if head in right else text.ljust(width)

    header = "  ".join(fit(h, w, h) for h, w in zip(heads, widths, strict=True))
    head = Text(header + ("  themes · notes" if show_about else ""), style="head")
    head.rstrip()
    lines = [head]
    for r, c in zip(rows, cells, strict=True):
        line = Text()
        line.append(fit(c[0], widths[0], "id"), style="id")
        rest = zip(c[1:], widths[1:], heads[1:], strict=True)
        line.append("  " + "  ".join(fit(v, w, h) for v, w, h in rest))
        if show_about:
            about = _about(r.session)
            about.truncate(left, overflow="ellipsis")
            line.append("  ")
            line.append_text(about)
        line.rstrip()
        lines.append(line)
    rule = Text("─" * max(line.cell_len for line in lines), style="muted")
    print_lines([head, rule, *lines[1:]])


def _about(s: CoachingSession) -> Text:
    about = safe_line(", ".join(s.themes), "muted") if s.themes else safe_line("")
    first = _first_line(s.notes, 200)
    if first:
        if s.themes:
            about.append(" · ", style="muted")
        about.append_text(safe_line(first))
    if s.private:
        about.append(" (private)", style="warn")
    return about


def session_page(
    s: CoachingSession, client: Client, items: list[Item], *, now: datetime, tz: str
) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    out = console()
    # The title holds only what fits any width; the when and how, which a narrow panel
    # border would cut, are the first row inside.
    title = Text()
    title.append(f"Session #{s.id}", style="id")
    title.append(" with ")
    title.append_text(safe_line(client.name, "name"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Held", _summary(s, now=now, tz=tz))
    grid.add_row("Themes", safe(", ".join(s.themes)) if s.themes else safe("—", "muted"))
    grid.add_row("Trust pulse", f"{s.trust_pulse}/5" if s.trust_pulse else safe("—", "muted"))
    grid.add_row("Notes", safe(s.notes) if s.notes else safe("—", "muted"))
    grid.add_row("Reflection", safe(s.reflection) if s.reflection else safe("—", "muted"))
    if s.private:
        grid.add_row("Private", safe("yes: left out of client-facing exports", "warn"))
    if s.group_size > 1 or not s.counts_for_icf:
        icf = f"a group of {s.group_size}" if s.group_size > 1 else "one-to-one"
        icf += "; counts" if s.counts_for_icf else "; does not count (not client coaching)"
        grid.add_row("ICF log", safe(icf))
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
