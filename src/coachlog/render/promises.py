"""Promise screens: `promises due` (before a session), `promises list`, and the one-line
confirmations. The coach's own overdue promises are the loudest thing on any screen
(seed 002, strategy 7: honour your word); without colour they carry a '!' so they still
stand out when piped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from coachlog.render import clean_line, console, safe, safe_line

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.models import Promise
    from coachlog.services.promises import Item, PromiseSpec

WHO = {"coach": ("you", "coach"), "client": ("they", "client")}


def when(dt: datetime, *, now: datetime, tz: str) -> str:
    """'Fri 27 Nov 18:00' (the year only when it is not now's year in the coach's zone)."""
    from coachlog.dates import format_instant, local

    return format_instant(dt, tz, with_year=local(dt, tz).year != local(now, tz).year)


def day(dt: datetime, *, now: datetime, tz: str) -> str:
    from coachlog.dates import format_date, local

    t = local(dt, tz)
    return format_date(t, with_year=t.year != local(now, tz).year)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def late_words(delta: timedelta) -> str:
    """'2 days late', '3 hours late', '5 minutes late'."""
    secs = int(delta.total_seconds())
    if secs >= 86400:
        return _count(secs // 86400, "day") + " late"
    if secs >= 3600:
        return _count(secs // 3600, "hour") + " late"
    return _count(max(1, secs // 60), "minute") + " late"


def history_words(p: Promise, *, now: datetime, tz: str) -> str:
    """'moved twice, first due 20 Nov', or '' when never moved."""
    from coachlog.services.promises import first_due

    first = first_due(p)
    if first is None:
        return ""
    return f"moved {times(len(p.due_history))}, first due {day(first, now=now, tz=tz)}"


def outcome(p: Promise, *, now: datetime, tz: str) -> tuple[str, str]:
    """(words, style) for a promise's state: 'overdue by 2 days', 'kept 2 days late', ..."""
    from coachlog.dates import describe_due
    from coachlog.services.promises import is_overdue, lateness

    if p.status == "open":
        words = describe_due(p.due_at, now=now, tz=tz)
        if is_overdue(p, now):
            return words, "loud" if p.owner == "coach" else "warn"
        return words, ""
    closed = f" {day(p.closed_at, now=now, tz=tz)}" if p.closed_at else ""
    if p.status == "kept":
        late = lateness(p)
        if late is not None:
            return f"kept{closed}, {late_words(late)}", "warn"
        return f"kept{closed}, on time", "ok"
    if p.status == "broken":
        return f"broken{closed}", "bad"
    return f"released{closed}", "muted"


def who(owner: str) -> Text:
    from rich.text import Text

    word, style = WHO.get(owner, (owner, ""))
    return Text(word, style=style)


def line(item: Item, *, now: datetime, tz: str, due_words: bool = False) -> Text:
    """'#12 you: Send the article — due Fri 27 Nov 18:00' (or its outcome when closed)."""
    from rich.text import Text

    p = item.promise
    out = Text()
    out.append(f"#{p.id}", style="id")
    out.append(" ")
    out.append_text(who(p.owner))
    out.append(": ")
    out.append_text(safe_line(p.text))
    out.append(" — ")
    if p.status == "open" and not due_words:
        out.append(f"due {when(p.due_at, now=now, tz=tz)}")
    else:
        words, style = outcome(p, now=now, tz=tz)
        out.append(words, style=style)
    history = history_words(p, now=now, tz=tz)
    if history:
        out.append(f" ({history})", style="muted")
    return out


def recorded(items: list[Item], specs: list[PromiseSpec], *, now: datetime, tz: str) -> None:
    """The promises a command just wrote, each with the due time as read, and what was typed
    when the date was written in words."""
    out = console()
    for item, spec in zip(items, specs, strict=True):
        text = line(item, now=now, tz=tz)
        if spec.in_words:
            text.append_text(safe_line(f'  (from "{spec.when_text}")', "muted"))
        text.pad_left(2)
        out.print(text)


