"""coachlog agreement …: the designed alliance, versioned per client."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from coachlog.cli.common import ClientArg, JsonOpt, find_client, read_date, state

agreement_app = typer.Typer(
    help="The coaching agreement (designed alliance): new, show, list, check.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _text_opt(flag: str, help: str) -> Any:
    return typer.Option(flag, help=help, show_default=False)


def _cadence_flag(said: str) -> int:
    """--cadence-days in the words the questions and the template take (SPEC §3a)."""
    from coachlog.domain.agreements import read_cadence
    from coachlog.errors import InvalidInput, UsageError

    try:
        return read_cadence(said)
    except InvalidInput as exc:
        raise UsageError(
            f"--cadence-days: {exc.message.removeprefix('cadence: ')}", hint=exc.hint
        ) from None


@agreement_app.command("new")
def new(
    ctx: typer.Context,
    client: ClientArg,
    goals: Annotated[
        str | None, _text_opt("--goals", "What the client wants from coaching.")
    ] = None,
    confidentiality: Annotated[
        str | None, _text_opt("--confidentiality", "What stays between you, and its limits.")
    ] = None,
    communication: Annotated[
        str | None, _text_opt("--communication", "Channels and response times between sessions.")
    ] = None,
    logistics: Annotated[
        str | None, _text_opt("--logistics", "Medium, length, rescheduling, cancellation.")
    ] = None,
    coach_responsibilities: Annotated[
        str | None, _text_opt("--coach-responsibilities", "What you commit to.")
    ] = None,
    client_responsibilities: Annotated[
        str | None, _text_opt("--client-responsibilities", "What the client commits to.")
    ] = None,
    fees: Annotated[str | None, _text_opt("--fees", "Fees and invoicing.")] = None,
    conflicts_of_interest: Annotated[
        str | None, _text_opt("--conflicts-of-interest", "Any conflict ('none' is an answer).")
    ] = None,
    sponsor_reporting: Annotated[
        str | None, _text_opt("--sponsor-reporting", "What is reported to a sponsor, if any.")
    ] = None,
    starts_on: Annotated[
        str | None, _text_opt("--starts-on", "Start date (default today).")
    ] = None,
    review_on: Annotated[
        str | None, _text_opt("--review-on", "When to review it together, e.g. +90d.")
    ] = None,
    ends_on: Annotated[str | None, _text_opt("--ends-on", "End date, if agreed.")] = None,
    cadence_days: Annotated[
        str | None,
        typer.Option(
            "--cadence-days",
            help="Agreed days between sessions: 14, weekly, fortnightly, every 3 weeks.",
            metavar="DAYS",
            show_default=False,
        ),
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Save as a draft; the active version stays.")
    ] = False,
    edit: Annotated[
        bool, typer.Option("--edit", "-e", help="Write it in $VISUAL/$EDITOR from a template.")
    ] = False,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Read it from a filled-in template (Markdown).",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Write a new version of the coaching agreement. It starts from the previous version,
    so you only give what changed; the new active version supersedes the old (kept).

    \b
    Examples:
      coachlog agreement new ana --edit
      coachlog agreement new ana --goals "Lead without rescuing" --review-on +90d \\
          --cadence-days 14 --conflicts-of-interest none
    """
    from coachlog.cli.context import interactive
    from coachlog.dates import in_words
    from coachlog.domain.agreements import check as check_elements
    from coachlog.drafts import drafting, keep_texts_for
    from coachlog.editor import edit_until_valid
    from coachlog.errors import UsageError
    from coachlog.render import print_json
    from coachlog.render.messages import aside, say, success
    from coachlog.render.shapes import public_agreement
    from coachlog.services import agreement_template, agreements, undo

    st = state(ctx)
    if edit and from_file:
        raise UsageError("Use either --edit or --from FILE, not both.")
    flags: dict[str, Any] = {
        "goals": goals,
        "confidentiality": confidentiality,
        "communication": communication,
        "logistics": logistics,
        "coach_responsibilities": coach_responsibilities,
        "client_responsibilities": client_responsibilities,
        "fees": fees,
        "conflicts_of_interest": conflicts_of_interest,
        "sponsor_reporting": sponsor_reporting,
        "cadence_days": None if cadence_days is None else _cadence_flag(cadence_days),
    }
    flags = {k: v for k, v in flags.items() if v is not None}
    dated = {"starts_on": starts_on, "review_on": review_on, "ends_on": ends_on}
    for key, raw in dated.items():
        if raw is not None:
            flag = "--" + key.replace("_", "-")
            flags[key] = read_date(st, raw, what=flag) if raw.strip() else None
    store = st.store()
    with store.read() as db:
        found = find_client(db, client)
        base = agreements.starting_point(db, found)
        last = agreements.latest(db, found)
    version = (last.version + 1) if last else 1
    values = {**base, **flags}

    typed = {k: raw.strip() for k, raw in dated.items() if raw is not None and in_words(raw)}
    retry = f"To record it: coachlog agreement new {found.id} --from {{path}}"
    keep_texts_for(found.uid)  # a text kept on failure is found and erased by client forget
    with drafting(retry_hint=retry) as written:
        if from_file is not None:
            from coachlog.textin import read_file

            text = read_file(from_file)  # UTF-8, at most 10 MiB (SPEC §3a)
            values = {**base, **agreement_template.parse(text, now=st.now, tz=st.tz), **flags}
            typed = {**agreement_template.dates_in_words(text), **typed}
        elif edit:
            template = agreement_template.render(found.name, version, values)
            last_text = [template]

            def read(text: str) -> dict[str, Any]:
                last_text[0] = text
                return agreement_template.parse(text, now=st.now, tz=st.tz)

            parsed = edit_until_valid(template, read, draft=written, name="agreement.md")
            values = {**parsed, **flags}
            typed = {**agreement_template.dates_in_words(last_text[0]), **typed}
        elif not flags:
            if not interactive():
                raise UsageError(
                    "Nothing to record: give the agreement as flags (e.g. --goals), --edit, or "
                    "--from FILE.",
                    hint="Run it in a terminal to be asked for each element.",
                )
            values = _ask_elements(found.name, version, values, st)
        if draft:
            values["status"] = "draft"
        with store.write() as db, undo.step(db, "agreement new", now=st.now) as step:
            found = find_client(db, str(found.id))
            was_prospect = found.status == "prospect"
            agreement, superseded = agreements.new_agreement(
                db, found, values=values, now=st.now, today=st.today
            )
            checks = check_elements(agreement, today=st.today, sponsor=found.sponsor)
            step.summary = f"agreement v{agreement.version} for {found.name} ({agreement.status})"
            if superseded:
                step.summary += f"; v{superseded.version} superseded"
    if json:
        print_json(public_agreement(agreement, found))
        return
    success(
        f"Agreement v{agreement.version} for ",
        (found.name, "name"),
        f" recorded ({agreement.status})",
        f"; v{superseded.version} superseded" if superseded else "",
    )
    if was_prospect and found.status == "active":
        from coachlog.render.clients import became_active

        became_active(found)
    for key in agreement_template.DATE_KEYS:  # each date given in words, as it was read
        shown = getattr(agreement, key)
        if (dated[key] is not None or key in typed) and shown is not None:
            say(
                (f"  {key.replace('_', ' ')} ", "muted"),
                shown.isoformat(),
                *aside(f'from "{typed[key]}"' if key in typed else None),
            )
    gaps = [c for c in checks if c.status != "ok"]
    if gaps:
        say(
            ("  still open: ", "warn"),
            ", ".join(c.label.lower() for c in gaps),
            *aside(f"coachlog agreement check {found.id}"),
        )


