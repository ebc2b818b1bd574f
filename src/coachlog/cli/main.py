"""The root command: global options, the command groups, and the one place where every
error becomes a message and an exit status."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from coachlog import __version__
from coachlog.cli.context import AppState

# The command modules, in the order `coachlog --help` lists their commands.
MODULES = (
    "clients",
    "agreements",
    "sessions",
    "promises",
    "trust",
    "exchange",
    "credentials",
    "store_cmds",
    "config_cmds",
    "undo",
    "practice",
)
# Which modules a first word needs. A run builds only those: Typer turns every registered
# command into a click command at start-up (about 1 ms each), so `coachlog dashboard` need
# not pay for the other forty. Anything else (help, completion, a typo) gets them all.
OWNERS: dict[str, tuple[str, ...]] = {
    "client": ("clients", "store_cmds"),  # `client forget` lives with the safety commands
    "agreement": ("agreements",),
    "session": ("sessions",),
    "promises": ("promises",),
    "promise": ("promises",),
    **dict.fromkeys(("trust", "pitstop", "prep", "dashboard", "demo"), ("trust",)),
    **dict.fromkeys(("export", "import", "search"), ("exchange",)),
    **dict.fromkeys(("init", "backup", "doctor", "passphrase"), ("store_cmds",)),
    "config": ("config_cmds",),
    "undo": ("undo",),
    "practice": ("practice",),
    **dict.fromkeys(("icf", "learning", "renewal"), ("credentials",)),
}
GLOBAL_OPTIONS = {"--db", "--tz"}
# The commands that only read: they never create a store (SPEC §2a). Anything else may.
READ_ONLY = {
    ("client", "list"), ("client", "show"),
    ("agreement", "show"), ("agreement", "list"), ("agreement", "check"),
    ("session", "list"), ("session", "show"),
    ("promises", "due"), ("promise", "due"), ("promises", "list"), ("promise", "list"),
    ("prep",), ("trust",), ("dashboard",), ("search",), ("export",), ("doctor",),
    ("icf", "log"), ("icf", "progress"), ("learning", "list"), ("renewal",),
}  # fmt: skip


def only_reads(args: list[str]) -> bool:
    """Whether the command line names one of the READ_ONLY commands."""
    words: list[str] = []
    i = 0
    while i < len(args) and len(words) < 2:
        word = args[i]
        if word.split("=", 1)[0] in GLOBAL_OPTIONS:
            i += 1 if "=" in word else 2
            continue
        if word.startswith("-"):
            break
        words.append(word)
        i += 1
    return any(tuple(words[:n]) in READ_ONLY for n in (1, 2))


# Typer's fish script runs the program twice per Tab (an "is-args" condition, then
# "get-args"), a whole start-up each. This one asks once and offers files itself when
# nothing else completes. (%% and %(…)s: filled in by Typer.)
FISH_SCRIPT = """\
function %(complete_func)s
    set -l found (env %(autocomplete_var)s=complete_fish _TYPER_COMPLETE_FISH_ACTION=get-args \\
        _TYPER_COMPLETE_ARGS=(commandline -cp) %(prog_name)s)
    set found (string match -v -- '' $found)
    if test (count $found) -gt 0
        printf '%%s\\n' $found
    else
        __fish_complete_path (commandline -ct)
    end
