"""The promise rules: what is overdue, kept on time or late, where a moved promise
started, and the reading order of `promises due`. The ORM services (services/promises.py)
and the query layer (queries/promises.py) run this very code. A record is
anything with the attributes of models.Promise / models.Client: an ORM object or a plain
row (the Protocols below)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol


class Promise(Protocol):
    """What the rules read of a promise (models.Promise and queries.rows.PromiseRow have
    it): read-only, so a frozen row serves as well as an ORM object."""

    @property
    def id(self) -> int | None: ...
    @property
    def owner(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def due_history(self) -> list[str]: ...


class Client(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Item:
    """One promise with its client and the uid of the session it was made in."""

    # An ORM object or a plain row; the rules read it as the Protocols above.
    promise: Any
    client: Any
    session_uid: str | None
    overdue: bool = False


def is_overdue(promise: Promise, now: datetime) -> bool:
    return promise.status == "open" and promise.due_at < now


def kept_on_time(promise: Promise) -> bool:
    """SPEC §1: status kept and closed_at <= due_at."""
    return (
        promise.status == "kept"
        and promise.closed_at is not None
        and promise.closed_at <= promise.due_at
    )


def lateness(promise: Promise) -> timedelta | None:
    """How late a kept promise was kept; None when it was kept on time (or is not kept)."""
    if promise.status != "kept" or promise.closed_at is None or kept_on_time(promise):
        return None
    return timedelta(seconds=(promise.closed_at - promise.due_at).total_seconds())


def first_due(promise: Promise) -> datetime | None:
    """The due date the promise was first made with, when it has been moved since."""
    if not promise.due_history:
        return None
    from coachlog.dates import parse_iso_instant

    return parse_iso_instant(promise.due_history[0])


def urgency(item: Item) -> tuple[int, int, datetime]:
    """Smaller is more urgent: overdue before upcoming, the coach's own before the client's
    (the coach can act on those), then the earliest due."""
    return (
        0 if item.overdue else 1,
        0 if item.promise.owner == "coach" else 1,
        item.promise.due_at,
    )


def order(items: list[Item]) -> list[Item]:
    """The reading order of `promises due`: grouped by client, the client with the most
    urgent item first; within a client the coach's own first, each side oldest due first
    (so what is overdue comes before what is not)."""
    groups: dict[int, list[Item]] = {}
    for item in items:
        groups.setdefault(item.client.id or 0, []).append(item)
    ranked = sorted(
        groups.values(),
        key=lambda g: (min(urgency(i) for i in g), g[0].client.name.casefold()),
    )
    out: list[Item] = []
    for group in ranked:
        out += sorted(
            group,
            key=lambda i: (0 if i.promise.owner == "coach" else 1, i.promise.due_at, i.promise.id),
        )
    return out


def by_client(items: list[Item]) -> list[tuple[Client, list[Item]]]:
    """Consecutive items of one client, in the order given."""
    out: list[tuple[Client, list[Item]]] = []
    for item in items:
        if out and out[-1][0].id == item.client.id:
            out[-1][1].append(item)
        else:
            out.append((item.client, [item]))
    return out


# ---- forgiveness (SPEC §3b) -----------------------------------------------------------


def needs_repair(owner: str) -> bool:
    """Breaking the coach's own promise needs a repair (seed 002, strategy 7: honour your
    word, and repair when you cannot); a client's commitment is theirs, and breaks without."""
    return owner == "coach"


def with_note(existing: str | None, added: str | None) -> str | None:
    """A note grows: what was written before stays, the new words follow on a new line."""
    if not added:
        return existing
    if not existing:
        return added
    return f"{existing}\n{added}"


def reopen_line(status: str, closed_on: str, repair: str | None, *, on: str) -> str:
    """What a reopened promise keeps of how it had ended, as a line of its note: the
    outcome, the day it was closed and, for a broken one, the repair (which no longer
    stands on an open promise)."""
    line = f"Reopened on {on}; it had been {status} on {closed_on}."
    if status == "broken" and repair:
        line += f" The repair was: {repair}"
    return line
