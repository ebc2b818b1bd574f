"""How a session's content comes in: flags (read and checked before anything is asked),
the editor's template, and the questions `session new` asks on a terminal for whatever was
not given as a flag.

Questions use input() so that readline (line editing, and Tab-completion of client names)
works where Python has it. They are only ever asked when stdin and stdout are terminals;
Ctrl-D cancels, Ctrl-C interrupts, and nothing is saved before the last answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from coachlog.cli.context import AppState
    from coachlog.drafts import Draft
    from coachlog.models import Client, CoachingSession
    from coachlog.services.promises import Item, PromiseSpec

T = TypeVar("T")


# ---- flags -----------------------------------------------------------------------------


def read_notes(notes: str | None) -> str | None:
    """`--notes -` reads stdin to its end (with a hint when that is a terminal)."""
    if notes != "-":
        return notes
    import sys

    from coachlog.textin import read_limited

    if sys.stdin.isatty():
        sys.stderr.write("Type the notes; end with Ctrl-D on a line of its own.\n")
    # UTF-8 and at most 10 MiB (SPEC §3a): /dev/zero is a message, not a MemoryError.
    return read_limited(sys.stdin, what="Standard input (--notes -)")


def read_specs(
    st: AppState, promises: list[str] | None, commitments: list[str] | None
) -> tuple[list[PromiseSpec], list[PromiseSpec]]:
    """--promise and --commitment, read before any question or editor so a typo fails fast
    (a usage error, as any bad option value)."""
    from coachlog.cli.common import option_value
    from coachlog.services.promises import parse_spec

    def read(flag: str, owner: str, texts: list[str] | None) -> list[PromiseSpec]:
        def one(text: str) -> PromiseSpec:
            return parse_spec(text, owner=owner, now=st.now, tz=st.tz)

        return [spec for t in texts or [] if (spec := option_value(flag, one, t)) is not None]

    return read("--promise", "coach", promises), read("--commitment", "client", commitments)


def flag_values(
    st: AppState,
    *,
    at: str | None,
    minutes: int | None,
    kind: str | None,
    notes: str | None,
    themes: list[str] | None,
    trust: int | None,
    reflection: str | None,
) -> tuple[dict[str, Any], str | None]:
    """The session fields given as flags, checked; and the --at text when it was written in
    words (so the confirmation can show what it was read as)."""
    from coachlog.cli.common import option_value, read_held_at
    from coachlog.domain.limits import kind_of

    values: dict[str, Any] = {}
    typed = None
    if at is not None:
        read = read_held_at(st, at, what="--at")
        values["held_at"] = read.instant
        typed = at.strip() if read.in_words and at.strip().lower() != "now" else None
    if kind is not None:
        values["kind"] = option_value("--kind", kind_of, kind)
    for key, value in (
        ("minutes", minutes),
        ("notes", read_notes(notes)),
        ("trust_pulse", trust),
        ("reflection", reflection),
        ("themes", themes),
    ):
        if value is not None:
            values[key] = value
    return values, typed


# ---- the editor --------------------------------------------------------------------------

SESSION_RETRY = (
    "To record it, run the command again with --edit and paste the text in from {path}; "
    "then delete that file."
)


def from_editor(
    st: AppState,
    client: Client,
    shown: dict[str, Any],
    promises: list[str] | None,
    commitments: list[str] | None,
    *,
    draft: Draft,
    session: CoachingSession | None = None,
    recorded: list[Item] | None = None,
) -> tuple[dict[str, Any], list[PromiseSpec], str | None]:
    """Open the template filled with `shown` (and the promise flags as lines); return the
    values read back, the promises written in it, and the When line when it was changed to
    words ("yesterday 15:00"), so the confirmation can show what they were read as. A blank
    When or Kind keeps what was shown; a When left as shown keeps the exact instant (seconds
    and all). What the coach wrote is held in `draft` until the caller has stored it
    (drafts.drafting)."""
    from coachlog.dates import in_words
    from coachlog.editor import edit_until_valid
    from coachlog.services import session_template

    template = session_template.render(
        client.name,
        shown,
        tz=st.tz,
        now=st.now,
        session_id=session.id if session is not None else None,
        promises=list(promises or []),
        commitments=list(commitments or []),
        recorded=recorded,
    )
    parsed = edit_until_valid(
        template.text,
        lambda text: session_template.parse(text, now=st.now, tz=st.tz, comments=template.comments),
        draft=draft,
        name="session.md",
    )
    values = dict(parsed.values)
    for key in ("held_at", "kind"):
        if key in values and values[key] is None:
            values[key] = shown[key]
    typed = (parsed.when_text or "").strip()
    if typed == session_template.when_text(shown["held_at"], st.tz):
        values["held_at"] = shown["held_at"]
    if not typed or not in_words(typed) or typed.lower() == "now":
        return values, parsed.promises, None
    return values, parsed.promises, typed


# ---- questions on a terminal ---------------------------------------------------------------


def _input(prompt: str) -> str:
    from coachlog.cli.ask import UNREADABLE, unreadable
    from coachlog.errors import Cancelled
    from coachlog.render import clean

    while True:
        try:
            answer = input(clean(prompt))
        except EOFError:
            print()
            raise Cancelled("Cancelled; nothing was saved.") from None
        except UnicodeDecodeError:
            answer = "\udcff"
        if not unreadable(answer):
            return answer
        _problem(UNREADABLE)  # bytes that are not UTF-8: asked again, the rest kept


def _say(*parts: object) -> None:
    from coachlog.render.messages import say

    say(*parts)


def _problem(message: str) -> None:
    _say(("  ✗ ", "bad"), message)


def _until_ok(prompt: str, read: Callable[[str], T]) -> T:
    """Ask until read() accepts the answer; a CoachlogError's message is shown, then asked
    again, so one typo never throws away the answers before it."""
    from coachlog.errors import CoachlogError

    while True:
        answer = _input(prompt).strip()
        try:
            return read(answer)
        except CoachlogError as exc:
            _problem(exc.message)


def _label(label: str, help: str | None = None, default: str | None = None) -> str:
    text = label
    if help:
        text += f" ({help})"
    if default:
        text += f" [{default}]"
    return text + ": "


@contextmanager
def _completing(names: list[str]) -> Iterator[None]:
    """Tab-completes client names while picking one; a no-op where readline is missing."""
    try:
        import readline
    except ImportError:  # Windows, or a Python built without it
        yield
        return
    old_completer = readline.get_completer()
    old_delims = readline.get_completer_delims()

    def complete(text: str, state: int) -> str | None:
        folded = text.casefold()
        matches = [n for n in names if n.casefold().startswith(folded)]
        return matches[state] if state < len(matches) else None

    try:
        readline.set_completer(complete)
        readline.set_completer_delims("")  # names hold spaces: complete the whole line
        if "libedit" in (readline.__doc__ or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")
        yield
    finally:
        readline.set_completer(old_completer)
        readline.set_completer_delims(old_delims)


def pick_client(st: AppState) -> Client:
    """A numbered list of active clients; the answer is a number from it, or a name or
    unique prefix of any client's name (Tab completes)."""
    from coachlog.errors import CoachlogError
    from coachlog.services.clients import find_client, list_clients

    store = st.store()
    with store.read() as db:
        clients = list_clients(db)
    if not clients:
        raise CoachlogError(
            "No clients yet, so there is no one to record a session with.",
            hint='Add one first: coachlog client add "Ana Lima"',
        )
    _say(("Which client?", "head"))
    width = len(str(len(clients)))
    for n, c in enumerate(clients, start=1):
        _say(("  " + str(n).rjust(width) + "  ", "id"), (c.name, "name"))

    def read(answer: str) -> Client:
        if not answer:
            raise CoachlogError("Type a number from the list, or a name (Tab completes).")
        if answer.isdigit():
            n = int(answer)
            if not 1 <= n <= len(clients):
                raise CoachlogError(f"Pick a number from 1 to {len(clients)}.")
            return clients[n - 1]
        with store.read() as db:
            return find_client(db, answer)

    with _completing([c.name for c in clients]):
        return _until_ok(_label("Client", "number, or name; Tab completes"), read)


