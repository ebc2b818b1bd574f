"""Choosing the store (SPEC §2a): a command that only reads never creates a store; a
command that writes says when it created one. Real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

READS = [
    ("promises", "due"),
    ("client", "list"),
    ("dashboard",),
    ("session", "list"),
    ("search", "delegation"),
]


def _run(tmp_path: Path, *args: str, db: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "400"}
    env.pop("COACHLOG_DB", None)
    if db is not None:
        env["COACHLOG_DB"] = db
    return subprocess.run(
        [sys.executable, "-m", "coachlog", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_a_named_store_that_is_not_there_is_an_error_and_nothing_is_made(tmp_path):
    typo = tmp_path / "practise" / "coachlog.db"
    for args in READS:
        for how in ("flag", "variable"):
            extra = ("--db", str(typo)) if how == "flag" else ()
            p = _run(tmp_path, *extra, *args, db=str(typo) if how == "variable" else None)
            assert p.returncode == 1, (args, how, p.stdout, p.stderr)
            assert f"There is no coachlog store at {typo}" in p.stderr, (args, p.stderr)
            assert "Traceback" not in p.stderr
    doctor = _run(tmp_path, "--db", str(typo), "doctor")  # a report, with the fix
    assert doctor.returncode == 1 and "init" in doctor.stdout, doctor.stdout
    assert not typo.parent.exists()


def test_the_default_store_reads_as_empty_before_its_first_use(tmp_path):
    p = _run(tmp_path, "promises", "due")
    assert (p.returncode, p.stdout) == (0, "Nothing due in the next 7 days.\n"), p.stderr
    assert _run(tmp_path, "client", "list", "--json").stdout.strip() == "[]"
    assert not (tmp_path / "data").exists()  # not the store, not even its folder


def test_a_write_says_it_created_the_store(tmp_path):
    store = tmp_path / "data" / "coachlog" / "coachlog.db"
    p = _run(tmp_path, "client", "add", "Ana Lima")
    assert p.returncode == 0, p.stderr
    assert f"Created a new store at {store}" in p.stderr
    again = _run(tmp_path, "client", "add", "Bea Costa")
    assert again.returncode == 0 and "Created" not in again.stderr
    assert "Ana Lima" in _run(tmp_path, "client", "list").stdout
