"""Client screens: the list and the basic page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe, safe_line

if TYPE_CHECKING:
    from coachlog.models import Agreement, Client

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


def client_list(clients: list[Client], *, include_all: bool) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    if not clients:
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
    return table


def client_header(client: Client) -> Any:
    from rich.text import Text

    title = Text()
    title.append_text(safe_line(client.name, "name"))
    if client.pronouns:
        title.append_text(safe_line(f" ({client.pronouns})", "muted"))
    title.append(f"  #{client.id}", style="id")
    return title


def client_page(client: Client, agreement: Agreement | None) -> None:
    from rich.panel import Panel

    out = console()
    out.print(Panel(details_table(client), title=client_header(client), title_align="left"))
    if agreement is None:
        out.print(
            safe("No agreement yet: coachlog agreement new " + str(client.id) + " --edit", "warn")
        )
    else:
        review = agreement.review_on.isoformat() if agreement.review_on else "no review date"
        out.print(
            safe(f"Agreement v{agreement.version} ({agreement.status}), review {review}", "muted")
        )
