"""Every --json shape, built in one place (SPEC §3): the records in the interchange
format's field names (records.py) with `id` and, for a record tied to a client, `client`
(the name); and the shapes of the screens that are not records (dashboard, trust, prep,
client show, agreement check). Records read by the query layer and the ORM's alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.records import (
    agreement_record,
    client_record,
    learning_record,
    promise_record,
    session_record,
    value,
)

if TYPE_CHECKING:
    from coachlog.domain.agreements import ElementCheck
    from coachlog.domain.promises import Item
    from coachlog.domain.trust import Check, TrustReport
    from coachlog.kinds import Agreement, Client, CoachingSession, Learning, Promise
    from coachlog.queries.overview import ClientOverview, DashboardRow
    from coachlog.queries.rows import UndoStepRow


def public(
    record: dict[str, Any], *, id: int | None, client: Client | None = None
) -> dict[str, Any]:
    """A record for --json: `id` first, then `client` (the name) when tied to a client."""
    out: dict[str, Any] = {"id": id}
    if client is not None:
        out["client"] = client.name
    out.update(record)
    return out


def public_client(c: Client) -> dict[str, Any]:
    return public(client_record(c), id=c.id)


def public_closed_client(c: Client, released: Sequence[Promise]) -> dict[str, Any]:
    """`client close --json`: the client, and the ids of the promises released with it."""
    out = public_client(c)
    out["released_promises"] = [p.id for p in released]
    return out


def public_learning(entry: Learning) -> dict[str, Any]:
    return public(learning_record(entry), id=entry.id)


def public_agreement(a: Agreement, client: Client) -> dict[str, Any]:
    return public(agreement_record(a, client), id=a.id, client=client)


def public_promise(item: Item, *, overdue: bool | None = None) -> dict[str, Any]:
    """The --json shape of a promise: id, client, the interchange fields (and `overdue`)."""
    out = public(
        promise_record(item.promise, item.client, item.session_uid),
        id=item.promise.id,
        client=item.client,
    )
    if overdue is not None:
        out["overdue"] = overdue
    return out


def public_session(s: CoachingSession, client: Client) -> dict[str, Any]:
    return public(session_record(s, client), id=s.id, client=client)


def session_with_promises(s: CoachingSession, client: Client, items: list[Item]) -> dict[str, Any]:
    """`session show --json` (and new, edit): the session and the promises made in it (as
    `promises list` shows them)."""
    out = public_session(s, client)
    out["promises"] = [public_promise(i) for i in items]
    return out


def public_step(step: UndoStepRow) -> dict[str, Any]:
    """A step of the undo log (`undo --list --json`): id, when, command, summary, whether
    it can be undone, and the rows it changed as {table, id, action}."""
    return {
        "id": step.id,
        "at": value(step.at),
        "command": step.command,
        "summary": step.summary,
        "undoable": step.undoable,
        "changes": [
            {"table": c["table"], "id": c["id"], "action": c["action"]} for c in step.changes
        ],
    }


def public_undone(
    step: UndoStepRow, restored: list[Any], next_step: UndoStepRow | None
) -> dict[str, Any]:
    """What `undo --json` prints: the step undone, what became of each row ('removed',
    'restored', 'recreated'), and the step a further undo would take (or null)."""
    return {
        "undone": public_step(step),
        "rows": [{"table": r.table, "id": r.id, "result": r.what} for r in restored],
        "next": public_step(next_step) if next_step is not None else None,
    }


# ---- the screens that are not records ---------------------------------------------------


def dashboard_row(row: DashboardRow, now: datetime, tz: str) -> dict[str, Any]:
    """One client of `dashboard --json` (SPEC §3)."""
    from coachlog.dates import wall_clock

    f = row.facts
    rate = f.coach.rate
    return {
        "id": row.client.id,
        "client": row.client.name,
        "sessions": f.sessions,
        "last_session_at": value(f.last_session_at),
        "open_promises": f.coach.open + f.client.open,
        "open_coach_promises": f.coach.open,
        "open_client_promises": f.client.open,
        "overdue_coach_promises": len(f.coach.overdue),
        "overdue_client_promises": len(f.client.overdue),
        "broken_not_raised": len(f.coach.not_raised),
        "kept_on_time_rate": None if rate is None else round(rate, 3),
        "trust_score": row.report.score,
        "pitstop_due": bool(f.pitstop and f.pitstop.due),
        "next_pitstop_on": (
            wall_clock(row.next_pitstop, tz).date().isoformat() if row.next_pitstop else None
        ),
        "trust_pulses": list(f.pulses),
        "next_session_at": value(row.next_session_at),
        "cadence_ran_out": row.cadence_out(now),
        "attention": row.reasons(now),
    }


def check(c: Check) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "status": c.status,
        "evidence": c.evidence,
        "advice": c.advice,
    }


def trust_report(report: TrustReport) -> dict[str, Any]:
    """`trust --json`: the client, the score, each check."""
    return {
        "client": report.client.name,
        "score": report.score,
        "checks": [check(c) for c in report.checks],
    }


def prep(o: ClientOverview, *, now: datetime) -> dict[str, Any]:
    """`prep --json`."""
    from coachlog.render.widgets import notes_start

    a, s, f = o.agreement, o.last_session, o.facts
    return {
        "id": o.client.id,
        "client": o.client.name,
        "agreement": None
        if a is None
        else {
            "version": a.version,
            "status": a.status,
            "goals": a.goals,
            "cadence_days": a.cadence_days,
            "review_on": value(a.review_on),
        },
        "last_session": None
        if s is None
        else {
            "id": s.id,
            "held_at": value(s.held_at),
            "kind": s.kind,
            "themes": list(s.themes or []),
            "notes_start": notes_start(s.notes),
        },
        "open_promises": [
            {
                "id": p.id,
                "owner": p.owner,
                "text": p.text,
                "due_at": value(p.due_at),
                "overdue": p.due_at < now,
            }
            for p in o.open_promises
        ],
        "broken_not_raised": [
            {"id": p.id, "text": p.text, "closed_at": value(p.closed_at), "repair": p.repair}
            for p in o.not_raised
        ],
        "next_session": None
        if o.next_session is None
        else {
            "id": o.next_session.id,
            "held_at": value(o.next_session.held_at),
            "minutes": o.next_session.minutes,
            "kind": o.next_session.kind,
        },
        "pitstop_due": bool(f.pitstop and f.pitstop.due),
        "trust_pulses": list(f.pulses),
        "trust_score": o.report.score,
    }


def client_page(o: ClientOverview) -> dict[str, Any]:
    """`client show --json`: the client record plus a few figures."""
    f = o.facts
    record = public_client(o.client)
    record.update(
        {
            "sessions": f.sessions,
            "last_session_at": value(f.last_session_at),
            "agreement_version": o.agreement.version if o.agreement else None,
            "open_promises": len(o.open_promises),
            "trust_score": o.report.score,
            "pitstop_due": bool(f.pitstop and f.pitstop.due),
        }
    )
    return record


def agreement_check(
    client: Client, agreement: Agreement | None, checks: Sequence[ElementCheck]
) -> dict[str, Any]:
    """`agreement check --json`: each designed-alliance element with its status."""
    return {
        "client": client.name,
        "version": agreement.version if agreement else None,
        "complete": all(c.status == "ok" for c in checks),
        "elements": [
            {"field": c.field, "label": c.label, "status": c.status, "detail": c.detail}
            for c in checks
        ],
    }
