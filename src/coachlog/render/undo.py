"""The undo screens: what `undo` put back, and the steps `undo --list` shows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe, safe_line
from coachlog.render.messages import compose, say, success
from coachlog.render.widgets import when

if TYPE_CHECKING:
    from coachlog.queries.rows import UndoStepRow
    from coachlog.services.undo import Undone

NOUN = {
    "clients": "client",
    "agreements": "agreement",
    "sessions": "session",
    "promises": "promise",
    "learning": "learning entry",
}
RESULT = {
    "removed": "removed (the step had added it)",
    "restored": "back as it was",
    "recreated": "back again (the step had deleted it)",
}


def _label(table: str, found: tuple[Any, str] | None, *, now: datetime, tz: str) -> str:
    """A few words that say which record it is, and whose: a name, a text, a date."""
    if found is None:
        return ""
    row, client = found
    if table == "clients":
        return f"{row.name} ({row.status})"
    if table == "agreements":
        return f"{client}, v{row.version} ({row.status})"
    if table == "sessions":
        return f"{client}, {when(row.held_at, now=now, tz=tz)} ({row.kind})"
    if table == "learning":
        return f"{row.title} ({row.category}, {row.completed_on})"
    text = row.text if len(row.text) <= 48 else row.text[:47] + "…"
    return f"{client}, {row.status}: {text}"


def undone(
    result: Undone, rows: dict[tuple[str, int], tuple[Any, str]], *, now: datetime, tz: str
) -> None:
    """✓ Undid step N (command, when): summary — then a line per row put back."""
    step = result.step
    success(
        f"Undid step {step.id} ({step.command}, {when(step.at, now=now, tz=tz)}): ",
        (step.summary, "name"),
    )
    for r in result.restored:
        label = _label(r.table, rows.get((r.table, r.id)), now=now, tz=tz)
        say(
            "  ",
            (f"{NOUN[r.table]} #{r.id}", "id"),
            f" {RESULT[r.what]}",
            (f"  {label}" if label else "", "muted"),
        )
    nxt = result.next_step
    if nxt is None:
        say(("  Nothing further to undo.", "muted"))
    elif not nxt.undoable:
        say(("  Before it: ", "muted"), f"'{nxt.command}', which cannot be undone.")
    else:
        say(
            ("  Undo again to take back step ", "muted"),
            (str(nxt.id), "id"),
            (f" ({nxt.command}): ", "muted"),
            nxt.summary,
        )


def step_list(steps: list[UndoStepRow], *, now: datetime, tz: str) -> None:
    """Newest first. A step that cannot be undone is marked, and those before it are out
    of reach."""
    from rich import box
    from rich.table import Table

    out = console()
    if not steps:
        out.print(safe("Nothing to undo: no change is recorded in this store.", "muted"))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("step", justify="right", style="id", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("command", no_wrap=True)
    table.add_column("summary", overflow="fold")
    blocked = False
    for s in steps:
        if not s.undoable:
            summary = compose(
                safe_line(s.summary), ("  (cannot be undone: undo stops here)", "warn")
            )
        elif blocked:
            summary = compose(safe_line(s.summary, "muted"), ("  (out of reach)", "muted"))
        else:
            summary = safe_line(s.summary)
        table.add_row(str(s.id), when(s.at, now=now, tz=tz), safe_line(s.command), summary)
        blocked = blocked or not s.undoable
    out.print(table)
