"""coachlog promises … (also `coachlog promise …`): the before-session command (due) and
the life of a promise: add, list, keep, break (with a repair), release, move."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coachlog.choices import PROMISE_STATUSES
from coachlog.cli.common import (
    ClientArg,
    ClientOpt,
    ForceOpt,
    JsonOpt,
    LimitOpt,
    NoPagerOpt,
    complete_choice,
    complete_open_promise,
    find_client,
    option_value,
    pager_on,
    read_when,
    state,
)

if TYPE_CHECKING:
    from datetime import timedelta

    from coachlog.cli.context import AppState
    from coachlog.export.files import Output
    from coachlog.services.promises import Item

promises_app = typer.Typer(
    help="Promises, yours and your clients': what is due, and keep, break, release, move, "
    "edit, reopen.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

IdArg = Annotated[
    int,
    typer.Argument(
        help="The promise's id.",
        metavar="ID",
        show_default=False,
        autocompletion=complete_open_promise,
    ),
]
Note = Annotated[
    str | None, typer.Option("--note", help="A note on what happened.", metavar="TEXT")
]


def _summary(verb: str, item: Item, what: str = "") -> str:
    """How the undo log words a change to one promise."""
    from coachlog.services.undo import short

    head = f"{verb} promise #{item.promise.id} ({item.client.name}{what})"
    return f"{head}: {short(item.promise.text)}"


def _print_item(st: AppState, item: Item, json: bool, typed: str | None = None) -> None:
    from coachlog.render import print_json
    from coachlog.render.promises import changed
    from coachlog.render.shapes import public_promise

    if json:
        print_json(public_promise(item))
    else:
        changed(item, now=st.now, tz=st.tz, typed=typed)


@promises_app.command("due")
def due(
    ctx: typer.Context,
    client: ClientOpt = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            "-w",
            help="How far ahead to look: 7d, 2w, 48h. Default: the `within` setting, else 7d.",
            metavar="SPAN",
        ),
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only your promises.")] = False,
    theirs: Annotated[bool, typer.Option("--theirs", help="Only your clients' ones.")] = False,
    ics: Annotated[
        str | None,
        typer.Option(
            "--ics",
            help="Also write them as an iCalendar file (0600); '-' prints it instead of the "
            "list; a folder (existing, or ending in /) gets one file per promise.",
            metavar="FILE",
        ),
    ] = None,
    alarm: Annotated[
        str | None,
        typer.Option(
            "--alarm",
            help="With --ics: a reminder this long before each due (1d, 2h).",
            metavar="SPAN",
        ),
    ] = None,
    force: ForceOpt = False,
    json: JsonOpt = False,
) -> None:
    """What is due before your next sessions: open promises due within the window, overdue
    first, grouped by client, yours first and marked. Your own overdue promises are the
    loudest thing on the screen.

    \b
    Examples:
      coachlog promises due
      coachlog promises due --client ana --within 14d
      coachlog promises due --mine --ics ~/due.ics
    """
    from coachlog.dates import parse_span
    from coachlog.errors import UsageError
    from coachlog.queries import promises
    from coachlog.queries.clients import find_client

    st = state(ctx)
    if mine and theirs:
        raise UsageError("Use either --mine or --theirs, not both.")
    window = option_value("--within", parse_span, st.settings.value("within", within))
    assert window is not None
    if ics is not None and json and str(ics) == "-":
        raise UsageError("--ics - and --json both print to standard output; choose one.")
    owner = "coach" if mine else "client" if theirs else None
    if alarm is not None and ics is None:
        raise UsageError("--alarm is for --ics.")
    from coachlog.cli.exchange import alarm_span, is_folder

    reminder = alarm_span(alarm)
    db = st.reader()
    target = None
    if ics is not None and not is_folder(ics):
        from coachlog.export.files import output

        target = output(ics, force=force, option="--ics", store=db.location.path)
    found = find_client(db, client).id if client is not None else None
    items = promises.due(db, now=st.now, within=window, owner=owner, client_id=found)
    if ics is not None:
        _write_ics(st, target, ics, items, alarm=reminder, force=force, quiet=json)
    if json:
        from coachlog.render import print_json
        from coachlog.render.shapes import public_promise

        print_json([public_promise(i, overdue=i.overdue) for i in items])
    elif ics is None:
        from coachlog.render.promises import due_screen
        from coachlog.words import window as window_words

        words = window_words(window.total_seconds())
        due_screen(items, now=st.now, tz=st.tz, window=words, owner=owner)


def _write_ics(
    st: AppState,
    target: Output | None,
    folder: str,
    items: list[Item],
    *,
    alarm: timedelta | None,
    force: bool,
    quiet: bool,
) -> None:
    """The due promises as iCalendar (export/ics.py): to `target`, or, when it is None,
    one file per promise into the folder `folder`."""
    from coachlog.cli.output import write_output
    from coachlog.export import ics
    from coachlog.render.messages import success
    from coachlog.words import count

    pairs = [(i.promise, i.client) for i in items]
    if target is None:
        from coachlog.cli.exchange import write_folder
        from coachlog.export.base import Export

        files = ics.files(pairs, tz=st.tz, alarm=alarm)
        result = Export(
            "", None, list(files), lambda: count(len(items), "promise"), keep=ics.changed_elsewhere
        )
        write_folder(st, folder, result, force=force, quiet=quiet)
        return
    written = write_output(target, ics.calendar(pairs, tz=st.tz, alarm=alarm))
    if written is not None and not quiet:
        success(f"Wrote {count(len(items), 'promise')} to ", str(written))


@promises_app.command("add")
def add(
    ctx: typer.Context,
    client: ClientArg,
    promise: Annotated[
        str,
        typer.Argument(
            help='What and by when: "TEXT @ WHEN".', metavar='"TEXT @ WHEN"', show_default=False
        ),
    ],
    theirs: Annotated[
        bool, typer.Option("--theirs", help="The client's commitment, not your promise.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Record a promise made outside a session (yours unless --theirs).

    \b
    Examples:
      coachlog promises add ana "Send the article on delegation @ fri 18:00"
      coachlog promises add ana "Draft the talk with Rui @ +7d" --theirs
    """
    from coachlog.services import undo
    from coachlog.services.promises import Item, add_promise, parse_spec

    st = state(ctx)
    owner = "client" if theirs else "coach"
    spec = option_value(
        None, lambda text: parse_spec(text, owner=owner, now=st.now, tz=st.tz), promise
    )
    assert spec is not None
    with st.store().write() as db, undo.step(db, "promises add", now=st.now) as step:
        found = find_client(db, client)
        made = add_promise(db, found, spec, now=st.now)
        item = Item(made, found, None)
        step.summary = _summary("added", item)
    _print_item(st, item, json, spec.when_text if spec.in_words else None)
    _warn_past_due(st, item)


