"""The trust checklist for a caller that holds an ORM session (the export): the one
implementation (queries/overview.py, on the rules of domain/trust.py) run on that
session's own connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coachlog.domain.trust import TrustReport


def evaluate(session: Any, client: Any, *, now: datetime, tz: str) -> TrustReport:
    from coachlog.queries.db import on_session
    from coachlog.queries.overview import evaluate as run

    return run(on_session(session), client, now=now, tz=tz)
