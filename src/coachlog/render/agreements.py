"""Agreement screens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from coachlog.render import console, safe
from coachlog.words import count

if TYPE_CHECKING:
    from coachlog.domain.agreements import ElementCheck
    from coachlog.kinds import Agreement, Client

MARK = {"ok": ("✓", "ok"), "missing": ("✗", "bad"), "past": ("!", "warn")}


def agreement_page(agreement: Agreement, client: Client) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from coachlog.domain.agreements import ELEMENTS

    out = console()
    title = Text()
    title.append_text(safe(client.name, "name"))
    title.append(f"  agreement v{agreement.version}", style="head")
    title.append(f"  {agreement.status}", style="ok" if agreement.status == "active" else "muted")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(overflow="fold")
    dates = []
    for label, value in (
        ("starts", agreement.starts_on),
        ("review", agreement.review_on),
        ("ends", agreement.ends_on),
    ):
        if value:
            dates.append(f"{label} {value.isoformat()}")
    if agreement.cadence_days:
        dates.append(f"every {count(agreement.cadence_days, 'day')}")
    grid.add_row("Dates", safe(" · ".join(dates) or "none set"))
    for key, label in ELEMENTS.items():
        value = getattr(agreement, key)
        grid.add_row(label, safe(value) if value else safe("—", "muted"))
    out.print(Panel(grid, title=title, title_align="left"))


def agreement_list(agreements: Sequence[Agreement], client: Client) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    if not agreements:
        out.print(safe(f"{client.name} has no agreement yet.", "muted"))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for col in ("id", "version", "status", "starts", "review", "ends", "cadence"):
        table.add_column(col, no_wrap=True)
    for a in agreements:
        table.add_row(
            str(a.id),
            f"v{a.version}",
            safe(a.status, "ok" if a.status == "active" else "muted"),
            a.starts_on.isoformat() if a.starts_on else "",
            a.review_on.isoformat() if a.review_on else "",
            a.ends_on.isoformat() if a.ends_on else "",
            f"{a.cadence_days} d" if a.cadence_days else "",
        )
    out.print(table)


def agreement_check(
    client: Client, agreement: Agreement | None, checks: list[ElementCheck]
) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    head = Text()
    head.append_text(safe(client.name, "name"))
    head.append(
        f"  designed alliance, v{agreement.version}" if agreement else "  designed alliance"
    )
    out.print(head)
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="head")
    table.add_column(overflow="fold")
    for c in checks:
        mark, style = MARK[c.status]
        table.add_row(
            Text(mark, style=style), c.label, safe(c.detail, "" if c.status == "ok" else style)
        )
    out.print(table)
    missing = [c for c in checks if c.status != "ok"]
    if not missing:
        out.print(Text("Complete and current.", style="ok"))
    else:
        out.print(Text(f"{len(missing)} to attend to.", style="warn"))
