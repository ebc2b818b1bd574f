"""`coachlog practice`: a practice of coaches on one PostgreSQL server (SPEC §8). Run by the
practice administrator with the store owner's login; docs/practice.md is the guide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coachlog.cli.common import JsonOpt, state

if TYPE_CHECKING:
    from coachlog.store import Store

practice_app = typer.Typer(
    help="A practice of coaches on one PostgreSQL server: add a coach, status, upgrade.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _server_store(ctx: typer.Context, *, upgrade: bool = False) -> Store:
    from coachlog.errors import StoreError
    from coachlog.store.paths import resolve

    st = state(ctx)
    if resolve(st.db).path is not None:
        raise StoreError(
            "A practice lives on a PostgreSQL server; this store is a file, one coach's own.",
            hint="Give the practice's database: --db postgresql+psycopg://OWNER@HOST/DBNAME "
            "(docs/practice.md).",
        )
    st.upgrade = upgrade
    return st.store()


def _new_password(role: str) -> str:
    import getpass
    import os
    import sys

    from coachlog.errors import InvalidInput, UsageError

    given = os.environ.get("COACHLOG_COACH_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        raise UsageError(
            f"--create-login needs a password for '{role}': set COACHLOG_COACH_PASSWORD, or "
            "run the command in a terminal to be asked."
        )
    first = getpass.getpass(f"Password for the new login '{role}': ")
    if not first:
        raise InvalidInput("An empty password is not allowed; nothing changed.")
    if getpass.getpass("Repeat it: ") != first:
        raise InvalidInput("The two passwords differ; nothing changed.")
    return first


@practice_app.command("add-coach")
def add_coach(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="The coach's database login role.", metavar="ROLE")],
    create_login: Annotated[
        bool,
        typer.Option(
            "--create-login",
            help="Create the login role first (never a superuser, never BYPASSRLS); its "
            "password comes from $COACHLOG_COACH_PASSWORD, else you are asked for it.",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Let a coach use the practice: give their login role exactly the grants a coach needs
    (CONNECT, USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on the record tables,
    USAGE/SELECT on the id sequences), nothing more. Row-level security keeps each coach to
    their own records. Run as the store's owner.

    \b
    Example:
      coachlog --db postgresql+psycopg://practice_owner@db.example/practice \\
          practice add-coach coach_ana --create-login
    """
    from coachlog.render import print_json
    from coachlog.render.messages import say, success
    from coachlog.store.practice import add_coach as grant

    store = _server_store(ctx)
    password = _new_password(role) if create_login else None
    added = grant(store, role, password=password)
    if json:
        print_json(
            {"role": added.role, "created": added.created, "schema": added.schema,
             "database": added.database}
        )  # fmt: skip
        return
    if added.created:
        success("Created the login role ", (added.role, "name"), ".")
    success(
        "Gave ", (added.role, "name"), " a coach's grants on ",
        (f"{added.database}.{added.schema}", "name"),
        "; their records are theirs alone.",
    )  # fmt: skip
    say(
        "The coach connects with their own login, e.g. COACHLOG_DB=postgresql+psycopg://",
        (added.role, "name"),
        "@HOST/",
        (added.database, "name"),
    )


@practice_app.command("status")
def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """The practice's coaches with their record counts, and whether the database keeps
    each coach's records to that coach (row-level security on and forced on every table,
    the policies in place). Exits with status 1 when a check fails. Run as the store's owner.

    \b
    Example:
      coachlog --db postgresql+psycopg://practice_owner@db.example/practice practice status
    """
    from coachlog.render import print_json
    from coachlog.render.messages import say, success, warn
    from coachlog.store.practice import status as read_status

    found = read_status(_server_store(ctx))
    problems = found.security.problems
    if json:
        print_json(
            {
                "owner": found.owner,
                "coaches": [
                    {"role": c.coach, "login": c.login, "clients": c.clients,
                     "sessions": c.sessions, "promises": c.promises}
                    for c in found.coaches
                ],
                "problems": problems,
                "ok": not problems,
            }
        )  # fmt: skip
    else:
        say("Owner: ", (found.owner, "name"))
        if not found.coaches:
            say("No coaches yet: coachlog practice add-coach ROLE --create-login")
        for c in found.coaches:
            login = "" if c.login else "  (no login role of this name)"
            say(
                "  ", (c.coach, "name"),
                f": {c.clients} clients, {c.sessions} sessions, {c.promises} promises{login}",
            )  # fmt: skip
        if problems:
            for problem in problems:
                warn(problem[0].upper() + problem[1:] + ".")
            warn("Coaches may see each other's records: run 'coachlog practice upgrade'.")
        else:
            success("Row-level security is on and forced on every table, with its policies.")
    if problems:
        raise typer.Exit(1)


@practice_app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    backed_up: Annotated[
        bool,
        typer.Option(
            "--backed-up",
            help="Confirm that the database has a current backup (e.g. pg_dump); needed "
            "without a terminal.",
        ),
    ] = False,
) -> None:
    """Bring the practice's store to this coachlog's schema. Only the store's owner can,
    one at a time (a second upgrade waits, then finds the work done), after confirming a
    backup. Coaches' coachlog never changes the schema.

    \b
    Example:
      pg_dump --format=custom --file practice.dump practice
      coachlog --db postgresql+psycopg://practice_owner@db.example/practice \\
          practice upgrade --backed-up
    """
    import sys

    from coachlog.errors import Cancelled, UsageError
    from coachlog.render.messages import success
    from coachlog.store.migrate import HEAD

    if not backed_up:
        if not sys.stdin.isatty():
            raise UsageError(
                "Upgrading the practice's store needs a current backup: make one (pg_dump), "
                "then add --backed-up."
            )
        from coachlog.cli.ask import ask_text

        answer = ask_text("Has the database a backup made just now (pg_dump)? y/N")
        if (answer or "").strip().lower() not in ("y", "yes"):
            raise Cancelled("Nothing was changed; back the database up first.")
    _server_store(ctx, upgrade=True)
    success(f"The practice's store is at schema {HEAD}, this coachlog's.")


def register(app: typer.Typer) -> None:
    app.add_typer(practice_app, name="practice")
