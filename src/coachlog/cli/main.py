"""The root command: global options, the command groups, and the one place where every
error becomes a message and an exit status."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from coachlog import __version__
from coachlog.cli import agreements, clients, exchange, promises, sessions, store_cmds, trust
from coachlog.cli.context import AppState

app = typer.Typer(
    name="coachlog",
    help="A journal for your coaching practice: sessions, promises, agreements and trust.\n\n"
    "Start with 'coachlog demo' to explore a sample practice, or 'coachlog client add NAME'.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coachlog {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The store: a file path or a database URL. Default: $COACHLOG_DB, else "
            "coachlog.db in your user data folder.",
            metavar="PATH|URL",
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            help="Your time zone (IANA name, e.g. Europe/Lisbon). Default: $COACHLOG_TZ, "
            "else the system's.",
            metavar="ZONE",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    ctx.obj = AppState(db=db, tz_option=tz)
    ctx.call_on_close(ctx.obj.close)


clients.register(app)
agreements.register(app)
sessions.register(app)
promises.register(app)
trust.register(app)
exchange.register(app)
store_cmds.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run coachlog and return its exit status. No traceback ever reaches the user: known
    errors print their message; anything unexpected prints a short report (the traceback
    only with COACHLOG_DEBUG=1)."""
    from coachlog.errors import CoachlogError

    os.umask(0o077)  # every file we create (store, WAL, backups, exports) is ours alone
    try:
        app(args=argv, prog_name="coachlog", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except CoachlogError as exc:
        from coachlog.render.messages import error

        error(exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted; nothing was saved by this command.\n")
        return 130
    except Exception as exc:
        if os.environ.get("COACHLOG_DEBUG"):
            raise
        from coachlog.render.messages import error

        error(
            f"coachlog hit an unexpected problem ({type(exc).__name__}: {exc}). "
            "Nothing was saved by this command.",
            "Run again with COACHLOG_DEBUG=1 to see the details, and report it.",
        )
        return 1
    return 0


def run() -> None:
    sys.exit(main())
