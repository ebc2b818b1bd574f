"""coachlog export, import and search: records leaving, entering and being found."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coachlog.choices import EXPORT_FORMATS
from coachlog.cli.common import (
    ClientOpt,
    ForceOpt,
    JsonOpt,
    NoPagerOpt,
    complete_choice,
    note_read_as,
    pager_on,
    read_when,
    state,
)

if TYPE_CHECKING:
    from coachlog.cli.context import AppState
    from coachlog.export.base import Export
    from coachlog.export.files import Output

FORMATS = EXPORT_FORMATS
EXTENSION = {"md": "md", "json": "json", "ics": "ics"}


def _window(st: AppState, since: str | None, until: str | None) -> Any:
    from coachlog.errors import InvalidInput
    from coachlog.queries.exchange import Window

    start = read_when(st, since, what="--since", toward="past").instant if since else None
    end = read_when(st, until, mode="end", what="--until").instant if until else None
    note_read_as(st, "--since", since, start)
    note_read_as(st, "--until", until, end)
    if start and end and start > end:
        raise InvalidInput("--since is after --until: nothing could be in that period.")
    return Window(start, end)


def _emit(text: str | Iterable[str]) -> None:
    from coachlog.cli.output import to_stdout

    to_stdout(text)


def _target(st: AppState, out: Path, default_name: str, *, force: bool) -> Output:
    """Where --out sends this export: a file named for the content when --out is a
    folder; never the store or one of its files (export/files.py output())."""
    from coachlog.export.files import output

    path = out / default_name if str(out) != "-" and out.expanduser().is_dir() else out
    return output(path, force=force, option="--out", store=st.location.path)


def alarm_span(text: str | None) -> timedelta | None:
    """--alarm SPAN: how long before a due its reminder rings (a usage error otherwise)."""
    if text is None:
        return None
    from datetime import timedelta

    from coachlog.cli.common import option_value
    from coachlog.dates import parse_span

    span = option_value("--alarm", parse_span, text)
    assert span is not None
    return timedelta(seconds=span.total_seconds())


def is_folder(out: str | Path | None) -> bool:
    """--out DIR: an existing folder, or a path written with a trailing slash."""
    if out is None or str(out) == "-":
        return False
    return str(out).endswith(("/", "\\")) or Path(os.path.expanduser(out)).is_dir()


def export(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Argument(
            help="Client id, exact name, or a unique prefix of the name.",
            metavar="CLIENT",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Every client of your practice.")
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="md: a summary to give the client; json: everything, for import; "
            "ics: promises and planned sessions for your calendar.",
            metavar="md|json|ics",
            autocompletion=complete_choice(EXPORT_FORMATS),
        ),
    ] = "md",
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Sessions held and promises made from then on.", metavar="WHEN"
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="... up to then (a date: that whole day).", metavar="WHEN"),
    ] = None,
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private",
            help="Markdown: your own copy, with private sessions, reflections, record "
            "numbers and the trust checklist (JSON always has everything).",
        ),
    ] = False,
    alarm: Annotated[
        str | None,
        typer.Option(
            "--alarm",
            help="ics: a reminder this long before each open promise is due (1d, 2h).",
            metavar="SPAN",
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file (mode 0600) instead of printing ('-': standard "
            "output). A folder (existing, or ending in /): md, one file per client; ics, "
            "one file per promise and session, as todoman and vdirsyncer read them.",
            metavar="PATH",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Export a client's records, or your whole practice: a Markdown summary (client-facing
    by default), the JSON interchange file, or promises and planned sessions as
    iCalendar.

    \b
    Examples:
      coachlog export ana --out ana-summary.md
      coachlog export --all --format json --out practice.json
      coachlog export --all --format ics --alarm 1d --out ~/.calendars/coaching/
    """
    from coachlog import __version__
    from coachlog.cli.output import write_output
    from coachlog.errors import UsageError
    from coachlog.export.base import Job, exporter
    from coachlog.queries import exchange
    from coachlog.queries.clients import find_client as find_one
    from coachlog.render.exchange import wrote

    st = state(ctx)
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format must be md, json or ics (got {fmt!r}).")
    if bool(client) == all_:
        raise UsageError(
            "Give one client, or --all for your whole practice."
            if not all_
            else "Give either a client or --all, not both."
        )
    if alarm is not None and fmt != "ics":
        raise UsageError("--alarm is for --format ics.")
    reminder = alarm_span(alarm)
    if fmt == "md" and all_ and (out is None or out == "-"):
        raise UsageError(
            "With --all, Markdown is one file per client: give a folder with --out DIR.",
            hint="e.g. coachlog export --all --out summaries/",
        )
    window = _window(st, since, until)
    # Markdown of several clients is always a folder, existing or not.
    folder = is_folder(out) or (fmt == "md" and all_)
    db = st.reader()  # a read: the query layer, no ORM (SPEC §10)
    clients = exchange.practice_clients(db) if all_ else [find_one(db, client or "")]
    job = Job(
        clients=clients,
        whole=all_,
        window=window,
        now=st.now,
        tz=st.tz,
        version=__version__,
        include_private=include_private,
        coach=st.settings.value("coach"),
        alarm=reminder,
    )
    result = exporter(fmt).export(db, job)
    if folder:
        assert out is not None
        write_folder(st, out, result, force=force)
        return
    assert result.data is not None
    given = Path(out) if out is not None else Path("-")
    path = write_output(_target(st, given, result.name, force=force), result.data)
    if path is not None:
        wrote(result.what(), path)


