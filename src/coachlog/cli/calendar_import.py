"""`coachlog import FILE.ics`: a calendar program's events as planned sessions (SPEC §4a).
Called by cli/exchange.py's import when the file is a calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachlog.cli.context import AppState


def _read(file: str) -> bytes:
    from coachlog.errors import InvalidInput
    from coachlog.services.calendar_import import MAX_BYTES

    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {file}: {exc.strerror or exc}.") from None
    except ValueError:  # a NUL byte in the name
        raise InvalidInput(f"Cannot read {file!r}: that is not a usable file name.") from None
    return data


def import_calendar(st: AppState, file: str, *, dry_run: bool, json: bool) -> None:
    from coachlog.render import print_json
    from coachlog.render.calendar import calendar_json, calendar_report
    from coachlog.services import undo
    from coachlog.services.calendar_import import import_calendar as run
    from coachlog.services.calendar_import import read_events

    events = read_events(_read(file), name=file, tz=st.tz)  # before the store is opened
    store = st.store()
    with store.read() if dry_run else store.write() as db:
        outcome = run(db, events, now=st.now, dry_run=dry_run)
        if not dry_run and outcome.done:
            undo.barrier(
                db,
                "import",
                f"{len(outcome.done)} planned sessions made, moved or cancelled from {file}",
                now=st.now,
            )
    if json:
        print_json(calendar_json(outcome, file, dry_run=dry_run))
    else:
        calendar_report(outcome, file, now=st.now, tz=st.tz, dry_run=dry_run)