def _lines(label: str, help: str, prefix: str = "> ") -> str | None:
    """Several lines; an empty line ends them."""
    _say((label, "head"), (f" ({help})", "muted"))
    lines: list[str] = []
    while True:
        line = _input(prefix)
        if not line.strip():
            break
        lines.append(line.rstrip())
    return "\n".join(lines) or None


def _promises(st: AppState, owner: str, label: str, prefix: str, example: str) -> list[PromiseSpec]:
    from coachlog.render.promises import when
    from coachlog.services.promises import parse_spec

    _say((label, "head"), (f" (TEXT @ WHEN, e.g. {example}; an empty line ends)", "muted"))
    specs: list[PromiseSpec] = []
    while True:
        answer = _until_ok(
            prefix,
            lambda a: parse_spec(a, owner=owner, now=st.now, tz=st.tz) if a else None,
        )
        if answer is None:
            return specs
        specs.append(answer)
        _say(("     due " + when(answer.due_at, now=st.now, tz=st.tz), "muted"))


def _ask_icf(values: dict[str, Any]) -> None:
    """Group size and whether the session counts for the ICF log (SPEC §9)."""
    from coachlog.domain.credentials import GROUP_SIZES
    from coachlog.errors import InvalidInput

    low, high = GROUP_SIZES
    if "group_size" not in values:

        def read_group(answer: str) -> int:
            if not answer:
                return low
            if not answer.isdigit() or not low <= int(answer) <= high:
                raise InvalidInput(f"Group size: a whole number from {low} to {high}.")
            return int(answer)

        values["group_size"] = _until_ok(
            _label("Group size", "1 for one-to-one", str(low)), read_group
        )
    if "counts_for_icf" not in values:

        def read_counts(answer: str) -> bool:
            if answer.lower() in ("", "y", "yes"):
                return True
            if answer.lower() in ("n", "no"):
                return False
            raise InvalidInput("Counts for ICF: yes or no.")

        values["counts_for_icf"] = _until_ok(
            _label("Counts for ICF", "no if it was not client coaching", "yes"), read_counts
        )


