"""`coachlog backup`: a consistent, private, verified copy, taken while another program
is writing to the store."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from support.contention import SecondTerminal, Writer
from support.processes import env_for, integrity, ok, query, run


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_goes_beside_the_store_private_and_verified(db_path: Path):
    ok(db_path, "client", "add", "Ana Lima", "--context", "Portuguese at home")
    ok(db_path, "agreement", "new", "ana", "--goals", "Lead without rescuing")
    data = ok(db_path, "backup", "--json").json
    assert list(data) == ["backup", "encrypted", "size_bytes", "integrity"]
    path = Path(data["backup"])
    assert path.parent == db_path.parent / "backups"
    assert path.name.startswith("coachlog-") and path.suffix == ".db"
    assert (data["encrypted"], data["integrity"]) == (False, "ok")
    assert data["size_bytes"] == path.stat().st_size
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    assert query(path, "SELECT name, context FROM clients") == [("Ana Lima", "Portuguese at home")]
    assert query(path, "SELECT goals FROM agreements") == [("Lead without rescuing",)]
    # a second backup right away gets its own name
    second = Path(ok(db_path, "backup", "--json").json["backup"])
    assert second != path and second.exists() and path.exists()


def test_backup_out_file_folder_and_refusals(db_path: Path, tmp_path: Path):
    ok(db_path, "client", "add", "Ana Lima")
    target = tmp_path / "usb" / "practice.db"
    target.parent.mkdir()
    r = ok(db_path, "backup", "--out", str(target))
    assert f"Wrote a copy of the store to {target}" in r.out and "KB, checked)." in r.out
    assert _mode(target) == 0o600
    # a folder: a new dated file inside it
    into = Path(ok(db_path, "backup", "--out", str(target.parent), "--json").json["backup"])
    assert into.parent == target.parent and into != target
    # an existing file is never overwritten
    before = target.read_bytes()
    r = run(db_path, "backup", "--out", str(target))
    assert r.code == 1 and "already exists" in r.err
    assert target.read_bytes() == before
    # nowhere to write: a clear message, nothing left behind
    r = run(db_path, "backup", "--out", str(tmp_path / "missing" / "x.db"))
    assert r.code == 1 and "Cannot write the backup" in r.err and "Traceback" not in r.err


def test_backup_is_a_consistent_snapshot_while_another_program_writes(db_path: Path, tmp_path):
    """Each backup holds every transaction committed before it began, and no half of one:
    every client in it has its agreement (both were written in one transaction)."""
    ok(db_path, "init")
    writer = Writer(db_path, tmp_path / "progress")
    seen: list[int] = []
    try:
        while writer.committed() < 5:
            time.sleep(0.05)
        for n in range(4):
            committed_before = writer.committed()
            out = tmp_path / f"snap{n}.db"
            ok(db_path, "backup", "--out", str(out))
            assert integrity(out) == "ok"
            clients = query(out, "SELECT count(*) FROM clients WHERE name LIKE 'Writer %'")[0][0]
            orphans = query(
                out,
                "SELECT count(*) FROM clients c WHERE NOT EXISTS "
                "(SELECT 1 FROM agreements a WHERE a.client_id = c.id)",
            )[0][0]
            assert clients >= committed_before, (n, clients, committed_before)
            assert orphans == 0, f"backup {n} holds half a transaction"
            assert _mode(out) == 0o600
            seen.append(clients)
    finally:
        total = writer.close()
    assert seen == sorted(seen) and seen[-1] > seen[0], seen  # the writer really ran
    assert query(db_path, "SELECT count(*) FROM clients")[0][0] == total
    assert integrity(db_path) == "ok"


def test_backup_holds_what_is_still_in_the_write_ahead_log(db_path: Path, tmp_path: Path):
    """While another program has the store open, recent commits live in the -wal file, not
    yet in the store file: a copy of the file alone would lose them."""
    ok(db_path, "init")
    with SecondTerminal(db_path):
        for name in ("Ana Lima", "Bea Souza", "Caio Reis"):
            ok(db_path, "client", "add", name)
        assert (db_path.parent / "coachlog.db-wal").stat().st_size > 0
        out = tmp_path / "copy.db"
        ok(db_path, "backup", "--out", str(out))
    assert query(out, "SELECT name FROM clients ORDER BY name") == [
        ("Ana Lima",),
        ("Bea Souza",),
        ("Caio Reis",),
    ]


def test_backup_is_private_whatever_the_umask(db_path: Path, tmp_path: Path):
    """The copy is created 0600 before SQLite writes into it, so not even a moment exists
    when someone else could open it."""
    ok(db_path, "client", "add", "Ana Lima")
    out = tmp_path / "copy.db"
    r = run(db_path, "backup", "--out", str(out), preexec_fn=lambda: os.umask(0))
    assert r.code == 0, r.shown
    assert _mode(out) == 0o600


def _dies_at_size_limit(db: Path, limit: int, *args: str) -> int:
    """coachlog ARGS as a real process that is killed outright the moment one of its writes
    passes `limit` bytes in any file: a backup stopped dead halfway, as by kill -9. (Python
    ignores SIGXFSZ at start-up, so the run restores its default action, killing, first.)"""
    import resource
    import subprocess
    import sys

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    code = (
        "import runpy, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)\n"
        "sys.argv = ['coachlog', *sys.argv[1:]]\n"
        "runpy.run_module('coachlog', run_name='__main__', alter_sys=True)\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env_for(db),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        preexec_fn=limit_files,
        timeout=60,
    )
    return p.returncode


def test_a_killed_backup_leaves_nothing_that_looks_like_a_backup(db_path: Path):
    """The issue: a killed backup left a broken copy named like a backup, and doctor said
    "All good". The copy is made under a temporary name and renamed once checked."""
    import signal

    ok(db_path, "client", "add", "Ana Lima")
    ok(db_path, "session", "new", "ana", "--notes", "-", input="We talked. " * 60_000)
    assert db_path.stat().st_size > 600_000
    assert _dies_at_size_limit(db_path, 256 * 1024, "backup") == -signal.SIGXFSZ
    folder = db_path.parent / "backups"
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []
    from coachlog.store.backup import list_backups

    assert list_backups(db_path) == []
    # doctor names the leftover (it holds records) and does not call it a backup
    leftovers = [p for p in folder.iterdir() if p.name.endswith(".part")]
    assert len(leftovers) == 1
    report = ok(db_path, "doctor", "--json").json
    said = [c for c in report["checks"] if c["name"] == "Backup contents"]
    assert [c["status"] for c in said] == ["warn"]
    assert str(leftovers[0]) in said[0]["detail"] and "unfinished" in said[0]["detail"]
    assert said[0]["fix"] == f"rm {leftovers[0]}"
    # the next backup is whole
    copy = Path(ok(db_path, "backup", "--json").json["backup"])
    assert integrity(copy) == "ok"


def test_doctor_checks_every_backup_it_lists(db_path: Path):
    ok(db_path, "client", "add", "Ana Lima")
    ok(db_path, "session", "new", "ana", "--notes", "-", input="We talked. " * 20_000)
    good = Path(ok(db_path, "backup", "--json").json["backup"])
    cut = Path(ok(db_path, "backup", "--json").json["backup"])
    with cut.open("r+b") as fh:  # a copy cut short, as a killed copy program leaves it
        fh.truncate(cut.stat().st_size // 3)
    r = run(db_path, "doctor", "--json")
    assert r.code == 1, r.shown
    checks = [c for c in r.json["checks"] if c["name"] == "Backup contents"]
    failed = [c for c in checks if c["status"] == "fail"]
    assert len(failed) == 1 and str(cut) in failed[0]["detail"], checks
    assert failed[0]["fix"].startswith(f"rm {cut}")
    assert any(c["status"] == "ok" and "1 backup reads back whole" in c["detail"] for c in checks)
    assert str(good) not in failed[0]["detail"]


def test_backup_replaces_an_existing_file_only_with_force(db_path: Path, tmp_path: Path):
    ok(db_path, "client", "add", "Ana Lima")
    target = tmp_path / "copy.db"
    target.write_bytes(b"an older copy")
    r = run(db_path, "backup", "--out", str(target))
    assert r.code == 1 and "already exists" in r.err and "--force" in r.err
    assert target.read_bytes() == b"an older copy"
    ok(db_path, "backup", "--out", str(target), "--force")
    assert query(target, "SELECT name FROM clients") == [("Ana Lima",)]
    assert _mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["copy.db"]
