"""The coaching agreement (the designed alliance, seed 002 §1; seed 000 §3-4), versioned
per client. A new active version supersedes the previous one; old versions stay."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from coachlog.choices import CADENCE_DAYS
from coachlog.domain.agreements import (  # noqa: F401  (the rules, used by the writes)
    ALL_FIELDS,
    ELEMENTS,
    REQUIRED,
    nothing_new,
    read_cadence,
)
from coachlog.errors import InvalidInput, NotFound
from coachlog.models import Agreement, Client
from coachlog.services.clients import activate_prospect
from coachlog.services.common import blank_to_none, choice


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in ALL_FIELDS:
            raise InvalidInput(f"Unknown agreement field '{key}'.")
        if key in ELEMENTS:
            value = blank_to_none(value)
        elif key == "status":
            value = choice(value, ("draft", "active"), "status")
        elif key == "cadence_days" and value is not None:
            value = int(value)
            if not CADENCE_DAYS[0] <= value <= CADENCE_DAYS[1]:
                raise InvalidInput(
                    f"cadence days must be between {CADENCE_DAYS[0]} and {CADENCE_DAYS[1]}."
                )
        out[key] = value
    return out


def versions(session: Session, client: Client) -> list[Agreement]:
    return list(
        session.exec(
            select(Agreement)
            .where(Agreement.client_id == client.id)
            .order_by(col(Agreement.version))
        ).all()
    )


def active(session: Session, client: Client) -> Agreement | None:
    return session.exec(
        select(Agreement)
        .where(Agreement.client_id == client.id, Agreement.status == "active")
        .order_by(col(Agreement.version).desc())
    ).first()


def latest(session: Session, client: Client) -> Agreement | None:
    return session.exec(
        select(Agreement)
        .where(Agreement.client_id == client.id)
        .order_by(col(Agreement.version).desc())
    ).first()


def get_version(session: Session, client: Client, version: int | None) -> Agreement:
    if version is None:
        found = active(session, client) or latest(session, client)
        if found is None:
            raise NotFound(
                f"{client.name} has no agreement yet.",
                hint=f"Write one with 'coachlog agreement new {client.id} --edit'.",
            )
        return found
    found = session.exec(
        select(Agreement).where(Agreement.client_id == client.id, Agreement.version == version)
    ).first()
    if found is None:
        raise NotFound(f"{client.name} has no agreement version {version}.")
    return found


def starting_point(session: Session, client: Client) -> dict[str, Any]:
    """The values a new version starts from: the latest version's, so that a revision after
    a pit-stop only changes what changed."""
    previous = active(session, client) or latest(session, client)
    if previous is None:
        return {}
    keep = (*ELEMENTS, "review_on", "ends_on", "cadence_days")
    return {k: getattr(previous, k) for k in keep}


def new_agreement(
    session: Session, client: Client, *, values: dict[str, Any], now: datetime, today: date
) -> tuple[Agreement, Agreement | None]:
    """Write version N+1. Returns it and the version it superseded, if any."""
    values = _clean(values)
    status = values.pop("status", None) or "active"
    last = latest(session, client)
    agreement = Agreement(
        client_id=client.id,  # type: ignore[arg-type]
        version=(last.version + 1) if last else 1,
        status=status,
        created_at=now,
        updated_at=now,
    )
    for key, value in values.items():
        setattr(agreement, key, value)
    if agreement.starts_on is None:
        agreement.starts_on = today
    if (
        agreement.review_on is not None
        and agreement.starts_on is not None
        and agreement.review_on < agreement.starts_on
    ):
        raise InvalidInput("The review date is before the agreement starts.")
    superseded = None
    if status == "active":
        superseded = active(session, client)
        if superseded is not None:
            superseded.status = "superseded"
            superseded.updated_at = now
            session.add(superseded)
    session.add(agreement)
    if status == "active":  # a draft is still a proposal: the prospect stays one
        activate_prospect(session, client, on=agreement.starts_on or today, now=now)
    session.flush()
    return agreement, superseded
