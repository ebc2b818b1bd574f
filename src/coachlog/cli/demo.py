"""`coachlog demo`: fill an empty store with a sample practice (coachlog/demo/)."""

from __future__ import annotations

from typing import Annotated

import typer

from coachlog.cli.common import JsonOpt, state


def demo(
    ctx: typer.Context,
    clients: Annotated[
        int,
        typer.Option("--clients", help="Active clients in the practice.", min=1, max=200),
    ] = 8,
    years: Annotated[
        int, typer.Option("--years", help="Years of history to invent.", min=1, max=30)
    ] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Another seed, another practice.", min=0)] = 1,
    json: JsonOpt = False,
) -> None:
    """Fill an empty store with a realistic sample practice, so every screen has something
    to show: clients from many places, agreements with and without gaps, sessions with
    notes and reflections, pit-stops, and promises kept, late, broken, released and moved.
    The same seed on the same day gives the same practice. It refuses a store that already
    has clients: use a separate one (--db demo.db). It cannot be undone: 'coachlog undo'
    stops at it.

    \b
    Example:
      coachlog --db demo.db demo --clients 12 --years 3
    """
    from coachlog.demo.practice import build
    from coachlog.render import print_json
    from coachlog.render.dashboard import demo_summary
    from coachlog.services import undo

    st = state(ctx)
    with st.store().write() as db:
        summary = build(db, clients=clients, years=years, seed=seed, now=st.now, tz=st.tz)
        undo.barrier(db, "demo", f"a sample practice of {summary.clients} clients", now=st.now)
    if json:
        print_json(
            {
                "clients": summary.clients,
                "active": summary.active,
                "sessions": summary.sessions,
                "pitstops": summary.pitstops,
                "promises": summary.promises,
                "agreements": summary.agreements,
            }
        )
        return
    import shlex

    prefix = f"coachlog --db {shlex.quote(st.db)}" if st.db else "coachlog"
    demo_summary(summary, prefix=prefix)
