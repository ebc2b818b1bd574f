"""Nothing written in the editor is lost when the save fails (issue 12, item 1; SPEC §3a).

The coach fills the template in a real editor process (a script as $EDITOR), then the save
fails: the disk is full (a file size limit, `ulimit -f`), the store is held by a second
process for longer than the busy timeout, the store refuses the write, an unexpected error
is raised, or the coach presses Ctrl-C while coachlog waits. Each time the text must be
kept in the private 0600 place and its path printed; nothing half-written is stored."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.processes import (
    COACHLOG,
    env_for,
    ignore_sigxfsz_and_limit,
    integrity,
    query,
    run,
)

# (command, heading to write under, what is written there, table it lands in)
COMMANDS = {
    "session": (["session", "new", "ana", "--edit"], "## Notes", "sessions"),
    "agreement": (["agreement", "new", "ana", "--edit"], "## Goals", "agreements"),
    "pitstop": (["pitstop", "ana", "--edit"], "## What is working in our coaching?", "sessions"),
}
WORDS = "The coach's own words about delegation, written once and never again"


def editor(tmp_path: Path, heading: str, text: str, *, extra: str = "") -> str:
    """An editor that writes `text` under `heading` (and `extra` lines at the end of the
    file), like a coach filling in the template, and keeps a copy of what it saved."""
    script = tmp_path / "fill.py"
    script.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "t = open(p, encoding='utf-8').read()\n"
        f"t = t.replace({heading + chr(10)!r}, {heading + chr(10)!r} + {text!r} + '\\n', 1)\n"
        f"t += {extra!r}\n"
        "open(p, 'w', encoding='utf-8').write(t)\n"
        f"open({str(tmp_path / 'saved.md')!r}, 'w', encoding='utf-8').write(t)\n"
    )
    return f"{sys.executable} {script}"


def kept_file(shown: str) -> Path:
    """The file the message names as holding the text."""
    flat = shown.replace("\n", "")
    match = re.search(r"kept in (/\S+?\.md)", flat)
    assert match, f"no kept file named in: {shown}"
    return Path(match.group(1))


def assert_kept(r, text: str, tmp_path: Path) -> Path:
    assert r.code != 0, r.shown
    assert "Traceback" not in r.shown, r.shown
    path = kept_file(r.err)
    assert text in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not str(path).startswith(str(tmp_path / "tmpdir"))  # not the editor's folder
    return path


@pytest.fixture
def store_with_ana(db_path: Path, cli, tmp_path: Path) -> Path:
    assert cli("client", "add", "Ana Lima").code == 0
    (tmp_path / "tmpdir").mkdir()
    return db_path


@pytest.fixture
def held(store_with_ana: Path) -> Iterator[None]:
    """A second process holding the store's write lock (as another terminal would)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(store_with_ana)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('held', flush=True)\n"
            "time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield
    holder.kill()
    holder.wait()


@pytest.mark.parametrize("what", list(COMMANDS))
def test_store_busy_keeps_the_text(store_with_ana, held, tmp_path, what):
    args, heading, table = COMMANDS[what]
    env = {
        "EDITOR": editor(tmp_path, heading, WORDS),
        "TMPDIR": str(tmp_path / "tmpdir"),
        "COACHLOG_BUSY_TIMEOUT": "1",  # instead of 30 s
    }
    r = run(store_with_ana, *args, env=env)
    assert "busy" in r.err
    assert "held it for 1 second" in r.err
    assert_kept(r, WORDS, tmp_path)
    assert list((tmp_path / "tmpdir").iterdir()) == []  # the editor's own copy is gone
    assert query(store_with_ana, f"SELECT count(*) FROM {table}") == [(0,)]


def test_disk_full_keeps_the_text(store_with_ana, cli, tmp_path):
    db = store_with_ana
    # Notes that fit in a file under the limit (the editor's and the kept copy), but whose
    # write to the store (the row, its search index, the journal) does not.
    words = " ".join(f"w{i}x" for i in range(40_000))  # about 260 kB of distinct words
    sizes = [p.stat().st_size for p in db.parent.iterdir()]
    limit = max([*sizes, len(words)]) + 64 * 1024
    env = {"EDITOR": editor(tmp_path, "## Notes", words), "TMPDIR": str(tmp_path / "tmpdir")}
    r = run(
        db, "session", "new", "ana", "--edit", env=env, preexec_fn=ignore_sigxfsz_and_limit(limit)
    )
    assert "nothing was saved" in r.err, r.shown
    assert_kept(r, words, tmp_path)
    assert integrity(db) == "ok"
    assert query(db, "SELECT count(*) FROM sessions") == [(0,)]


def test_store_refusing_the_write_keeps_the_text(store_with_ana, tmp_path):
    db = store_with_ana
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    conn.commit()
    conn.close()
    env = {"EDITOR": editor(tmp_path, "## Notes", WORDS), "TMPDIR": str(tmp_path / "tmpdir")}
    r = run(db, "session", "new", "ana", "--edit", env=env)
    assert_kept(r, WORDS, tmp_path)


def test_an_unexpected_error_keeps_the_text(store_with_ana, tmp_path):
    """A date at the end of the calendar west of UTC once raised OverflowError after the
    editor closed. Whether it is refused as a date or fails unexpectedly, the text stays."""
    env = {
        "EDITOR": editor(tmp_path, "## Notes", WORDS, extra="## I promised\n- x @ 9999-12-31\n"),
        "TMPDIR": str(tmp_path / "tmpdir"),
    }
    r = run(store_with_ana, "--tz", "America/New_York", "session", "new", "ana", "--edit", env=env)
    assert_kept(r, WORDS, tmp_path)
    assert query(store_with_ana, "SELECT count(*) FROM sessions") == [(0,)]


