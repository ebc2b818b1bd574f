"""`coachlog --help` and completion must stay fast: cli/ imports nothing heavy."""

import contextlib
import json
import subprocess
import sys

# pydantic is not listed: typer itself uses it to coerce parameters.
HEAVY = ("sqlmodel", "sqlalchemy", "pendulum", "alembic", "rich.table", "coachlog.services")


def test_help_loads_no_heavy_module():
    code = (
        "import sys, json\n"
        "from coachlog.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "finally:\n"
        "    sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "Usage: coachlog" in p.stdout
    loaded = set(json.loads(p.stderr))
    assert not [m for m in HEAVY if m in loaded], [m for m in HEAVY if m in loaded]


def test_every_subcommand_help_loads_no_heavy_module():
    code = (
        "import sys, json, typer\n"
        "from coachlog.cli.main import main, app\n"
        "group = typer.main.get_command(app)\n"
        "names = []\n"
        "for name, cmd in group.commands.items():\n"
        "    subs = getattr(cmd, 'commands', None)\n"
        "    names += [[name, s] for s in subs] if subs else [[name]]\n"
        "for n in names:\n"
        "    main([*n, '--help'])\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    loaded = set(json.loads(p.stderr.strip().splitlines()[-1]))
    assert not [m for m in HEAVY if m in loaded]


def test_python_dash_m_runs():
    p = subprocess.run(
        [sys.executable, "-m", "coachlog", "--version"], capture_output=True, text=True, check=False
    )
    assert p.returncode == 0
    assert p.stdout.startswith("coachlog ")


def test_root_help_lists_every_command_without_importing_one(monkeypatch, capsys):
    """`coachlog --help` lists COMMANDS (cli/main.py) without building any command; it must
    print exactly what the root with every command built prints, at any width, and
    COMMANDS must name every command of the modules."""
    import inspect

    import typer

    from coachlog.cli.main import COMMANDS, load, make_app

    for width in ("60", "80", "120"):
        monkeypatch.setenv("COLUMNS", width)
        outputs = []
        for full in (True, False):
            with contextlib.suppress(SystemExit):
                make_app(full=full)(args=["--help"], prog_name="coachlog", standalone_mode=True)
            outputs.append(capsys.readouterr().out)
        assert outputs[0] == outputs[1], width
        assert "Commands:" in outputs[0]
    for entry in COMMANDS:
        real = load(entry)
        first = " ".join(inspect.cleandoc(real.help or "").split("\n\n")[0].split())
        assert first.startswith(entry.summary), entry.name
        assert real.hidden is entry.hidden
    # every module's registrations are in the table, and nothing else
    registered = make_app(full=True)
    group = typer.main.get_command(registered)
    assert set(group.commands) == {entry.name for entry in COMMANDS}
    # the introspection app has every subcommand built (the docs and tests walk them)
    assert {"add", "list", "show", "forget"} <= set(group.commands["client"].commands)


def test_a_command_imports_only_its_own_module():
    code = (
        "import sys, json\n"
        "from coachlog.cli.main import main\n"
        "try:\n"
        "    main(['config', '--help'])\n"
        "finally:\n"
        "    sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "Usage: coachlog config" in p.stdout
    loaded = {m for m in json.loads(p.stderr) if m.startswith("coachlog.cli.")}
    assert "coachlog.cli.config_cmds" in loaded
    assert not loaded & {"coachlog.cli.sessions", "coachlog.cli.trust", "coachlog.cli.clients"}


def test_help_costs_no_pydantic():
    """Typer 0.29 imports pydantic on every run (pyproject.toml bounds it below 0.29)."""
    code = (
        "import sys, json\n"
        "from coachlog.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "finally:\n"
        "    sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "pydantic" not in json.loads(p.stderr)
