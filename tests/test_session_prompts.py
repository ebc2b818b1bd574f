"""`session new` on a real terminal: a pseudo-terminal drives coachlog as a process, the
way a coach types (readline Tab-completion included), and reads the screen back."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import pytest

pty = pytest.importorskip("pty")
termios = pytest.importorskip("termios")

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[=>]|\x1b\][^\x07]*\x07|\r")
PIN = "2026-11-22T17:00:00+00:00"  # Sun 22 Nov 2026, 17:00 in Lisbon


class Terminal:
    """A coachlog process on a pseudo-terminal (80 columns)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        import fcntl
        import struct

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coachlog", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.fd = master
        self.raw = ""
        self.pos = 0

    @property
    def screen(self) -> str:
        return _ESCAPES.sub("", self.raw)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the process closed the terminal
            return False
        if not data:
            return False
        self.raw += data.decode("utf-8", "replace")
        return True

    def expect(self, text: str, timeout: float = 30) -> None:
        """Wait until `text` appears after what was expected last."""
        deadline = time.monotonic() + timeout
        while True:
            at = self.screen.find(text, self.pos)
            if at >= 0:
                self.pos = at + len(text)
                return
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(min(left, 0.5)) and self.proc.poll() is not None):
                if self.screen.find(text, self.pos) >= 0:
                    continue
                raise AssertionError(f"never saw {text!r}; the screen was:\n{self.screen}")

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def line(self, text: str) -> None:
        self.type(text + "\r")

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.1):
            pass
        os.close(self.fd)
        if self.proc.poll() is None:
            self.proc.kill()
            raise AssertionError(f"still running; the screen was:\n{self.screen}")
        return self.proc.returncode


@pytest.fixture
def term(db_url: str):
    started: list[Terminal] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Terminal:
        full = {
            **os.environ,
            "COACHLOG_DB": db_url,
            "COACHLOG_NOW": PIN,
            "TERM": "xterm-256color",
            **(env or {}),
        }
        t = Terminal(list(args), full)
        started.append(t)
        return t

    yield start
    for t in started:
        if t.proc.poll() is None:
            t.proc.kill()
            t.proc.wait()


@pytest.fixture
def practice(cli):
    cli("client", "add", "Ana Lima")
    cli("client", "add", "Bruno Costa")
    cli("agreement", "new", "ana", "--logistics", "Zoom, 45 minutes", "--goals", "Delegate")
    return cli


def test_prompts_ask_for_everything_missing(term, practice):
    t = term("session", "new")
    t.expect("Which client?")
    t.expect("1  Ana Lima")
    t.expect("2  Bruno Costa")
    t.expect("Client (number, or name; Tab completes): ")
    t.type("an\t")  # readline completes the name
    t.expect("Ana Lima")
    t.line("")
    t.expect("When (e.g. today 15:00, -2h) [now]: ")
    t.line("today 15:00")
    t.expect("Sun 22 Nov 15:00")  # the time the words were read as
    t.expect("Minutes [45]: ")  # from the agreement's logistics
    t.line("")
    t.expect("Kind (engagement, regular, pitstop, closing) [regular]: ")
    t.line("nap")
    t.expect("kind must be one of")
    t.expect("[regular]: ")
    t.line("pit")
    t.expect("Notes (several lines; an empty line ends them)")
    t.expect("> ")
    t.line("How is our coaching working for you?")
    t.expect("> ")
    t.line("More challenge, fewer summaries.")
    t.expect("> ")
    t.line("")
    t.expect("Themes (separated by commas): ")
    t.line("Safety, pace")
    t.expect("Trust pulse (1-5: how open and safe it felt; Enter skips): ")
    t.line("9")
    t.expect("Trust pulse: 1 to 5")
    t.expect("Enter skips): ")
    t.line("4")
    t.expect("Reflection")
    t.expect("> ")
    t.line("")
    t.expect("I promised")
    t.expect("you> ")
    t.line("Send the notes @ tomorrow 9:00")
    t.expect("due Mon 23 Nov 09:00")
    t.expect("you> ")
    t.line("")
    t.expect("They committed")
    t.expect("they> ")
    t.line("Try fewer summaries")
    t.expect("has no due date")
    t.expect("they> ")
    t.line("Try fewer summaries @ fri")
    t.expect("due Fri 27 Nov")
    t.expect("they> ")
    t.line("")
    t.expect("✓ Session #1 with Ana Lima recorded: Sun 22 Nov 15:00, 45 min, pitstop, trust 4/5")
    t.expect("#1 you: Send the notes — due Mon 23 Nov 09:00")
    t.expect("#2 they: Try fewer summaries — due Fri 27 Nov")
    assert t.finish() == 0

    data = practice("session", "show", "1", "--json").json
    assert data["notes"] == "How is our coaching working for you?\nMore challenge, fewer summaries."
    assert (data["kind"], data["minutes"], data["themes"], data["trust_pulse"]) == (
        "pitstop",
        45,
        ["safety", "pace"],
        4,
    )
    assert data["reflection"] is None
    assert [(p["owner"], p["text"]) for p in data["promises"]] == [
        ("coach", "Send the notes"),
        ("client", "Try fewer summaries"),
    ]