end
complete --command %(prog_name)s --no-files --arguments '(%(complete_func)s)'"""


COMPLETION_OPTIONS = ("--install-completion", "--show-completion")


def wants_completion(args: list[str]) -> bool:
    """Whether this run completes a word, or shows or installs the completion script."""
    return "_COACHLOG_COMPLETE" in os.environ or any(
        a.split("=", 1)[0] in COMPLETION_OPTIONS for a in args
    )


def fit_completion() -> None:
    """Typer's completion, made to fit (SPEC §3a; tests/test_completion_shells.py): fish
    gets FISH_SCRIPT, bash gets values quoted as the command line needs them ('Ana Lima'),
    since its script inserts them as they are, and values match whatever their case, as the
    fast path matches them (cli/complete.py).

    Typer offers no public way to do this: its scripts are a private dict that
    --show-completion reads, and it registers its own completion classes again each time
    it builds the command (click's add_completion_class cannot replace them; Typer 0.29
    even brings a click of its own). So this reaches into Typer's private modules, and only
    when completing or showing and installing the script, never for another command. If
    anything there is not where it was (a newer Typer: pyproject.toml bounds it), nothing
    is changed and completion is Typer's own."""
    try:
        from typer import _completion_classes as classes
        from typer import _completion_shared as shared

        from coachlog.cli.complete import bash_quote, case_blind

        scripts = shared._completion_scripts
        bash, zsh, fish = classes.BashComplete, classes.ZshComplete, classes.FishComplete
        finders = {cls: cls.get_completions for cls in (bash, zsh, fish)}
        if not isinstance(scripts, dict) or "fish" not in scripts:
            return
    except Exception:
        return

    def quoted(self: object, item: Any) -> str:
        return bash_quote(item.value)

    scripts["fish"] = FISH_SCRIPT
    fish.source_template = FISH_SCRIPT
    bash.format_completion = quoted  # type: ignore[method-assign]
    for cls, finder in finders.items():
        cls.get_completions = case_blind(finder)  # type: ignore[method-assign]


