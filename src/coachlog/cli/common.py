"""Pieces the command modules share: the state, options, and reading dates and clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer

from coachlog.choices import MINUTES, SESSION_KINDS
from coachlog.cli import complete
from coachlog.cli.context import AppState

if TYPE_CHECKING:
    from coachlog.dates import Toward, When
    from coachlog.models import Client

T = TypeVar("T")


def _store(ctx: typer.Context) -> str | None:
    return complete.store_path(ctx.find_root().params.get("db"))


# Typer's completion callbacks; the fast path in cli/entry.py answers the same first.
def complete_client(ctx: typer.Context, incomplete: str) -> list[complete.Item]:
    return complete.typer_callback(
        lambda typed: [(n, None) for n in complete.client_names(typed, _store(ctx))]
    )(incomplete)


def complete_open_promise(ctx: typer.Context, incomplete: str) -> list[complete.Item]:
    return complete.typer_callback(lambda typed: complete.promise_ids(typed, _store(ctx)))(
        incomplete
    )


def complete_session(ctx: typer.Context, incomplete: str) -> list[complete.Item]:
    return complete.typer_callback(lambda typed: complete.session_ids(typed, _store(ctx)))(
        incomplete
    )


def complete_choice(values: tuple[str, ...]) -> Any:
    """A completion callback offering `values` (a --kind, --status or --format)."""

    def callback(incomplete: str) -> list[complete.Item]:
        return complete.choices(values, incomplete)

    return callback


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only (for scripts).")]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-n", help="Show at most this many (the latest).", min=1),
]
# A session's length and kind, as `session new`, `session edit` and `session plan` take them.
SessionMinutesOpt = Annotated[
    int | None,
    typer.Option(
        "--minutes",
        help="Length (default: the agreement's, else 60).",
        metavar="N",
        min=MINUTES[0],
        max=MINUTES[1],
    ),
]
SessionKindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="engagement, regular (default), pitstop or closing.",
        metavar="KIND",
        autocompletion=complete_choice(SESSION_KINDS),
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace the output file (--out, --ics) if it exists.")
]
NoPagerOpt = Annotated[
    bool,
    typer.Option(
        "--no-pager", help="Print straight to the terminal (also: coachlog config set pager false)."
    ),
]


def pager_on(st: AppState, no_pager: bool) -> bool:
    """Whether a long listing goes through the pager: --no-pager, else the `pager` setting."""
    return not no_pager and bool(st.settings.value("pager"))


def limited(rows: list[Any], limit: int | None) -> tuple[list[Any], int]:
    """The last `limit` rows (all without a limit) and how many were left out before them."""
    if limit is None or len(rows) <= limit:
        return rows, 0
    return rows[-limit:], len(rows) - limit


ClientArg = Annotated[
    str,
    typer.Argument(
        help="Client id, exact name, or a unique prefix of the name.",
        autocompletion=complete_client,
        metavar="CLIENT",
        show_default=False,
    ),
]
ClientOpt = Annotated[
    str | None,
    typer.Option(
        "--client",
        "-c",
        help="Only this client (id, name or unique prefix).",
        autocompletion=complete_client,
        metavar="CLIENT",
    ),
]


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppState)
    return obj


def _date_error(what: str, exc: Exception) -> Exception:
    """A date that cannot be read: a usage error (exit 2) when it was an option's or an
    argument's value, like any other bad option value; a user error (exit 1) when it was
    an answer to a question."""
    from coachlog.errors import InvalidInput, UsageError

    cls = UsageError if what.startswith("--") else InvalidInput
    return cls(f"{what}: {exc}")


def read_when(
    st: AppState,
    text: str,
    *,
    mode: Literal["start", "end"] = "start",
    what: str = "date",
    toward: Toward = "future",
) -> When:
    """A moment typed on the command line or at a prompt. `toward="past"` where the date is
    about what happened (a bare "mon" is the last Monday, today included)."""
    from coachlog.dates import DateError, parse_when

    try:
        return parse_when(text, now=st.now, tz=st.tz, mode=mode, toward=toward)
    except DateError as exc:
        raise _date_error(what, exc) from exc


def read_held_at(st: AppState, text: str, *, what: str = "--at") -> When:
    """When a session or pit-stop was held: read toward the past, and refused when it is
    more than a few minutes ahead: coachlog records sessions that have happened."""
    from coachlog.dates import future_session_problem
    from coachlog.errors import InvalidInput

    read = read_when(st, text, mode="start", what=what, toward="past")
    message = future_session_problem(read.instant, now=st.now, tz=st.tz, typed=text)
    if message is not None:
        raise InvalidInput(f"{what}: {message}")
    return read


def read_date(st: AppState, text: str, *, what: str = "date", toward: Toward = "future") -> Any:
    from coachlog.dates import DateError, parse_date

    try:
        return parse_date(text, now=st.now, tz=st.tz, toward=toward)
    except DateError as exc:
        raise _date_error(what, exc) from exc


def note_read_as(st: AppState, what: str, text: str | None, read: Any) -> None:
    """Echo a date typed in words with the date it was read as, on stderr (stdout may be
    JSON): '--since "last mon" read as Mon 23 Nov 00:00'. Plain ISO text is not echoed."""
    from coachlog.dates import in_words

    if text is None or read is None or not in_words(text) or text.strip().lower() == "now":
        return
    from coachlog.render.messages import note
    from coachlog.render.promises import when

    shown = when(read, now=st.now, tz=st.tz) if hasattr(read, "hour") else _day_text(st, read)
    note(f'{what} "{text.strip()}" read as {shown}')


def _day_text(st: AppState, day: Any) -> str:
    from coachlog.dates import format_date

    return format_date(day, with_year=day.year != st.today.year)


def option_value(flag: str | None, read: Callable[[str], T], value: str | None) -> T | None:
    """An option's (or argument's) value read by `read` (None when not given). A value it
    refuses is a usage error, exit 2, naming the option: as Click does for --format pdf or
    --trust 9."""
    if value is None:
        return None
    from coachlog.dates import DateError
    from coachlog.errors import CoachlogError, UsageError

    prefix = f"{flag}: " if flag else ""
    try:
        return read(value)
    except CoachlogError as exc:
        raise UsageError(prefix + exc.message, hint=exc.hint) from exc
    except DateError as exc:
        raise UsageError(f"{prefix}{exc}") from exc


def find_client(session: Any, ref: str) -> Client:
    from coachlog.services.clients import find_client as find

    return find(session, ref)
