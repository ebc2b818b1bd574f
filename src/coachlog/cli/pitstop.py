"""`coachlog pitstop CLIENT`: record a check-in on the coaching relationship (SPEC §4)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from coachlog.choices import MINUTES
from coachlog.cli.common import ClientArg, JsonOpt, find_client, read_held_at, state


def _answer(flag: str, help: str) -> Any:
    return typer.Option(flag, help=help, show_default=False)


def pitstop(
    ctx: typer.Context,
    client: ClientArg,
    working: Annotated[str | None, _answer("--working", "What is working in our coaching.")] = None,
    not_working: Annotated[str | None, _answer("--not-working", "What is not working.")] = None,
    more: Annotated[str | None, _answer("--more", "What they want more of.")] = None,
    less: Annotated[str | None, _answer("--less", "What they want less of.")] = None,
    safety: Annotated[
        int | None,
        typer.Option(
            "--safety",
            min=1,
            max=5,
            help="How safe it feels to be open here, 1-5 (kept as the trust pulse).",
        ),
    ] = None,
    agreement_change: Annotated[
        str | None, _answer("--agreement-change", "What in our agreement should change.")
    ] = None,
    at: Annotated[str | None, _answer("--at", "When it happened (default: now).")] = None,
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", help="How long it took.", min=MINUTES[0], max=MINUTES[1]),
    ] = None,
    edit: Annotated[
        bool, typer.Option("--edit", "-e", help="Write the answers in $VISUAL/$EDITOR.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Record a pit-stop: a check-in on the coaching relationship itself. Give the answers
    as flags, write them in your editor (--edit), or, on a terminal with no flags, answer
    each question in turn. If the agreement should change, you are offered a new version.

    \b
    Examples:
      coachlog pitstop ana
      coachlog pitstop ana --working "the challenge" --less "homework" --safety 4 \\
          --agreement-change "Move to every three weeks"
    """
    from coachlog.cli.context import interactive
    from coachlog.errors import UsageError
    from coachlog.queries.db import on_session
    from coachlog.queries.facts import status_for
    from coachlog.render import print_json
    from coachlog.render.prep import pitstop_recorded
    from coachlog.render.shapes import public_session
    from coachlog.services import pitstops, undo

    st = state(ctx)
    given: dict[str, Any] = {
        "working": working,
        "not_working": not_working,
        "more": more,
        "less": less,
        "safety": safety,
        "agreement_change": agreement_change,
    }
    when, at_typed = None, None
    if at is not None:
        when = read_held_at(st, at, what="--at")
        at_typed = at.strip() if when.in_words and at.strip().lower() != "now" else None
    held_at = when.instant if when else st.now
    store = st.store()
    with store.read() as db:
        found = find_client(db, client)
    from coachlog.drafts import drafting, keep_texts_for

    retry = "To record it, run the command again with --edit and paste the text in from {path}."
    keep_texts_for(found.uid)  # a text kept on failure is found and erased by client forget
    with drafting(retry_hint=retry) as draft:
        if edit:
            from coachlog.editor import edit_until_valid
            from coachlog.render.widgets import when as shown

            text = pitstops.template(found.name, shown(held_at, now=st.now, tz=st.tz), given)
            answers = edit_until_valid(
                text, pitstops.parse_template, draft=draft, name="pitstop.md"
            )
        elif pitstops.has_answers(given):
            answers = given  # flags given: no questions, so it runs the same from a script
        elif interactive():
            answers = _ask(found.name)
        else:
            raise UsageError(
                "Nothing to record: give the answers as --working, --not-working, --more, "
                "--less, --safety 1-5 and --agreement-change, or use --edit.",
                hint="Run it in a terminal to be asked each question.",
            )
        with store.write() as db, undo.step(db, "pitstop", now=st.now) as step:
            found = find_client(db, str(found.id))
            was_prospect = found.status == "prospect"
            record = pitstops.record_pitstop(
                db, found, answers=answers, held_at=held_at, minutes=minutes, now=st.now
            )
            status = status_for(on_session(db), found, now=st.now)
            step.summary = f"pit-stop #{record.id} with {found.name}"
    if json:
        print_json(public_session(record, found))
        return
    pitstop_recorded(found, record, status, now=st.now, tz=st.tz, at_typed=at_typed)
    if was_prospect:
        from coachlog.render.clients import became_active

        became_active(found)
    if not (record.notes and pitstops.answers_from_notes(record.notes).get("agreement_change")):
        return
    if interactive():
        from coachlog.cli.ask import confirm

        if confirm("The agreement should change. Start a new agreement version now?"):
            from coachlog.cli.agreements import new

            new(ctx, client=str(found.id), edit=True)
    else:
        from coachlog.render.messages import say

        say(
            ("  The agreement should change: ", "warn"),
            f"coachlog agreement new {found.id} --edit",
        )


def _ask(name: str) -> dict[str, Any]:
    """Each check-in question in turn; Enter skips one. All skipped: nothing is stored."""
    from coachlog.cli.ask import ask_text, ask_until_ok
    from coachlog.errors import Cancelled
    from coachlog.render.messages import say
    from coachlog.services import pitstops

    say(("Pit-stop with ", "head"), (name, "name"), ("  (Enter skips a question)", "muted"))
    answers: dict[str, Any] = {}
    for key, question, _ in pitstops.QUESTIONS:
        if key == "safety":  # a score that cannot be read is asked again
            answers[key] = ask_until_ok(
                question,
                lambda a: pitstops.read_safety(a) if a else None,
                help=pitstops.SAFETY_HINT,
            )
        else:
            answers[key] = ask_text(question)
    if not pitstops.has_answers(answers):
        raise Cancelled("Nothing was answered; nothing was recorded.")
    return answers
