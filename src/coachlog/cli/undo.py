"""coachlog undo: take back the last change a command made (SPEC §3b)."""

from __future__ import annotations

from typing import Annotated

import typer

from coachlog.cli.common import JsonOpt, state


def undo(
    ctx: typer.Context,
    list_: Annotated[
        bool, typer.Option("--list", "-l", help="Show the last steps instead of undoing.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", help="How many steps --list shows.", metavar="N", min=1),
    ] = 20,
    json: JsonOpt = False,
) -> None:
    """Undo the last change: one command, one step (a session with its promises, a keep,
    a move, an edit, an agreement version, a client added or closed…). It prints what it
    put back; run it again to step further back. import, demo and client forget cannot be
    undone: undo stops at them. The last 100 steps are kept, in the store (encrypted with
    it); client forget erases that client's steps.

    \b
    Examples:
      coachlog undo
      coachlog undo --list
    """
    from coachlog.render import print_json
    from coachlog.render.shapes import public_step, public_undone

    st = state(ctx)
    if list_:
        from coachlog.queries.undo import steps as latest

        steps = latest(st.reader(), limit=limit)  # a read: the query layer (SPEC §10)
        if json:
            print_json([public_step(s) for s in steps])
        else:
            from coachlog.render.undo import step_list

            step_list(steps, now=st.now, tz=st.tz)
        return
    from coachlog.services import undo as log

    with st.store().write() as db:
        result = log.undo_last(db)
        rows = log.rows_of(db, result.restored)
    if json:
        print_json(public_undone(result.step, result.restored, result.next_step))
        return
    from coachlog.render.undo import undone

    undone(result, rows, now=st.now, tz=st.tz)


def register(app: typer.Typer) -> None:
    app.command("undo")(undo)
