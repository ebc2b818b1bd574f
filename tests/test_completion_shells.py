"""Completion in real shells (issue 13; SPEC §3a): bash, fish and zsh run interactively on a
pseudo-terminal with coachlog's completion script loaded, a coach types a command and
presses Tab, then Enter, and the completed command must run. `coachlog` on the PATH is a
wrapper that counts how often the shell started it. fish and zsh are skipped where they
are not installed."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
termios = pytest.importorskip("termios")

SHELLS = {
    "bash": ["bash", "--norc", "--noprofile", "-i"],
    "fish": ["fish", "--no-config", "-i"],
    "zsh": ["zsh", "-f", "-i"],
}


class Shell:
    def __init__(self, name: str, tmp_path: Path, db: str) -> None:
        if shutil.which(name) is None:
            pytest.skip(f"{name} is not installed")
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        self.runs = tmp_path / "runs.log"
        wrapper = bin_dir / "coachlog"
        wrapper.write_text(
            f'#!/bin/sh\necho run >> {self.runs}\nexec {sys.executable} -m coachlog "$@"\n'
        )
        wrapper.chmod(0o755)
        env = {
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "COACHLOG_DB": db,
            "TERM": "dumb",
            "PS1": "$ ",
            "HOME": str(tmp_path / "home"),
            "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
        }
        script = subprocess.run(
            [sys.executable, "-m", "coachlog", "--show-completion", name],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        (tmp_path / f"completion.{name}").write_text(script)
        self.cwd = tmp_path / "work"
        self.cwd.mkdir(exist_ok=True)
        master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            SHELLS[name],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=self.cwd,
            start_new_session=True,
            preexec_fn=lambda: __import__("fcntl").ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.fd = master
        self.out = b""
        self.read(2)
        load = f"source {tmp_path / f'completion.{name}'}"
        if name == "zsh":
            load = "autoload -Uz compinit; compinit -u; " + load
        self.send(load + "\r", 2)

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    return

    def send(self, text: str, seconds: float = 4) -> None:
        os.write(self.fd, text.encode())
        self.read(seconds)

    def tab(self, typed: str) -> tuple[int, str]:
        """Type `typed`, press Tab: (how many times coachlog ran, what the screen got)."""
        self.runs.write_text("")
        self.out = b""
        self.send(typed + "\t", 5)
        return len(self.runs.read_text().splitlines()), self.out.decode("utf-8", "replace")

    def enter(self) -> str:
        self.out = b""
        self.send("\r", 8)
        return self.out.decode("utf-8", "replace")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.fd)


@pytest.fixture
def shell(tmp_path: Path, db_path: Path, cli):
    for name in ("Ana Lima", "Anabel Ortiz", "O'Brien Shaw"):
        assert cli("client", "add", name).code == 0
    r = cli(
        "session",
        "new",
        "1",
        "--notes",
        "Delegation",
        "--promise",
        "Send the article @ +3d",
        "--commitment",
        "Talk to Rui @ +7d",
    )
    assert r.code == 0
    started: list[Shell] = []

    def start(name: str) -> Shell:
        s = Shell(name, tmp_path, str(db_path))
        started.append(s)
        return s

    yield start
    for s in started:
        s.close()


@pytest.mark.parametrize(
    ("typed", "inserted", "runs_for"),
    [
        ("coachlog prep Anab", "'Anabel Ortiz'", "Anabel Ortiz"),
        ('coachlog prep "Ana L', '"Ana Lima"', "Ana Lima"),
        ("coachlog prep 'Ana L", "'Ana Lima'", "Ana Lima"),
        ("coachlog prep O", "'O'\"'\"'Brien Shaw'", "O'Brien Shaw"),
    ],
)
def test_bash_inserts_names_quoted_so_the_command_runs(shell, typed, inserted, runs_for):
    bash = shell("bash")
    _, screen = bash.tab(typed)
    assert inserted in screen
    shown = bash.enter()
    assert f"Prep · {runs_for}" in shown, shown
    assert "unexpected extra argument" not in shown


def test_bash_completes_choices_not_file_names(shell, tmp_path):
    bash = shell("bash")
    (bash.cwd / "pitfall.txt").write_text("")
    _, screen = bash.tab("coachlog session list --kind pit")
    assert "pitstop" in screen and "pitfall" not in screen
    _, screen = bash.tab("\x15coachlog promises list --status ke")  # Ctrl-U: a new line
    assert "kept" in screen
    _, screen = bash.tab("\x15coachlog export --format ic")
    assert "ics" in screen


def test_fish_runs_coachlog_once_per_tab_and_the_command_runs(shell):
    fish = shell("fish")
    runs, screen = fish.tab("coachlog prep Anab")
    assert runs == 1, screen
    assert "Anabel\\ Ortiz" in screen
    assert "Prep · Anabel Ortiz" in fish.enter()


def test_zsh_completes_promise_ids_with_their_text(shell):
    zsh = shell("zsh")
    runs, screen = zsh.tab("coachlog promises keep ")
    assert runs == 1
    assert "Ana Lima, you: Send the article" in screen, screen
    assert "Ana Lima, they: Talk to Rui" in screen
