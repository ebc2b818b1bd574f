"""`client forget`: erase a client and everything tied to them, and then make sure the
bytes are gone from every file of the store, not just unlinked from its tables (SPEC §7).

Deleting a row in SQLite only marks its space free; with `secure_delete` (on for every
connection) the freed space is zeroed, but three places can still hold the text:
- the full-text index, whose segments keep a deleted document's terms until they are
  merged: a 'rebuild' rewrites the index from the remaining rows;
- pages that other pages' reorganisation left behind: VACUUM rewrites the whole file;
- the write-ahead log (-wal), which keeps old page images after they reach the main file:
  a TRUNCATE checkpoint copies the log into the file and empties it.
tests/test_safety_forget.py greps every file in the store's folder to prove it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlmodel import Session, col

from coachlog.models import Agreement, Client, CoachingSession, Promise

if TYPE_CHECKING:
    from coachlog.store import Store

CHECKPOINT_TRIES = 50  # × 0.1 s: long enough for a reader in another terminal to finish


@dataclass
class Erasure:
    client: str
    client_id: int
    uid: str
    agreements: int
    sessions: int
    promises: int
    # Promises of other clients made in this client's sessions (left by an older coachlog's
    # import): kept, no longer tied to a session, since the session is gone.
    kept_for_others: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "id": self.client_id,
            "uid": self.uid,
            "erased": {
                "agreements": self.agreements,
                "sessions": self.sessions,
                "promises": self.promises,
            },
            "kept_for_others": self.kept_for_others,
        }


@dataclass
class Scrub:
    """What happened to the files after the rows were deleted (SQLite only)."""

    index_rebuilt: bool = False
    vacuumed: bool = False
    wal_emptied: bool = False


def _session_ids(client: Client) -> Any:
    return select(col(CoachingSession.id)).where(col(CoachingSession.client_id) == client.id)


def _promises_of(client: Client) -> Any:
    # The client's own promises, by their client alone: a promise of another client made in
    # one of this client's sessions is the other client's (SPEC §7: forget touches that
    # client's records and nothing else, whatever an import did before).
    return col(Promise.client_id) == client.id


def _others_in_sessions_of(client: Client) -> Any:
    return (col(Promise.client_id) != client.id) & col(Promise.session_id).in_(_session_ids(client))


def _count(session: Session, stmt: Any) -> int:
    return int(session.exec(stmt).scalar_one())


def preview(session: Session, client: Client) -> Erasure:
    """What forget would erase, for the confirmation."""
    return Erasure(
        client=client.name,
        client_id=client.id or 0,
        uid=client.uid,
        agreements=_count(
            session,
            select(func.count())
            .select_from(Agreement)
            .where(col(Agreement.client_id) == client.id),
        ),
        sessions=_count(
            session,
            select(func.count())
            .select_from(CoachingSession)
            .where(col(CoachingSession.client_id) == client.id),
        ),
        promises=_count(
            session, select(func.count()).select_from(Promise).where(_promises_of(client))
        ),
        kept_for_others=_count(
            session,
            select(func.count()).select_from(Promise).where(_others_in_sessions_of(client)),
        ),
    )


def forget_client(session: Session, client: Client) -> Erasure:
    """Delete the client and every linked row, children first, inside the caller's write
    transaction (the search index loses their rows through its triggers)."""
    erasure = preview(session, client)
    # The undo log holds earlier versions of the client's rows: those steps go too, whole.
    from coachlog.services.undo import forget_steps

    forget_steps(session, client.id or 0)
    # Another client's promise made in one of these sessions loses its link to the session
    # first: the session's foreign key would otherwise delete it in cascade.
    session.exec(update(Promise).where(_others_in_sessions_of(client)).values(session_id=None))
    session.exec(delete(Promise).where(_promises_of(client)))
    session.exec(delete(CoachingSession).where(col(CoachingSession.client_id) == client.id))
    session.exec(delete(Agreement).where(col(Agreement.client_id) == client.id))
    session.exec(delete(Client).where(col(Client.id) == client.id))
    session.expunge_all()
    return erasure


def scrub(store: Store) -> Scrub:
    """After the deleting transaction has committed: rebuild the search index, VACUUM, and
    empty the write-ahead log. Each step needs to run outside a transaction."""
    done = Scrub()
    if not store.is_sqlite:
        return done  # a server's storage is the server's (see docs/privacy.md)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        has_index = cur.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'search_index'"
        ).fetchone()
        if has_index:
            # 'optimize' would merge segments too, but 'rebuild' guarantees that no segment
            # written before the delete survives.
            cur.execute("INSERT INTO search_index(search_index) VALUES('rebuild')")
            done.index_rebuilt = True
        cur.execute("VACUUM")
        done.vacuumed = True
        for _ in range(CHECKPOINT_TRIES):
            busy, _log, _moved = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                done.wal_emptied = True
                break
            time.sleep(0.1)
        cur.close()
    finally:
        raw.close()
    return done


def older_copies(path: Path | None) -> list[Path]:
    """Backups beside the store (from `backup` and from schema upgrades). After a forget,
    those made before it still hold the client."""
    from coachlog.store.backup import list_backups

    return list_backups(path)
