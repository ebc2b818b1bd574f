"""What every exporter takes and gives (SPEC §6; STYLE: exporters found by format name).

An exporter is a module of coachlog.export named for its format (`markdown` for md, `ics`,
`interchange` for json) with NAME, EXTENSION and

    def export(reader, job: Job) -> Export

`reader` is the query layer's read-only connection (queries/db.py Reader) that the
functions of queries/exchange.py take; an exporter asks them for plain rows and reads
those by attribute name only (client.name, session.held_at, promise.due_at,
promise.due_history …), never through relationships or lazy loads.
The command (cli/exchange.py) picks the module by name, and writes what it returns: `data`
to one file or standard output, or `files` into a folder."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

Data = bytes | str | Iterable[bytes | str]

# format name -> module of coachlog.export
MODULES = {"md": "markdown", "json": "interchange", "ics": "ics"}


@dataclass(frozen=True)
class Job:
    """What to export: the clients (every client of the coach when whole), the period,
    the audience, and the settings that shape the output."""

    clients: Sequence[Any]
    whole: bool
    window: Any  # queries.exchange.Window
    now: datetime
    tz: str
    version: str
    include_private: bool = False
    coach: str | None = None  # the `coach` setting: the coach's name (SPEC §2a)
    alarm: timedelta | None = None  # ics: a reminder this long before each due


@dataclass
class Export:
    """What an exporter produced. `data`: the one document (None when the format needs a
    folder for this export, e.g. Markdown of several clients); `files`: (file name, data)
    for a folder; `what`: the words for the confirmation, asked for after writing (a
    streamed document knows its counts only then). `keep`, if given, says whether an
    existing file in the folder should be left as it is, given its bytes and the new ones
    (a task a calendar program changed since), and why."""

    name: str
    data: Data | None
    files: list[tuple[str, Data]]
    what: Callable[[], str]
    keep: Callable[[bytes, bytes], str | None] | None = None


def exporter(name: str) -> ModuleType:
    """The module that writes format `name` (KeyError for an unknown one)."""
    return importlib.import_module(f"coachlog.export.{MODULES[name]}")
