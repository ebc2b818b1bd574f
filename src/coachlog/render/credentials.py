"""Screens of the credential commands (SPEC §9): the ICF log as a table, progress toward a
credential and the renewal, each requirement with a bar; the learning log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from coachlog.render import console, safe, safe_line

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.domain.credentials import CoachingLog, Progress, Renewal
    from coachlog.kinds import Learning

BAR = 20  # characters of a bar
SHOWN = 10  # excluded sessions listed on screen; --format json or md lists all
CATEGORY = {
    "core": "Core Competencies",
    "resource": "Resource Development",
    "mentor": "mentor coaching",
    "supervision": "supervision",
}


def bar(have: Decimal, need: Decimal | int) -> Text:
    """A bar of BAR characters, full at `need`: green when met, else yellow."""
    from rich.text import Text

    need = Decimal(need)
    share = min(have / need, Decimal(1)) if need > 0 else Decimal(1)
    filled = int(share * BAR)
    return Text("█" * filled + "░" * (BAR - filled), style="ok" if have >= need else "warn")


def _num(d: Decimal) -> str:
    text = f"{d:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def log_notes(log: CoachingLog, *, stderr: bool = False, shown: int | None = SHOWN) -> None:
    """Below the table: who was left off for lack of consent, and what did not count."""
    from coachlog.domain.credentials import hours_text

    out = console(stderr=stderr)
    if log.left_off:
        out.print(
            safe_line(
                f"Left off (no consent to be listed): {_plural(len(log.left_off), 'client')}, "
                f"{hours_text(log.unlisted_minutes)} hours",
                "warn",
            )
        )
        for o in log.left_off:
            out.print(safe_line(f"  {o.client.name}: {hours_text(o.minutes)} h ({o.why})", "muted"))
    if log.excluded:
        out.print(safe_line(f"Not counted: {_plural(len(log.excluded), 'session')}", "warn"))
        for e in log.excluded[:shown]:
            out.print(
                safe_line(
                    f"  {e.session.held_on} {e.client.name} (session {e.session.id}): {e.reason}",
                    "muted",
                )
            )
        if shown is not None and len(log.excluded) > shown:
            out.print(
                safe_line(
                    f"  … and {len(log.excluded) - shown} more (--format md or json lists all)",
                    "muted",
                )
            )


def log_summary(log: CoachingLog) -> str:
    from coachlog.domain.credentials import hours_text

    return (
        f"{_plural(len(log.rows), 'row')}: {hours_text(log.paid_minutes)} paid and "
        f"{hours_text(log.pro_bono_minutes)} pro bono hours"
    )


def log_screen(log: CoachingLog, *, period: str) -> None:
    """`icf log` on a terminal: ICF's columns as a table, the totals, then the notes."""
    from rich import box
    from rich.table import Table

    from coachlog.domain.credentials import LOG_HEADER as HEADER
    from coachlog.domain.credentials import hours_text

    out = console()
    out.print(safe(period, "muted"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, show_footer=True)
    right = {"Number in Group", "Paid Hours", "Pro Bono Hours"}
    footers = {
        "Client Name": "Total",
        "Paid Hours": hours_text(log.paid_minutes),
        "Pro Bono Hours": hours_text(log.pro_bono_minutes),
    }
    for name in HEADER:
        table.add_column(
            name,
            justify="right" if name in right else "left",
            footer=footers.get(name, ""),
            overflow="fold",
        )
    for r in log.rows:
        table.add_row(
            safe_line(r.client.name, "name"),
            safe_line(r.client.contact),
            r.kind,
            str(r.number_in_group),
            r.start.isoformat(),
            r.end.isoformat(),
            hours_text(r.paid_minutes),
            hours_text(r.pro_bono_minutes),
        )
    if log.rows:
        out.print(table)
    else:
        out.print(safe("No listable hours in this period.", "muted"))
    log_notes(log)
    out.print(
        safe_line(
            "For a spreadsheet: coachlog icf log --out coaching-log.csv "
            "(--format md or json for the notes too)",
            "muted",
        )
    )


def progress_screen(p: Progress, *, chosen: bool, credential: str | None, training: date | None):
    from rich.table import Table

    from coachlog.domain.credentials import hours_text

    out = console()
    target = p.target.upper()
    why = ""
    if not chosen:
        why = (
            f" (the level after your {credential.upper()}; --target to choose)"
            if credential
            else " (--target pcc or mcc for another)"
        )
    out.print(safe_line(f"Toward the ICF {target}{why}", "head"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    for m in p.measures:
        if m.need is None:
            continue
        left = Decimal(m.need) - m.have
        state = safe("✓ met", "ok") if m.met else safe(f"{_num(left)} to go", "warn")
        grid.add_row(m.label, bar(m.have, m.need), f"{_num(m.have)} of {m.need:,}", state)
    out.print(grid)
    if p.unlisted_minutes:
        out.print(
            safe_line(
                f"Not listable for lack of consent: {hours_text(p.unlisted_minutes)} hours "
                "(coachlog icf log shows whose; client edit NAME --icf-consent yes once asked)",
                "warn",
            )
        )
    if training is None:
        out.print(
            safe_line(
                "training_started_on is not set, so every session counts: coachlog config set "
                "training_started_on YYYY-MM-DD",
                "muted",
            )
        )
    out.print(
        safe(
            "All met." if p.met else "Not all met yet: each bar shows what is left.",
            "ok" if p.met else "muted",
        )
    )


def renewal_screen(r: Renewal, *, today: date) -> None:
    from rich.table import Table

    from coachlog.dates import format_date
    from coachlog.domain.credentials import (
        CCE_REQUIRED,
        CORE_REQUIRED,
        ETHICS_REQUIRED,
        RESOURCE_CAP,
        units,
    )

    out = console()
    days = (r.cycle_end - today).days
    due = (
        f"{_plural(days, 'day')} left"
        if days > 0
        else ("expires today" if days == 0 else f"expired {_plural(-days, 'day')} ago")
    )
    who = f"your {r.credential.upper()}" if r.credential else "your credential"
    out.print(
        safe_line(
            f"Renewal of {who}: the cycle {format_date(r.cycle_start)} – "
            f"{format_date(r.cycle_end)} ({due})",
            "head",
        )
    )
    rows = [
        ("CCE", r.cce, CCE_REQUIRED),
        ("Core Competencies", r.core, CORE_REQUIRED),
        ("Coaching Ethics", r.ethics, ETHICS_REQUIRED),
    ]
    if r.mentor_required:
        rows.append(("Mentor coaching", r.mentor, r.mentor_required))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    for label, have, need in rows:
        grid.add_row(label, bar(units(have), units(need)), f"{_num(units(have))} of {need // 100}")
    grid.add_row(
        "Resource Development",
        "",
        f"{_num(units(r.resource_counted))} counted (at most {RESOURCE_CAP // 100})",
    )
    out.print(grid)
    for note in r.notes:
        out.print(safe_line(note, "muted"))
    if r.missing:
        out.print(safe("Still missing:", "warn"))
        for sentence in r.missing:
            out.print(safe_line(f"  • {sentence}"))
    else:
        out.print(safe("✓ Everything ICF asks for the renewal is logged.", "ok"))
    n = len(r.entries)
    out.print(
        safe_line(
            f"{n} learning entr{'y' if n == 1 else 'ies'} in this cycle: coachlog learning "
            f"list --since {r.cycle_start}",
            "muted",
        )
    )


def learning_list(entries: Sequence[Learning]) -> None:
    from rich import box
    from rich.table import Table

    from coachlog.domain.credentials import units_text

    out = console()
    if not entries:
        out.print(
            safe(
                'No learning logged yet: coachlog learning add "TITLE" --hours 1.5 --category core',
                "muted",
            )
        )
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("id", justify="right", style="id", no_wrap=True)
    table.add_column("on", no_wrap=True)
    table.add_column("hours", justify="right", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("provider", overflow="ellipsis", max_width=24)
    for e in entries:
        kind = e.category + (" · ethics" if e.ethics else "")
        table.add_row(
            str(e.id),
            e.completed_on.isoformat(),
            units_text(e.centihours),
            kind,
            safe_line(e.title),
            safe_line(e.provider or ""),
        )
    out.print(table)
    total = sum(e.centihours for e in entries)
    out.print(safe_line(f"{len(entries)} entries, {units_text(total)} hours", "muted"))


def learning_saved(verb: str, e: Learning) -> None:
    from coachlog.domain.credentials import units_text
    from coachlog.render.messages import success

    kind = CATEGORY.get(e.category, e.category) + (", ethics" if e.ethics else "")
    success(
        f"{verb} ",
        (e.title, "name"),
        f": {units_text(e.centihours)} h of {kind}, on {e.completed_on}",
        (f" (learning {e.id})", "id"),
    )
