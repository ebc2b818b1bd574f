"""The root command: global options, the command groups, and the one place where every
error becomes a message and an exit status."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from coachlog import __version__
from coachlog.cli.context import AppState


@dataclass(frozen=True)
class Entry:
    """A command or group of the root: its name, the module of coachlog.cli that defines
    it, the attribute there (a typer.Typer group, or a command function), and the first
    sentence of its help: all that `coachlog --help` lists, so listing them imports none
    of the modules (tests/test_startup.py checks each against the real command)."""

    name: str
    module: str
    attr: str
    summary: str
    hidden: bool = False


# In the order `coachlog --help` lists them.
COMMANDS: tuple[Entry, ...] = (
    Entry(
        "dashboard",
        "dashboard",
        "dashboard",
        "Every active client at a glance: sessions, last session, next pit-stop, open and "
        "overdue promises (yours / theirs), your kept-on-time rate, the trust score and the"
        " trust pulse.",
    ),
    Entry(
        "trust",
        "trust",
        "trust",
        "The trust checklist: eleven checks on your own records, each passed, failed or not"
        " yet applicable, with the evidence and what to do about a failure; then the "
        "questions records cannot answer.",
    ),
    Entry(
        "prep",
        "prep",
        "prep",
        "One screen before a session: the agreement's goals and cadence, the last session, "
        "open promises both ways, any broken promise of yours not yet raised with the "
        "client, whether a pit-stop is due, and the trust pulse.",
    ),
    Entry(
        "pitstop",
        "pitstop",
        "pitstop",
        "Record a pit-stop: a check-in on the coaching relationship itself.",
    ),
    Entry(
        "demo",
        "demo",
        "demo",
        "Fill an empty store with a realistic sample practice, so every screen has "
        "something to show: clients from many places, agreements with and without gaps, "
        "sessions with notes and reflections, pit-stops, and promises kept, late, broken, "
        "released and moved.",
    ),
    Entry(
        "export",
        "exchange",
        "export",
        "Export a client's records, or your whole practice: a Markdown summary (client-"
        "facing by default), the JSON interchange file, or promises and planned sessions "
        "as iCalendar.",
    ),
    Entry("import", "exchange", "import_", "Import a coachlog JSON export."),
    Entry(
        "recap",
        "exchange",
        "recap",
        "A recap of one session for the client: its date and themes, what each of you will"
        " do, what is still open from before, and your next planned session; signed with "
        "the `coach` setting.",
    ),
    Entry(
        "schema",
        "exchange",
        "schema",
        "Print the JSON Schema (draft 2020-12) of the interchange format that 'coachlog "
        "export --format json' writes and 'coachlog import' reads (docs/interchange.md).",
    ),
    Entry(
        "search",
        "exchange",
        "search",
        "Search session notes, reflections, promises and agreements (private ones too: this"
        " is your own search), and clients' names: a whole word of a client's name, or its "
        "first three letters or more, matches that client's records.",
    ),
    Entry(
        "renewal",
        "credentials",
        "renewal",
        "Your ICF credential renewal: the Continuing Coach Education (CCE) of the three-"
        "year cycle that ends on your 'credential_expires_on' setting, against what ICF "
        "asks (40 CCE, at least 24 Core Competencies with at most 10 of mentor coaching and"
        " supervision, at least 3 Coaching Ethics, Resource Development counted up to 16; "
        "an ACC also needs 10 hours of mentor coaching), and what is still missing.",
    ),
    Entry("init", "store_cmds", "init", "Create the store (otherwise it is made on first use)."),
    Entry("passphrase", "store_cmds", "passphrase", "Change the passphrase of an encrypted store."),
    Entry(
        "backup",
        "store_cmds",
        "backup",
        "Write a consistent copy of the store, even while other commands run.",
    ),
    Entry(
        "doctor",
        "store_cmds",
        "doctor",
        "Check the store: integrity, broken references, the permissions of the store and "
        "its folder (with the command that fixes each problem), schema version, encryption,"
        " counts.",
    ),
    Entry(
        "undo",
        "undo",
        "undo",
        "Undo the last change: one command, one step (a session with its promises, a keep, "
        "a move, an edit, an agreement version, a client added or closed…).",
    ),
    Entry(
        "client",
        "clients",
        "client_app",
        "Your clients: add, list, show, edit, close, reopen, forget.",
    ),
    Entry(
        "agreement",
        "agreements",
        "agreement_app",
        "The coaching agreement (designed alliance): new, show, list, check.",
    ),
    Entry(
        "session",
        "sessions",
        "session_app",
        "Sessions: record a call and the promises made in it; list, show, edit, delete; "
        "plan ahead, cancel.",
    ),
    Entry(
        "promises",
        "promises",
        "promises_app",
        "Promises, yours and your clients': what is due, and keep, break, release, move, "
        "edit, reopen.",
    ),
    Entry(
        "promise",
        "promises",
        "promises_app",
        "Promises, yours and your clients': what is due, and keep, break, release, move, "
        "edit, reopen.",
        hidden=True,
    ),
    Entry(
        "icf",
        "credentials",
        "icf_app",
        "The ICF client coaching log, and progress toward a credential.",
    ),
    Entry(
        "learning",
        "credentials",
        "learning_app",
        "Your continuing-education log (ICF CCE): add, list, delete.",
    ),
    Entry(
        "config",
        "config_cmds",
        "config_app",
        "Your settings (config.toml): each value and where it came from.",
    ),
    Entry(
        "practice",
        "practice",
        "practice_app",
        "A practice of coaches on one PostgreSQL server: add a coach, status, upgrade.",
    ),
)
ENTRIES = {entry.name: entry for entry in COMMANDS}


def load(entry: Entry) -> Any:
    """The click command of an entry, built from its module (imported now). A group's own
    commands are built when one of them is asked for (LazySubGroup)."""
    import copy
    import importlib

    found = getattr(importlib.import_module(f"coachlog.cli.{entry.module}"), entry.attr)
    if isinstance(found, typer.Typer):
        shell = copy.copy(found)  # the group's options and help, none of its commands yet
        shell.registered_commands = []
        shell.info = copy.copy(found.info)
        shell.info.cls = LazySubGroup
        command: Any = typer.main.get_group(shell)
        command.pending = {
            info.name or typer.main.get_command_name(info.callback.__name__): info
            for info in found.registered_commands
            if info.callback is not None
        }
    else:
        single = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
        single.command(entry.name)(found)
        single.callback()(_nothing)
        command = typer.main.get_group(single).commands[entry.name]
    command.name = entry.name
    command.hidden = entry.hidden
    return command


class Suggesting(TyperGroup):
    """Typer suggests a command for a typo from the commands already built; a lazy group
    has built none, so it suggests from every name it lists ("Did you mean 'list'?")."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:  # click's UsageError (Typer may bring a click of its own)
            message = getattr(exc, "message", None)
            if not isinstance(message, str) or not args or "Did you mean" in message:
                raise
            from difflib import get_close_matches

            matches = get_close_matches(args[0], self.list_commands(ctx))
            if matches and self.suggest_commands:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                exc.message = f"{message.rstrip('.')}. Did you mean {suggestions}?"  # type: ignore[attr-defined]
            raise


