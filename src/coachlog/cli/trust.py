"""`coachlog trust [CLIENT]`: the trust checklist (SPEC §5), one client's or every active
client's as a table."""

from __future__ import annotations

from typing import Annotated

import typer

from coachlog.cli.common import JsonOpt, complete_client, state


def trust(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Argument(
            help="Client id, exact name, or a unique prefix. Without it: every active client.",
            autocompletion=complete_client,
            metavar="CLIENT",
            show_default=False,
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """The trust checklist: eleven checks on your own records, each passed, failed or not
    yet applicable, with the evidence and what to do about a failure; then the questions
    records cannot answer. Without a client: every active client as a table.

    \b
    Examples:
      coachlog trust ana
      coachlog trust --json
    """
    from coachlog.queries.clients import find_client
    from coachlog.queries.overview import active_clients, evaluate, evaluate_many
    from coachlog.render import print_json
    from coachlog.render.trust import checklist, matrix

    st = state(ctx)
    db = st.reader()
    if client is None:
        reports = evaluate_many(db, active_clients(db), now=st.now, tz=st.tz)
    else:
        reports = [evaluate(db, find_client(db, client), now=st.now, tz=st.tz)]
    if json:
        from coachlog.render.shapes import trust_report

        shaped = [trust_report(r) for r in reports]
        print_json(shaped if client is None else shaped[0])
    elif client is None:
        matrix(reports)
    else:
        checklist(reports[0])
