"""`coachlog dashboard`: every active client on one screen, whoever needs attention first
on top; and the summary `coachlog demo` prints."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from coachlog.render import console, safe_line
from coachlog.words import count, plural

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.demo.practice import DemoSummary
    from coachlog.queries.overview import DashboardRow

WIDE = 120  # from this width the reasons get their own column


def _count(open_: int, overdue: int, loud: str, wide: bool) -> Text:
    """'3' open, or '3 · 1 late' with the late part coloured; on a narrow terminal only
    '1 late' when some are late, since that is what needs doing."""
    from rich.text import Text

    if overdue and not wide:
        return Text(f"{overdue} late", style=loud)
    cell = Text(str(open_) if open_ else "–", style="" if open_ else "muted")
    if overdue:
        cell.append(" · ", style="muted")
        cell.append(f"{overdue} late", style=loud)
    return cell


def ago(dt: datetime, now: datetime, tz: str) -> str:
    """Compact words for a narrow column, in calendar days in the coach's zone: 'today',
    'yesterday' (any hour of it), '5d ago', '3w ago', '4mo ago', '2y ago'."""
    from coachlog.dates import calendar_days

    days = -calendar_days(dt, now=now, tz=tz)
    if days < 1:
        return "today" if days == 0 else "ahead"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days}d ago"
    if days < 63:
        return f"{days // 7}w ago"
    if days < 730:
        return f"{days // 30}mo ago"
    return f"{days // 365}y ago"


def _last(row: DashboardRow, now: datetime, tz: str, wide: bool) -> Text:
    """Since the last session; yellow when it is more than twice the agreed cadence."""
    from rich.text import Text

    from coachlog.dates import relative

    f = row.facts
    if f.last_session_at is None:
        return Text("never", style="muted")
    a = f.active_agreement
    late = bool(a and a.cadence_days and now - f.last_session_at > timedelta(a.cadence_days * 2))
    words = relative(f.last_session_at, now=now, tz=tz) if wide else ago(f.last_session_at, now, tz)
    return Text(words, style="warn" if late else "")


def ahead_words(dt: datetime, now: datetime, tz: str) -> str:
    """Compact words for a day ahead, in calendar days in the coach's zone: 'today',
    'tomorrow', 'in 5d', 'in 3w', 'in 4mo'."""
    from coachlog.dates import calendar_days

    days = calendar_days(dt, now=now, tz=tz)
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 14:
        return f"in {days}d"
    if days < 63:
        return f"in {days // 7}w"
    return f"in {days // 30}mo"


def _next(row: DashboardRow, now: datetime, tz: str, wide: bool) -> Text:
    """The next planned session; 'none' in yellow when the agreed cadence has run out."""
    from rich.text import Text

    from coachlog.render.widgets import when

    if row.next_session_at is None:
        late = row.cadence_out(now)
        return Text("none" if late else "–", style="warn" if late else "muted")
    at = row.next_session_at
    return Text(when(at, now=now, tz=tz) if wide else ahead_words(at, now, tz))


def _pitstop(row: DashboardRow, now: datetime, tz: str) -> Text:
    from rich.text import Text

    from coachlog.dates import format_date, wall_clock

    status = row.facts.pitstop
    if status is None or status.anchor_at is None or (not status.due and not row.next_pitstop):
        return Text("–", style="muted")
    if status.due:
        return Text("due", style="warn")
    # at most eight weeks ahead by the rule, so day and month say it all
    assert row.next_pitstop is not None  # due, or a date ahead (the test above)
    when = wall_clock(row.next_pitstop, tz).date()
    return Text(format_date(when, with_year=False), style="muted")


def _kept(rate: float | None) -> Text:
    from rich.text import Text

    if rate is None:
        return Text("–", style="muted")
    return Text(f"{round(rate * 100)}%", style="ok" if rate >= 0.9 else "warn")


def dashboard(rows: list[DashboardRow], *, now: datetime, tz: str) -> None:
    from rich.text import Text

    from coachlog.render.columns import Column, one_line_table
    from coachlog.render.sparkline import spark
    from coachlog.render.widgets import score_text, when

    out = console()
    if not rows:
        out.print(
            Text(
                "No active clients yet. Add one (coachlog client add NAME), or explore a "
                "sample practice: coachlog --db demo.db demo",
                style="muted",
            )
        )
        return
    wide = out.width >= WIDE
    needing = [r for r in rows if r.reasons(now)]
    head = Text()
    head.append("Dashboard", style="head")
    head.append(f" · {count(len(rows), 'active client')}", style="muted")
    if needing:
        head.append(f" · {len(needing)} {plural(len(needing), 'needs', 'need')} attention")
    head.append(f" · {when(now, now=now, tz=tz)}", style="muted")
    out.print(head)

    columns = [
        Column(""),
        Column("client", min_width=8, max_width=28, flexible=True),
        Column("sess", justify="right"),
        Column("last"),
        Column("next"),
        Column("pit-stop"),
        Column("mine"),
        Column("theirs"),
        Column("kept", justify="right"),
        Column("trust", justify="right"),
        Column("pulse", min_width=8),
    ]
    if wide:
        columns.append(Column("needs attention", min_width=20, wraps=True))
    cells: list[list[Text]] = []
    for r in rows:
        f = r.facts
        reasons = r.reasons(now)
        mark = Text("!", style="bad") if r.urgent else Text("•" if reasons else "", style="warn")
        row = [
            mark,
            safe_line(r.client.name, "name"),
            Text(str(f.sessions)),
            _last(r, now, tz, wide),
            _next(r, now, tz, wide),
            _pitstop(r, now, tz),
            _count(f.coach.open, len(f.coach.overdue), "bad", wide),
            _count(f.client.open, len(f.client.overdue), "warn", wide),
            _kept(f.coach.rate),
            score_text(r.report),
            spark(f.pulses),
        ]
        if wide:
            row.append(Text("; ".join(reasons), style="warn"))
        cells.append(row)
    # one space between columns, two when there is room (from WIDE columns)
    table = one_line_table(columns, cells, out=out, gaps=(2, 1) if wide else (1,))
    out.print(table, no_wrap=True, overflow="crop")
    if not needing:
        out.print(Text("All calm: nothing of yours is overdue and no pit-stop is due.", "ok"))
        return
    if not wide:
        notes = [
            [
                Text("!", style="bad") if r.urgent else Text("•", style="warn"),
                safe_line(r.client.name, "name"),
                Text("; ".join(r.reasons(now)), style="bad" if r.urgent else "warn"),
            ]
            for r in needing[:6]
        ]
        columns = [Column(""), Column("", max_width=24, flexible=True), Column("", wraps=True)]
        out.print(
            one_line_table(columns, notes, out=out, gaps=(1,), header=False),
            no_wrap=True,
            overflow="crop",
        )
        if len(needing) > 6:
            out.print(Text(f"  … and {len(needing) - 6} more", style="muted"))
    top = rows[0]
    foot = Text("Start with ", style="muted")
    foot.append_text(safe_line(top.client.name, "muted"))
    foot.append(f": coachlog prep {top.client.id}", style="muted")
    out.print(foot)


def demo_summary(summary: DemoSummary, *, prefix: str) -> None:
    from rich.text import Text

    from coachlog.render.messages import say, success

    out = console()
    success("A sample practice is ready (every name and note in it is invented).")
    others = []
    if summary.paused:
        others.append(f"{summary.paused} paused")
    if summary.prospects:
        others.append(count(summary.prospects, "prospect"))
    if summary.past:
        others.append(f"{summary.past} past")
    line = Text("  ")
    line.append(count(summary.active, "active client"), style="head")
    if others:
        line.append(f" ({', '.join(others)})")
    say(line)
    say(
        f"  {count(summary.sessions, 'session')} ({count(summary.pitstops, 'pit-stop')}) · "
        f"{count(summary.promises, 'promise')} · "
        f"{count(summary.agreements, 'agreement version')} · "
        f"{count(summary.learning, 'learning entry', 'learning entries')}"
    )
    out.print(Text("Try:", style="muted"))
    example = summary.examples[0] if summary.examples else "1"
    from rich.table import Table

    grid = Table.grid(padding=(0, 3))
    grid.add_column(no_wrap=True)
    grid.add_column(style="muted", overflow="fold")
    for command, why in (
        ("dashboard", "everyone at a glance"),
        ("promises due", "what is owed this week"),
        (f"prep {example}", "the brief before a session"),
        ("trust", "the trust checklist, every client"),
        (f"client show {example}", "one client's page"),
        ("icf progress --target pcc", "hours toward an ICF credential (icf log: the log)"),
    ):
        grid.add_row(safe_line(f"  {prefix} {command}"), why)
    out.print(grid)