class LazySubGroup(Suggesting):
    """A command group (client, session, promises …) whose commands are built from their
    functions when asked for: Typer reads each function's signature to build a command
    (about 2 ms each), and a run needs one."""

    pending: dict[str, Any] = {}  # noqa: RUF012  (set per instance by load())

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(n for n in self.pending if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in self.pending:
            self.commands[cmd_name] = typer.main.get_command_from_info(
                self.pending[cmd_name], pretty_exceptions_short=True, rich_markup_mode=None
            )
        return self.commands.get(cmd_name)


def _nothing() -> None:  # pragma: no cover - the callback of a one-command wrapper
    pass


class LazyGroup(Suggesting):
    """The root command group, lazy (click's LazyGroup pattern): each command's module is
    imported only when that command runs (its --help included), so `coachlog dashboard`
    builds one command, not forty, and `coachlog --help` lists them all from COMMANDS
    without importing any."""

    listing = False  # while the root's help is written: each command as its summary only

    def list_commands(self, ctx: Any) -> list[str]:
        return [entry.name for entry in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = ENTRIES.get(cmd_name)
        if entry is None:
            return None
        if self.listing:
            return TyperCommand(entry.name, help=entry.summary, hidden=entry.hidden)
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load(entry)
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.listing = False


class FullGroup(LazyGroup):
    """The root with every command built, for introspection (coachlog.cli.main.app: the
    docs generator and the tests that walk every command)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for entry in COMMANDS:
            command = self.commands[entry.name] = load(entry)
            if isinstance(command, LazySubGroup):
                for name in command.list_commands(None):
                    command.get_command(None, name)


GLOBAL_OPTIONS = {"--db", "--tz"}
# The commands that only read: they never create a store (SPEC §2a). Anything else may.
READ_ONLY = {
    ("client", "list"), ("client", "show"),
    ("agreement", "show"), ("agreement", "list"), ("agreement", "check"),
    ("session", "list"), ("session", "show"),
    ("promises", "due"), ("promise", "due"), ("promises", "list"), ("promise", "list"),
    ("prep",), ("trust",), ("dashboard",), ("search",), ("export",), ("doctor",),
    ("recap",), ("schema",),
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


def make_app(*, full: bool = False) -> typer.Typer:
    """The root command: its options (--db, --tz, --version) and, lazily, every command."""
    root = typer.Typer(
        name="coachlog",
        cls=FullGroup if full else LazyGroup,
        help="A journal for your coaching practice: sessions, promises, agreements and trust.\n\n"
        "Start with 'coachlog demo' to explore a sample practice, or 'coachlog client add NAME'.",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    root.callback()(_root)
    return root


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
    while i < len(args) and hasattr(command, "get_command"):
        sub = command.get_command(None, args[i])  # the lazy root imports only this one
        if sub is None:
            break
        path.append(args[i])
        command = sub
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
        globals()["app"] = full = make_app(full=True)
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
    render = sys.modules.get("coachlog.render")
    if render is not None:  # a process runs one command; tests run many in one process
        render.reset()  # so each sizes its consoles afresh (COLUMNS, NO_COLOR, a terminal)
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
        cli = make_app()
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
