"""What export and import say when they are done."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe_line
from coachlog.render.messages import success, warn

if TYPE_CHECKING:
    from coachlog.services.importing import Outcome

VERBS = ("added", "updated", "unchanged", "kept")


def outcome_json(outcome: Outcome, name: str) -> dict[str, Any]:
    data: dict[str, Any] = {"file": name, "dry_run": outcome.dry_run}
    data.update({verb: outcome.total(verb) for verb in VERBS})
    for table, counts in outcome.counts.items():
        data[table] = {verb: counts[verb] for verb in VERBS}
    data["promises_moved"] = outcome.promises_moved
    return data


def import_report(outcome: Outcome, name: str) -> None:
    added, updated, unchanged, kept = (outcome.total(v) for v in VERBS)
    numbers = f"{added} added, {updated} updated, {unchanged} unchanged"
    if outcome.dry_run:
        success("Checked ", (name, "name"), f": importing it would give {numbers}.")
    elif not (added or updated or unchanged or kept):
        success((name, "name"), " holds no records; nothing to import.")
    elif added or updated:
        success("Imported ", (name, "name"), f": {numbers}.")
    else:
        success(
            "Nothing to import from ",
            (name, "name"),
            f": all {unchanged + kept} records are already here.",
        )
    for verb in VERBS:
        done = [_count(counts[verb], table) for table, counts in outcome.counts.items()]
        done = [d for d in done if d]
        if done:
            console().print(safe_line(f"  {verb}: {', '.join(done)}", "muted"))
    if outcome.promises_moved:
        n = outcome.promises_moved
        verb = "would move" if outcome.dry_run else "moved"
        console().print(
            safe_line(
                f"  {n} promise{'' if n == 1 else 's'} made in moved sessions {verb} with them "
                "to their new client.",
                "muted",
            )
        )
    if kept:
        warn(
            f"{kept} record" + (" was" if kept == 1 else "s were") + " left as they are: the "
            "copy in this store is newer than the file's (see docs/interchange.md)."
        )
    if outcome.dry_run:
        console().print(safe_line("  Nothing was written (--dry-run).", "muted"))


# How a table's records are counted in words: (one, many).
NOUNS = {"learning": ("learning entry", "learning entries")}


def _noun(n: int, table: str) -> str:
    one, many = NOUNS.get(table, (table[:-1], table))
    return f"{n} {one if n == 1 else many}"


def _count(n: int, table: str) -> str:
    """'1 agreement', '4 sessions'; '' for none."""
    return _noun(n, table) if n else ""


def counts_line(counts: dict[str, int]) -> str:
    return ", ".join(_noun(n, t) for t, n in counts.items())


def wrote(what: str, path: Any) -> None:
    success("Wrote ", what, " to ", (str(path), "name"))
