"""The report of `coachlog import FILE.ics`: the planned sessions made, moved and cancelled,
and every event ahead that was not imported, with the reason."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe_line
from coachlog.render.messages import emit, say, success, warn
from coachlog.render.promises import when

if TYPE_CHECKING:
    from coachlog.services.calendar_import import Outcome

WORDS = {"planned": "planned", "moved": "moved", "cancelled": "cancelled"}


def _numbers(outcome: Outcome) -> str:
    parts = [f"{outcome.count(w)} {w}" for w in WORDS]
    return ", ".join(parts) + f", {outcome.unchanged} unchanged"


def calendar_report(outcome: Outcome, name: str, *, now: datetime, tz: str, dry_run: bool) -> None:
    out = console()
    changed = bool(outcome.done)
    if dry_run:
        success("Checked ", (name, "name"), f": importing it would give {_numbers(outcome)}.")
    elif not outcome.events:
        success((name, "name"), " holds no events; nothing to import.")
    elif changed:
        success("Imported ", (name, "name"), f": {_numbers(outcome)}.")
    else:
        success("Nothing to change from ", (name, "name"), f": {_numbers(outcome)}.")
    for d in outcome.done:
        line = safe_line("  ")
        line.append(f"#{d.id}" if d.id is not None else "new", style="id")
        line.append(f" {WORDS[d.what]}: ")
        line.append_text(safe_line(d.client, "name"))
        line.append(f", {when(d.at, now=now, tz=tz)}")
        if d.minutes:
            line.append(f", {d.minutes} min")
        say(line)
    if outcome.past:
        n = outcome.past
        say(safe_line(f"  {n} event{'' if n == 1 else 's'} already past, left alone.", "muted"))
    if outcome.left:
        n = len(outcome.left)
        warn(f"{n} event{'' if n == 1 else 's'} ahead not imported:")
        for left in outcome.left:
            e = left.event
            line = safe_line("  ")
            line.append(when(e.start, now=now, tz=tz) if e.start else "(no time)")
            line.append("  ")
            line.append_text(safe_line(f'"{e.summary or "(no title)"}"'))
            line.append(f": {left.reason}")
            if left.candidates:
                line.append(" (")
                line.append_text(safe_line(", ".join(left.candidates), "name"))
                line.append(")")
            emit(line, stderr=True)
        emit(
            safe_line(
                "  Plan those with 'coachlog session plan CLIENT --at WHEN', or give the "
                "client's email to the event (or the client: coachlog client edit CLIENT "
                "--email …).",
                "muted",
            ),
            stderr=True,
        )
    if dry_run:
        out.print(safe_line("  Nothing was written (--dry-run).", "muted"))


def calendar_json(outcome: Outcome, name: str, *, dry_run: bool) -> dict[str, Any]:
    from coachlog.records import value

    return {
        "file": name,
        "dry_run": dry_run,
        **{w: outcome.count(w) for w in WORDS},
        "unchanged": outcome.unchanged,
        "past": outcome.past,
        "sessions": [
            {
                "id": d.id,
                "client": d.client,
                "action": d.what,
                "held_at": value(d.at),
                "minutes": d.minutes,
                "summary": d.summary,
            }
            for d in outcome.done
        ],
        "not_imported": [
            {
                "uid": left.event.uid,
                "summary": left.event.summary,
                "start": value(left.event.day or left.event.start),
                "reason": left.reason,
                "candidates": list(left.candidates),
            }
            for left in outcome.left
        ],
    }
