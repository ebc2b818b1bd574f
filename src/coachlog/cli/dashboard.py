"""`coachlog dashboard`: every active client at a glance."""

from __future__ import annotations

import typer

from coachlog.cli.common import JsonOpt, state


def dashboard(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Every active client at a glance: sessions, last session, next pit-stop, open and
    overdue promises (yours / theirs), your kept-on-time rate, the trust score and the
    trust pulse. Whoever needs attention first is on top.

    \b
    Example:
      coachlog dashboard
    """
    from coachlog.queries.overview import dashboard as rows_for
    from coachlog.render import print_json
    from coachlog.render.dashboard import dashboard as show

    st = state(ctx)
    rows = rows_for(st.reader(), now=st.now, tz=st.tz)
    if json:
        from coachlog.render.shapes import dashboard_row

        print_json([dashboard_row(r, st.now, st.tz) for r in rows])
    else:
        show(rows, now=st.now, tz=st.tz)