def _ask_elements(name: str, version: int, values: dict[str, Any], st: Any) -> dict[str, Any]:
    """Each element in turn, starting from the previous version. An unreadable review date
    or cadence is asked again (the answers before it stay); Enter through every question
    changes nothing, and then no new version is made."""
    from coachlog.cli.ask import ask_text, ask_until_ok
    from coachlog.domain.agreements import (
        CADENCE_ACCEPTED,
        ELEMENT_HELP,
        ELEMENTS,
        nothing_new,
        read_cadence,
    )
    from coachlog.errors import Cancelled
    from coachlog.render.messages import say

    say(
        ("Agreement v" + str(version) + " with ", "head"),
        (name, "name"),
        ("  (Enter keeps [the shown value], '-' clears it)", "muted"),
    )
    out = dict(values)
    for key, label in ELEMENTS.items():
        out[key] = ask_text(label, default=values.get(key), help=ELEMENT_HELP[key])
    out["review_on"] = ask_until_ok(
        "Review on",
        lambda answer: read_date(st, answer, what="review on") if answer else None,
        default=values["review_on"].isoformat() if values.get("review_on") else "+90d",
        help="a date, e.g. +90d or 2027-03-01",
    )
    if out["review_on"] is not None and out["review_on"] != values.get("review_on"):
        say(("     review on " + out["review_on"].isoformat(), "muted"))
    previous = values.get("cadence_days")
    out["cadence_days"] = ask_until_ok(
        "Cadence",
        lambda answer: read_cadence(answer) if answer else None,
        default=f"{previous} days" if previous else None,
        help=CADENCE_ACCEPTED,
    )
    if nothing_new(values, out):
        raise Cancelled(
            "Nothing changed; no new version was made."
            if values
            else "Nothing was answered; no agreement was recorded."
        )
    return out