def ask_session(
    st: AppState,
    given: dict[str, Any],
    *,
    default_minutes: int,
    ask_promises: bool,
    ask_commitments: bool,
    ask_icf: bool = False,
) -> tuple[dict[str, Any], list[PromiseSpec], list[PromiseSpec]]:
    """Ask for each field not in `given`; the ICF details (group size, whether it counts)
    only when `ask_icf` (the coach keeps an ICF log). Returns (values, promises,
    commitments)."""
    from coachlog.cli.common import read_held_at
    from coachlog.domain.limits import MINUTES, kind_of, within
    from coachlog.errors import InvalidInput
    from coachlog.models import SESSION_KINDS
    from coachlog.render.promises import when
    from coachlog.services.sessions import clean_themes

    values = dict(given)
    if "held_at" not in values:

        def read_at(answer: str) -> Any:
            return read_held_at(st, answer or "now", what="When")

        read = _until_ok(_label("When", "e.g. today 15:00, -2h", "now"), read_at)
        values["held_at"] = read.instant
        if read.in_words and read.instant != st.now:  # show what the words were read as
            _say(("     " + when(read.instant, now=st.now, tz=st.tz), "muted"))
    if "minutes" not in values:

        def read_minutes(answer: str) -> int:
            if not answer:
                return default_minutes
            if not answer.isdigit() or not within(int(answer), MINUTES):
                raise InvalidInput(f"Minutes: a whole number from {MINUTES[0]} to {MINUTES[1]}.")
            return int(answer)

        values["minutes"] = _until_ok(_label("Minutes", None, str(default_minutes)), read_minutes)
    if "kind" not in values:
        values["kind"] = _until_ok(
            _label("Kind", ", ".join(SESSION_KINDS), "regular"),
            lambda a: kind_of(a) if a else "regular",
        )
    if ask_icf:
        _ask_icf(values)
    if "notes" not in values:
        values["notes"] = _lines("Notes", "several lines; an empty line ends them")
    if "themes" not in values:
        values["themes"] = clean_themes([_input(_label("Themes", "separated by commas"))])
    if "trust_pulse" not in values:

        def read_trust(answer: str) -> int | None:
            if not answer:
                return None
            if answer not in ("1", "2", "3", "4", "5"):
                raise InvalidInput("Trust pulse: 1 to 5, or Enter to skip.")
            return int(answer)

        values["trust_pulse"] = _until_ok(
            _label("Trust pulse", "1-5: how open and safe it felt; Enter skips"), read_trust
        )
    if "reflection" not in values:
        values["reflection"] = _lines(
            "Reflection", "your own learning; several lines, an empty line ends them"
        )
    promises = (
        _promises(st, "coach", "I promised", "you> ", "Send the article @ fri")
        if ask_promises
        else []
    )
    commitments = (
        _promises(st, "client", "They committed", "they> ", "Talk to Rui @ +7d")
        if ask_commitments
        else []
    )
    return values, promises, commitments
