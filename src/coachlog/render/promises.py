"""Promise screens: `promises due` (before a session), `promises list`, and the one-line
confirmations. The coach's own overdue promises are the loudest thing on any screen
(seed 002, strategy 7: honour your word); without colour they carry a '!' so they still
stand out when piped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from coachlog.render import clean_line, console, safe, safe_line

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.kinds import Promise
    from coachlog.services.promises import Item, PromiseSpec

WHO = {"coach": ("you", "coach"), "client": ("they", "client")}


def when(dt: datetime, *, now: datetime, tz: str) -> str:
    """'Fri 27 Nov 18:00': the year only when it is not now's year in the coach's zone, no
    time for an end-of-day (23:59:59) deadline."""
    from coachlog.dates import format_instant

    return format_instant(dt, tz, now=now)


def day(dt: datetime, *, now: datetime, tz: str) -> str:
    """'27 Nov' (with the year when it is not now's year)."""
    from coachlog.dates import format_date, wall_clock

    t = wall_clock(dt, tz)
    return format_date(t, with_year=t.year != wall_clock(now, tz).year)


def late_words(delta: timedelta) -> str:
    """'2 days late', '3 hours late', '5 minutes late': the span words of 'overdue by'."""
    from coachlog.words import span

    return f"{span(delta.total_seconds())} late"


def history_words(p: Promise, *, now: datetime, tz: str) -> str:
    """'moved twice, first due 20 Nov', or '' when never moved."""
    from coachlog.domain.promises import first_due

    first = first_due(p)
    if first is None:
        return ""
    from coachlog.words import times

    return f"moved {times(len(p.due_history))}, first due {day(first, now=now, tz=tz)}"


def outcome(p: Promise, *, now: datetime, tz: str) -> tuple[str, str]:
    """(words, style) for a promise's state: 'overdue by 2 days', 'kept 2 days late', ..."""
    from coachlog.dates import describe_due
    from coachlog.domain.promises import is_overdue, lateness

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
    from coachlog.render.messages import aside, emit

    for item, spec in zip(items, specs, strict=True):
        emit(
            "  ",
            line(item, now=now, tz=tz),
            *aside(f'from "{spec.when_text}"' if spec.in_words else None),
        )


def due_screen(
    items: list[Item], *, now: datetime, tz: str, window: str, owner: str | None
) -> None:
    """Grouped by client; the columns line up across groups."""
    from rich.text import Text

    from coachlog.words import count

    out = console()
    whose = {"coach": " of yours", "client": " from your clients"}.get(owner or "", "")
    if not items:
        # "in the next 7 days", "in the next day" (not "the next 1 day")
        ahead = window[2:] if window.startswith("1 ") else window
        out.print(safe(f"Nothing{whose} due in the next {ahead}.", "ok"))
        return
    mine_late = [i for i in items if i.overdue and i.promise.owner == "coach"]
    theirs_late = [i for i in items if i.overdue and i.promise.owner != "coach"]
    head = Text(count(len(items), "promise") + f"{whose} due within {window}", style="head")
    if mine_late:
        head.append(" — ")
        head.append(f"you are late on {len(mine_late)}", style="bad")
    if theirs_late:
        head.append(", " if mine_late else " — ")
        head.append(
            f"{'your clients' if mine_late else 'your clients are late'} on {len(theirs_late)}",
            style="warn",
        )
    for part in head.wrap(out, out.width):
        part.rstrip()
        out.print(part)

    rows = []
    for item in items:
        words, style = outcome(item.promise, now=now, tz=tz)
        history = history_words(item.promise, now=now, tz=tz)
        rows.append(
            _Row(
                item,
                loud=item.overdue and item.promise.owner == "coach",
                tail=[Text(words, style=style)],
                below=[Text(history, style="muted")] if history else [],
            )
        )
    _print_rows(rows)


def promise_list(items: list[Item], *, now: datetime, tz: str) -> None:
    """Every promise by client: when it was due, what became of it, and below it how often
    it was moved, the repair of a broken one and the note."""
    from rich.text import Text

    from coachlog.domain.promises import is_overdue

    out = console()
    if not items:
        out.print(safe("No promises match.", "muted"))
        return
    rows = []
    for item in items:
        p = item.promise
        words, style = outcome(p, now=now, tz=tz)
        if p.status == "open" and not style:
            words = "open"  # the due column already says when
        below = []
        history = history_words(p, now=now, tz=tz)
        if history:
            below.append(Text(history, style="muted"))
        for label, value in (("repair", p.repair), ("note", p.note)):
            if value:
                text = Text(f"{label}: ", style="muted")
                text.append_text(safe_line(value))
                below.append(text)
        rows.append(
            _Row(
                item,
                loud=p.owner == "coach" and is_overdue(p, now),
                tail=[Text(when(p.due_at, now=now, tz=tz)), Text(words, style=style)],
                below=below,
            )
        )
    _print_rows(rows)


@dataclass
class _Row:
    item: Item
    loud: bool  # the coach's own overdue promise: red, and marked '!' for plain output
    tail: list[Text]  # the columns right of the text
    below: list[Text] = field(default_factory=list)  # lines under the text


def _print_rows(rows: list[_Row]) -> None:
    """Rows grouped under their client's name, laid out by hand rather than as a table: the
    columns line up across the groups, a long text wraps under itself, the lines below a
    row sit under its text, and no line ends in padding."""
    from rich.text import Text

    out = console()
    id_w = max(len(f"#{r.item.promise.id}") for r in rows)
    tail_w = [max(r.tail[i].cell_len for r in rows) for i in range(len(rows[0].tail))]
    lead = 3 + id_w + 2 + 4 + 2  # mark, id, who and the gaps after them
    room = out.width - lead - sum(w + 2 for w in tail_w)
    # Too narrow for the columns side by side: the due words go on a line of their own.
    stacked = room < 16
    if stacked:
        room = out.width - lead
    text_w = max(12, min(max(len(clean_line(r.item.promise.text)) for r in rows), room))
    below_w = max(12, out.width - lead)

    def fitted(text: Text, width: int) -> list[Text]:
        # Wrapping is the slow part of printing; most texts fit and need none.
        parts = [text] if text.cell_len <= width else list(text.wrap(out, width)) or [Text()]
        for part in parts:
            part.rstrip()
        return parts

    # Everything is built first and printed once: a listing of 20,000 promises stays quick.
    lines: list[Text] = []
    current = None
    for r in rows:
        p = r.item.promise
        if r.item.client.id != current:
            current = r.item.client.id
            lines += [Text(), safe_line(r.item.client.name, "name")]
        wrapped = fitted(safe_line(p.text, "bad" if r.loud else ""), text_w)
        row = Text()
        row.append(" ! " if r.loud else "   ", style="bad")
        row.append(f"#{p.id}".rjust(id_w), style="bad" if r.loud else "id")
        row.append("  ")
        row.append_text(who(p.owner))
        row.append(" " * (6 - len(WHO.get(p.owner, (p.owner,))[0])))
        row.append_text(wrapped[0])
        tails = Text()
        pad = -2 if stacked else text_w - wrapped[0].cell_len
        for cell, width in zip(r.tail, tail_w, strict=True):
            tails.append(" " * (pad + 2))
            tails.append_text(cell)
            pad = width - cell.cell_len
        rest = [*wrapped[1:], *r.below]
        if stacked:
            rest.insert(len(wrapped) - 1, tails)
        else:
            row.append_text(tails)
        row.rstrip()
        lines.append(row)
        for more in rest:
            for part in fitted(more, below_w):
                indented = Text(" " * lead)
                indented.append_text(part)
                lines.append(indented)
    print_lines(lines)


def print_lines(lines: list[Text]) -> None:
    """Print lines that already fit, as they are. Rich would measure and wrap them all
    again, which is most of the time of a long listing."""
    from rich.segment import Segment, Segments

    out = console()
    segments: list[Segment] = []
    for line in lines:
        segments.extend(line.render(out, end="\n"))
    out.print(Segments(segments), end="")


def changed(item: Item, *, now: datetime, tz: str, typed: str | None = None) -> None:
    """'✓ #12 you: Send the article — kept Sun 22 Nov, 2 days late  (Ana Lima)'."""
    from coachlog.render.messages import aside, success

    p = item.promise
    success(
        line(item, now=now, tz=tz, due_words=p.status != "open"),
        *aside(f'from "{typed}"' if typed else None),
        *aside(item.client.name),
    )
    if p.status == "broken" and p.repair:
        out = console()
        text = safe_line("  repair: ", "muted")
        text.append_text(safe_line(p.repair))
        out.print(text)
        if p.owner == "coach":
            out.print(
                safe_line(
                    f"  If you have not yet, raise it with {item.client.name} at your next "
                    "session.",
                    "muted",
                )
            )
