"""Promises: who owes what to whom, by when, and how it ended.

The rules of SPEC §1 and §3 ("promises due"), each taking `now` so tests fix the clock:
what is due within a window, what is overdue, what was kept on time, and the order a coach
reads them in before a session. Honouring one's word and repairing a broken promise is
seed 002, strategy 7 ("congruence"); reliability is seed 000, strategy 5."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from coachlog.domain.limits import check_status  # noqa: F401  (re-exported)

# The rules live in the domain, so the ORM-free read path of `promises due` runs the same
# code; they stay importable from here.
from coachlog.domain.promises import (  # noqa: F401
    Item,
    by_client,
    first_due,
    is_overdue,
    kept_on_time,
    lateness,
    needs_repair,
    order,
    reopen_line,
    urgency,
    with_note,
)
from coachlog.errors import InvalidInput, NotFound
from coachlog.models import PROMISE_OWNERS, Client, CoachingSession, Promise
from coachlog.services.common import blank_to_none, scope

EXAMPLE = "Send the article @ fri 18:00"
FORM = f'"TEXT @ WHEN", e.g. "{EXAMPLE}"'
# The last " @ " splits: the text itself may hold an "@" (an e-mail address, " @ " even).
_SPLIT = re.compile(r"(?:^|\s)@(?:\s|$)")


@dataclass(frozen=True)
class PromiseSpec:
    """A promise read from the command line or a template, not yet stored."""

    owner: str  # "coach" | "client"
    text: str
    due_at: datetime  # UTC
    when_text: str  # what the coach typed after " @ "
    in_words: bool  # the date was written in words ("fri"), so show what it was read as


def parse_spec(raw: str, *, owner: str, now: datetime, tz: str) -> PromiseSpec:
    """Read "TEXT @ WHEN". WHEN is any date form; a day alone means the end of that day."""
    from coachlog.dates import DateError, parse_when

    text = (raw or "").strip()
    matches = list(_SPLIT.finditer(text))
    if not matches:
        raise InvalidInput(f"'{text}' has no due date: write a promise as {FORM}.")
    cut = matches[-1]
    what, when = text[: cut.start()].strip(), text[cut.end() :].strip()
    if not what:
        raise InvalidInput(f"'{text}' says when but not what: write it as {FORM}.")
    if not when:
        raise InvalidInput(f"'{text}' has no due date after '@': write it as {FORM}.")
    try:
        read = parse_when(when, now=now, tz=tz, mode="end")
    except DateError as exc:
        raise InvalidInput(f"Due date of '{what}': {exc}") from exc
    return PromiseSpec(
        owner=owner, text=what, due_at=read.instant, when_text=when, in_words=read.in_words
    )


def new_promise(
    client: Client,
    spec: PromiseSpec,
    *,
    now: datetime,
    session: CoachingSession | None = None,
) -> Promise:
    if spec.owner not in PROMISE_OWNERS:
        raise InvalidInput(f"owner must be one of: {', '.join(PROMISE_OWNERS)}.")
    if session is not None and session.client_id != client.id:
        # A promise made in a session is that session's client's, always (SPEC §7): forget
        # and every per-client screen rely on it.
        raise ValueError("a promise made in a session must belong to the session's client")
    return Promise(
        client_id=client.id,  # type: ignore[arg-type]
        session_id=session.id if session is not None else None,
        owner=spec.owner,
        text=spec.text,
        made_at=session.held_at if session is not None else now,
        due_at=spec.due_at,
        status="open",
        created_at=now,
        updated_at=now,
    )


def add_promise(db: Session, client: Client, spec: PromiseSpec, *, now: datetime) -> Promise:
    promise = new_promise(client, spec, now=now)
    db.add(promise)
    db.flush()
    return promise


# ---- the rules ---------------------------------------------------------------------------


def _base() -> Any:
    return (
        select(Promise, Client, CoachingSession.uid)
        .join(Client, col(Client.id) == Promise.client_id)
        .outerjoin(CoachingSession, col(CoachingSession.id) == Promise.session_id)
    )


def of_session(db: Session, session: CoachingSession, client: Client) -> list[Item]:
    stmt = select(Promise).where(Promise.session_id == session.id).order_by(col(Promise.id))
    return [Item(p, client, session.uid) for p in db.exec(stmt).all()]


def get(db: Session, promise_id: int) -> Item:
    stmt = scope(_base().where(Promise.id == promise_id), db, Promise.client_id)
    row = db.exec(stmt).first()
    if row is None:
        raise NotFound(
            f"No promise with id {promise_id}.",
            hint="See 'coachlog promises list' for ids.",
        )
    p, c, uid = row
    return Item(p, c, uid)


# ---- closing and moving ------------------------------------------------------------------


def _must_be_open(promise: Promise, doing: str) -> None:
    if promise.status != "open":
        raise InvalidInput(
            f"Promise #{promise.id} is already {promise.status}; only an open promise can be "
            f"{doing}.",
            hint="See it with 'coachlog promises list'.",
        )


def _close(promise: Promise, status: str, *, at: datetime, note: str | None, now: datetime) -> None:
    promise.status = status
    promise.closed_at = at
    if note is not None:
        # After a reopen the note holds how the promise had ended: keep it (SPEC §3b).
        promise.note = with_note(promise.note, blank_to_none(note))
    promise.updated_at = now


def keep(
    db: Session,
    promise: Promise,
    *,
    now: datetime,
    at: datetime | None = None,
    note: str | None = None,
    tz: str = "UTC",
) -> Promise:
    """Mark kept at `at` (default now). Kept after due_at is kept late (see lateness()).
    Never before the promise was made: "kept on time" must be true (SPEC §3a)."""
    from coachlog.dates import to_utc

    _must_be_open(promise, "kept")
    at = at or now
    if promise.made_at is not None and to_utc(at) < to_utc(promise.made_at):
        from coachlog.dates import format_instant

        made = format_instant(promise.made_at, tz, now=now)
        raise InvalidInput(
            f"Promise #{promise.id} was made {made}; it cannot have been kept before that "
            f"({format_instant(at, tz, now=now)}).",
            hint="Give when it was kept, after it was made, or leave out --at for now.",
        )
    if at > now:
        raise InvalidInput(
            "A promise cannot be kept in the future.", hint="Leave out --at, or give a past time."
        )
    _close(promise, "kept", at=at, note=note, now=now)
    db.add(promise)
    db.flush()
    return promise


def break_(
    db: Session,
    promise: Promise,
    *,
    repair: str | None,
    now: datetime,
    note: str | None = None,
) -> Promise:
    """Mark broken now, with the repair: what the coach did or will do to make it right
    (seed 002, strategy 7). closed_at is when it was broken, so a later session counts as
    having raised it with the client. A client's own commitment breaks without a repair."""
    _must_be_open(promise, "broken")
    repair_text = blank_to_none(repair)
    if repair_text is None and (repair is not None or needs_repair(promise.owner)):
        raise InvalidInput(
            "A broken promise needs a repair: what you did or will do to make it right.",
            hint='e.g. --repair "Apologised; sending it Monday 9:00"',
        )
    _close(promise, "broken", at=now, note=note, now=now)
    promise.repair = repair_text
    db.add(promise)
    db.flush()
    return promise


