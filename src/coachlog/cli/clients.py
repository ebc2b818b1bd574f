"""coachlog client …: add, list, show, edit, close, reopen, and forget (cli/forget.py)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from coachlog.choices import CLIENT_STATUSES
from coachlog.cli.common import (
    ClientArg,
    JsonOpt,
    LimitOpt,
    NoPagerOpt,
    complete_choice,
    find_client,
    note_read_as,
    option_value,
    pager_on,
    read_date,
    state,
)
from coachlog.cli.forget import forget

client_app = typer.Typer(
    help="Your clients: add, list, show, edit, close, reopen, forget.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Email = Annotated[str | None, typer.Option("--email", help="Email address.")]
Phone = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
Pronouns = Annotated[str | None, typer.Option("--pronouns", help="e.g. she/her, they/them.")]
Timezone = Annotated[
    str | None, typer.Option("--timezone", help="The client's IANA time zone, e.g. Asia/Kolkata.")
]
Channel = Annotated[
    str | None,
    typer.Option("--preferred-channel", "--channel", help="How they like to be reached."),
]
Style = Annotated[
    str | None,
    typer.Option(
        "--communication-style", "--style", help="How they communicate; what helps them open up."
    ),
]
Context = Annotated[
    str | None,
    typer.Option(
        "--context", help="What matters to them: culture, language, identity, work setting."
    ),
]
Sponsor = Annotated[str | None, typer.Option("--sponsor", help="Organization paying, if any.")]
Status = Annotated[
    str | None,
    typer.Option(
        "--status",
        help="prospect, active, paused or closed.",
        autocompletion=complete_choice(CLIENT_STATUSES),
    ),
]
Started = Annotated[
    str | None, typer.Option("--started-on", "--started", help="When the coaching began.")
]
Ended = Annotated[str | None, typer.Option("--ended-on", "--ended", help="When it ended.")]
EverySessions = Annotated[
    int | None,
    typer.Option(
        "--pitstop-every-sessions",
        help="Pit-stop due after this many regular sessions (default 6).",
        min=1,
    ),
]
Payment = Annotated[
    str | None,
    typer.Option(
        "--payment",
        help="paid (the default) or pro-bono: the hours column of the ICF log.",
        metavar="paid|pro-bono",
    ),
]
Consent = Annotated[
    str | None,
    typer.Option(
        "--icf-consent",
        help="yes or no: whether they agreed to be listed on your ICF coaching log "
        '("" when not asked yet).',
        metavar="yes|no",
    ),
]
ConsentNote = Annotated[
    str | None,
    typer.Option(
        "--icf-consent-note",
        help="How and when consent was given, e.g. 'verbal, first session'.",
        metavar="TEXT",
    ),
]
EveryWeeks = Annotated[
    int | None,
    typer.Option(
        "--pitstop-every-weeks", help="Pit-stop due after this many weeks (default 8).", min=1
    ),
]


# Options whose name differs from the field they set.
FIELD_OF = {
    "channel": "preferred_channel",
    "style": "communication_style",
    "started": "started_on",
    "ended": "ended_on",
}


def _values(st: Any, **options: Any) -> dict[str, Any]:
    """The fields the given options set (None: not given). A date given as "" clears it."""
    from coachlog.services.clients import validate_timezone
    from coachlog.services.common import choice

    values = {FIELD_OF.get(k, k): v for k, v in options.items() if v is not None}
    # Bad option values are usage errors (exit 2), as Click makes them.
    option_value("--status", lambda v: choice(v, CLIENT_STATUSES, "status"), values.get("status"))
    option_value("--timezone", validate_timezone, values.get("timezone") or None)
    for key in ("started_on", "ended_on"):
        if values.get(key):
            flag = "--" + key.removesuffix("_on")
            typed = values[key]
            values[key] = read_date(st, typed, what=flag)
            note_read_as(st, flag, typed, values[key])
        elif key in values:
            values[key] = None
    return values


@client_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="The client's full name (must be unique).", metavar="NAME")
    ],
    email: Email = None,
    phone: Phone = None,
    pronouns: Pronouns = None,
    timezone: Timezone = None,
    channel: Channel = None,
    style: Style = None,
    context: Context = None,
    sponsor: Sponsor = None,
    status: Status = None,
    started: Started = None,
    pitstop_every_sessions: EverySessions = None,
    pitstop_every_weeks: EveryWeeks = None,
    payment: Payment = None,
    icf_consent: Consent = None,
    icf_consent_note: ConsentNote = None,
    json: JsonOpt = False,
) -> None:
    """Add a client.

    \b
    Example:
      coachlog client add "Ana Lima" --pronouns she/her --timezone Europe/Lisbon \\
          --style "thinks aloud; prefers written follow-ups" --sponsor "Acme Ltd"
      coachlog client add "Rui Costa" --payment pro-bono --icf-consent yes \\
          --icf-consent-note "verbal, first session"
    """
    from coachlog.render import print_json
    from coachlog.render.messages import success
    from coachlog.render.shapes import public_client
    from coachlog.services import undo
    from coachlog.services.clients import add_client

    st = state(ctx)
    values = _values(
        st,
        name=name,
        email=email,
        phone=phone,
        pronouns=pronouns,
        timezone=timezone,
        channel=channel,
        style=style,
        context=context,
        sponsor=sponsor,
        status=status,
        started=started,
        pitstop_every_sessions=pitstop_every_sessions,
        pitstop_every_weeks=pitstop_every_weeks,
        payment=payment,
        icf_consent=icf_consent,
        icf_consent_note=icf_consent_note,
    )
    with st.store().write() as db, undo.step(db, "client add", now=st.now) as step:
        client = add_client(db, values=values, now=st.now)
        step.summary = f"added client {client.name}"
    if json:
        print_json(public_client(client))
        return
    success("Added ", (client.name, "name"), (f" (client {client.id})", "id"))


@client_app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Include prospects and closed.")
    ] = False,
    limit: LimitOpt = None,
    no_pager: NoPagerOpt = False,
    json: JsonOpt = False,
) -> None:
    """List clients (active and paused; --all for everyone). Below the list it says how
    many prospects and closed clients it left out. --limit N shows the first N by name.

    \b
    Example:
      coachlog client list --all --json
    """
    from coachlog.queries.clients import left_out, list_clients
    from coachlog.render import print_json
    from coachlog.render.clients import client_list
    from coachlog.render.shapes import public_client

    st = state(ctx)
    db = st.reader()
    shown, total = list_clients(db, include_all=all_, limit=limit)
    hidden = {} if all_ or json else left_out(db)
    if json:
        print_json([public_client(c) for c in shown])
        return
    from coachlog.render import paged
    from coachlog.render.messages import say

    with paged(pager_on(st, no_pager)):
        client_list(shown, include_all=all_, left_out=hidden)
        if len(shown) < total:
            say((f"… and {total - len(shown)} more, not shown (--limit).", "muted"))


@client_app.command("show")
def show(ctx: typer.Context, client: ClientArg, json: JsonOpt = False) -> None:
    """The client's page: details, agreement, trust score and pulse, recent sessions, and
    open promises both ways. --json gives the client record plus a few figures (sessions,
    last_session_at, agreement_version, open_promises, trust_score, pitstop_due).

    \b
    Example:
      coachlog client show ana
    """
    from coachlog.queries.clients import find_client as find
    from coachlog.queries.overview import client_overview
    from coachlog.render import print_json, shapes
    from coachlog.render.clients import client_page

    st = state(ctx)
    db = st.reader()
    overview = client_overview(db, find(db, client), now=st.now, tz=st.tz)
    if json:
        print_json(shapes.client_page(overview))
    else:
        client_page(overview, now=st.now, tz=st.tz)


@client_app.command("edit")
def edit(
    ctx: typer.Context,
    client: ClientArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    email: Email = None,
    phone: Phone = None,
    pronouns: Pronouns = None,
    timezone: Timezone = None,
    channel: Channel = None,
    style: Style = None,
    context: Context = None,
    sponsor: Sponsor = None,
    status: Status = None,
    started: Started = None,
    ended: Ended = None,
    pitstop_every_sessions: EverySessions = None,
    pitstop_every_weeks: EveryWeeks = None,
    payment: Payment = None,
    icf_consent: Consent = None,
    icf_consent_note: ConsentNote = None,
    json: JsonOpt = False,
) -> None:
    """Change a client's details. An empty value ("") clears a field.

    \b
    Example:
      coachlog client edit ana --context "Moved to Porto; Portuguese at home" --email ""
    """
    from coachlog.errors import UsageError
    from coachlog.render import print_json
    from coachlog.render.messages import success
    from coachlog.render.shapes import public_client
    from coachlog.services import undo
    from coachlog.services.clients import edit_client

    st = state(ctx)
    values = _values(
        st,
        name=name,
        email=email,
        phone=phone,
        pronouns=pronouns,
        timezone=timezone,
        channel=channel,
        style=style,
        context=context,
        sponsor=sponsor,
        status=status,
        started=started,
        ended=ended,
        pitstop_every_sessions=pitstop_every_sessions,
        pitstop_every_weeks=pitstop_every_weeks,
        payment=payment,
        icf_consent=icf_consent,
        icf_consent_note=icf_consent_note,
    )
    if not values:
        raise UsageError(
            "Nothing to change.", hint="Give at least one field, e.g. --email ana@example.com."
        )
    changed = ", ".join(k.replace("_", " ") for k in values)
    with st.store().write() as db, undo.step(db, "client edit", now=st.now) as step:
        found = find_client(db, client)
        before = found.name
        edit_client(db, found, values=values, now=st.now)
        step.summary = f"edited client {before}: {changed}"
    if json:
        print_json(public_client(found))
        return
    success("Updated ", (found.name, "name"), f": {changed}")


RELEASE_NOTE = "Released when the coaching closed."


def _should_release(st: Any, client: str, release: bool | None, json: bool) -> bool:
    """Whether to release the client's open promises: the flag says, else a terminal asks
    (never with --json, never without a terminal: then they stay open, and the
    confirmation says how to release them)."""
    from coachlog.cli.context import interactive
    from coachlog.services.clients import open_promises

    if release is not None:
        return release
    with st.store().read() as db:
        found = find_client(db, client)
        counts = open_promises(db, found)
    if not sum(counts.values()):
        return False
    if json or not interactive():
        return False
    from coachlog.cli.ask import confirm
    from coachlog.render.clients import open_promises_words

    return confirm(
        f"{found.name} has {open_promises_words(counts)}. Release them (ended by agreement)?"
    )


@client_app.command("close")
def close(
    ctx: typer.Context,
    client: ClientArg,
    release: Annotated[
        bool | None,
        typer.Option(
            "--release-promises/--keep-promises",
            help="Release the client's open promises, both ways, or keep them open. Without "
            "either, you are asked on a terminal; elsewhere they stay open.",
            show_default=False,
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Close a client when the coaching ends. Their records stay. Their open promises can
    be released at the same time (ended by agreement, neither kept nor broken).

    \b
    Examples:
      coachlog client close ana
      coachlog client close ana --release-promises
    """
    from coachlog.render import print_json
    from coachlog.render.clients import closed
    from coachlog.render.shapes import public_closed_client
    from coachlog.services import undo
    from coachlog.services.clients import open_promises, release_open_promises, set_status

    st = state(ctx)
    releasing = _should_release(st, client, release, json)
    with st.store().write() as db, undo.step(db, "client close", now=st.now) as step:
        found = find_client(db, client)
        set_status(db, found, "closed", today=st.today, now=st.now)
        released = (
            release_open_promises(db, found, now=st.now, note=RELEASE_NOTE) if releasing else []
        )
        left = {} if releasing else open_promises(db, found)
        step.summary = f"closed client {found.name}" + (
            f", released {len(released)} open promise{'s' if len(released) != 1 else ''}"
            if released
            else ""
        )
    if json:
        print_json(public_closed_client(found, released))
        return
    closed(found, released=len(released), still_open=left)


@client_app.command("reopen")
def reopen(ctx: typer.Context, client: ClientArg, json: JsonOpt = False) -> None:
    """Make a closed or paused client active again.

    \b
    Example:
      coachlog client reopen ana
    """
    from coachlog.render import print_json
    from coachlog.render.messages import success
    from coachlog.render.shapes import public_client
    from coachlog.services import undo
    from coachlog.services.clients import set_status

    st = state(ctx)
    with st.store().write() as db, undo.step(db, "client reopen", now=st.now) as step:
        found = find_client(db, client)
        set_status(db, found, "active", today=st.today, now=st.now)
        step.summary = f"reopened client {found.name}"
    if json:
        print_json(public_client(found))
        return
    success("Reopened ", (found.name, "name"), " (status active)")


client_app.command("forget")(forget)


def register(app: typer.Typer) -> None:
    app.add_typer(client_app, name="client")
