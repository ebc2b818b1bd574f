"""The interchange document (SPEC §6) as an export: read from the store a few records at
a time and written as it is read, never held whole (queries/exchange.py Document)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coachlog.export.base import Export, Job

NAME = "json"
EXTENSION = "json"


def export(reader: Any, job: Job) -> Export:
    from coachlog.export import slug
    from coachlog.export.base import Export
    from coachlog.export.files import json_text
    from coachlog.queries.exchange import Document

    doc = Document(
        reader, clients=list(job.clients), now=job.now, window=job.window, whole=job.whole
    )
    name = "coachlog-practice" if job.whole else slug(job.clients[0].name, job.clients[0].id)
    text = json_text(doc.head, doc.tables())
    return Export(
        name=f"{name}.json",
        data=text,
        files=[(f"{name}.json", text)],
        what=lambda: counts_line(doc.counts),
    )


def counts_line(counts: dict[str, int]) -> str:
    """'1 client, 1 agreement, 4 sessions, 5 promises, 0 learning entries'."""
    nouns = {"learning": ("learning entry", "learning entries")}

    def noun(n: int, table: str) -> str:
        one, many = nouns.get(table, (table[:-1], table))
        return f"{n} {one if n == 1 else many}"

    return ", ".join(noun(n, t) for t, n in counts.items())
