"""Records built straight from the models, for the tests of the rules and screens that
read them (trust, prep, dashboard, client page, pit-stops). `now` is the suite's NOW."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coachlog.models import Agreement, CoachingSession, Promise
from coachlog.services.clients import add_client
from support import NOW, TZ

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
__all__ = [
    "DAY",
    "FULL",
    "NOW",
    "SECOND",
    "TZ",
    "make_agreement",
    "make_client",
    "make_promise",
    "make_session",
]

# A designed alliance with every element filled (trust check 1).
FULL = {
    "goals": "Lead without rescuing",
    "confidentiality": "All between us; safety is the only exception",
    "communication": "Signal, answers within a working day",
    "logistics": "Zoom, 60 minutes, 24h notice to move",
    "coach_responsibilities": "Prepare, keep time, keep my word",
    "client_responsibilities": "Come with a topic; do the work between sessions",
    "fees": "€150 a session",
    "conflicts_of_interest": "none",
}


def _add(db: Any, obj: Any) -> Any:
    db.add(obj)
    db.flush()
    return obj


def make_client(db: Any, name: str = "Ana Lima", **values: Any) -> Any:
    return add_client(db, values={"name": name, **values}, now=NOW)


def make_agreement(db: Any, client: Any, **values: Any) -> Agreement:
    version = values.pop("version", 1)
    fields = {**FULL, "starts_on": date(2026, 1, 5), "review_on": date(2027, 1, 5), **values}
    return _add(
        db,
        Agreement(
            client_id=client.id,
            version=version,
            status=fields.pop("status", "active"),
            created_at=NOW,
            updated_at=NOW,
            **fields,
        ),
    )


def make_session(db: Any, client: Any, held_at: Any, kind: str = "regular", **values: Any):
    return _add(
        db,
        CoachingSession(
            client_id=client.id,
            held_at=held_at,
            kind=kind,
            themes=values.pop("themes", []),
            created_at=NOW,
            updated_at=NOW,
            **values,
        ),
    )


def make_promise(
    db: Any,
    client: Any,
    *,
    owner: str = "coach",
    due: Any = None,
    status: str = "open",
    closed: Any = None,
    made: Any = None,
    **values: Any,
) -> Promise:
    due = due or NOW + DAY
    return _add(
        db,
        Promise(
            client_id=client.id,
            owner=owner,
            text=values.pop("text", f"{owner} promise"),
            made_at=made or due - 5 * DAY,
            due_at=due,
            status=status,
            closed_at=closed,
            due_history=values.pop("due_history", []),
            created_at=NOW,
            updated_at=NOW,
            **values,
        ),
    )
