"""Client-name completion: answered before Typer loads, and the same as Typer's answer."""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from coachlog.cli.entry import CLIENT_FIRST
from coachlog.cli.main import app


def _commands_with_client_first() -> set[tuple[str, ...]]:
    found = set()
    root = typer.main.get_command(app)

    def walk(group, path):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                walk(cmd, (*path, name))
                continue
            positionals = [p for p in cmd.params if p.param_type_name == "argument"]
            if positionals and positionals[0].metavar == "CLIENT":
                found.add((*path, name))

    walk(root, ())
    return found


def test_fast_path_table_matches_the_commands():
    actual = _commands_with_client_first()
    assert actual, "no command takes a CLIENT argument?"
    assert actual <= CLIENT_FIRST, actual - CLIENT_FIRST
    existing = set()
    root = typer.main.get_command(app)
    for entry in CLIENT_FIRST:
        node = root
        for part in entry:
            node = getattr(node, "commands", {}).get(part)
            if node is None:
                break
        if node is not None:
            existing.add(entry)
    assert existing == actual, existing ^ actual


def _complete(env: dict[str, str], entry: str) -> str:
    code = f"from coachlog.cli.{entry} import run; run()"
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    return p.stdout


def test_fast_completion_answers_like_typer(cli, db_path):
    cli("client", "add", "Ana Lima")
    cli("client", "add", "Anabel Ortiz")
    cli("client", "add", "Bo Chen")
    cli("client", "add", "Old Friend", "--status", "closed")
    for words, cword in (
        ("coachlog client show An", "3"),
        ("coachlog agreement check ", "3"),
        (f"coachlog --db {db_path} agreement new Anab", "5"),
    ):
        env = {
            "COACHLOG_DB": str(db_path),
            "_COACHLOG_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": cword,
        }
        fast = _complete(env, "entry")
        slow = _complete(env, "main")
        assert fast == slow and fast, (words, fast, slow)
    env = {
        "COACHLOG_DB": str(db_path),
        "_COACHLOG_COMPLETE": "complete_bash",
        "COMP_WORDS": "coachlog client show An",
        "COMP_CWORD": "3",
    }
    # quoted, since bash inserts them as they are (tests/test_completion_shells.py)
    assert _complete(env, "entry").splitlines() == ["'Ana Lima'", "'Anabel Ortiz'"]
    # unlike Typer's own filter, names match whatever the case, as client references do
    env["COMP_WORDS"] = "coachlog client show anab"
    assert _complete(env, "entry") == "'Anabel Ortiz'\n"
    zsh = {
        "COACHLOG_DB": str(db_path),
        "_COACHLOG_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "coachlog client show B",
    }
    assert _complete(zsh, "entry") == _complete(zsh, "main").rstrip("\n")
    assert _complete(zsh, "entry") == "_arguments '*: :((\"Bo Chen\"))'"


def test_completion_loads_no_cli_framework(db_path, cli):
    cli("client", "add", "Ana Lima")
    code = (
        "import sys, json\nfrom coachlog.cli.entry import fast_complete\n"
        "assert fast_complete()\nsys.stderr.write(json.dumps(sorted(sys.modules)))"
    )
    env = {
        **os.environ,
        "COACHLOG_DB": str(db_path),
        "_COACHLOG_COMPLETE": "complete_bash",
        "COMP_WORDS": "coachlog prep a",
        "COMP_CWORD": "2",
    }
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    import json

    loaded = set(json.loads(p.stderr))
    assert p.stdout == "'Ana Lima'\n"
    assert not {"typer", "sqlalchemy", "pendulum", "rich"} & loaded


