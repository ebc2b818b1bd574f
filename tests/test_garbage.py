"""Garbage into every command: a message and exit 1 or 2, never a traceback.

The list of commands is read from the CLI itself, so a new command is covered the day it
is added."""

from __future__ import annotations

import pytest
import typer

from coachlog.cli.main import app


def _leaf_commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(group, path):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                walk(cmd, [*path, name])
            else:
                found.append([*path, name])

    walk(root, [])
    return sorted(found)


GARBAGE = [
    ["\x00\x1b[31m;DROP TABLE clients;--"],
    ["999999", "--nonsense-flag"],
    ["--at", "blursday", "x"],
    ["zz", "--json", "--since", "13/13/13"],
    ["Ana", "--due", "never", "--within", "forever", "--status", "maybe"],
    ["1", "--trust", "11", "--minutes", "-5", "--kind", "nap"],
]


@pytest.fixture
def seeded(cli):
    cli("client", "add", "Ana Lima")
    return cli


@pytest.mark.parametrize("command", _leaf_commands(), ids=" ".join)
def test_garbage_never_shows_a_traceback(seeded, command, tmp_path):
    for args in GARBAGE:
        r = seeded(
            *command,
            *args,
            input="",
            env={"EDITOR": "false", "VISUAL": "false", "HOME": str(tmp_path)},
        )
        shown = r.out + r.err
        assert "Traceback" not in shown, (command, args, shown)
        assert "unexpected problem" not in shown, (command, args, shown)
        assert r.code in (0, 1, 2), (command, args, r.code, shown)
        if r.code:
            assert r.err.strip(), (command, args, "failed silently")


def test_unknown_command_is_a_usage_error(cli):
    r = cli("frobnicate")
    assert r.code == 2 and "No such command" in r.err
