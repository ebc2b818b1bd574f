"""A write that does not fit: a clear message, exit 1, no traceback, and every earlier
record intact.

Two ways to run out of room, both with a real coachlog process:
- a file size limit (RLIMIT_FSIZE, `ulimit -f`), with SIGXFSZ ignored so the write fails
  with EFBIG as it would on a full disk, instead of killing the process;
- a really full disk: a 1 MB tmpfs mounted in a private mount namespace (skipped where
  the machine does not allow `unshare -m`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coachlog.services import agreement_template
from support.processes import env_for, ignore_sigxfsz_and_limit, integrity, ok, query, run

BIG = 3 * 1024 * 1024


def _big_agreement(tmp_path: Path) -> Path:
    """An agreement file whose goals are 3 MB of words (more than one argument may hold)."""
    words = " ".join(f"goal{i}" for i in range(BIG // 9))
    path = tmp_path / "big.md"
    path.write_text(agreement_template.render("Ana Lima", 2, {"goals": words}))
    assert path.stat().st_size > BIG
    return path


def _assert_clean_failure(r) -> None:
    assert r.code == 1, r.shown
    assert "Traceback" not in r.shown and "unexpected" not in r.shown
    assert "nothing was saved" in r.err
    assert "earlier records are intact" in r.err


def test_file_size_limit_is_a_clear_error_and_loses_nothing(db_path: Path, cli, tmp_path):
    assert cli("client", "add", "Ana Lima", "--context", "before the limit").code == 0
    assert cli("agreement", "new", "ana", "--goals", "Lead without rescuing").code == 0
    limit = db_path.stat().st_size + 512 * 1024
    under_limit = ignore_sigxfsz_and_limit(limit)

    # a small write still fits under the limit: the limit alone breaks nothing
    r = run(db_path, "client", "add", "Bea Souza", preexec_fn=under_limit)
    assert r.code == 0, r.shown

    r = run(
        db_path,
        "agreement",
        "new",
        "ana",
        "--from",
        str(_big_agreement(tmp_path)),
        preexec_fn=under_limit,
    )
    _assert_clean_failure(r)

    assert integrity(db_path) == "ok"
    assert query(db_path, "SELECT name, context FROM clients ORDER BY id") == [
        ("Ana Lima", "before the limit"),
        ("Bea Souza", None),
    ]
    assert query(db_path, "SELECT version, status, goals FROM agreements") == [
        (1, "active", "Lead without rescuing")
    ]
    assert ok(db_path, "doctor").code == 0


def _can_mount_tmpfs(where: Path) -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {where}"],
        capture_output=True,
    )
    return probe.returncode == 0


def test_a_really_full_disk(tmp_path: Path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _can_mount_tmpfs(disk):
        pytest.skip("this machine does not allow a private tmpfs (unshare -m)")
    db = disk / "coachlog.db"
    big = _big_agreement(tmp_path)
    # Everything that needs the small disk runs inside the namespace; it reports back
    # what each command did, as JSON.
    driver = f"""
import json, subprocess, sys
def run(*args):
    p = subprocess.run([sys.executable, "-m", "coachlog", *args], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    return {{"code": p.returncode, "out": p.stdout, "err": p.stderr}}
steps = {{
    "add": run("client", "add", "Ana Lima", "--context", "before the disk filled"),
    "agreement": run("agreement", "new", "ana", "--goals", "Lead without rescuing"),
    "big": run("agreement", "new", "ana", "--from", {str(big)!r}),
    "doctor": run("doctor", "--json"),
    "show": run("agreement", "list", "ana", "--json"),
    "client": run("client", "show", "ana", "--json"),
}}
print(json.dumps(steps))
"""
    mount = f'mount -t tmpfs -o size=1m tmpfs "{disk}" && exec "$@"'
    p = subprocess.run(
        ["unshare", "-m", "sh", "-c", mount, "sh", sys.executable, "-c", driver],
        capture_output=True,
        text=True,
        env=env_for(db),
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    steps = json.loads(p.stdout)
    assert steps["add"]["code"] == 0 and steps["agreement"]["code"] == 0, steps

    class R:  # the shape _assert_clean_failure reads
        code = steps["big"]["code"]
        err = steps["big"]["err"]
        shown = steps["big"]["out"] + steps["big"]["err"]

    _assert_clean_failure(R)
    assert "disk is full" in R.err.lower() or "could not be written" in R.err
    doctor = json.loads(steps["doctor"]["out"])
    assert {c["name"]: c["status"] for c in doctor["checks"]}["Integrity"] == "ok"
    versions = json.loads(steps["show"]["out"])
    assert [(v["version"], v["status"], v["goals"]) for v in versions] == [
        (1, "active", "Lead without rescuing")
    ]
    assert json.loads(steps["client"]["out"])["context"] == "before the disk filled"


def test_session_notes_too_big_for_the_disk(db_path: Path, cli):
    """The after-call command with several MB of notes on stdin, over the size limit."""
    pytest.importorskip("coachlog.services.sessions")
    assert cli("client", "add", "Ana Lima").code == 0
    assert cli("session", "new", "ana", "--notes", "first call", "--at", "-2d").code == 0
    limit = ignore_sigxfsz_and_limit(db_path.stat().st_size + 512 * 1024)
    r = run(
        db_path,
        "session",
        "new",
        "ana",
        "--at",
        "today 09:00",
        "--notes",
        "-",
        "--promise",
        "Send the article @ fri",
        input=" ".join(f"note{i}" for i in range(BIG // 9)),
        preexec_fn=limit,
    )
    _assert_clean_failure(r)
    assert query(db_path, "SELECT notes FROM sessions") == [("first call",)]
    assert query(db_path, "SELECT count(*) FROM promises") == [(0,)]
    assert integrity(db_path) == "ok"
