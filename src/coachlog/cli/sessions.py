"""coachlog session …: the after-call command (new) and list, show, edit, delete.

`session new` has three ways in (SPEC §3): flags only (never a question), questions on a
terminal for whatever is missing, or --edit on a Markdown template. Without a terminal and
without the client it fails at once naming CLIENT: it never waits for input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from coachlog.choices import TRUST_PULSE
from coachlog.cli.common import (
    ClientOpt,
    JsonOpt,
    LimitOpt,
    NoPagerOpt,
    SessionKindOpt,
    SessionMinutesOpt,
    complete_client,
    complete_session,
    find_client,
    note_read_as,
    option_value,
    pager_on,
    read_when,
    state,
)

if TYPE_CHECKING:
    from coachlog.kinds import Client, CoachingSession
    from coachlog.services.promises import Item

session_app = typer.Typer(
    help="Sessions: record a call and the promises made in it; list, show, edit, delete; "
    "plan ahead, cancel.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

At = Annotated[
    str | None,
    typer.Option(
        "--at", help="When it was held (default now), e.g. 'today 15:00', -2h.", metavar="WHEN"
    ),
]
Minutes = SessionMinutesOpt
Kind = SessionKindOpt
Notes = Annotated[
    str | None,
    typer.Option(
        "--notes", help="The notes (Markdown); '-' reads them from stdin.", metavar="TEXT|-"
    ),
]
Edit = Annotated[
    bool,
    typer.Option("--edit", "-e", help="Write it in $VISUAL/$EDITOR from a Markdown template."),
]
Themes = Annotated[
    list[str] | None,
    typer.Option("--theme", "-t", help="A short tag; repeat for several.", metavar="TAG"),
]
Trust = Annotated[
    int | None,
    typer.Option(
        "--trust",
        help="Trust pulse 1-5: how open and safe it felt.",
        metavar="1-5",
        min=TRUST_PULSE[0],
        max=TRUST_PULSE[1],
    ),
]
Reflection = Annotated[
    str | None,
    typer.Option("--reflection", help="Your own learning from the session.", metavar="TEXT"),
]
Promises = Annotated[
    list[str] | None,
    typer.Option(
        "--promise",
        help='Something you promised: "TEXT @ WHEN"; repeatable.',
        metavar='"TEXT @ WHEN"',
    ),
]
Commitments = Annotated[
    list[str] | None,
    typer.Option(
        "--commitment",
        help='Something the client committed to: "TEXT @ WHEN"; repeatable.',
        metavar='"TEXT @ WHEN"',
    ),
]
GroupSize = Annotated[
    int | None,
    typer.Option(
        "--group-size",
        help="People in a group session (default 1: one-to-one); for the ICF log.",
        metavar="N",
        min=1,
        max=500,
    ),
]
CountsForIcf = Annotated[
    bool | None,
    typer.Option(
        "--counts-for-icf/--not-for-icf",
        help="Whether it counts as client coaching in your ICF log (default: it does; "
        "not, e.g., for mentor coaching you gave).",
        show_default=False,
    ),
]
IdArg = Annotated[
    int,
    typer.Argument(
        help="The session's id.",
        metavar="ID",
        show_default=False,
        autocompletion=complete_session,
    ),
]


def icf_values(values: dict[str, Any], group_size: int | None, counts: bool | None) -> None:
    """--group-size and --counts-for-icf/--not-for-icf, when given (SPEC §9)."""
    if group_size is not None:
        values["group_size"] = group_size
    if counts is not None:
        values["counts_for_icf"] = counts


def session_json(s: CoachingSession, client: Client, items: list[Item]) -> dict[str, Any]:
    """session_record + id + client, and the promises made in it (as `promises list`)."""
    from coachlog.render.shapes import session_with_promises

    return session_with_promises(s, client, items)


@session_app.command("new")
def new(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Argument(
            help="Client id, exact name, or a unique prefix of the name. On a "
            "terminal it may be left out: you pick from a list.",
            autocompletion=complete_client,
            metavar="CLIENT",
            show_default=False,
        ),
    ] = None,
    at: At = None,
    minutes: Minutes = None,
    kind: Kind = None,
    notes: Notes = None,
    edit: Edit = False,
    theme: Themes = None,
    trust: Trust = None,
    reflection: Reflection = None,
    promise: Promises = None,
    commitment: Commitments = None,
    private: Annotated[
        bool, typer.Option("--private", help="Never leaves in a client-facing export.")
    ] = False,
    group_size: GroupSize = None,
    counts_for_icf: CountsForIcf = None,
    json: JsonOpt = False,
) -> None:
    """Record a session after a call, with the promises made in it.

    With flags it asks nothing. On a terminal without --notes it asks for whatever is
    missing (client, when, minutes, kind, notes, themes, trust pulse, reflection, then
    promises until an empty line). --edit opens a Markdown template in your editor.

    \b
    Examples:
      coachlog session new ana --notes "Delegation; the feedback talk with Rui" \\
          --theme delegation --trust 4 --promise "Send the article @ fri 18:00" \\
          --commitment "Have the talk with Rui @ +7d"
      coachlog session new                 # on a terminal: asks, with a client list
      coachlog session new ana --edit
      pbpaste | coachlog session new ana --notes -
    """
    from coachlog.cli import session_prompts as ways
    from coachlog.cli.context import interactive
    from coachlog.drafts import drafting, keep_texts_for
    from coachlog.errors import UsageError
    from coachlog.render import print_json
    from coachlog.render.sessions import saved
    from coachlog.services import sessions, undo
    from coachlog.services.promises import Item

    st = state(ctx)
    values, typed = ways.flag_values(
        st,
        at=at,
        minutes=minutes,
        kind=kind,
        notes=notes,
        themes=theme,
        trust=trust,
        reflection=reflection,
    )
    if private:
        values["private"] = True
    icf_values(values, group_size, counts_for_icf)
    mine, theirs = ways.read_specs(st, promise, commitment)  # before any question or editor
    # Questions only on a terminal, and never with --json: its stdout is for JSON alone.
    tty = interactive() and not json
    if client is None and not tty:
        raise UsageError(
            "Missing CLIENT: say whom the session was with.",
            hint='e.g. coachlog session new ana --notes "…"  (run it in a terminal to pick '
            "from a list)",
        )
    store = st.store()
    if client is None:
        found = ways.pick_client(st)
    else:
        with store.read() as db:
            found = find_client(db, client)
    with store.read() as db:
        default_minutes = sessions.default_minutes(db, found, fallback=st.settings.value("minutes"))
        # A planned session this one will record (SPEC §4a): its time, length and kind are
        # what the questions and the template offer.
        plan = sessions.planned_near(db, found, at=values.get("held_at", st.now))
    offered: dict[str, Any] = {}
    if plan is not None and (edit or tty):
        from coachlog.domain.ahead import taken_up_at
        from coachlog.render.sessions import will_record

        will_record(plan, found, now=st.now, tz=st.tz)
        offered = {
            "held_at": taken_up_at(plan.held_at, given=None, now=st.now),
            "kind": plan.kind,
        }
        if plan.minutes:
            default_minutes = plan.minutes

    # From the editor's closing to the store's commit, what the coach wrote is kept if
    # anything fails (a full disk, a busy store, Ctrl-C, a session refused as ahead):
    # drafting() says where.
    keep_texts_for(found.uid)  # a text kept on failure is found and erased by client forget
    with drafting(retry_hint=ways.SESSION_RETRY) as draft:
        if edit:
            shown = {
                "held_at": st.now,
                "minutes": default_minutes,
                "kind": "regular",
                **offered,
                **values,
            }
            values, specs, typed = ways.from_editor(
                st, found, shown, promise, commitment, draft=draft
            )
        elif tty and "notes" not in values:
            values, asked_mine, asked_theirs = ways.ask_session(
                st,
                values,
                default_minutes=default_minutes,
                ask_promises=not mine,
                ask_commitments=not theirs,
                # only a coach who keeps an ICF log is asked about groups and ICF (SPEC §9)
                ask_icf=st.settings.value("credential") is not None
                or st.settings.value("training_started_on") is not None,
                **_offered_defaults(st, offered),
            )
            specs = [*mine, *asked_mine, *theirs, *asked_theirs]
        else:
            specs = [*mine, *theirs]

        with store.write() as db, undo.step(db, "session new", now=st.now) as step:
            found = find_client(db, str(found.id))
            was_prospect = found.status == "prospect"
            # A session planned within 12 hours of this one is this one (SPEC §4a).
            planned = sessions.planned_near(db, found, at=values.get("held_at", st.now))
            planned_at = planned.held_at if planned is not None else None
            if values.get("minutes") is None and planned is None:
                values["minutes"] = sessions.default_minutes(
                    db, found, fallback=st.settings.value("minutes")
                )
            s, made = sessions.record_session(
                db, found, values=values, promises=specs, now=st.now, tz=st.tz, planned=planned
            )
            items = [Item(p, found, s.uid) for p in made]
            step.summary = (
                f"{'planned ' if planned is not None else ''}session #{s.id} with {found.name}"
                + (" recorded as held" if planned is not None else "")
                + _promises_words(len(made))
            )
    if json:
        print_json(session_json(s, found, items))
        return
    saved("recorded", s, found, items, specs, now=st.now, tz=st.tz, at_typed=typed)
    if planned_at is not None:
        from coachlog.render.sessions import took_up

        took_up(planned_at, now=st.now, tz=st.tz)
    if was_prospect:
        from coachlog.render.clients import became_active

        became_active(found)


def _offered_defaults(st: Any, offered: dict[str, Any]) -> dict[str, str]:
    """The When and Kind defaults of the questions, from a planned session being recorded."""
    if not offered:
        return {}
    from coachlog.services.session_template import when_text

    out = {"kind_default": offered["kind"]}
    if offered["held_at"] < st.now:  # else "now", which it is
        out["when_default"] = when_text(offered["held_at"], st.tz)
    return out


def _promises_words(n: int) -> str:
    return f", {n} promise{'s' if n != 1 else ''}" if n else ""


@session_app.command("list")
def list_(
    ctx: typer.Context,
    client: ClientOpt = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day or time.", metavar="WHEN")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Up to this day (its end) or time.", metavar="WHEN"),
    ] = None,
    kind: Kind = None,
    planned: Annotated[
        bool,
        typer.Option("--planned", help="The sessions planned from now on, instead of held ones."),
    ] = False,
    limit: LimitOpt = None,
    no_pager: NoPagerOpt = False,
    json: JsonOpt = False,
) -> None:
    """List the sessions held, in the order they were held (--limit N: the latest N); with
    --planned, the sessions planned from now on, soonest first. A long list goes through
    your pager on a terminal.

    \b
    Examples:
      coachlog session list --client ana --since "4 weeks ago"
      coachlog session list --limit 10
      coachlog session list --kind pitstop --json
      coachlog session list --planned
    """
    from coachlog.domain.limits import kind_of
    from coachlog.queries.clients import find_client as find
    from coachlog.queries.sessions import list_sessions
    from coachlog.render import paged, print_json
    from coachlog.render.messages import not_shown
    from coachlog.render.sessions import session_list
    from coachlog.render.shapes import public_session

    st = state(ctx)
    start = read_when(st, since, what="--since", toward="past").instant if since else None
    end = read_when(st, until, mode="end", what="--until").instant if until else None
    wanted = option_value("--kind", kind_of, kind)
    note_read_as(st, "--since", since, start)
    note_read_as(st, "--until", until, end)
    if planned:  # from now on (or from --since, when that is later)
        start = st.now if start is None or start < st.now else start
    db = st.reader()
    found = find(db, client).id if client is not None else None
    rows, before = list_sessions(
        db,
        client_id=found,
        since=start,
        until=end,
        kind=wanted,
        limit=limit,
        status="planned" if planned else "held",
        soonest=planned,
    )
    if json:
        print_json([public_session(r.session, r.client) for r in rows])
        return
    filtered = any(v is not None for v in (client, since, until, kind))
    with paged(pager_on(st, no_pager)):
        session_list(rows, now=st.now, tz=st.tz, filtered=filtered, planned=planned)
        not_shown(before, "session", "later" if planned else "earlier")


@session_app.command("show")
def show(ctx: typer.Context, session_id: IdArg, json: JsonOpt = False) -> None:
    """One session: notes, themes, trust pulse, reflection, and the promises made in it
    with what became of them.

    \b
    Example:
      coachlog session show 7
    """
    from coachlog.queries import sessions
    from coachlog.render import print_json
    from coachlog.render.sessions import session_page

    st = state(ctx)
    db = st.reader()
    s, found = sessions.get(db, session_id)
    items = sessions.promises_of(db, s, found)
    if json:
        print_json(session_json(s, found, items))
    else:
        session_page(s, found, items, now=st.now, tz=st.tz)


@session_app.command("edit")
def edit_(
    ctx: typer.Context,
    session_id: IdArg,
    to_client: Annotated[
        str | None,
        typer.Option(
            "--client",
            "-c",
            help="Move it, with the promises made in it, to another client.",
            autocompletion=complete_client,
            metavar="CLIENT",
        ),
    ] = None,
    at: At = None,
    minutes: Minutes = None,
    kind: Kind = None,
    notes: Notes = None,
    edit: Edit = False,
    theme: Annotated[
        list[str] | None,
        typer.Option(
            "--theme", "-t", help="The themes (replacing the old ones); repeatable.", metavar="TAG"
        ),
    ] = None,
    trust: Trust = None,
    reflection: Reflection = None,
    promise: Promises = None,
    commitment: Commitments = None,
    private: Annotated[
        bool | None,
        typer.Option(
            "--private/--not-private",
            help="Keep it out of client-facing exports, or not.",
            show_default=False,
        ),
    ] = None,
    group_size: GroupSize = None,
    counts_for_icf: CountsForIcf = None,
    json: JsonOpt = False,
) -> None:
    """Change a session: only what you give changes; --promise and --commitment add new
    promises. --edit opens the template filled with the session as it is (the promises
    already recorded are shown, read-only; change those with 'coachlog promises').
    An empty value ("") clears the notes or the reflection. --client files a session
    recorded under the wrong client under the right one, with the promises made in it.

    \b
    Examples:
      coachlog session edit 7 --trust 3 --reflection "I rushed the silence"
      coachlog session edit 7 --edit
      coachlog session edit 7 --client "Bruno Costa"
    """
    from coachlog.cli.session_prompts import (
        SESSION_RETRY,
        flag_values,
        from_editor,
        read_specs,
    )
    from coachlog.drafts import drafting, keep_texts_for
    from coachlog.errors import UsageError
    from coachlog.render import print_json
    from coachlog.render.sessions import moved, saved
    from coachlog.services import sessions, undo
    from coachlog.services.promises import Item

    st = state(ctx)
    ahead_at = _planned_at(st, session_id, at) if at is not None else None
    values, typed = flag_values(
        st,
        at=None if ahead_at is not None else at,
        minutes=minutes,
        kind=kind,
        notes=notes,
        themes=theme,
        trust=trust,
        reflection=reflection,
    )
    if ahead_at is not None:  # a planned session moves to another time ahead
        values["held_at"], typed = ahead_at
    if private is not None:
        values["private"] = private
    icf_values(values, group_size, counts_for_icf)
    mine, theirs = read_specs(st, promise, commitment)
    specs = [*mine, *theirs]
    if not values and not specs and not edit and to_client is None:
        raise UsageError(
            "Nothing to change.",
            hint='Give what changes (e.g. --trust 4, --notes -, --promise "TEXT @ WHEN", '
            "--client CLIENT), or --edit.",
        )
    store = st.store()
    with store.read() as db:
        s, found = sessions.get(db, session_id)
        recorded = sessions.promises_of(db, s, found)
        if to_client is not None:  # a wrong name fails now, before any editor opens
            find_client(db, to_client)
    keep_texts_for(found.uid)  # a text kept on failure is found and erased by client forget
    with drafting(retry_hint=SESSION_RETRY) as draft:
        if edit:
            current = {key: getattr(s, key) for key in sessions.SESSION_FIELDS}
            values, specs, typed = from_editor(
                st,
                found,
                {**current, **values},
                promise,
                commitment,
                draft=draft,
                session=s,
                recorded=recorded,
            )
        with store.write() as db, undo.step(db, "session edit", now=st.now) as step:
            s, found = sessions.get(db, session_id)
            source, was_prospect, carried = found, False, []
            if to_client is not None:
                target = find_client(db, to_client)
                was_prospect = target.status == "prospect"
                carried = sessions.move_session(db, s, target, now=st.now)
                found = target
            made = sessions.update_session(
                db, s, found, values=values, promises=specs, now=st.now, tz=st.tz
            )
            items = [Item(p, found, s.uid) for p in made]
            everything = sessions.promises_of(db, s, found) if json else []
            step.summary = _edit_summary(s.id, source.name, found.name, values, len(made))
    if json:
        print_json(session_json(s, found, everything))
        return
    if source is not found:
        moved(s, source, found, len(carried))
        if was_prospect:
            from coachlog.render.clients import became_active

            became_active(found)
    if values or specs or edit:
        saved("updated", s, found, items, specs, now=st.now, tz=st.tz, at_typed=typed)


def _planned_at(st: Any, session_id: int, at: str) -> tuple[Any, str | None] | None:
    """--at for a planned session: a time ahead (a bare weekday is the next one), with the
    text typed when it was in words; None when the session is not a planned one (its --at
    is when it was held)."""
    from coachlog.cli.session_ahead import read_plan_at
    from coachlog.domain.ahead import PLANNED
    from coachlog.services import sessions

    with st.store().read() as db:
        s, _ = sessions.get(db, session_id)
        status = s.status
    if status != PLANNED:
        return None
    return read_plan_at(st, at)


def _edit_summary(
    session_id: int | None, source: str, target: str, values: dict[str, Any], added: int
) -> str:
    """How the undo log words a session edit."""
    if source != target:
        head = f"moved session #{session_id} from {source} to {target}"
    else:
        head = f"edited session #{session_id} with {source}"
    fields = ", ".join(k.replace("_", " ") for k in values)
    return head + (f": {fields}" if fields else "") + _promises_words(added)


@session_app.command("delete")
def delete(
    ctx: typer.Context,
    session_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    json: JsonOpt = False,
) -> None:
    """Delete a session and the promises made in it.

    \b
    Example:
      coachlog session delete 7 --yes
    """
    from coachlog.cli.context import interactive
    from coachlog.errors import Cancelled, UsageError
    from coachlog.render import print_json
    from coachlog.render.messages import success
    from coachlog.render.promises import when
    from coachlog.services import sessions, undo

    st = state(ctx)
    store = st.store()
    with store.read() as db:
        s, found = sessions.get(db, session_id)
        items = sessions.promises_of(db, s, found)
    if not yes:
        if not interactive() or json:
            raise UsageError(
                f"Deleting session #{session_id} needs --yes when it cannot ask.",
                hint=f"coachlog session delete {session_id} --yes",
            )
        from coachlog.cli.ask import confirm

        n = len(items)
        question = (
            f"Delete session #{s.id} with {found.name} ({when(s.held_at, now=st.now, tz=st.tz)})"
            + (f" and the {n} promise{'s' if n != 1 else ''} made in it" if n else "")
            + "?"
        )
        if not confirm(question):
            raise Cancelled("Kept it; nothing was deleted.")
    snapshot = session_json(s, found, items)
    with store.write() as db, undo.step(db, "session delete", now=st.now) as step:
        s, found = sessions.get(db, session_id)
        removed = sessions.delete_session(db, s)
        step.summary = f"deleted session #{session_id} with {found.name}" + _promises_words(
            len(removed)
        )
    if json:
        print_json(snapshot)
        return
    n = len(removed)
    success(
        f"Deleted session #{session_id} with ",
        (found.name, "name"),
        f" and {n} promise{'s' if n != 1 else ''} made in it" if n else "",
    )


# Sessions ahead (SPEC §4a) live in a module of their own; they join this group here, when
# it is built, however the root finds it.
from coachlog.cli import session_ahead  # noqa: E402  (after the group's own commands)

session_app.command("plan")(session_ahead.plan)
session_app.command("cancel")(session_ahead.cancel)


def register(app: typer.Typer) -> None:
    app.add_typer(session_app, name="session")
