"""`coachlog backup`: a consistent, private, verified copy, taken while another program
is writing to the store."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from support.contention import SecondTerminal, Writer
from support.processes import integrity, ok, query, run


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
