"""coachlog export, import and search: records leaving, entering and being found."""

from __future__ import annotations

from collections.abc import Iterable
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
    find_client,
    note_read_as,
    pager_on,
    read_when,
    state,
)

if TYPE_CHECKING:
    from coachlog.cli.context import AppState
    from coachlog.export.files import Output

FORMATS = EXPORT_FORMATS
EXTENSION = {"md": "md", "json": "json", "ics": "ics"}


def _window(st: AppState, since: str | None, until: str | None) -> Any:
    from coachlog.errors import InvalidInput
    from coachlog.services.exchange import Window

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
            "ics: open promises for your calendar.",
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
            help="Markdown: keep private sessions and your reflections (JSON always has them).",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file (mode 0600) instead of printing ('-': standard "
            "output); with --all and md, a folder for one file per client.",
            metavar="PATH",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Export a client's records, or your whole practice: a Markdown summary (client-facing
    by default), the JSON interchange file, or open promises as iCalendar.

    \b
    Examples:
      coachlog export ana --out ana-summary.md
      coachlog export --all --format json --out practice.json
      coachlog export --all --format ics --out promises.ics
    """
    from coachlog import __version__
    from coachlog.cli.output import write_output
    from coachlog.errors import UsageError
    from coachlog.export import slug
    from coachlog.export.files import json_text, private_dir
    from coachlog.render.exchange import counts_line, wrote
    from coachlog.services import exchange

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
    if fmt == "md" and all_ and (out is None or str(out) == "-"):
        raise UsageError(
            "With --all, Markdown is one file per client: give a folder with --out DIR.",
            hint="e.g. coachlog export --all --out summaries/",
        )
    window = _window(st, since, until)
    store = st.store()
    with store.read() as db:
        clients = exchange.practice_clients(db) if all_ else [find_client(db, client or "")]
        if fmt == "json":
            # Written as it is read from the store, never held whole (SPEC §6 at any size).
            doc = exchange.Document(db, clients=clients, now=st.now, window=window, whole=all_)
            name = "coachlog-practice" if all_ else slug(clients[0].name, clients[0].id)
            target = _target(st, out or Path("-"), f"{name}.json", force=force)
            path = write_output(target, json_text(doc.head, doc.tables()))
            if path is not None:
                wrote(counts_line(doc.counts), path)
            return
        if fmt == "ics":
            from coachlog.export.ics import promises_calendar

            items = exchange.open_promises(db, clients, window=window, whole=all_)
            text = promises_calendar(items, now=st.now).decode("utf-8")
        else:
            from coachlog.export.markdown import summary

            docs = [
                (
                    c,
                    summary(
                        exchange.client_bundle(
                            db,
                            c,
                            now=st.now,
                            tz=st.tz,
                            window=window,
                            include_private=include_private,
                        ),
                        now=st.now,
                        tz=st.tz,
                        version=__version__,
                    ),
                )
                for c in clients
            ]
    if fmt == "md" and all_:
        assert out is not None
        folder = private_dir(out)
        # Every file is checked before the first is written: all of them, or none.
        targets = [
            (_target(st, folder, f"{slug(c.name, c.id)}.md", force=force), body) for c, body in docs
        ]
        for target, body in targets:
            write_output(target, body)
        wrote(f"{len(docs)} client summar{'y' if len(docs) == 1 else 'ies'}", f"{folder}/")
        return
    if fmt == "md":
        text = docs[0][1]
    name = "coachlog-practice" if all_ else slug(clients[0].name, clients[0].id)
    path = write_output(
        _target(st, out or Path("-"), f"{name}.{EXTENSION[fmt]}", force=force), text
    )
    if path is None:
        return
    if fmt == "ics":
        wrote(f"{len(items)} open promise{'' if len(items) == 1 else 's'}", path)
    else:
        wrote(f"{clients[0].name}'s summary", path)


def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(help="A coachlog JSON export ('-' reads standard input).", metavar="FILE"),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Check the file and say what would change.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Import a coachlog JSON export. The whole file is checked first; nothing is written
    unless all of it is valid. Records are matched by uid, so importing the same file again
    changes nothing. An import cannot be undone: 'coachlog undo' stops at it.

    \b
    Example:
      coachlog import practice.json --dry-run
      coachlog import practice.json
    """
    import sys

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
    from coachlog.render.search import hit_json, search_results

    st = state(ctx)
    text = " ".join(query)
    db = st.reader()
    who = find_one(db, client) if client else None
    results = find(db, text, client=who, limit=limit)
    if json:
        print_json([hit_json(h, i) for i, h in enumerate(results.hits, 1)])
    else:
        from coachlog.render import paged

        with paged(pager_on(st, no_pager)):
            search_results(results, text, tz=st.tz)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_)
    app.command("search")(search)
