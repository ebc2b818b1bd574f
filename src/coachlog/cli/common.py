"""Pieces the command modules share: the state, options, and reading dates and clients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from coachlog.cli import complete
from coachlog.cli.context import AppState

if TYPE_CHECKING:
    from coachlog.dates import When
    from coachlog.models import Client


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


def read_when(st: AppState, text: str, *, mode: str = "start", what: str = "date") -> When:
    from coachlog.dates import DateError, parse_when
    from coachlog.errors import InvalidInput

    try:
        return parse_when(text, now=st.now, tz=st.tz, mode=mode)  # type: ignore[arg-type]
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from exc


def read_date(st: AppState, text: str, *, what: str = "date") -> Any:
    from coachlog.dates import DateError, parse_date
    from coachlog.errors import InvalidInput

    try:
        return parse_date(text, now=st.now, tz=st.tz)
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from exc


def find_client(session: Any, ref: str) -> Client:
    from coachlog.services.clients import find_client as find

    return find(session, ref)
