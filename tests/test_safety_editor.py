"""The editor's temporary file holds confidential notes: it is created 0600 in a private
0700 folder, and nothing of it is left afterwards, whether the command succeeds, is
cancelled, fails, or is interrupted. Each case runs coachlog as a real process with a
real (scripted) editor process and its own TMPDIR, which must be empty at the end."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coachlog.services import agreement_template
from support.processes import COACHLOG, env_for, query, run, umask

BODY = agreement_template.render("Ana Lima", 1, {"goals": "Lead without rescuing"})


def _editor(tmp_path: Path, *, body: str, exit_code: int = 0, sleep: float = 0) -> str:
    """An editor that logs the file it was given (path, mode, folder mode, and whether
    anyone else could open it), then writes `body` and exits with `exit_code`."""
    script = tmp_path / "editor.py"
    log = tmp_path / "editor.log"
    script.write_text(
        "import os, signal, stat, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *a: sys.exit(130))\n"  # quietly, like nano
        "p = sys.argv[1]\n"
        "mode = stat.S_IMODE(os.stat(p).st_mode)\n"
        "folder = stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode)\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(f'{p}|{mode:o}|{folder:o}\\n')\n"
        f"body = {body!r}\n"
        "if body.startswith('FILL:'):\n"  # fill in the template it was given
        "    body = open(p).read().replace('## Notes\\n', '## Notes\\n' + body[5:] + '\\n', 1)\n"
        "if body != 'UNCHANGED':\n"
        "    open(p, 'w').write(body)\n"
        f"time.sleep({sleep})\n"
        f"sys.exit({exit_code})\n"
    )
    return f"{sys.executable} {script}"


def _logged(tmp_path: Path) -> tuple[Path, str, str]:
    path, mode, folder = (tmp_path / "editor.log").read_text().splitlines()[-1].split("|")
    return Path(path), mode, folder


@pytest.fixture
def setup(db_path: Path, cli, tmp_path: Path):
    assert cli("client", "add", "Ana Lima").code == 0
    private_tmp = tmp_path / "tmpdir"
    private_tmp.mkdir()
    return db_path, private_tmp


def _check_private_and_gone(tmp_path: Path, private_tmp: Path) -> None:
    path, mode, folder = _logged(tmp_path)
    assert path.parent.parent == private_tmp  # the editor's file lived in TMPDIR...
    assert (mode, folder) == ("600", "700")  # ...readable by the coach alone
    assert not path.exists() and not path.parent.exists()
    assert list(private_tmp.iterdir()) == []  # nothing left behind at all


@pytest.mark.parametrize(
    ("case", "editor", "code", "says"),
    [
        ("saved", {"body": BODY}, 0, "Agreement v1 for Ana Lima recorded"),
        ("unchanged", {"body": "UNCHANGED"}, 1, "Nothing changed in the editor"),
        ("editor fails", {"body": BODY, "exit_code": 3}, 1, "editor exited with status 3"),
        ("unreadable", {"body": "## Snacks\ncake\n"}, 1, "unknown section"),
    ],
)
def test_editor_file_is_private_and_removed(setup, tmp_path, case, editor, code, says):
    db, private_tmp = setup
    env = {"EDITOR": _editor(tmp_path, **editor), "TMPDIR": str(private_tmp)}
    # umask 022, as on many systems: the protection must not depend on the coach's umask
    r = run(db, "agreement", "new", "ana", "--edit", env=env, preexec_fn=umask(0o022))
    assert r.code == code, r.shown
    assert says in r.shown
    assert "Traceback" not in r.shown
    _check_private_and_gone(tmp_path, private_tmp)
    versions = query(db, "SELECT count(*) FROM agreements")[0][0]
    assert versions == (1 if case == "saved" else 0)
    if case == "unreadable":
        # what the coach wrote is not lost: kept in a named file, 0600, outside TMPDIR
        kept = Path(r.err.split("kept in ")[1].split(".md")[0].replace("\n", "") + ".md")
        assert kept.read_text() == "## Snacks\ncake\n"
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_session_editor_file_is_private_and_removed(setup, tmp_path):
    pytest.importorskip("coachlog.services.sessions")
    db, private_tmp = setup
    editor = _editor(tmp_path, body="FILL:We talked about delegation")
    env = {"EDITOR": editor, "TMPDIR": str(private_tmp)}
    r = run(db, "session", "new", "ana", "--edit", env=env, preexec_fn=umask(0o022))
    assert r.code == 0, r.shown
    _check_private_and_gone(tmp_path, private_tmp)
    assert query(db, "SELECT notes FROM sessions") == [("We talked about delegation",)]
    # and when the editor fails, nothing is recorded and nothing is left
    env["EDITOR"] = _editor(tmp_path, body="FILL:half a thought", exit_code=1)
    r = run(db, "session", "new", "ana", "--edit", env=env, preexec_fn=umask(0o022))
    assert r.code == 1 and "Traceback" not in r.shown
    _check_private_and_gone(tmp_path, private_tmp)
    assert query(db, "SELECT count(*) FROM sessions") == [(1,)]


def _interrupt_while_editing(setup, tmp_path, sig: int) -> subprocess.CompletedProcess:
    db, private_tmp = setup
    env = {
        **env_for(db),
        "EDITOR": _editor(tmp_path, body=BODY, sleep=30),
        "TMPDIR": str(private_tmp),
    }
    proc = subprocess.Popen(
        [*COACHLOG, "agreement", "new", "ana", "--edit"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job would have
    )
    deadline = time.monotonic() + 30
    log = tmp_path / "editor.log"
    # A whole line in the log: the editor has the file open (not merely the log created).
    while not (log.exists() and log.read_text().endswith("\n")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, sig)  # what the terminal sends to the job: coachlog and its editor
    out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_in_the_editor_leaves_nothing(setup, tmp_path):
    p = _interrupt_while_editing(setup, tmp_path, signal.SIGINT)
    assert p.returncode == 130, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    _check_private_and_gone(tmp_path, setup[1])
    assert query(setup[0], "SELECT count(*) FROM agreements") == [(0,)]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_closing_the_terminal_in_the_editor_leaves_nothing(setup, tmp_path, sig):
    p = _interrupt_while_editing(setup, tmp_path, sig)
    assert p.returncode != 0
    _check_private_and_gone(tmp_path, setup[1])