def make_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    import importlib

    root = typer.Typer(
        name="coachlog",
        help="A journal for your coaching practice: sessions, promises, agreements and trust.\n\n"
        "Start with 'coachlog demo' to explore a sample practice, or 'coachlog client add NAME'.",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    root.callback()(_root)
    for name in modules:
        importlib.import_module(f"coachlog.cli.{name}").register(root)
    return root


def help_app() -> typer.Typer:
    """The root with each command and group as a stub that has only its name and help: all
    that `coachlog --help` shows. Building the real commands costs more than importing
    Typer itself; a test checks that both print the same help."""
    import inspect

    full = make_app()
    root = make_app(())
    for group in full.registered_groups:
        sub = group.typer_instance
        assert sub is not None
        root.add_typer(
            typer.Typer(help=sub.info.help, rich_markup_mode=None),
            name=group.name,
            hidden=group.hidden,
        )
    for command in full.registered_commands:
        help_text = command.help or inspect.getdoc(command.callback) or ""
        root.command(command.name, help=help_text, hidden=command.hidden)(_stub)
    return root


def _stub() -> None:  # pragma: no cover - a help-only stub is never run
    pass


def wants_root_help(argv: list[str]) -> bool:
    i = 0
    while i + 1 < len(argv) and argv[i] in GLOBAL_OPTIONS:
        i += 2
    rest = argv[i:]
    return rest in ([], ["--help"], ["-h"]) and "_COACHLOG_COMPLETE" not in os.environ


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The command modules a command line needs (all of them when in doubt)."""
    if "_COACHLOG_COMPLETE" in os.environ:
        return MODULES
    i = 0
    while i < len(argv) and argv[i] in GLOBAL_OPTIONS:
        i += 2
    first = argv[i] if i < len(argv) else ""
    return OWNERS.get(first, MODULES)


def hoist_globals(args: list[str], cli: typer.Typer) -> list[str]:
    """`--db` and `--tz` may be written after the command too (SPEC §2a): move them before
    it, where the root command reads them. The command's own options that take a value are
    skipped with their value, so a note that reads "--db" is never mistaken for one."""
    if not any(a.split("=", 1)[0] in GLOBAL_OPTIONS for a in args):
        return args
    front: list[str] = []
    i = 0
    while i < len(args) and args[i].split("=", 1)[0] in GLOBAL_OPTIONS:
        step = 1 if "=" in args[i] else 2
        front += args[i : i + step]
        i += step
    # Read as click objects by their attributes: Typer may bring a click of its own.
    command: Any = typer.main.get_command(cli)
    path: list[str] = []
    while i < len(args) and args[i] in getattr(command, "commands", {}):
        path.append(args[i])
        command = command.commands[args[i]]
        i += 1
    takes_value = {
        opt
        for p in command.params
        if p.param_type_name == "option" and not p.is_flag and not p.count
        for opt in (*p.opts, *p.secondary_opts)
    }
    rest: list[str] = []
    while i < len(args):
        word = args[i]
        if word == "--":
            rest += args[i:]
            break
        name = word.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and name not in takes_value:
            step = 1 if "=" in word else 2
            front += args[i : i + step]
            i += step
        elif word in takes_value:
            rest += args[i : i + 2]
            i += 2
        else:
            rest.append(word)
            i += 1
    return [*front, *path, *rest]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coachlog {__version__}")
        raise typer.Exit()


def _root(
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
    read_only = isinstance(ctx.obj, dict) and bool(ctx.obj.get("read_only"))
    ctx.obj = AppState(db=db, tz_option=tz, read_only=read_only)
    ctx.call_on_close(ctx.obj.close)
    ctx.obj.check_zone()


def __getattr__(name: str) -> typer.Typer:
    """`app`: the whole command line, for introspection (docs, tests)."""
    if name == "app":
        globals()["app"] = full = make_app()
        return full
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    """Run coachlog and return its exit status. No traceback ever reaches the user: known
    errors print their message; anything unexpected prints a short report (the traceback
    only with COACHLOG_DEBUG=1). Standard output is guarded (cli/output.py): when it fails,
    the message says whether the command had saved its changes."""
    from coachlog.cli.output import GuardedStream, OutputLost, lost_message, silence
    from coachlog.store import saved

    saved.reset()
    os.umask(0o077)  # every file we create (store, WAL, backups, exports) is ours alone
    real = sys.stdout
    sys.stdout = GuardedStream(real)
    try:
        code = _run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # what is still buffered fails here, not silently at exit
        return code
    except OutputLost as lost:
        silence(real)
        message = lost_message(lost, saved=saved.anything_saved())
        if message is not None:
            from coachlog.render.messages import error

            error(message)
        return 1
    finally:
        sys.stdout = real


def _run(args: list[str]) -> int:
    from coachlog.cli.output import OutputLost
    from coachlog.errors import CoachlogError

    try:
        from coachlog.textin import check_arguments

        check_arguments(args)
        from coachlog.cli.today import today_args

        today = today_args(args)
        if today is not None:  # bare `coachlog`: today's view
            status = _run(today)
            if status == 0:
                from coachlog.cli.today import footer

                footer()
            return status
        cli = help_app() if wants_root_help(args) else make_app(modules_for(args))
        if wants_completion(args):
            fit_completion()
        args = hoist_globals(args, cli)
        cli(
            args=args,
            prog_name="coachlog",
            standalone_mode=True,
            obj={"read_only": only_reads(args)},
        )
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except OutputLost:
        raise
    except CoachlogError as exc:
        from coachlog.render.messages import error

        error(exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        from coachlog.render.messages import interrupted

        return interrupted()
    except UnicodeEncodeError as exc:
        # Text that is not UTF-8 which no check met on its way in (an environment
        # variable, an answer typed at a prompt): refused where it was to be written.
        if os.environ.get("COACHLOG_DEBUG") or "surrogate" not in str(exc.reason):
            raise
        from coachlog.render.messages import error

        error(
            "Some text given to coachlog (an argument, an environment variable, an answer or "
            "a file) is not UTF-8, so it was not used; nothing was saved by this command.",
            "Set the terminal and the locale to UTF-8, or convert the text, and try again.",
        )
        return 1
    except Exception as exc:
        if os.environ.get("COACHLOG_DEBUG"):
            raise
        from coachlog.render.messages import unexpected

        return unexpected(exc)
    return 0


def run() -> None:
    from coachlog.cli.signals import exit_cleanly_on_signals

    exit_cleanly_on_signals()
    sys.exit(main())
