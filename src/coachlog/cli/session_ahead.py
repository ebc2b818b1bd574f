"""coachlog session plan / session cancel: sessions ahead (SPEC §4a). Registered on the
`session` group by cli/sessions.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from coachlog.cli.common import (
    ClientArg,
    JsonOpt,
    SessionKindOpt,
    SessionMinutesOpt,
    complete_session,
    find_client,
    option_value,
    read_when,
    state,
)

if TYPE_CHECKING:
    from coachlog.cli.context import AppState


def read_plan_at(st: AppState, at: str) -> tuple[Any, str | None]:
    """--at of a planned session: a day and a time still ahead (a bare weekday is the next
    one); with the text typed when it was written in words, for the confirmation."""
    from coachlog.domain.ahead import plan_problem
    from coachlog.errors import UsageError

    read = read_when(st, at, what="--at")
    if read.date_only:
        raise UsageError(
            f"--at: {at.strip()!r} is a day without a time; a session is planned at a time.",
            hint=f"e.g. --at '{at.strip()} 15:00'",
        )
    problem = plan_problem(read.instant, now=st.now)
    if problem is not None:
        from coachlog.render.promises import when

        raise UsageError(
            f"--at: {at.strip()!r} reads as {when(read.instant, now=st.now, tz=st.tz)}, which "
            f"{problem}.",
            hint="Give a time ahead, e.g. --at 'tue 15:00'.",
        )
    typed = at.strip() if read.in_words and at.strip().lower() != "now" else None
    return read.instant, typed


def plan(
    ctx: typer.Context,
    client: ClientArg,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="When it is to be held, e.g. 'tue 15:00', 'tomorrow 9:00', 2026-12-01T15:00.",
            metavar="WHEN",
            show_default=False,
        ),
    ],
    minutes: SessionMinutesOpt = None,
    kind: SessionKindOpt = None,
    json: JsonOpt = False,
) -> None:
    """Plan a session ahead. After the call, 'coachlog session new CLIENT' records this
    very session (same id) when it is within 12 hours of the time planned.

    \b
    Examples:
      coachlog session plan ana --at "tue 15:00"
      coachlog session plan ana --at "2026-12-01 09:30" --minutes 45 --kind pitstop
    """
    from coachlog.render import print_json
    from coachlog.render.sessions import planned
    from coachlog.services import sessions, undo

    st = state(ctx)
    instant, typed = read_plan_at(st, at)
    values: dict[str, object] = {"held_at": instant}
    if kind is not None:
        values["kind"] = option_value("--kind", sessions.kind_of, kind)
    with st.store().write() as db, undo.step(db, "session plan", now=st.now) as step:
        found = find_client(db, client)
        if minutes is None:
            minutes = sessions.default_minutes(db, found, fallback=st.settings.value("minutes"))
        values["minutes"] = minutes
        s = sessions.plan_session(db, found, values=values, now=st.now, tz=st.tz)
        step.summary = f"planned session #{s.id} with {found.name}"
    if json:
        from coachlog.render.shapes import session_with_promises

        print_json(session_with_promises(s, found, []))
        return
    planned(s, found, now=st.now, tz=st.tz, at_typed=typed)


def cancel(
    ctx: typer.Context,
    session_id: Annotated[
        int,
        typer.Argument(
            help="The planned session's id (coachlog session list --planned).",
            metavar="ID",
            show_default=False,
            autocompletion=complete_session,
        ),
    ],
    note: Annotated[
        str | None,
        typer.Option("--note", help="Why, or what was agreed instead.", metavar="TEXT"),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Cancel a planned session. It stays in the store as cancelled (coachlog undo puts it
    back); it no longer shows as planned.

    \b
    Example:
      coachlog session cancel 9 --note "Ana is ill; we meet next week"
    """
    from coachlog.render import print_json
    from coachlog.render.sessions import cancelled
    from coachlog.services import sessions, undo

    st = state(ctx)
    with st.store().write() as db, undo.step(db, "session cancel", now=st.now) as step:
        s, found = sessions.get(db, session_id)
        sessions.cancel_session(db, s, note=note, now=st.now)
        step.summary = f"cancelled session #{s.id} with {found.name}"
    if json:
        from coachlog.render.shapes import session_with_promises

        print_json(session_with_promises(s, found, []))
        return
    cancelled(s, found, now=st.now, tz=st.tz)
