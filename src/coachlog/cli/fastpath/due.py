"""`coachlog [--db X] [--tz Z] promises due [--client C] [--within SPAN] [--mine|--theirs]
[--json]` without Typer or the ORM: the same query as services/promises.due() in SQL text,
the same ordering and the same screen (render/promises.due_screen) or --json.

run() returns the exit status, or None to decline: for any other form of the command line
(--help, --ics, -cNAME, an option it does not know, ...), for a store the normal path
would first have to create, migrate or unlock, and for every error, which the normal path
then reports in its own words. Only after the store has been read and everything to print
is ready does it start printing.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

GLOBAL_OPTIONS = ("--db", "--tz")
VALUE_OPTIONS = {"--client": "client", "-c": "client", "--within": "within", "-w": "within"}
FLAGS = {"--mine": "mine", "--theirs": "theirs", "--json": "json"}


@dataclass
class DueArgs:
    db: str | None = None
    tz: str | None = None
    client: str | None = None
    within: str | None = None  # None: the `within` setting (7d unless the coach set another)
    mine: bool = False
    theirs: bool = False
    json: bool = False


def _take(args: list[str], i: int) -> tuple[str, str | None, int]:
    """(option, value, next index) for `--opt VALUE` or `--opt=VALUE`. A value that looks
    like an option is left for the normal path to judge."""
    word = args[i]
    if word.startswith("--") and "=" in word:
        name, value = word.split("=", 1)
        return name, value, i + 1
    if i + 1 < len(args) and not args[i + 1].startswith("-"):
        return word, args[i + 1], i + 2
    return word, None, i + 1


def parse(argv: list[str]) -> DueArgs | None:
    """The plain forms of `promises due` (or `promise due`); None for anything else."""
    out = DueArgs()
    i = 0
    while i < len(argv) and argv[i].split("=", 1)[0] in GLOBAL_OPTIONS:
        name, value, i = _take(argv, i)
        if value is None:
            return None
        setattr(out, name[2:], value)  # the last one wins, as with Typer
    if argv[i : i + 2] not in (["promises", "due"], ["promise", "due"]):
        return None
    i += 2
    while i < len(argv):
        word = argv[i]
        if word in FLAGS:
            setattr(out, FLAGS[word], True)
            i += 1
            continue
        name, value, i = _take(argv, i)
        if name in GLOBAL_OPTIONS and value is not None:  # --db/--tz after the command too
            setattr(out, name[2:], value)
            continue
        if name not in VALUE_OPTIONS or value is None:
            return None
        setattr(out, VALUE_OPTIONS[name], value)
    return out


PROMISE_COLUMNS = (
    "id",
    "uid",
    "owner",
    "text",
    "made_at",
    "due_at",
    "status",
    "closed_at",
    "note",
    "repair",
    "due_history",
    "created_at",
    "updated_at",
)
INSTANTS = frozenset({"made_at", "due_at", "closed_at", "created_at", "updated_at"})


def due_items(
    reader: Any, *, now: Any, until: Any, owner: str | None, client_id: int | None
) -> list[Any]:
    """services/promises.due() in SQL text: open promises due before `until`, with their
    client and the uid of their session, in reading order (fastpath.rules.order)."""
    from coachlog.cli.fastpath.db import Row, from_store
    from coachlog.domain.promises import Item, is_overdue, order

    columns = ", ".join(f"promises.{c}" for c in PROMISE_COLUMNS)
    sql = (
        f"SELECT {columns}, clients.id, clients.uid, clients.name, sessions.uid "
        "FROM promises JOIN clients ON clients.id = promises.client_id "
        "LEFT OUTER JOIN sessions ON sessions.id = promises.session_id "
        "WHERE promises.status = ? AND promises.due_at < ?"
    )
    params: list[Any] = ["open", reader.instant(until)]
    if owner is not None:
        sql += " AND promises.owner = ?"
        params.append(owner)
    if client_id is not None:
        sql += " AND promises.client_id = ?"
        params.append(client_id)
    scoped, more = reader.scope("promises.client_id")
    sql += scoped + " ORDER BY promises.due_at, promises.id"
    clients: dict[int, Row] = {}
    items = []
    n = len(PROMISE_COLUMNS)
    for row in reader.rows(sql, [*params, *more]):
        values = dict(zip(PROMISE_COLUMNS, row[:n], strict=True))
        for key in INSTANTS:
            values[key] = from_store(values[key])
        values["due_history"] = reader.json(values["due_history"])
        p: Any = Row(**values)  # duck-typed as a Promise: the rules read attributes only
        cid, uid, name, session_uid = row[n:]
        c: Any = clients.setdefault(cid, Row(id=cid, uid=uid, name=name))
        items.append(Item(p, c, session_uid, overdue=is_overdue(p, now)))
    return order(items)


@dataclass
class Answer:
    """Everything to print, ready before the first byte is written."""

    json: list[dict[str, Any]] | None
    items: list[Any]
    now: Any
    tz: str
    window: str
    owner: str | None


def prepare(a: DueArgs) -> Answer:
    """Read the store and build the answer; raises (Decline or anything) to decline."""
    from coachlog.cli.context import AppState
    from coachlog.cli.fastpath.db import Decline, Reader
    from coachlog.dates import parse_span

    if a.mine and a.theirs:
        raise Decline("--mine with --theirs: a usage error")
    st = AppState(db=a.db, tz_option=a.tz)
    st.check_zone()  # an unknown zone is an error even where it is not used (--json)
    window = parse_span(st.settings.value("within", a.within))
    owner = "coach" if a.mine else "client" if a.theirs else None
    reader = Reader(st.db)
    try:
        client_id = None
        if a.client is not None:
            client_id = reader.find_client_id(a.client)
            if client_id is None:
                raise Decline("no single client matches")
        now = st.now
        items = due_items(reader, now=now, until=now + window, owner=owner, client_id=client_id)
    finally:
        reader.close()
    if a.json:
        from coachlog.services.records import public_promise as public

        data = [public(i, overdue=i.overdue) for i in items]
        return Answer(data, items, now, "", "", owner)  # no zone: the JSON is in UTC
    from coachlog.words import window as window_words

    # The zone is read only for the screen: with --json the normal path never asks for it.
    words = window_words(window.total_seconds())
    return Answer(None, items, now, st.tz, words, owner)


def show(answer: Answer) -> None:
    if answer.json is not None:
        from coachlog.render import print_json

        print_json(answer.json)
        return
    from coachlog.render.promises import due_screen

    due_screen(answer.items, now=answer.now, tz=answer.tz, window=answer.window, owner=answer.owner)


def run(argv: list[str]) -> int | None:
    """The exit status, or None when the normal command line should answer instead."""
    parsed = parse(argv)
    if parsed is None:
        return None
    os.umask(0o077)  # as cli/main.py: a WAL file SQLite creates for us is ours alone
    try:
        try:
            answer = prepare(parsed)
        except Exception:  # Decline, or anything at all: the normal path knows what to say
            return None
        return finish(answer)
    except KeyboardInterrupt:
        from coachlog.render.messages import interrupted

        return interrupted()


def finish(answer: Answer) -> int:
    """Print, handling failures as cli/main.py main() does once output may have started."""
    try:
        show(answer)
        sys.stdout.flush()
    except OSError as exc:
        # The reader went away (`| head`): exit 1 quietly, as the normal path does; any
        # other failure to print is said in the normal path's words (cli/output.py). Then
        # nothing is left to fail when Python flushes stdout at exit.
        from coachlog.cli.output import OutputLost, lost_message, silence

        silence(sys.stdout)
        message = lost_message(OutputLost(exc), saved=False)
        if message is not None:
            from coachlog.render.messages import error

            error(message)
        return 1
    except Exception as exc:
        if os.environ.get("COACHLOG_DEBUG"):
            raise
        from coachlog.render.messages import unexpected

        return unexpected(exc)
    return 0