def _warn_past_due(st: AppState, item: Item) -> None:
    """A due date already past is taken (a promise noted late is still a promise), and
    said, on stderr, so a typo in the date does not pass unseen."""
    from coachlog.domain.promises import is_overdue

    if is_overdue(item.promise, st.now):
        from coachlog.dates import describe_due
        from coachlog.render.messages import warn

        words = describe_due(item.promise.due_at, now=st.now, tz=st.tz)
        warn(f"#{item.promise.id}'s due date is already past ({words}).")


@promises_app.command("list")
def list_(
    ctx: typer.Context,
    client: ClientOpt = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            help="open, kept, broken or released.",
            metavar="STATUS",
            autocompletion=complete_choice(PROMISE_STATUSES),
        ),
    ] = None,
    limit: LimitOpt = None,
    no_pager: NoPagerOpt = False,
    json: JsonOpt = False,
) -> None:
    """Every promise with its outcome and the history of its due dates (--limit N: the
    latest N). A long list goes through your pager on a terminal.

    \b
    Examples:
      coachlog promises list --client ana
      coachlog promises list --limit 20
      coachlog promises list --status broken --json
    """
    from coachlog.domain.limits import check_status
    from coachlog.queries.clients import find_client as find
    from coachlog.queries.promises import list_promises
    from coachlog.render import paged, print_json
    from coachlog.render.messages import not_shown
    from coachlog.render.promises import promise_list
    from coachlog.render.shapes import public_promise

    st = state(ctx)
    wanted = option_value("--status", check_status, status)
    db = st.reader()
    found = find(db, client).id if client is not None else None
    items, before = list_promises(db, client_id=found, status=wanted, limit=limit)
    if json:
        print_json([public_promise(i) for i in items])
        return
    with paged(pager_on(st, no_pager)):
        promise_list(items, now=st.now, tz=st.tz)
        not_shown(before, "promise")


