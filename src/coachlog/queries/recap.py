"""What a session's recap reads (`coachlog recap`, SPEC §6; export/recap.py writes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from coachlog.queries.db import Reader
from coachlog.queries.rows import ClientRow, PromiseRow, SessionRow, build, columns


@dataclass(frozen=True)
class RecapData:
    """The session and its client, the promises made in it, the client's other open
    promises (both ways), and the client's next planned session."""

    session: SessionRow
    client: ClientRow
    made: list[PromiseRow]
    still_open: list[PromiseRow]
    next_planned: SessionRow | None


def recap_data(db: Reader, session_id: int, *, now: datetime) -> RecapData:
    """Everything a recap of session `session_id` shows; NotFound for a session that is not
    the coach's."""
    from coachlog.errors import NotFound
    from coachlog.queries.clients import client_by_id

    mine, params = db.scope("sessions.client_id")
    found = db.rows(
        f"SELECT {columns(SessionRow)} FROM sessions WHERE sessions.id = ?{mine}",
        (session_id, *params),
    )
    session = build(SessionRow, found[0]) if found else None
    client = client_by_id(db, session.client_id) if session is not None else None
    if session is None or client is None:
        raise NotFound(
            f"No session with id {session_id}.", hint="See 'coachlog session list' for ids."
        )
    promises = [
        build(PromiseRow, row)
        for row in db.rows(
            f"SELECT {columns(PromiseRow)} FROM promises WHERE promises.client_id = ? "
            "ORDER BY promises.due_at, promises.id",
            (client.id,),
        )
    ]
    planned = db.rows(
        f"SELECT {columns(SessionRow)} FROM sessions WHERE sessions.client_id = ? "
        "AND sessions.status = ? AND sessions.held_at > ? ORDER BY sessions.held_at LIMIT 1",
        (client.id, "planned", db.bind(now)),
    )
    return RecapData(
        session,
        client,
        [p for p in promises if p.session_id == session.id],
        [p for p in promises if p.session_id != session.id and p.status == "open"],
        build(SessionRow, planned[0]) if planned else None,
    )
