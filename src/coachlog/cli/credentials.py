"""coachlog icf log / icf progress, learning add / list / delete, and renewal: the records a
credentialed coach keeps for ICF, from the sessions already here (SPEC §9)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coachlog.choices import CREDENTIALS, ICF_LOG_FORMATS, LEARNING_CATEGORIES
from coachlog.cli.common import (
    ForceOpt,
    JsonOpt,
    complete_choice,
    note_read_as,
    read_date,
    read_when,
    state,
)

if TYPE_CHECKING:
    from coachlog.cli.context import AppState

icf_app = typer.Typer(
    help="The ICF client coaching log, and progress toward a credential.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
learning_app = typer.Typer(
    help="Your continuing-education log (ICF CCE): add, list, delete.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

LOG_FORMATS, TARGETS = ICF_LOG_FORMATS, CREDENTIALS


def _period(st: AppState, since: str | None, until: str | None) -> tuple[Any, Any]:
    from coachlog.errors import InvalidInput

    start = read_when(st, since, what="--since", toward="past").instant if since else None
    end = read_when(st, until, mode="end", what="--until").instant if until else None
    note_read_as(st, "--since", since, start)
    note_read_as(st, "--until", until, end)
    if start and end and start > end:
        raise InvalidInput("--since is after --until: nothing could be in that period.")
    return start, end


@icf_app.command("log")
def log(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Sessions held from then on.", metavar="WHEN"),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="... up to then (a date: that whole day).", metavar="WHEN"),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv: ICF's columns, for a spreadsheet (the default when piped or with "
            "--out); md: a table with the notes below it; json: everything, for scripts. "
            "On a terminal without --format: a table.",
            metavar="csv|md|json",
            autocompletion=complete_choice(ICF_LOG_FORMATS),
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file (mode 0600); '-': standard output.",
            metavar="FILE",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """The client coaching log ICF asks for: a row per client and kind (one-to-one, group),
    with paid and pro bono hours, for clients who consented to be listed. Hours are held
    sessions that count for ICF, from the day your coach-specific training began
    (setting training_started_on). Who was left off and which sessions did not count are
    said below the table (CSV: on the terminal, never in the file).

    \b
    Examples:
      coachlog icf log
      coachlog icf log --out coaching-log.csv
      coachlog icf log --since 2025-06-01 --format md --out log.md
    """
    import sys

    from coachlog.cli.exchange import _target
    from coachlog.cli.output import write_output
    from coachlog.dates import local
    from coachlog.errors import UsageError
    from coachlog.export.icflog import csv_text, markdown_text, period_text
    from coachlog.jsontext import dumps
    from coachlog.queries.credentials import coaching_log
    from coachlog.render.credentials import log_notes, log_screen, log_summary
    from coachlog.render.exchange import wrote
    from coachlog.services.credential_records import log_json

    st = state(ctx)
    chosen = fmt.strip().lower() if fmt is not None else None
    if chosen is not None and chosen not in LOG_FORMATS:
        raise UsageError(f"--format must be csv, md or json (got {fmt!r}).")
    start, end = _period(st, since, until)
    training = st.settings.value("training_started_on")
    result = coaching_log(
        st.reader(), tz=st.tz, training_started_on=training, since=start, until=end
    )
    period = period_text(
        local(start, st.tz).date() if start else None,
        local(end, st.tz).date() if end else None,
        training,
    )
    if chosen is None and out is None and sys.stdout.isatty():
        log_screen(result, period=period)
        return
    chosen = chosen or "csv"
    if chosen == "csv":
        text = csv_text(result)
    elif chosen == "md":
        text = markdown_text(result, period=period)
    else:
        text = dumps(log_json(result, since=start, until=end, training_started_on=training)) + "\n"
    # Checked before anything is written (export/files.py output(): '-', FIFOs, --force).
    target = _target(st, out or Path("-"), f"icf-coaching-log.{chosen}", force=force)
    path = write_output(target, text)
    if path is None:  # standard output: the notes go to stderr, never into the CSV
        if chosen == "csv":
            log_notes(result, stderr=True, shown=None)
        return
    wrote(f"the ICF coaching log ({log_summary(result)})", path)
    log_notes(result)


@icf_app.command("progress")
def progress(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="The credential to measure against (default: the level after your "
            "'credential' setting; acc when it is not set).",
            metavar="acc|pcc|mcc",
            autocompletion=complete_choice(CREDENTIALS),
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Where your coaching log stands against an ICF credential: hours, paid hours, clients
    (each person in a group counts) and hours in the last 18 months, of the clients who
    consented to be listed, each with a bar; and the hours not listable for lack of consent.

    \b
    Examples:
      coachlog icf progress --target pcc
      coachlog icf progress --json
    """
    from coachlog.domain.credentials import next_target
    from coachlog.domain.credentials import progress as measure
    from coachlog.errors import UsageError
    from coachlog.queries.credentials import coaching_log
    from coachlog.render import print_json
    from coachlog.render.credentials import progress_screen
    from coachlog.services.credential_records import progress_json

    st = state(ctx)
    credential = st.settings.value("credential")
    chosen = target.strip().lower() if target is not None else None
    if chosen is not None and chosen not in TARGETS:
        raise UsageError(f"--target must be acc, pcc or mcc (got {target!r}).")
    training = st.settings.value("training_started_on")
    result = coaching_log(st.reader(), tz=st.tz, training_started_on=training)
    p = measure(result, target=chosen or next_target(credential), today=st.today)
    if json:
        print_json(progress_json(p))
    else:
        progress_screen(p, chosen=chosen is not None, credential=credential, training=training)