def wait_for_the_lock(p: subprocess.Popen, saved: Path, timeout: float = 60) -> None:
    """Until coachlog, its editor closed (it wrote `saved`), waits for the store's write
    lock: its main thread asleep in the kernel, where SQLite's wait for a lock sleeps
    (coachlog sleeps nowhere else once the editor has closed). A generous deadline: the
    machine may be busy."""
    wchan = Path(f"/proc/{p.pid}/wchan")
    if not wchan.exists():
        pytest.skip("needs /proc/PID/wchan (Linux) to see a process wait")
    deadline = time.monotonic() + timeout
    while not (saved.exists() and "nanosleep" in wchan.read_text()):
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline, "coachlog never waited for the write lock"
        time.sleep(0.01)


def test_ctrl_c_while_saving_keeps_the_text(store_with_ana, held, tmp_path):
    """Ctrl-C while coachlog waits for the store after the editor closed."""
    env = {
        **env_for(store_with_ana),
        "EDITOR": editor(tmp_path, "## Notes", WORDS),
        "TMPDIR": str(tmp_path / "tmpdir"),
        "COACHLOG_BUSY_TIMEOUT": "3",
    }
    p = subprocess.Popen(
        [*COACHLOG, "session", "new", "ana", "--edit"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_the_lock(p, tmp_path / "saved.md")
    os.kill(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130, err
    assert "Interrupted; nothing was saved." in err
    assert "Traceback" not in err
    path = kept_file(err)
    assert WORDS in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_when_it_is_saved_nothing_is_kept(store_with_ana, tmp_path):
    env = {"EDITOR": editor(tmp_path, "## Notes", WORDS), "TMPDIR": str(tmp_path / "tmpdir")}
    r = run(store_with_ana, "session", "new", "ana", "--edit", env=env)
    assert r.code == 0, r.shown
    assert "kept in" not in r.shown
    unsaved = Path(os.environ["XDG_DATA_HOME"]) / "coachlog" / "unsaved"
    assert not unsaved.exists() or list(unsaved.iterdir()) == []


def test_text_not_utf8_is_kept_byte_for_byte(store_with_ana, tmp_path):
    """An editor that saves Latin-1 (issue: 'unexpected problem (UnicodeDecodeError)', and
    the text was gone). Without a terminal to reopen it on, the error names the first line
    that is not UTF-8, and the bytes the editor saved are kept, as they were, 0600."""
    script = tmp_path / "latin1.py"
    script.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "t = open(p, encoding='utf-8').read()\n"
        f"t = t.replace('## Notes\\n', '## Notes\\n' + {WORDS!r} + '\\nCafé à noite.\\n', 1)\n"
        "open(p, 'w', encoding='latin-1').write(t)\n"
        f"open({str(tmp_path / 'saved.md')!r}, 'wb').write(t.encode('latin-1'))\n"
    )
    env = {"EDITOR": f"{sys.executable} {script}", "TMPDIR": str(tmp_path / "tmpdir")}
    r = run(store_with_ana, "session", "new", "ana", "--edit", env=env)
    assert r.code == 1, r.shown
    assert "unexpected" not in r.err and "Traceback" not in r.err
    saved = (tmp_path / "saved.md").read_bytes()
    bad_line = saved.split(b"\n").index("Café à noite.".encode("latin-1")) + 1
    assert f"Line {bad_line}" in r.err, r.err
    assert "not UTF-8" in r.err
    path = kept_file(r.err)
    assert path.read_bytes() == saved
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list((tmp_path / "tmpdir").iterdir()) == []
    assert query(store_with_ana, "SELECT count(*) FROM sessions") == [(0,)]


def test_the_kept_sentence_has_a_line_of_its_own(store_with_ana, tmp_path):
    """With several problems listed, where the text was kept is said on its own line, after
    the last problem and before the hint."""
    env = {
        "EDITOR": editor(tmp_path, "## Notes", WORDS, extra="Minutes: lots\nKind: nap\n"),
        "TMPDIR": str(tmp_path / "tmpdir"),
    }
    r = run(store_with_ana, "session", "new", "ana", "--edit", env=env)
    assert r.code == 1, r.shown
    lines = r.err.splitlines()
    kept_at = next(i for i, line in enumerate(lines) if "was kept in" in line)
    assert lines[kept_at].startswith("Your text from the editor was kept in "), r.err
    assert lines[kept_at - 1].strip().startswith("Line "), r.err
    assert "To record it" in "\n".join(lines[kept_at + 1 :]), r.err
    assert_kept(r, WORDS, tmp_path)


def test_ctrl_c_acts_at_once_while_the_store_is_busy(store_with_ana, held, tmp_path):
    """SQLite waits for a lock in C, where Ctrl-C is not seen: coachlog ignored it until the
    busy timeout ran out. It now waits in short slices, and Ctrl-C acts within a second."""
    env = {
        **env_for(store_with_ana),
        "EDITOR": editor(tmp_path, "## Notes", WORDS),
        "TMPDIR": str(tmp_path / "tmpdir"),
        "COACHLOG_BUSY_TIMEOUT": "20",
    }
    p = subprocess.Popen(
        [*COACHLOG, "session", "new", "ana", "--edit"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_the_lock(p, tmp_path / "saved.md")
    pressed = time.monotonic()
    os.kill(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=60)
    took = time.monotonic() - pressed
    assert p.returncode == 130, err
    assert took < 1.5, f"coachlog left {took:.1f} s after Ctrl-C"
    assert "Interrupted; nothing was saved." in err
    assert WORDS in kept_file(err).read_text(encoding="utf-8")
    assert query(store_with_ana, "SELECT count(*) FROM sessions") == [(0,)]
