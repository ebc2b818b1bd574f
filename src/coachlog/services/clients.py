"""Clients: adding, finding by id / name / prefix, editing, closing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from coachlog.errors import InvalidInput
from coachlog.models import CLIENT_STATUSES, CONSENTS, PAYMENTS, Client, Promise
from coachlog.services.common import blank_to_none, choice, clients_query, scope

# Fields a coach may set with `client add` / `client edit`, in display order.
CLIENT_FIELDS = (
    "name",
    "email",
    "phone",
    "pronouns",
    "timezone",
    "status",
    "started_on",
    "ended_on",
    "preferred_channel",
    "communication_style",
    "context",
    "sponsor",
    "pitstop_every_sessions",
    "pitstop_every_weeks",
    "payment",
    "icf_consent",
    "icf_consent_note",
)


@dataclass
class ClientData:
    values: dict[str, Any] = field(default_factory=dict)


def validate_timezone(name: str | None) -> str | None:
    if name is None:
        return None
    from coachlog.dates import is_zone

    if not is_zone(name):
        raise InvalidInput(
            f"Unknown time zone '{name}'.",
            hint="Use an IANA name such as Europe/Lisbon, America/New_York or Asia/Kolkata.",
        )
    return name


def payment_of(value: str | None) -> str:
    """paid or pro_bono ("pro-bono" and "pro bono" too): what the ICF log's hours columns are."""
    v = "_".join((value or "").strip().lower().replace("-", " ").split())
    if v not in PAYMENTS:
        raise InvalidInput(f"payment must be one of: paid, pro_bono (got {value or ''!r}).")
    return v


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in CLIENT_FIELDS:
            raise InvalidInput(f"Unknown client field '{key}'.")
        if isinstance(value, str):
            value = blank_to_none(value) if key != "name" else value.strip()
        if key == "name":
            from coachlog.names import nfc

            value = nfc(value)  # "Zoë" typed either way is one name
            if not value:
                raise InvalidInput("A client needs a name.")
            if value.isdigit():
                raise InvalidInput(
                    f"'{value}' is not a usable name: numbers refer to client ids.",
                    hint="Give the client's name, e.g. 'Ana Lima'.",
                )
        elif key == "status":
            value = choice(value, CLIENT_STATUSES, "status")
        elif key == "timezone":
            value = validate_timezone(value)
        elif key == "payment":
            value = payment_of(value)
        elif key == "icf_consent":  # "" clears it: not asked
            value = choice(value, CONSENTS, "ICF consent") if value is not None else None
        elif key.startswith("pitstop_every") and value is not None and int(value) < 1:
            raise InvalidInput(f"{key.replace('_', ' ')} must be at least 1.")
        out[key] = value
    return out


def _named(session: Session, name: str) -> Client | None:
    """The client already called `name`, case aside, whatever normal form either was
    stored in (a store may hold names written before they were stored in NFC)."""
    from coachlog.names import same_name

    rows = session.exec(scope(select(Client.id, Client.name), session)).all()
    for row in rows:
        if same_name(row.name, name):
            return session.get(Client, row.id)
    return None


def add_client(session: Session, *, values: dict[str, Any], now: datetime) -> Client:
    values = _clean(values)
    existing = _named(session, values["name"])
    if existing is not None:
        raise InvalidInput(
            f"There is already a client named '{existing.name}' (id {existing.id}).",
            hint="Names must be unique so commands can find the client; add a surname or initial.",
        )
    client = Client(
        name=values["name"],
        coach=session.info.get("coach_name") or "",
        created_at=now,
        updated_at=now,
    )
    if "status" not in values or values["status"] is None:
        values["status"] = "active"
    if values.get("started_on") is None and values["status"] == "active":
        values["started_on"] = now.date() if isinstance(now, datetime) else now
    for key, value in values.items():
        setattr(client, key, value)
    session.add(client)
    session.flush()
    return client


def edit_client(
    session: Session, client: Client, *, values: dict[str, Any], now: datetime
) -> Client:
    values = _clean(values)
    if "name" in values:
        clash = _named(session, values["name"])
        if clash is not None and clash.id != client.id:
            raise InvalidInput(f"There is already a client named '{clash.name}' (id {clash.id}).")
    for key, value in values.items():
        setattr(client, key, value)
    client.updated_at = now
    session.add(client)
    session.flush()
    return client


def set_status(
    session: Session, client: Client, status: str, *, today: date, now: datetime
) -> Client:
    client.status = status
    if status == "closed":
        client.ended_on = client.ended_on or today
    else:
        client.ended_on = None
    client.updated_at = now
    session.add(client)
    session.flush()
    return client


def activate_prospect(session: Session, client: Client, *, on: date, now: datetime) -> bool:
    """A prospect becomes active when their first session or agreement is recorded (SPEC
    §3b); the coaching started that day unless a start was already recorded. Returns
    whether the client changed."""
    if client.status != "prospect":
        return False
    client.status = "active"
    client.started_on = client.started_on or on
    client.updated_at = now
    session.add(client)
    return True


def release_open_promises(
    session: Session, client: Client, *, now: datetime, note: str
) -> list[Promise]:
    """Release every open promise of the client (when the coaching closes): ended by
    agreement, neither kept nor broken. Returns them."""
    from coachlog.services.promises import release

    stmt = (
        select(Promise)
        .where(Promise.client_id == client.id, Promise.status == "open")
        .order_by(col(Promise.due_at), col(Promise.id))
    )
    found = list(session.exec(stmt).all())
    for promise in found:
        release(session, promise, now=now, note=note)
    return found


def open_promises(session: Session, client: Client) -> dict[str, int]:
    """How many open promises the client has, by owner ('coach', 'client')."""
    rows = session.exec(
        select(Promise.owner, func.count())
        .where(Promise.client_id == client.id, Promise.status == "open")
        .group_by(col(Promise.owner))
    ).all()
    return {owner: int(n) for owner, n in rows}


def left_out(session: Session) -> dict[str, int]:
    """What `client list` leaves out without --all: how many prospects and closed."""
    stmt = scope(
        select(Client.status, func.count())
        .where(col(Client.status).in_(("prospect", "closed")))
        .group_by(col(Client.status)),
        session,
    )
    counts = {"prospect": 0, "closed": 0}
    counts.update({status: int(n) for status, n in session.exec(stmt).all()})
    return counts


def list_clients(session: Session, *, include_all: bool = False) -> list[Client]:
    stmt = clients_query(session)
    if not include_all:
        stmt = stmt.where(col(Client.status).in_(("active", "paused")))
    return list(session.exec(stmt.order_by(func.lower(Client.name))).all())


def find_client(session: Session, ref: str) -> Client:
    """A client by id, else by name without regard to case or accents: the exact name, or
    a unique prefix of it (domain/clients.find, the rule the query layer uses too)."""
    from coachlog.domain.clients import find

    base = clients_query(session)

    def by_id(cid: int) -> Client | None:
        found: Client | None = session.exec(base.where(Client.id == cid)).first()
        return found

    def names() -> list[tuple[int, str]]:
        rows = session.exec(scope(select(Client.id, Client.name), session)).all()
        return [(r.id, r.name) for r in rows]

    return find(ref, by_id=by_id, names=names)


def client_names(session: Session, prefix: str = "") -> list[str]:
    rows = session.exec(clients_query(session).where(col(Client.status) != "closed")).all()
    folded = prefix.casefold()
    return sorted(c.name for c in rows if c.name.casefold().startswith(folded))