def due_screen(
    items: list[Item], *, now: datetime, tz: str, window: str, owner: str | None
) -> None:
    """Grouped by client; the columns line up across groups."""
    from rich.text import Text

    out = console()
    whose = {"coach": " of yours", "client": " from your clients"}.get(owner or "", "")
    if not items:
        out.print(safe(f"Nothing{whose} due in the next {window}.", "ok"))
        return
    mine_late = [i for i in items if i.overdue and i.promise.owner == "coach"]
    theirs_late = [i for i in items if i.overdue and i.promise.owner != "coach"]
    head = Text(_count(len(items), "promise") + f"{whose} due within {window}", style="head")
    if mine_late:
        head.append(" — ")
        head.append(f"you are late on {len(mine_late)}", style="bad")
    if theirs_late:
        head.append(", " if mine_late else " — ")
        head.append(
            f"{'your clients' if mine_late else 'your clients are late'} on {len(theirs_late)}",
            style="warn",
        )
    out.print(head)

    rows = [(item, *outcome(item.promise, now=now, tz=tz)) for item in items]
    id_w = max(len(f"#{i.promise.id}") for i in items)
    due_w = max(len(words) for _, words, _ in rows)
    text_w = max(len(clean_line(i.promise.text)) for i in items)
    lead = 3 + id_w + 2 + 4 + 2  # mark, id, who and the gaps after them
    text_w = max(12, min(text_w, out.width - lead - 2 - due_w))
    current = None
    for item, words, style in rows:
        if item.client.id != current:
            current = item.client.id
            out.print()
            out.print(safe_line(item.client.name, "name"))
        p = item.promise
        loud = item.overdue and p.owner == "coach"
        # Laid out by hand rather than as a table: the columns line up across the client
        # groups, a long text wraps under itself, and no line ends in padding.
        wrapped = list(safe_line(p.text, "bad" if loud else "").wrap(out, text_w)) or [Text()]
        for part in wrapped:
            part.rstrip()
        row = Text()
        row.append(" ! " if loud else "   ", style="bad")
        row.append(f"#{p.id}".rjust(id_w), style="bad" if loud else "id")
        row.append("  ")
        row.append_text(who(p.owner))
        row.append(" " * (6 - len(WHO.get(p.owner, (p.owner,))[0])))
        row.append_text(wrapped[0].copy())
        row.append(" " * (text_w - wrapped[0].cell_len + 2))
        row.append(words, style=style)
        out.print(row)
        for more in wrapped[1:]:
            rest = Text(" " * lead)
            rest.append_text(more)
            out.print(rest)


def promise_table(items: list[Item], *, now: datetime, tz: str) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console()
    if not items:
        out.print(safe("No promises match.", "muted"))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("id", justify="right", style="id", no_wrap=True)
    table.add_column("client", overflow="fold", max_width=18)
    table.add_column("who", no_wrap=True)
    table.add_column("promise", overflow="fold", ratio=1)
    table.add_column("due", overflow="fold")
    table.add_column("outcome", overflow="fold")
    for item in items:
        p = item.promise
        due = Text(when(p.due_at, now=now, tz=tz))
        history = history_words(p, now=now, tz=tz)
        if history:
            due.append(f"\n{history}", style="muted")
        words, style = outcome(p, now=now, tz=tz)
        if p.status == "open" and not style:
            words = "open"  # the due column already says when
        result = Text(words, style=style)
        if p.repair:
            result.append("\nrepair: ", style="muted")
            result.append_text(safe(p.repair))
        table.add_row(
            str(p.id), safe_line(item.client.name), who(p.owner), safe(p.text), due, result
        )
    out.print(table)


def changed(item: Item, *, now: datetime, tz: str, typed: str | None = None) -> None:
    """'✓ #12 you: Send the article — kept Sun 22 Nov, 2 days late  (Ana Lima)'."""
    from coachlog.render.messages import success

    p = item.promise
    parts: list[Any] = [line(item, now=now, tz=tz, due_words=p.status != "open")]
    if typed:
        parts.append((f'  (from "{typed}")', "muted"))
    parts.append(("  (", "muted"))
    parts.append((item.client.name, "muted"))
    parts.append((")", "muted"))
    success(*parts)
    if p.status == "broken" and p.repair:
        out = console()
        text = safe_line("  repair: ", "muted")
        text.append_text(safe_line(p.repair))
        out.print(text)
        if p.owner == "coach":
            out.print(
                safe_line(f"  Name it with {item.client.name} at your next session.", "muted")
            )
