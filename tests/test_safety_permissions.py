"""Every file coachlog creates is the coach's alone (0600, folders 0700), even when the
coach's umask would let others read new files (umask 022, the default on many systems).

Each coachlog here is a real process started with umask 022."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from support.contention import write_lock_holder
from support.processes import COACHLOG, env_for, ok, run, umask

OPEN_UMASK = umask(0o022)


def _mode(path: Path) -> str:
    return f"{stat.S_IMODE(path.stat().st_mode):o}"


def _modes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _mode(p) for p in sorted(folder.rglob("*"))}


def test_default_store_folder_wal_and_backups_are_private(tmp_path: Path):
    import signal
    import subprocess

    env = {"COACHLOG_DB": ""}  # the default place: the user data folder
    home = tmp_path / "xdg-data" / "coachlog"
    db = home / "coachlog.db"
    ok("", "client", "add", "Ana Lima", env=env, preexec_fn=OPEN_UMASK)
    ok("", "agreement", "new", "ana", "--goals", "Lead", env=env, preexec_fn=OPEN_UMASK)
    backup = Path(ok("", "backup", "--json", env=env, preexec_fn=OPEN_UMASK).json["backup"])

    # The -wal and -shm files exist only while a command runs: stop one inside its write
    # (kill -9 once it holds the write lock) to look at the files it made.
    proc = subprocess.Popen(
        [*COACHLOG, "agreement", "new", "ana", "--goals", "x" * 100_000],
        env={**env_for(""), **env},
        preexec_fn=OPEN_UMASK,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while proc.poll() is None and not write_lock_holder(db) and time.monotonic() < deadline:
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert _mode(home) == "700"
    assert _modes(home) == {
        "backups": "700",
        f"backups/{backup.name}": "600",
        "coachlog.db": "600",
        "coachlog.db-shm": "600",
        "coachlog.db-wal": "600",
    }


def test_a_store_in_a_new_folder_the_coach_names(tmp_path: Path):
    db = tmp_path / "practice" / "2026" / "coachlog.db"
    ok(db, "init", preexec_fn=OPEN_UMASK)
    assert _mode(db.parent) == "700" and _mode(db) == "600"


def test_backup_to_a_path_the_coach_names(tmp_path: Path, db_path: Path, cli):
    assert cli("client", "add", "Ana Lima").code == 0
    out = tmp_path / "usb" / "copy.db"
    out.parent.mkdir()
    ok(db_path, "backup", "--out", str(out), preexec_fn=OPEN_UMASK)
    assert _mode(out) == "600"


def test_exports_are_private(tmp_path: Path, db_path: Path, cli):
    pytest.importorskip("coachlog.export.files")
    assert cli("client", "add", "Ana Lima").code == 0
    assert cli("agreement", "new", "ana", "--goals", "Lead").code == 0
    made: list[Path] = []
    for fmt in ("json", "md", "ics"):
        out = tmp_path / "out" / f"ana.{fmt}"
        out.parent.mkdir(exist_ok=True)
        r = run(db_path, "export", "ana", "--format", fmt, "--out", str(out), preexec_fn=OPEN_UMASK)
        assert r.code == 0, r.shown
        made.append(out)
    folder = tmp_path / "all"
    r = run(db_path, "export", "--all", "--out", str(folder), preexec_fn=OPEN_UMASK)
    assert r.code == 0, r.shown
    for path in made:
        assert _mode(path) == "600", path
    assert _mode(folder) == "700"
    assert {m for m in _modes(folder).values()} == {"600"}