def test_ids_and_choices_answered_fast_like_typer(cli, db_path):
    """Promise and session ids (with their text as help, for zsh and fish) and the choices
    of --kind, --status and --format: the fast path and Typer give the same answer."""
    cli("client", "add", "Ana Lima")
    r = cli(
        "session",
        "new",
        "ana",
        "--notes",
        "Delegation\x1b[31m",
        "--promise",
        "Send it @ +3d",
        env={"COACHLOG_NOW": "2026-11-22T10:00:00+00:00"},
    )
    assert r.code == 0, r.err
    cases = [
        ("coachlog promises keep ", ["1"]),
        ("coachlog session show ", ["1"]),
        ("coachlog session list --kind p", ["pitstop"]),
        ("coachlog promises list --status ", ["open", "kept", "broken", "released"]),
        ("coachlog client add Bo --status p", ["prospect", "paused"]),
        ("coachlog export ana --format j", ["json"]),
    ]
    for line, values in cases:
        words = line.split(" ")
        bash = {
            "COACHLOG_DB": str(db_path),
            "_COACHLOG_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
        fast = _complete(bash, "entry")
        assert fast == _complete(bash, "main"), line
        assert fast.splitlines() == values, (line, fast)
        fish = {
            "COACHLOG_DB": str(db_path),
            "_COACHLOG_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": line,
        }
        fast = _complete(fish, "entry")
        assert fast.rstrip("\n") == _complete(fish, "main").rstrip("\n"), line
    fish["_TYPER_COMPLETE_ARGS"] = "coachlog promises keep "
    assert _complete(fish, "entry") == "1\tAna Lima, you: Send it (due 2026-11-25)\n"
    fish["_TYPER_COMPLETE_ARGS"] = "coachlog session show "
    # the notes' escape sequence is not passed to the terminal
    assert _complete(fish, "entry") == "1\tAna Lima, 2026-11-22: Delegation [31m\n"


def test_both_paths_match_names_whatever_the_case(cli, db_path):
    """Where the fast path does not answer (an option with a value before the client),
    Typer's path answers, and both match a name typed in lower case."""
    cli("client", "add", "Ana Lima")
    cli("client", "add", "Bo Chen")
    for words, cword in (
        ("coachlog session new --minutes 30 an", "5"),
        ("coachlog prep an", "2"),
        ("coachlog session new --minutes 30 --kind REG", "6"),
    ):
        env = {
            "COACHLOG_DB": str(db_path),
            "_COACHLOG_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": cword,
        }
        expected = "regular\n" if words.endswith("REG") else "'Ana Lima'\n"
        assert _complete(env, "entry") == expected, words
        assert _complete(env, "main") == expected, words


# A Typer release that moved what coachlog adjusts in its completion (a private part of it).
WITHOUT_TYPER_PRIVATE = (
    "import sys, typer._completion_shared as shared\n"
    "del shared._completion_scripts\n"
    "from coachlog.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _run_code(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_commands_do_not_depend_on_typers_private_completion(cli, db_path):
    cli("client", "add", "Ana Lima")
    env = {"COACHLOG_DB": str(db_path)}
    p = _run_code(WITHOUT_TYPER_PRIVATE, "client", "list", env=env)
    assert p.returncode == 0, p.stderr
    assert "Ana Lima" in p.stdout
    # completion still answers: Typer's own, unquoted, when its private parts are not there
    p = _run_code(
        WITHOUT_TYPER_PRIVATE,
        env={
            **env,
            "_COACHLOG_COMPLETE": "complete_bash",
            "COMP_WORDS": "coachlog cli",
            "COMP_CWORD": "1",
        },
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["client"]


def test_a_command_leaves_typers_completion_as_it_is(cli, db_path):
    """Only completing (or showing and installing its script) adjusts Typer's completion;
    any other command runs with Typer as it comes."""
    code = (
        "import sys, typer._completion_classes as classes\n"
        "before = classes.BashComplete.format_completion\n"
        "from coachlog.cli.main import main\n"
        "code = main(sys.argv[1:])\n"
        "print('untouched' if classes.BashComplete.format_completion is before else 'patched')\n"
        "sys.exit(code)\n"
    )
    cli("client", "add", "Ana Lima")
    p = _run_code(code, "client", "list", env={"COACHLOG_DB": str(db_path)})
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1] == "untouched"
