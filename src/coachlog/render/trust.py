"""The trust checklist: one client's ten-second list, and the matrix of every client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coachlog.render import console, safe_line
from coachlog.render.widgets import score_text

if TYPE_CHECKING:
    from rich.text import Text

    from coachlog.domain.trust import TrustReport

MARK = {"pass": ("✓", "ok"), "fail": ("✗", "bad"), "n/a": ("–", "muted")}


def title(report: TrustReport, what: str) -> Text:
    from rich.text import Text

    head = Text()
    head.append(what, style="head")
    head.append(" · ")
    head.append_text(safe_line(report.client.name, "name"))
    head.append(f"  #{report.client.id}", style="id")
    return head


def checklist(report: TrustReport) -> None:
    """`coachlog trust CLIENT`: readable in ten seconds. Marks and evidence on one line,
    the advice under each failure, then the questions no data can answer."""
    from rich.table import Table
    from rich.text import Text

    from coachlog.domain.trust import question_text
    from coachlog.render.widgets import page_width

    out = console()
    w = page_width()
    head = title(report, "Trust")
    head.append("   ")
    head.append_text(score_text(report, suffix=" pass"))
    out.print(head, width=w)
    out.print(width=w)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)  # mark
    grid.add_column(justify="right", no_wrap=True, style="muted")  # number
    grid.add_column(no_wrap=True)  # name
    grid.add_column(overflow="fold")  # evidence, advice
    for check in report.checks:
        mark, style = MARK[check.status]
        name_style = (
            "head" if check.status == "fail" else ("muted" if check.status == "n/a" else "")
        )
        evidence_style = "muted" if check.status != "fail" else ""
        grid.add_row(
            Text(mark, style=style),
            str(check.id),
            Text(check.name, style=name_style),
            safe_line(check.evidence, evidence_style),
        )
        if check.advice:
            grid.add_row("", "", "", Text("→ " + check.advice, style="warn"))
    out.print(grid, width=w)
    out.print(width=w)
    if not report.failed:
        out.print(Text("Every check the records can judge passes.", style="ok"), width=w)
        out.print(width=w)
    head = Text()
    head.append("What the records cannot judge", style="head")
    head.append(" · questions to sit with", style="muted")
    out.print(head, width=w)
    questions = Table.grid(padding=(0, 1))
    questions.add_column(no_wrap=True, style="muted")
    questions.add_column(overflow="fold")
    for q in report.questions:
        body = Text()
        body.append(q.strategy, style="head")
        body.append(": " + question_text(q, report.client))
        body.append(f" ({q.source})", style="muted")
        questions.add_row("·", body)
    out.print(questions, width=w)


def matrix(reports: list[TrustReport]) -> None:
    """`coachlog trust`: clients down, checks across, the score at the end; whoever has
    the lowest share of checks passing comes first."""
    from rich.text import Text

    from coachlog.domain.trust import CHECKS
    from coachlog.render.columns import Column, one_line_table

    out = console()
    if not reports:
        out.print(Text("No active clients. Add one: coachlog client add NAME", style="muted"))
        return
    reports = sorted(reports, key=lambda r: (r.ratio, r.client.name.casefold()))
    head = Text()
    head.append("Trust checklist", style="head")
    n = len(reports)
    head.append(f" · {n} active client{'s' if n != 1 else ''}", style="muted")
    out.print(head)
    columns = [
        Column("client", min_width=8, max_width=30, flexible=True),
        *(Column(str(number), justify="center") for number in CHECKS),
        Column("score", justify="right"),
    ]
    rows = [
        [
            safe_line(r.client.name, "name"),
            *(Text(MARK[c.status][0], style=MARK[c.status][1]) for c in r.checks),
            score_text(r),
        ]
        for r in reports
    ]
    out.print(one_line_table(columns, rows, out=out), no_wrap=True, overflow="crop")
    # the names of the checks, wrapped between entries, never inside one
    entries = [f"{number} {name}" for number, (name, _) in CHECKS.items()]
    line = ""
    for entry in entries:
        candidate = f"{line} · {entry}" if line else entry
        if line and len(candidate) > out.width:
            out.print(Text(line + " ·", style="muted"))
            candidate = entry
        line = candidate
    out.print(Text(line, style="muted"))
    foot = Text()
    foot.append("✓", style="ok")
    foot.append(" passes  ", style="muted")
    foot.append("✗", style="bad")
    foot.append(" fails  ", style="muted")
    foot.append("–", style="muted")
    foot.append(" cannot judge yet   evidence: coachlog trust CLIENT", style="muted")
    out.print(foot)
