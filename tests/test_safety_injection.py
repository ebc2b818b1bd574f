"""User text can neither style nor break the coach's terminal.

A client whose every text field holds Rich markup, an OSC 8 hyperlink, an ANSI colour
code and a right-to-left override is shown by every read command, each in a real process
on a pseudo-terminal (so Rich writes colour, as for a coach). The raw bytes the terminal
receives must hold none of those sequences; the markup must be shown as the literal
characters the coach typed.

The commands are read from the CLI itself, so every screen added later (dashboard, trust,
prep, search, export) is covered the day it exists."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer

from coachlog.cli.main import app
from support import NOW
from support.processes import run_in_terminal

EVIL = (
    "[red]x[/] [link=https://e.vil]y[/link] \x1b]8;;https://e.vil\x07z\x1b]8;;\x07 "
    "\x1b[31mq \u202eabc"
)
NAME = f"Ana {EVIL}"
# Leaf commands that only read. Anything else (add, new, edit, forget, keep...) writes
# or asks questions, and is covered by its own tests.
READS = {"list", "show", "check", "due", "dashboard", "trust", "prep", "search", "export"}
FORBIDDEN = {
    b"\x1b]8;": "an OSC 8 hyperlink",
    b"\x1b]": "an OSC sequence",
    b"\x07": "a BEL (ends an OSC sequence)",
    b"\x1b[31mq": "the user's own ANSI colour code",
    b"\x1b[31mx": "[red] parsed as markup",
    "\u202e".encode(): "a right-to-left override",
}


def _seed(db: Path) -> None:
    from coachlog.models import CoachingSession, Promise
    from coachlog.services.agreements import new_agreement
    from coachlog.services.clients import add_client
    from coachlog.store import open_store

    now = NOW
    store = open_store(str(db))
    with store.write() as s:
        ana = add_client(
            s,
            values={
                "name": NAME,
                "context": EVIL,
                "communication_style": EVIL,
                "sponsor": EVIL,
                "pronouns": EVIL,
                "preferred_channel": EVIL,
            },
            now=now,
        )
        new_agreement(
            s,
            ana,
            values={"goals": EVIL, "confidentiality": EVIL, "fees": EVIL, "cadence_days": 14},
            now=now,
            today=now.date(),
        )
        for i, kind in enumerate(("engagement", "regular", "pitstop")):
            held = now - timedelta(days=21 - 7 * i)
            session = CoachingSession(
                client_id=ana.id,
                held_at=held,
                minutes=60,
                kind=kind,
                notes=f"{EVIL}\nsecond line {EVIL}",
                themes=[EVIL, "delegation"],
                trust_pulse=3 + i % 2,
                reflection=EVIL,
            )
            s.add(session)
            s.flush()
            for owner in ("coach", "client"):
                s.add(
                    Promise(
                        client_id=ana.id,
                        session_id=session.id,
                        owner=owner,
                        text=f"{EVIL} {owner} {i}",
                        made_at=held,
                        due_at=held + timedelta(days=3 + 10 * i),
                        status="open",
                        note=EVIL,
                    )
                )
    store.dispose()


def _read_commands() -> list[tuple[list[str], Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[list[str], Any]] = []

    def walk(group, path):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                walk(cmd, [*path, name])
            elif name in READS and path[:1] != ["promise"]:  # a synonym of "promises"
                found.append(([*path, name], cmd))

    walk(root, [])
    return sorted(found, key=lambda f: f[0])


def _invocations(path: list[str], cmd: Any) -> list[list[str]]:
    """The ways to run a read command: its required arguments filled in (a client by id,
    a search word), then with each --format it offers, and with --json."""
    args: list[str] = []
    optional_client = False
    for param in cmd.params:
        is_argument = param.param_type_name == "argument"
        if is_argument and param.required:
            meta = (param.metavar or param.name or "").upper()
            args.append("delegation" if meta in ("QUERY", "TEXT", "WORDS") else "1")
        elif is_argument and param.name == "client":
            args.append("1")  # an optional client: the one with the evil name, and all
            optional_client = True
    base = [*path, *args]
    runs = [base]
    names = {o for p in cmd.params if p.param_type_name == "option" for o in p.opts}
    if "--format" in names:
        fmt = next(p for p in cmd.params if "--format" in getattr(p, "opts", ()))
        choices = (fmt.metavar or "md|json|ics").split("|")
        runs = [[*base, "--format", c] for c in choices]
    if "--json" in names:
        runs.append([*base, "--json"])
    if "--all" in names and not args:
        runs.append([*base, "--all"])
    if optional_client and "--format" not in names:
        runs.append(list(path))  # e.g. `trust` alone: every client in one table
    return runs


def _assert_clean(args: list[str], raw: bytes) -> None:
    for seq, what in FORBIDDEN.items():
        assert seq not in raw, f"{' '.join(args)}: {what} reached the terminal: {raw!r}"


@pytest.fixture
def evil_store(db_path: Path) -> Path:
    _seed(db_path)
    return db_path


def test_every_read_screen_keeps_user_text_literal(evil_store: Path):
    commands = _read_commands()
    found = [p for p, _ in commands]
    assert ["client", "list"] in found and ["client", "show"] in found, found
    coloured = False
    for path, cmd in commands:
        for args in _invocations(path, cmd):
            r = run_in_terminal(evil_store, *args, timeout=30, columns=200)
            raw = r.out.encode("utf-8", "surrogateescape")
            assert "Traceback" not in r.out, (args, r.out)
            _assert_clean(args, raw)
            coloured = coloured or b"\x1b[" in raw
    assert coloured, "Rich never wrote colour: the terminal test would prove nothing"


@pytest.mark.parametrize(
    "args",
    [["client", "list"], ["client", "show", "1"], ["agreement", "show", "1"]],
    ids=" ".join,
)
def test_markup_is_shown_as_typed(evil_store: Path, args: list[str]):
    r = run_in_terminal(evil_store, *args, columns=250)
    assert r.code == 0, r.out
    _assert_clean(args, r.out.encode())
    assert "[red]x[/] [link=https://e.vil]y[/link]" in r.plain
    # the escape characters are made visible instead of acting
    assert "\\x1b]8;;https://e.vil\\x07z" in r.plain
    assert "\\x1b[31mq" in r.plain and "<U+202E>abc" in r.plain


def test_user_text_in_an_error_message_is_harmless(evil_store: Path):
    """What the coach typed comes back in messages ("No client matches '…'") too."""
    for args in (["client", "show", EVIL], ["agreement", "show", EVIL]):
        r = run_in_terminal(evil_store, *args)
        assert r.code == 1
        _assert_clean(args, r.out.encode())
        assert "[red]x[/]" in r.plain and "<U+202E>abc" in r.plain
