"""Records entering the store whole: a file is checked completely on its own
(services/interchange.py), then against the store, before anything is written, and written
in one transaction (services/importing.py). Export reads through the query layer
(queries/exchange.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

if TYPE_CHECKING:
    from coachlog.services.importing import Outcome
    from coachlog.services.interchange import Summary


def import_document(session: Session, summary: Summary, *, dry_run: bool = False) -> Outcome:
    """Match every record of a checked file by uid and write the difference in this (one)
    transaction (services/importing.py)."""
    from coachlog.services.importing import import_document as run

    return run(session, summary, dry_run=dry_run)