@agreement_app.command("show")
def show(
    ctx: typer.Context,
    client: ClientArg,
    version: Annotated[int | None, typer.Option("--version", "-v", help="Which version.")] = None,
    json: JsonOpt = False,
) -> None:
    """Show the active agreement (or --version N).

    \b
    Example:
      coachlog agreement show ana --version 1
    """
    from coachlog.queries.agreements import get_version
    from coachlog.queries.clients import find_client as find
    from coachlog.render import print_json
    from coachlog.render.agreements import agreement_page
    from coachlog.render.shapes import public_agreement

    st = state(ctx)
    db = st.reader()
    found = find(db, client)
    agreement = get_version(db, found, version)
    if json:
        print_json(public_agreement(agreement, found))
    else:
        agreement_page(agreement, found)


@agreement_app.command("list")
def list_(ctx: typer.Context, client: ClientArg, json: JsonOpt = False) -> None:
    """List every version of a client's agreement.

    \b
    Example:
      coachlog agreement list ana
    """
    from coachlog.queries.agreements import versions
    from coachlog.queries.clients import find_client as find
    from coachlog.render import print_json
    from coachlog.render.agreements import agreement_list
    from coachlog.render.shapes import public_agreement

    st = state(ctx)
    db = st.reader()
    found = find(db, client)
    rows = versions(db, found.id)
    if json:
        print_json([public_agreement(a, found) for a in rows])
    else:
        agreement_list(rows, found)


@agreement_app.command("check")
def check(ctx: typer.Context, client: ClientArg, json: JsonOpt = False) -> None:
    """Which designed-alliance elements are missing, empty or past review. Exit status 0
    either way; the JSON lists each element with its status.

    \b
    Example:
      coachlog agreement check ana
    """
    from coachlog.domain.agreements import check as check_elements
    from coachlog.queries.agreements import current
    from coachlog.queries.clients import find_client as find
    from coachlog.render import print_json
    from coachlog.render.agreements import agreement_check

    st = state(ctx)
    db = st.reader()
    found = find(db, client)
    agreement = current(db, found.id)
    checks = check_elements(agreement, today=st.today, sponsor=found.sponsor)
    if json:
        from coachlog.render.shapes import agreement_check as shape

        print_json(shape(found, agreement, checks))
    else:
        agreement_check(found, agreement, checks)


def register(app: typer.Typer) -> None:
    app.add_typer(agreement_app, name="agreement")
