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
        load = f"source {tmp_path / f'completion.{name}'}"
        if name == "zsh":
            load = "autoload -Uz compinit; compinit -u; " + load
        # The shell has read the script once it prints READY (typed, it shows "REA""DY").
        self.send(load + '; echo "REA""DY"\r', until="READY\r\n")

    def wait_for(self, needle: str, timeout: float = 60) -> str:
        """Read what the shell shows until `needle` appears (a generous deadline: the
        machine may be busy), and return it all; fail with the screen if it never does."""
        end = time.monotonic() + timeout
        while needle.encode() not in self.out:
            if time.monotonic() > end:
                raise AssertionError(f"{needle!r} never appeared; the screen: {self.out!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:  # the shell closed its terminal
                    break
        return self.out.decode("utf-8", "replace")

    def send(self, text: str, *, until: str) -> str:
        self.out = b""
        os.write(self.fd, text.encode())
        return self.wait_for(until)

    def tab(self, typed: str, *, until: str) -> tuple[int, str]:
        """Type `typed`, press Tab, wait for `until` on the screen: (how many times coachlog
        ran, what the screen got)."""
        self.runs.write_text("")
        screen = self.send(typed + "\t", until=until)
        return len(self.runs.read_text().splitlines()), screen

    def enter(self, *, until: str) -> str:
        return self.send("\r", until=until)

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
    bash.tab(typed, until=inserted)
    shown = bash.enter(until=f"Prep · {runs_for}")
    assert "unexpected extra argument" not in shown


def test_bash_completes_a_name_typed_in_lower_case_after_an_option(shell):
    """Typer's path (the fast path leaves a word after an option's value to it) matches
    names whatever their case, as the fast path does."""
    bash = shell("bash")
    bash.tab("coachlog prep anab", until="'Anabel Ortiz'")  # the fast path
    # Ctrl-U (a new line), then Typer's path
    bash.tab("\x15coachlog session new --minutes 30 o", until="'O'\"'\"'Brien Shaw'")


def test_bash_completes_choices_not_file_names(shell, tmp_path):
    bash = shell("bash")
    (bash.cwd / "pitfall.txt").write_text("")
    _, screen = bash.tab("coachlog session list --kind pit", until="pitstop")
    assert "pitfall" not in screen
    bash.tab("\x15coachlog promises list --status ke", until="kept")  # Ctrl-U: a new line
    bash.tab("\x15coachlog export --format ic", until="ics")


def test_fish_runs_coachlog_once_per_tab_and_the_command_runs(shell):
    fish = shell("fish")
    runs, screen = fish.tab("coachlog prep Anab", until="Anabel\\ Ortiz")
    assert runs == 1, screen
    fish.enter(until="Prep · Anabel Ortiz")


def test_zsh_completes_promise_ids_with_their_text(shell):
    zsh = shell("zsh")
    runs, screen = zsh.tab("coachlog promises keep ", until="Ana Lima, they: Talk to Rui")
    assert runs == 1
    assert "Ana Lima, you: Send the article" in screen, screen
