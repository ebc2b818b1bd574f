"""`coachlog prep CLIENT`: one screen before a session."""

from __future__ import annotations

import typer

from coachlog.cli.common import ClientArg, JsonOpt, state


def prep(ctx: typer.Context, client: ClientArg, json: JsonOpt = False) -> None:
    """One screen before a session: the agreement's goals and cadence, the last session,
    open promises both ways, any broken promise of yours not yet raised with the client,
    whether a pit-stop is due, and the trust pulse.

    \b
    Example:
      coachlog prep ana
    """
    from coachlog.queries.clients import find_client
    from coachlog.queries.overview import client_overview
    from coachlog.render import print_json, shapes
    from coachlog.render.prep import prep_screen

    st = state(ctx)
    db = st.reader()
    overview = client_overview(db, find_client(db, client), now=st.now, tz=st.tz)
    if json:
        print_json(shapes.prep(overview, now=st.now))
    else:
        prep_screen(overview, now=st.now, tz=st.tz)
