"""Long screens (SPEC §2a): `--limit N`, a pager on a terminal, and piped output that is
never wrapped to a width and carries no trailing spaces. Real processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from support.inproc import copy_store, isolated, run_here
from support.processes import env_for, run, run_in_terminal

LONG_NOTE = "A long note about delegation " * 12  # about 350 characters on one line


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("practice")
    db = folder / "store" / "coachlog.db"
    with isolated(folder):
        run_here(db, "client", "add", "Ana Lima", "--channel", "")
        run_here(db, "client", "add", "Bruno Costa")
        for day in range(1, 6):
            r = run_here(db, "session", "new", "ana", "--at", f"2026-11-{day:02d} 10:00",
                         "--notes", f"Session {day}. {LONG_NOTE}",
                         "--promise", f"Promise {day} @ 2026-12-{day:02d}")  # fmt: skip
            assert r.code == 0, r.shown
    return db


@pytest.fixture
def practice(tmp_path: Path, made_once: Path) -> Path:
    """Two clients, five sessions with long notes and promises: a copy of the store made
    once for the module (in this process); the listings read from it are real processes."""
    return copy_store(made_once, tmp_path / "store" / "coachlog.db")


def _piped(db: Path, *args: str) -> str:
    env = env_for(db)
    env.pop("COLUMNS", None)  # as a coach's shell leaves it when output goes to a pipe
    return run(db, *args, env=env).out


@pytest.mark.parametrize(
    "args",
    [("session", "list"), ("promises", "list"), ("client", "list"), ("search", "delegation")],
)
def test_piped_listings_are_not_wrapped_and_have_no_trailing_spaces(practice, args):
    out = _piped(practice, *args)
    assert out.strip(), args
    assert [line for line in out.splitlines() if line != line.rstrip()] == [], args
    if args[0] == "session":  # the notes column runs on, unwrapped
        assert max(len(line) for line in out.splitlines()) > 150, out


def test_limit_shows_the_latest_and_says_what_it_left_out(practice):
    out = _piped(practice, "session", "list", "--limit", "2")
    assert "Session 4." in out and "Session 5." in out and "Session 3." not in out
    assert "… and 3 earlier sessions, not shown (--limit)." in out
    listed = run(practice, "promises", "list", "--limit", "1", "--json").json
    assert [p["text"] for p in listed] == ["Promise 5"]
    out = _piped(practice, "client", "list", "--limit", "1")
    assert "Ana Lima" in out and "Bruno Costa" not in out and "1 more, not shown" in out
    r = run(practice, "session", "list", "--limit", "0")
    assert r.code == 2 and "--limit" in r.err


def test_a_terminal_gets_the_pager_unless_told_not_to(practice, tmp_path):
    seen = tmp_path / "paged.txt"
    pager = tmp_path / "pager.py"
    pager.write_text(f"import sys\nopen({str(seen)!r}, 'w').write(sys.stdin.read())\n")
    env = {"PAGER": f"{sys.executable} {pager}", "COACHLOG_PAGER": "true"}
    r = run_in_terminal(practice, "session", "list", env=env)
    assert r.code == 0, r.plain
    assert "Session 5." in seen.read_text() and "Session 5." not in r.plain
    os.unlink(seen)
    for how in (["--no-pager"], []):
        extra = {"COACHLOG_PAGER": "false"} if not how else {}
        r = run_in_terminal(practice, "session", "list", *how, env={**env, **extra})
        assert "Session 5." in r.plain and not seen.exists(), how