def release(db: Session, promise: Promise, *, now: datetime, note: str | None = None) -> Promise:
    """Ended by agreement with the client: neither kept nor broken."""
    _must_be_open(promise, "released")
    _close(promise, "released", at=now, note=note, now=now)
    db.add(promise)
    db.flush()
    return promise


def move(
    db: Session, promise: Promise, *, due_at: datetime, now: datetime, note: str | None = None
) -> Promise:
    """Renegotiate the due date, keeping the earlier ones (oldest first) in due_history."""
    from coachlog.dates import iso

    _must_be_open(promise, "moved")
    if due_at == promise.due_at:
        raise InvalidInput(f"Promise #{promise.id} is already due then.")
    # A JSON column is not change-tracked in place: assign a new list.
    promise.due_history = [*promise.due_history, iso(promise.due_at)]
    promise.due_at = due_at
    if note is not None:
        promise.note = with_note(promise.note, blank_to_none(note))
    promise.updated_at = now
    db.add(promise)
    db.flush()
    return promise


# ---- correcting (SPEC §3b) ---------------------------------------------------------------


def edit(
    db: Session,
    promise: Promise,
    *,
    now: datetime,
    text: str | None = None,
    owner: str | None = None,
    due_at: datetime | None = None,
) -> list[str]:
    """Correct a promise, whatever its status: its text, whose it is, its due date (the
    earlier one is kept in due_history, as `move` does). Returns what changed."""
    from coachlog.dates import iso

    changed: list[str] = []
    if text is not None:
        cleaned = text.strip()
        if not cleaned:
            raise InvalidInput("--text cannot be empty: a promise needs its words.")
        if cleaned != promise.text:
            promise.text = cleaned
            changed.append("text")
    if owner is not None and owner != promise.owner:
        if owner not in PROMISE_OWNERS:
            raise InvalidInput(f"owner must be one of: {', '.join(PROMISE_OWNERS)}.")
        if promise.status == "broken" and needs_repair(owner) and not promise.repair:
            raise InvalidInput(
                f"Promise #{promise.id} is broken and has no repair, which a broken promise "
                "of yours needs.",
                hint=f"Reopen it (coachlog promises reopen {promise.id}), make it yours, then "
                "break it again with --repair.",
            )
        promise.owner = owner
        changed.append("owner")
    if due_at is not None and due_at != promise.due_at:
        promise.due_history = [*promise.due_history, iso(promise.due_at)]
        promise.due_at = due_at
        changed.append("due")
    if not changed:
        raise InvalidInput(f"Promise #{promise.id} already reads so; nothing was changed.")
    promise.updated_at = now
    db.add(promise)
    db.flush()
    return changed


def reopen(
    db: Session, promise: Promise, *, now: datetime, tz: str, note: str | None = None
) -> Promise:
    """Make a kept, broken or released promise open again. closed_at is cleared; the note
    keeps a line saying how it had ended and when (and the repair, for a broken one), so
    the record of what happened survives the reopening."""
    from coachlog.dates import local

    if promise.status == "open":
        raise InvalidInput(
            f"Promise #{promise.id} is open already; only a kept, broken or released promise "
            "can be reopened."
        )
    assert promise.closed_at is not None
    line = reopen_line(
        promise.status,
        local(promise.closed_at, tz).date().isoformat(),
        promise.repair,
        on=local(now, tz).date().isoformat(),
    )
    promise.note = with_note(with_note(promise.note, line), blank_to_none(note))
    promise.status = "open"
    promise.closed_at = None
    promise.repair = None
    promise.updated_at = now
    db.add(promise)
    db.flush()
    return promise
