"""Sessions: recording a call with the promises made in it, listing, editing, deleting."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from coachlog.domain.limits import DEFAULT_MINUTES, MINUTES, kind_of, within
from coachlog.errors import InvalidInput, NotFound
from coachlog.models import Client, CoachingSession, Promise
from coachlog.services.clients import activate_prospect
from coachlog.services.common import blank_to_none, scope
from coachlog.services.promises import Item, PromiseSpec, new_promise, of_session

MAX_MINUTES = MINUTES[1]
# "Zoom, 45 minutes", "50-min calls", "90 mins": the first such number in the logistics.
_MINUTES_RE = re.compile(r"(\d{1,4})\s*-?\s*(?:minutes?|mins?)\b", re.IGNORECASE)
# Fields a coach may set on a session, in display order.
SESSION_FIELDS = (
    "held_at",
    "minutes",
    "kind",
    "notes",
    "themes",
    "trust_pulse",
    "reflection",
    "private",
    "group_size",
    "counts_for_icf",
)


def minutes_from_logistics(logistics: str | None) -> int | None:
    if not logistics:
        return None
    m = _MINUTES_RE.search(logistics)
    if m is None:
        return None
    n = int(m.group(1))
    return n if within(n, MINUTES) else None


def default_minutes(db: Session, client: Client, *, fallback: int = DEFAULT_MINUTES) -> int:
    """The length agreed in the active agreement's logistics, else `fallback` (the
    `minutes` setting, 60 unless the coach set another)."""
    from coachlog.services.agreements import active

    agreement = active(db, client)
    found = minutes_from_logistics(agreement.logistics if agreement else None)
    return found or fallback


def clean_themes(themes: list[str] | None) -> list[str]:
    """Lower-cased, trimmed, without duplicates, in the order given. A theme given as
    "a, b" is two themes."""
    out: list[str] = []
    for raw in themes or []:
        for part in str(raw).split(","):
            tag = " ".join(part.split()).lower()
            if tag and tag not in out:
                out.append(tag)
    return out


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Validate what a coach gave; every check names the accepted values."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in SESSION_FIELDS:
            raise InvalidInput(f"Unknown session field '{key}'.")
        if key == "minutes" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput("minutes must be a whole number.")
            if not within(value, MINUTES):
                raise InvalidInput(
                    f"minutes must be between {MINUTES[0]} and {MINUTES[1]} (got {value})."
                )
        elif key == "kind":
            value = kind_of(value)
        elif key == "trust_pulse" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise InvalidInput(f"trust pulse must be 1, 2, 3, 4 or 5 (got {value}).")
        elif key == "themes":
            value = clean_themes(value)
        elif key in ("notes", "reflection"):
            value = blank_to_none(value)
        elif key in ("private", "counts_for_icf"):
            value = bool(value)
        elif key == "group_size":
            from coachlog.domain.credentials import GROUP_SIZES

            low, high = GROUP_SIZES
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(
                    f"group size must be a whole number from {low} (one-to-one) to {high} "
                    f"(got {value})."
                )
        elif key == "held_at" and (value is None or value.tzinfo is None):
            raise InvalidInput("A session needs an aware time it was held at.")
        out[key] = value
    return out


def _check_held_at(held: datetime | None, *, now: datetime, tz: str | None) -> None:
    """A session is recorded once it has happened (SPEC §3a), however its time was given:
    flags, answers, the editor."""
    if held is None:
        return
    from coachlog.dates import future_session_problem

    problem = future_session_problem(held, now=now, tz=tz or "UTC")
    if problem is not None:
        raise InvalidInput(problem)


def _add_promises(
    db: Session, client: Client, session: CoachingSession, specs: list[PromiseSpec], now: datetime
) -> list[Promise]:
    made = [new_promise(client, spec, now=now, session=session) for spec in specs]
    db.add_all(made)
    return made


def record_session(
    db: Session,
    client: Client,
    *,
    values: dict[str, Any],
    promises: list[PromiseSpec],
    now: datetime,
    tz: str | None = None,
) -> tuple[CoachingSession, list[Promise]]:
    """Write a session and every promise made in it. The caller's write() transaction makes
    the whole of it one commit: either the session and all its promises, or nothing."""
    values = clean_values({"held_at": now, "kind": "regular", **values})
    _check_held_at(values["held_at"], now=now, tz=tz)
    if values.get("minutes") is None:
        values["minutes"] = default_minutes(db, client)
    session = CoachingSession(client_id=client.id, created_at=now, updated_at=now, **values)  # type: ignore[arg-type]
    db.add(session)
    db.flush()  # the session's id, for its promises
    made = _add_promises(db, client, session, promises, now)
    activate_prospect(db, client, on=session.held_at.date(), now=now)
    db.flush()
    return session, made


def update_session(
    db: Session,
    session: CoachingSession,
    client: Client,
    *,
    values: dict[str, Any],
    promises: list[PromiseSpec],
    now: datetime,
    tz: str | None = None,
) -> list[Promise]:
    """Change only the fields given; add new promises. Promises already recorded are changed
    with the promises commands, never re-created."""
    values = clean_values(values)
    from coachlog.dates import to_utc

    held = values.get("held_at")
    if held is not None and (session.held_at is None or to_utc(held) != to_utc(session.held_at)):
        _check_held_at(values["held_at"], now=now, tz=tz)
    for key, value in values.items():
        setattr(session, key, value)
    session.updated_at = now
    db.add(session)
    made = _add_promises(db, client, session, promises, now)
    db.flush()
    return made


def get(db: Session, session_id: int) -> tuple[CoachingSession, Client]:
    stmt = scope(
        select(CoachingSession, Client)
        .join(Client, col(Client.id) == CoachingSession.client_id)
        .where(CoachingSession.id == session_id),
        db,
        CoachingSession.client_id,
    )
    row = db.exec(stmt).first()
    if row is None:
        raise NotFound(
            f"No session with id {session_id}.", hint="See 'coachlog session list' for ids."
        )
    return row[0], row[1]


def promises_of(db: Session, session: CoachingSession, client: Client) -> list[Item]:
    return of_session(db, session, client)


def delete_session(db: Session, session: CoachingSession) -> list[int]:
    """Delete a session and the promises made in it; returns those promises' ids. The
    promises are deleted explicitly rather than left to the foreign key's cascade, so the
    result does not depend on the connection's foreign-key setting, and one by one through
    the ORM, so the undo log keeps each of them (services/undo.py)."""
    made = list(db.exec(select(Promise).where(Promise.session_id == session.id)).all())
    for promise in made:
        db.delete(promise)
    db.flush()
    db.delete(session)
    db.flush()
    return [p.id for p in made if p.id is not None]


def move_session(
    db: Session, session: CoachingSession, to: Client, *, now: datetime
) -> list[Promise]:
    """File a session under another client, with the promises made in it (SPEC §3b).
    Returns those promises."""
    if session.client_id == to.id:
        raise InvalidInput(f"Session #{session.id} is already with {to.name}.")
    activate_prospect(db, to, on=session.held_at.date(), now=now)
    session.client_id = to.id  # type: ignore[assignment]
    session.updated_at = now
    db.add(session)
    made = list(db.exec(select(Promise).where(Promise.session_id == session.id)).all())
    for promise in made:
        promise.client_id = to.id  # type: ignore[assignment]
        promise.updated_at = now
        db.add(promise)
    db.flush()
    return made