def renewal(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Your ICF credential renewal: the Continuing Coach Education (CCE) of the three-year
    cycle that ends on your 'credential_expires_on' setting, against what ICF asks (40 CCE,
    at least 24 Core Competencies with at most 10 of mentor coaching and supervision, at
    least 3 Coaching Ethics, Resource Development counted up to 16; an ACC also needs 10
    hours of mentor coaching), and what is still missing.

    \b
    Examples:
      coachlog config set credential_expires_on 2027-06-30
      coachlog renewal
      coachlog renewal --json
    """
    from coachlog.domain.credentials import renewal as measure
    from coachlog.errors import InvalidInput
    from coachlog.queries.credentials import learning_entries
    from coachlog.render import print_json
    from coachlog.render.credentials import renewal_screen
    from coachlog.services.credential_records import renewal_json

    st = state(ctx)
    expires = st.settings.value("credential_expires_on")
    if expires is None:
        raise InvalidInput(
            "The renewal cycle ends on your credential's expiry date, and "
            "credential_expires_on is not set.",
            hint="Set it from your ICF credential: coachlog config set credential_expires_on "
            "YYYY-MM-DD (and coachlog config set credential acc|pcc|mcc).",
        )
    entries = learning_entries(st.reader())
    r = measure(entries, credential=st.settings.value("credential"), expires_on=expires)
    if json:
        print_json(renewal_json(r, today=st.today))
    else:
        renewal_screen(r, today=st.today)


# --- the learning log -------------------------------------------------------------------------


@learning_app.command("add")
def learning_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What you learned: the course, event or programme.")],
    hours: Annotated[
        str,
        typer.Option(
            "--hours",
            help="How long, in hours (1 hour = 1 CCE), e.g. 1.5.",
            metavar="H",
            show_default=False,
        ),
    ],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="core (Core Competencies), resource (Resource Development), mentor (mentor "
            "coaching) or supervision.",
            metavar="CATEGORY",
            show_default=False,
            autocompletion=complete_choice(LEARNING_CATEGORIES),
        ),
    ],
    ethics: Annotated[
        bool, typer.Option("--ethics", help="Coaching Ethics (a Core Competencies entry).")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option("--on", help="When you completed it (default today).", metavar="WHEN"),
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Who gave it.", metavar="TEXT")
    ] = None,
    proof: Annotated[
        str | None,
        typer.Option(
            "--proof",
            help="A certificate's path (recorded, not copied).",
            metavar="PATH",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Log continuing education for your ICF renewal.

    \b
    Examples:
      coachlog learning add "ICF Code of Ethics course" --hours 3 --category core --ethics
      coachlog learning add "Group mentor coaching" --hours 7 --category mentor --on 2026-10-01
      coachlog learning add "Marketing a practice" --hours 2 --category resource \\
          --provider "Coach Academy" --proof ~/certificates/marketing.pdf
    """
    from coachlog.domain.credentials import parse_hours
    from coachlog.errors import InvalidInput
    from coachlog.render import print_json
    from coachlog.render.credentials import learning_saved
    from coachlog.render.messages import warn
    from coachlog.render.shapes import public_learning
    from coachlog.services import undo
    from coachlog.services.credentials import add_learning, category_of

    st = state(ctx)
    values: dict[str, Any] = {
        "title": title,
        "centihours": parse_hours(hours),
        "category": category_of(category),
        "ethics": ethics,
        "provider": provider,
        "proof": proof,
    }
    day = read_date(st, on, what="--on", toward="past") if on else st.today
    note_read_as(st, "--on", on, day)
    if day > st.today:
        raise InvalidInput(
            f"--on is {day}, after today: log learning once it is done.",
            hint="e.g. --on today, --on 2026-10-01, --on '3 days ago'",
        )
    values["completed_on"] = day
    if proof and not Path(proof).expanduser().exists():
        warn(f"The proof {proof} does not exist here; its path is recorded as given.")
    with st.store().write() as db, undo.step(db, "learning add", now=st.now) as step:
        entry = add_learning(db, values=values, now=st.now)
        step.summary = f"added learning entry #{entry.id}: {undo.short(entry.title)}"
    if json:
        print_json(public_learning(entry))
    else:
        learning_saved("Logged", entry)


@learning_app.command("list")
def learning_list(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Completed on or after this day.", metavar="WHEN"),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Your continuing-education log, oldest first.

    \b
    Examples:
      coachlog learning list
      coachlog learning list --since 2024-06-30 --json
    """
    from coachlog.queries.credentials import list_learning
    from coachlog.render import print_json
    from coachlog.render.credentials import learning_list as screen
    from coachlog.render.shapes import public_learning

    st = state(ctx)
    start = read_date(st, since, what="--since", toward="past") if since else None
    note_read_as(st, "--since", since, start)
    entries = list_learning(st.reader(), since=start)
    if json:
        print_json([public_learning(e) for e in entries])
    else:
        screen(entries)


@learning_app.command("delete")
def learning_delete(
    ctx: typer.Context,
    entry_id: Annotated[
        int, typer.Argument(help="The entry's id.", metavar="ID", show_default=False)
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    json: JsonOpt = False,
) -> None:
    """Delete a learning entry.

    \b
    Example:
      coachlog learning delete 4 --yes
    """
    from coachlog.cli.context import interactive
    from coachlog.errors import Cancelled, UsageError
    from coachlog.render import print_json
    from coachlog.render.credentials import learning_saved
    from coachlog.render.shapes import public_learning
    from coachlog.services import undo
    from coachlog.services.credentials import delete_learning, get_learning

    st = state(ctx)
    store = st.store()
    with store.read() as db:
        entry = get_learning(db, entry_id)
        snapshot = public_learning(entry)
    if not yes:
        if not interactive() or json:
            raise UsageError(
                f"Deleting learning entry {entry_id} needs --yes when it cannot ask.",
                hint=f"coachlog learning delete {entry_id} --yes",
            )
        from coachlog.cli.ask import confirm

        if not confirm(f"Delete learning entry {entry_id}, {entry.title!r}?"):
            raise Cancelled("Kept it; nothing was deleted.")
    with store.write() as db, undo.step(db, "learning delete", now=st.now) as step:
        entry = get_learning(db, entry_id)
        delete_learning(db, entry)
        step.summary = f"deleted learning entry #{entry_id}: {undo.short(entry.title)}"
    if json:
        print_json(snapshot)
    else:
        learning_saved("Deleted", entry)


def register(app: typer.Typer) -> None:
    app.add_typer(icf_app, name="icf")
    app.add_typer(learning_app, name="learning")
    app.command("renewal")(renewal)