def write_folder(
    st: AppState, out: str | Path, result: Export, *, force: bool, quiet: bool = False
) -> None:
    """An export's files into the folder `out` (made 0700 when new); every file is checked
    before the first is written: all of them, or none (export/files.py plan_folder)."""
    from coachlog.cli.output import write_output
    from coachlog.export.files import plan_folder, private_dir
    from coachlog.render.exchange import wrote
    from coachlog.render.messages import say

    place = private_dir(Path(os.path.expanduser(out)))
    plan = plan_folder(place, result.files, force=force, store=st.location.path, keep=result.keep)
    for target, body in plan.write:
        write_output(target, body)
    if quiet:
        return
    wrote(result.what(), f"{place}/")
    if plan.same:
        say((f"  {len(plan.same)} unchanged, left as they were.", "muted"))
    for name, why in plan.kept:
        say((f"  kept {name}: {why}.", "warn"))


def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="A coachlog JSON export ('-' reads standard input), or a calendar (.ics).",
            metavar="FILE",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Check the file and say what would change.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Import a coachlog JSON export. The whole file is checked first; nothing is written
    unless all of it is valid. Records are matched by uid, so importing the same file again
    changes nothing. An import cannot be undone: 'coachlog undo' stops at it.

    A calendar exported by a calendar program (FILE.ics) plans sessions: each event ahead
    with a client's email among its attendees, or a client's full name in its title,
    becomes a planned session; importing it again moves or cancels them as the calendar
    did. Events for no client, or for several, are listed, not imported.

    \b
    Examples:
      coachlog import practice.json --dry-run
      coachlog import practice.json
      coachlog import ~/Downloads/calendar.ics
    """
    import sys

    if file.lower().endswith((".ics", ".ical", ".ifb", ".icalendar")):
        from coachlog.cli.calendar_import import import_calendar

        import_calendar(state(ctx), file, dry_run=dry_run, json=json)
        return

    from coachlog.render import print_json
    from coachlog.render.exchange import import_report, outcome_json
    from coachlog.services import interchange
    from coachlog.services.exchange import import_document

    st = state(ctx)

    def private() -> bool:
        # A copy of a pipe for an encrypted store stays in memory, never on disk (SPEC §7).
        return st.store().encrypted

    if file == "-":
        stdin = getattr(sys.stdin, "buffer", None) or sys.stdin
        source = interchange.Source.spooled("standard input", stdin, private=private())
    else:
        source = interchange.Source.at(file, private=private)
    # The file is read twice, never held whole: once to check all of it, then again, a few
    # records at a time, to write it (docs/interchange.md).
    try:
        summary = interchange.check(source)
        store = st.store()
        with store.read() if dry_run else store.write() as db:
            outcome = import_document(db, summary, dry_run=dry_run)
            if not dry_run and (outcome.total("added") or outcome.total("updated")):
                from coachlog.services import undo

                added, updated = outcome.total("added"), outcome.total("updated")
                undo.barrier(
                    db,
                    "import",
                    f"{added} records added and {updated} updated from {source.name}",
                    now=st.now,
                )
    finally:
        source.close()
    if json:
        print_json(outcome_json(outcome, source.name))
    else:
        import_report(outcome, source.name)


def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(
            help="Words to find (each also finds longer words: delegat finds delegation); "
            "quotes for a phrase.",
            metavar="QUERY",
        ),
    ],
    client: ClientOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="Show at most this many.", min=1, max=1000)
    ] = 20,
    no_pager: NoPagerOpt = False,
    json: JsonOpt = False,
) -> None:
    """Search session notes, reflections, promises and agreements (private ones too: this
    is your own search), and clients' names: a whole word of a client's name, or its first
    three letters or more, matches that client's records. Best matches first, each with the
    words around the match; records found only by a client's name follow them.

    \b
    Examples:
      coachlog search delegat
      coachlog search '"active listening"' --client ana
      coachlog search ana delegation
      coachlog search deleg OR boundaries NOT email --json
    """
    from coachlog.queries.clients import find_client as find_one
    from coachlog.queries.search import search as find
    from coachlog.render import print_json
    from coachlog.render.search import results_json, search_results

    st = state(ctx)
    text = " ".join(query)
    db = st.reader()
    who = find_one(db, client) if client else None
    results = find(db, text, client=who, limit=limit)
    if json:
        print_json(results_json(results, text))
    else:
        from coachlog.render import paged

        with paged(pager_on(st, no_pager)):
            search_results(results, text, tz=st.tz)


def recap(
    ctx: typer.Context,
    session_id: Annotated[
        int, typer.Argument(help="The session's id.", metavar="SESSION_ID", show_default=False)
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="md: Markdown; eml: an email draft (To: the client) for your mail program.",
            metavar="md|eml",
            autocompletion=complete_choice(("md", "eml")),
        ),
    ] = "md",
    notes: Annotated[
        bool,
        typer.Option("--notes", help="Include the session's notes (never a private session's)."),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file (mode 0600) instead of printing ('-': standard output).",
            metavar="FILE",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """A recap of one session for the client: its date and themes, what each of you will
    do, what is still open from before, and your next planned session; signed with the
    `coach` setting. As Markdown, or an .eml draft that your mail program opens: coachlog
    never sends mail.

    \b
    Examples:
      coachlog recap 12
      coachlog recap 12 --format eml --out recap.eml
    """
    from coachlog.cli.output import write_output
    from coachlog.errors import UsageError
    from coachlog.export import recap as writer
    from coachlog.queries.recap import recap_data
    from coachlog.render.exchange import wrote

    st = state(ctx)
    fmt = fmt.strip().lower()
    if fmt not in writer.FORMATS:
        raise UsageError(f"--format must be md or eml (got {fmt!r}).")
    db = st.reader()  # a read: the query layer, no ORM (SPEC §10)
    target = None
    if out is not None:
        from coachlog.export.files import output

        target = output(out, force=force, option="--out", store=db.location.path)
    data = recap_data(db, session_id, now=st.now)
    writer.check(data, notes=notes, fmt=fmt)
    coach = st.settings.value("coach")
    kw: dict[str, Any] = {"coach_tz": st.tz, "coach": coach, "notes": notes, "now": st.now}
    body: str | bytes = writer.eml(data, **kw) if fmt == "eml" else writer.markdown(data, **kw)
    if target is None or target.kind == "stdout":
        _emit(body.decode("utf-8") if isinstance(body, bytes) else body)
        return
    path = write_output(target, body)
    if path is not None:
        wrote(f"the recap of session {session_id}", path)


def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema (draft 2020-12) of the interchange format that 'coachlog
    export --format json' writes and 'coachlog import' reads (docs/interchange.md).

    \b
    Example:
      coachlog schema > coachlog-interchange.schema.json
    """
    from coachlog.render import print_json
    from coachlog.services.interchange_schema import schema as build

    print_json(build())


def register(app: typer.Typer) -> None:
    app.command("recap")(recap)
    app.command("schema")(schema)
    app.command("export")(export)
    app.command("import")(import_)
    app.command("search")(search)
