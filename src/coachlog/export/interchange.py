"""The interchange document (SPEC §6) as an export: read from the store a few records at
a time and written as it is read, never held whole (services/exchange.py Document)."""

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
    from coachlog.render.exchange import counts_line
    from coachlog.services.exchange import Document

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
