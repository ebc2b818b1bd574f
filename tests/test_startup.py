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


def test_root_help_from_stubs_is_the_full_help(monkeypatch, capsys):
    """`coachlog --help` is built from stubs; it must print what the full app prints."""
    import typer

    from coachlog.cli.main import help_app, make_app

    for width in ("60", "80", "120"):
        monkeypatch.setenv("COLUMNS", width)
        outputs = []
        for build in (make_app, help_app):
            with contextlib.suppress(SystemExit):
                build()(args=["--help"], prog_name="coachlog", standalone_mode=True)
            outputs.append(capsys.readouterr().out)
        assert outputs[0] == outputs[1], width
        assert "Commands:" in outputs[0]
    # and the stubs list every command the real app has
    real = typer.main.get_command(make_app())
    assert set(real.commands) == set(typer.main.get_command(help_app()).commands)