@promises_app.command("keep")
def keep(
    ctx: typer.Context,
    promise_id: IdArg,
    note: Note = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When it was kept (default now).", metavar="WHEN"),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Mark a promise kept. Kept after its due time is recorded as kept late.

    \b
    Example:
      coachlog promises keep 12 --note "Sent with two extra readings"
    """
    from coachlog.services import promises, undo

    st = state(ctx)
    read = read_when(st, at, what="--at", toward="past") if at else None
    with st.store().write() as db, undo.step(db, "promises keep", now=st.now) as step:
        item = promises.get(db, promise_id)
        promises.keep(
            db, item.promise, now=st.now, at=read.instant if read else None, note=note, tz=st.tz
        )
        step.summary = _summary("kept", item)
    typed = (
        at.strip()
        if at is not None and read is not None and read.in_words and at.strip().lower() != "now"
        else None
    )
    _print_item(st, item, json, typed)


@promises_app.command("break")
def break_(
    ctx: typer.Context,
    promise_id: IdArg,
    repair: Annotated[
        str | None,
        typer.Option(
            "--repair",
            help="What you did or will do to make it right (needed for your own promise).",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    note: Note = None,
    json: JsonOpt = False,
) -> None:
    """Mark a promise broken. Your own promise needs the repair: what you did or will do to
    make it right; it is worth naming with the client at the next session. A client's
    commitment breaks without one.

    \b
    Examples:
      coachlog promises break 12 --repair "Apologised; sending it Monday 9:00"
      coachlog promises break 14 --note "Ana decided not to have the talk"
    """
    from coachlog.errors import UsageError
    from coachlog.services import promises, undo

    st = state(ctx)
    with st.store().write() as db, undo.step(db, "promises break", now=st.now) as step:
        item = promises.get(db, promise_id)
        if repair is None and promises.needs_repair(item.promise.owner):
            raise UsageError(
                f"Promise #{promise_id} is yours: breaking it needs --repair, what you did or "
                "will do to make it right. Nothing was changed.",
                hint=f'coachlog promises break {promise_id} --repair "Apologised; sending it '
                'Monday 9:00"',
            )
        promises.break_(db, item.promise, repair=repair, now=st.now, note=note)
        step.summary = _summary("broke", item)
    _print_item(st, item, json)


@promises_app.command("release")
def release(
    ctx: typer.Context, promise_id: IdArg, note: Note = None, json: JsonOpt = False
) -> None:
    """Release a promise: ended by agreement with the client, neither kept nor broken.

    \b
    Example:
      coachlog promises release 13 --note "Ana chose another route"
    """
    from coachlog.services import promises, undo

    st = state(ctx)
    with st.store().write() as db, undo.step(db, "promises release", now=st.now) as step:
        item = promises.get(db, promise_id)
        promises.release(db, item.promise, now=st.now, note=note)
        step.summary = _summary("released", item)
    _print_item(st, item, json)


@promises_app.command("move")
def move(
    ctx: typer.Context,
    promise_id: IdArg,
    due: Annotated[
        str,
        typer.Option(
            "--due",
            help="The new due date; a day alone means its end.",
            metavar="WHEN",
            show_default=False,
        ),
    ],
    note: Note = None,
    json: JsonOpt = False,
) -> None:
    """Move a promise to a renegotiated date. The earlier due dates are kept.

    \b
    Example:
      coachlog promises move 12 --due "next week" --note "Ana asked for more time"
    """
    from coachlog.services import promises, undo

    st = state(ctx)
    read = read_when(st, due, mode="end", what="--due")
    with st.store().write() as db, undo.step(db, "promises move", now=st.now) as step:
        item = promises.get(db, promise_id)
        promises.move(db, item.promise, due_at=read.instant, now=st.now, note=note)
        step.summary = _summary("moved", item)
    _print_item(st, item, json, due.strip() if read.in_words else None)
    _warn_past_due(st, item)


@promises_app.command("edit")
def edit(
    ctx: typer.Context,
    promise_id: IdArg,
    text: Annotated[
        str | None, typer.Option("--text", help="The promise's new words.", metavar="TEXT")
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="It is your promise.")] = False,
    theirs: Annotated[
        bool, typer.Option("--theirs", help="It is the client's commitment.")
    ] = False,
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            help="A new due date (the earlier one is kept in its history).",
            metavar="WHEN",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Correct a promise, open or closed: its words, whose it is, or its due date. A new
    due date is kept in the promise's history, as with move. 'coachlog undo' takes the
    change back.

    \b
    Examples:
      coachlog promises edit 12 --text "Send the article on delegation"
      coachlog promises edit 12 --theirs
      coachlog promises edit 12 --due "fri 18:00"
    """
    from coachlog.errors import UsageError
    from coachlog.services import promises, undo

    st = state(ctx)
    if mine and theirs:
        raise UsageError("Use either --mine or --theirs, not both.")
    if text is None and not mine and not theirs and due is None:
        raise UsageError(
            "Nothing to change.", hint="Give --text TEXT, --mine or --theirs, or --due WHEN."
        )
    read = read_when(st, due, mode="end", what="--due") if due is not None else None
    owner = "coach" if mine else "client" if theirs else None
    with st.store().write() as db, undo.step(db, "promises edit", now=st.now) as step:
        item = promises.get(db, promise_id)
        changed = promises.edit(
            db,
            item.promise,
            now=st.now,
            text=text,
            owner=owner,
            due_at=read.instant if read else None,
        )
        step.summary = _summary("edited", item, f"; {', '.join(changed)}")
    typed = due.strip() if due is not None and read is not None and read.in_words else None
    _print_item(st, item, json, typed)
    if read is not None:
        _warn_past_due(st, item)


@promises_app.command("reopen")
def reopen(ctx: typer.Context, promise_id: IdArg, note: Note = None, json: JsonOpt = False) -> None:
    """Make a kept, broken or released promise open again (a mistaken keep, say). Its
    closing time is cleared; its note keeps a line saying how it had ended and when (and
    the repair, for a broken one).

    \b
    Example:
      coachlog promises reopen 12 --note "Marked kept by mistake"
    """
    from coachlog.services import promises, undo

    st = state(ctx)
    with st.store().write() as db, undo.step(db, "promises reopen", now=st.now) as step:
        item = promises.get(db, promise_id)
        promises.reopen(db, item.promise, now=st.now, tz=st.tz, note=note)
        step.summary = _summary("reopened", item)
    _print_item(st, item, json)


def register(app: typer.Typer) -> None:
    app.add_typer(promises_app, name="promises")
    # `coachlog promise …` is the same group (SPEC §3); hidden so help and docs list it once.
    app.add_typer(promises_app, name="promise", hidden=True)
