"""The doctor's report and the store commands' confirmations. Paths are user text too
(a folder name can hold escape sequences), so they go through safe() like everything else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe, safe_line

if TYPE_CHECKING:
    from coachlog.services.doctor import Report
    from coachlog.services.forget import Erasure

MARK = {"ok": ("✓", "ok"), "warn": ("!", "warn"), "fail": ("✗", "bad")}


def size(n: int | None) -> str:
    if n is None:
        return "?"
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def doctor_report(report: Report) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    title = Text("coachlog doctor  ", style="head")
    title.append_text(safe_line(report.store, "muted"))
    out.print(title)
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="head")
    table.add_column(overflow="fold")
    for check in report.checks:
        mark, style = MARK[check.status]
        cell = safe(check.detail)
        if check.fix and check.status != "ok":
            cell.append("\nfix: ", style="muted")
            cell.append_text(safe(check.fix, "warn" if check.status == "warn" else "bad"))
        table.add_row(Text(mark, style=style), check.name, cell)
    out.print(table)

    facts = report.facts
    lines: list[tuple[str, str]] = []
    if report.backend == "sqlite" and "sqlite_version" in facts:
        journal = str(facts.get("journal_mode", "?")).upper()
        parts = [f"SQLite {facts['sqlite_version']}", f"{journal} journal"]
        if facts.get("encrypted"):
            parts.append(f"encrypted (SQLCipher {facts.get('sqlcipher_version') or '?'})")
        else:
            parts.append("not encrypted")
        parts.append(size(facts.get("size_bytes")))
        lines.append(("Store", ", ".join(parts)))
    elif report.backend == "sqlite" and "encrypted" in facts:
        lines.append(("Store", "encrypted" if facts["encrypted"] else "not encrypted"))
    elif report.backend != "sqlite":
        lines.append(("Store", f"PostgreSQL, coach {facts.get('coach', '?')}"))
    if "counts" in facts:
        c = facts["counts"]
        lines.append(
            (
                "Records",
                ", ".join(
                    _plural(c[k], k[:-1]) for k in ("clients", "agreements", "sessions", "promises")
                ),
            )
        )
    if lines:
        facts_table = Table(box=None, show_header=False, pad_edge=False)
        facts_table.add_column(style="muted", no_wrap=True)
        facts_table.add_column()
        for label, value in lines:
            facts_table.add_row(label, safe(value))
        out.print(facts_table)
    out.print()
    problems = [c for c in report.checks if c.status == "fail"]
    warnings = [c for c in report.checks if c.status == "warn"]
    if problems:
        out.print(
            Text(
                f"{_plural(len(problems), 'problem')} found: run the fix shown under each.",
                style="bad",
            )
        )
    elif warnings:
        out.print(Text(f"No problems; {_plural(len(warnings), 'note')} above.", style="warn"))
    else:
        out.print(Text("All good.", style="ok"))


def erasure_preview(erasure: Erasure) -> None:
    from rich.text import Text

    out = console()
    line = Text("This erases ", style="bad")
    line.append_text(safe_line(erasure.client, "name"))
    line.append(f" (client {erasure.client_id}) and everything linked: ", style="bad")
    line.append(counts(erasure))
    out.print(line)
    out.print(safe("It cannot be undone: the records are wiped from the store's files.", "muted"))


def counts(erasure: Erasure) -> str:
    return (
        ", ".join(
            (
                _plural(erasure.agreements, "agreement version"),
                _plural(erasure.sessions, "session"),
                _plural(erasure.promises, "promise"),
            )
        )
        + "."
    )


def stale_copies(paths: list[Any]) -> None:
    from coachlog.render.messages import warn

    if len(paths) == 1:
        said = "An older backup beside the store still holds this client's records; delete it"
    else:
        said = f"{len(paths)} older backups beside the store still hold this client's records; "
        said += "delete them"
    warn(f"{said} if the erasure must be complete:")
    err = console(stderr=True)
    for path in paths:
        err.print(safe_line(f"    {path}", "muted"))
