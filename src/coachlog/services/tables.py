"""The tables of a coachlog store as the exchange (export and import) sees them: the
model of each, its columns named as the interchange keys, and uids taken a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from coachlog import records as rec
from coachlog.models import Agreement, Client, CoachingSession, Learning, Promise

MODELS: dict[str, Any] = {
    "clients": Client,
    "agreements": Agreement,
    "sessions": CoachingSession,
    "promises": Promise,
    "learning": Learning,
}
CHUNK = 500  # uids per IN (...) list: well under every database's parameter limit


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def columns(model: Any, keys: tuple[str, ...]) -> list[Any]:
    """The record's columns, named as its keys, and client_id (for the client's uid)."""
    own = [
        getattr(model, k) for k in (*keys, *rec.STAMPS) if k not in ("client_uid", "session_uid")
    ]
    return [*own, model.client_id]