def test_picking_a_client_by_number_and_flags_skip_their_questions(term, practice):
    t = term("session", "new", "--at", "-1h", "--trust", "3", "--promise", "Call @ +2d")
    t.expect("Client (number, or name; Tab completes): ")
    t.line("7")
    t.expect("Pick a number from 1 to 2.")
    t.line("2")
    t.expect("Minutes [60]: ")  # Bruno has no agreement: 60; no "When" question (--at)
    t.line("30")
    t.expect("[regular]: ")
    t.line("")
    t.expect("> ")
    t.line("")
    t.expect("Themes")
    t.line("")
    t.expect("Reflection")  # no trust question: --trust was given
    t.expect("> ")
    t.line("")
    t.expect("They committed")  # no "I promised": --promise was given
    t.expect("they> ")
    t.line("")
    t.expect("✓ Session #1 with Bruno Costa recorded: Sun 22 Nov 16:00, 30 min, regular")
    assert t.finish() == 0
    assert "When" not in t.screen and "Trust pulse (" not in t.screen
    assert "I promised" not in t.screen


def test_with_the_notes_given_nothing_is_asked(term, practice):
    t = term("session", "new", "ana", "--notes", "Short call")
    t.expect("✓ Session #1 with Ana Lima recorded: Sun 22 Nov 17:00, 45 min, regular")
    assert t.finish() == 0
    assert "?" not in t.screen and "Minutes" not in t.screen


def test_ctrl_d_cancels_and_saves_nothing(term, practice):
    t = term("session", "new", "ana")
    t.expect("When (e.g. today 15:00, -2h) [now]: ")
    t.type("\x04")
    t.expect("Cancelled; nothing was saved.")
    assert t.finish() == 1
    assert practice("session", "list", "--json").json == []


def test_delete_asks_on_a_terminal(term, practice):
    practice(
        "session", "new", "ana", "--notes", "x", "--promise", "a @ +1d", env={"COACHLOG_NOW": PIN}
    )
    t = term("session", "delete", "1")
    t.expect("Delete session #1 with Ana Lima (Sun 22 Nov 17:00) and the 1 promise made in it?")
    t.line("n")
    t.expect("Kept it; nothing was deleted.")
    assert t.finish() == 1
    t = term("session", "delete", "1")
    t.expect("made in it?")
    t.line("y")
    t.expect("✓ Deleted session #1 with Ana Lima and 1 promise made in it")
    assert t.finish() == 0


def test_an_unreadable_template_reopens_the_editor_with_the_problem_on_top(
    term, practice, tmp_path
):
    script = tmp_path / "editor.py"
    log = tmp_path / "seen"
    script.write_text(
        "import os, sys\n"
        "p = sys.argv[1]\n"
        f"log = {str(log)!r}\n"
        "n = len(os.listdir(log)) if os.path.isdir(log) else 0\n"
        "os.makedirs(log, exist_ok=True)\n"
        "text = open(p).read()\n"
        "open(os.path.join(log, str(n)), 'w').write(text)\n"
        "if n == 0:\n"
        "    text = text.replace('## I promised\\n', '## I promised\\n- Call Rui friday\\n')\n"
        "else:\n"
        "    text = text.replace('- Call Rui friday', '- Call Rui @ friday')\n"
        "open(p, 'w').write(text)\n"
    )
    t = term("session", "new", "ana", "--edit", env={"EDITOR": f"{sys.executable} {script}"})
    t.expect("✓ Session #1 with Ana Lima recorded")
    t.expect("#1 you: Call Rui — due Fri 27 Nov")
    assert t.finish() == 0
    second = (log / "1").read_text().splitlines()
    assert second[0].startswith("<!-- coachlog: 1 problem to fix below")
    # the problem names the line as this file shows it, the list on top included
    problem = next(line for line in second if "'Call Rui friday' has no due date" in line)
    number = int(problem.split("Line ")[1].split(":")[0])
    assert second[number - 1] == "- Call Rui friday"


def test_a_coach_who_keeps_an_icf_log_is_asked_group_size_and_counting(term, practice):
    """Only with `credential` or `training_started_on` set (SPEC §9): a wrong group size is
    asked again, the answers before it kept."""
    t = term("session", "new", "ana", "--at", "-1h", env={"COACHLOG_CREDENTIAL": "acc"})
    t.expect("Minutes [45]: ")
    t.line("")
    t.expect("[regular]: ")
    t.line("")
    t.expect("Group size (1 for one-to-one) [1]: ")
    t.line("0")
    t.expect("Group size: a whole number from 1 to 500.")
    t.expect("[1]: ")
    t.line("6")
    t.expect("Counts for ICF (no if it was not client coaching) [yes]: ")
    t.line("perhaps")
    t.expect("Counts for ICF: yes or no.")
    t.expect("[yes]: ")
    t.line("no")
    t.expect("Notes")
    t.expect("> ")
    t.line("Group mentor coaching")
    t.expect("> ")
    t.line("")
    t.expect("Themes (separated by commas): ")
    t.line("")
    t.expect("Enter skips): ")
    t.line("")
    t.expect("Reflection")
    t.expect("> ")
    t.line("")
    t.expect("you> ")
    t.line("")
    t.expect("they> ")
    t.line("")
    t.expect("group of 6, not for ICF")
    assert t.finish() == 0
    data = practice("session", "show", "1", "--json").json
    assert (data["minutes"], data["group_size"], data["counts_for_icf"]) == (45, 6, False)


def test_a_coach_without_an_icf_log_is_not_asked(term, practice):
    t = term("session", "new", "ana", "--at", "-1h")
    t.expect("Minutes [45]: ")
    t.line("")
    t.expect("[regular]: ")
    t.line("")
    t.expect("Notes")
    assert "Group size" not in t.screen
    t.proc.kill()
