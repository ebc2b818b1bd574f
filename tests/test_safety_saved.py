"""When the store was written but the confirmation could not be printed (a full disk behind
`>`, a closed pipe), the message says it was saved, for every write command; "nothing was
saved" is said only when nothing was (SPEC §7). Real processes, real stores."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from support.processes import COACHLOG, env_for, ok, query

# Each write command, run after the ones before it; with --json too, which prints otherwise.
WRITES = [
    ("client", "add", "Fay"),
    ("client", "edit", "fay", "--email", "fay@example.org"),
    ("promises", "add", "fay", "Send the notes @ +2d"),
    ("promises", "keep", "1"),
    ("session", "new", "fay", "--notes", "We met", "--promise", "Call back @ +1d"),
    ("agreement", "new", "fay", "--goals", "Lead without rescuing"),
    ("client", "add", "Gus", "--json"),
]


def _run(db: Path, args: tuple[str, ...], stdout: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*COACHLOG, *args],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env_for(db),
        timeout=60,
    )


def _records(db: Path) -> dict[str, list[tuple]]:
    return {
        t: query(db, f"SELECT * FROM {t} ORDER BY id")
        for t in ("clients", "promises", "sessions", "agreements")
    }


def test_a_full_disk_on_stdout_after_a_save_says_it_was_saved(db_path: Path):
    """The issue: `client add Fay > /dev/full` saved the client, then said nothing was
    saved, so the coach would record it twice."""
    ok(db_path, "init")
    with open("/dev/full", "wb") as full:
        for args in WRITES:
            before = _records(db_path)
            p = _run(db_path, args, full)
            err = p.stderr.decode()
            assert p.returncode == 1, (args, err)
            assert "Saved: this command's changes are in the store" in err, (args, err)
            assert "Do not run it again" in err
            assert "nothing was saved" not in err.lower(), (args, err)
            assert "Traceback" not in err and "Exception ignored" not in err, err
            assert _records(db_path) != before, args  # it really was saved
    names = [n for (n,) in query(db_path, "SELECT name FROM clients ORDER BY id")]
    assert names == ["Fay", "Gus"]


def test_a_closed_pipe_after_a_save_says_it_was_saved(db_path: Path):
    ok(db_path, "init")
    p = subprocess.Popen(
        [*COACHLOG, "client", "add", "Fay"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env_for(db_path),
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # the reader is gone before coachlog prints
    err = p.stderr.read().decode()
    assert p.wait(60) == 1
    assert "Saved: this command's changes are in the store" in err, err
    assert "closed the pipe" in err
    assert query(db_path, "SELECT name FROM clients") == [("Fay",)]


def test_a_read_that_cannot_print_says_so_and_nothing_about_saving(db_path: Path):
    ok(db_path, "client", "add", "Fay")
    env = None
    for args in (("client", "list"), ("promises", "due"), ()):
        with open("/dev/full", "wb") as full:
            p = subprocess.run(
                [*COACHLOG, *args],
                stdout=full,
                stderr=subprocess.PIPE,
                env=env or env_for(db_path),
                timeout=60,
            )
        err = p.stderr.decode()
        assert p.returncode == 1, err
        assert "The output could not be written (no space left where it goes)" in err, err
        assert "unexpected problem" not in err and "Saved" not in err


def test_a_closed_pipe_on_a_read_stays_quiet(db_path: Path):
    """`coachlog session list | head -1`: the reader had what it wanted; no message."""
    ok(db_path, "client", "add", "Fay")
    for args in (["client", "list"], ["client", "list", "--json"]):
        p = subprocess.Popen(
            [*COACHLOG, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for(db_path),
        )
        assert p.stdout is not None and p.stderr is not None
        p.stdout.close()
        assert p.wait(60) == 1
        assert p.stderr.read() == b""


def test_an_import_that_cannot_print_says_it_was_saved(db_path: Path, tmp_path: Path):
    ok(db_path, "client", "add", "Fay")
    doc = tmp_path / "practice.json"
    ok(db_path, "export", "--all", "-f", "json", "-o", str(doc))
    data = json.loads(doc.read_text())
    data["clients"][0]["uid"] = "5b7c0f5e-4a49-4b0e-9a51-6f5d2f0d7c11"
    data["clients"][0]["name"] = "Fay Imported"
    doc.write_text(json.dumps(data))
    with open("/dev/full", "wb") as full:
        p = _run(db_path, ("import", str(doc)), full)
    err = p.stderr.decode()
    assert p.returncode == 1 and "Saved:" in err, err
    assert query(db_path, "SELECT count(*) FROM clients") == [(2,)]
