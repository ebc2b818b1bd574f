"""A store the program may not write: a clear message naming what to fix, exit 1, no
traceback, and the records untouched.

These tests need file permissions to bite. Where the tests run as root (which ignores
them), each coachlog process is started without the capabilities that let root do so
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER): it then meets a real EACCES, as any
user would."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from support.processes import can_drop_root_override, query, run, without_root_override

pytestmark = pytest.mark.skipif(
    not can_drop_root_override(), reason="cannot make a root child obey file permissions"
)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture
def store(db_path: Path, cli) -> Path:
    assert cli("client", "add", "Ana Lima", "--context", "before the lock").code == 0
    assert cli("agreement", "new", "ana", "--goals", "Lead without rescuing").code == 0
    return db_path


def _restricted(db: Path, *args: str):
    return run(db, *args, preexec_fn=without_root_override)


def _clean_failure(r) -> None:
    assert r.code == 1, r.shown
    assert "Traceback" not in r.shown and "unexpected" not in r.shown
    assert r.err.startswith("Error: ")


def test_read_only_folder(store: Path):
    folder = store.parent
    before = _digest(folder)
    os.chmod(folder, 0o500)
    try:
        for args in (["client", "add", "Bea Souza"], ["client", "list"]):
            r = _restricted(store, *args)
            _clean_failure(r)
            assert f"The folder {folder} is read-only" in r.err, r.err
            assert f"chmod 700 {folder}" in r.err
        r = _restricted(store, "doctor")
        assert r.code == 1 and "Traceback" not in r.shown
        assert f"fix: chmod 700 {folder}" in r.out
    finally:
        os.chmod(folder, 0o700)
    assert _digest(folder) == before
    assert query(store, "SELECT name, context FROM clients") == [("Ana Lima", "before the lock")]


def test_read_only_store_file(store: Path):
    os.chmod(store, 0o400)
    try:
        r = _restricted(store, "client", "add", "Bea Souza")
        _clean_failure(r)
        assert f"The store at {store} is read-only: nothing was saved." in r.err
        assert f"chmod 600 {store}" in r.err
        # reading still works
        r = _restricted(store, "client", "list", "--json")
        assert r.code == 0, r.shown
        assert [c["name"] for c in r.json] == ["Ana Lima"]
    finally:
        os.chmod(store, 0o600)
    assert query(store, "SELECT count(*) FROM clients") == [(1,)]


def test_no_store_can_be_created_in_a_read_only_folder(tmp_path: Path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    db = folder / "coachlog.db"
    try:
        r = _restricted(db, "client", "add", "Ana Lima")
        _clean_failure(r)
        assert f"Cannot create the store at {db}: permission denied." in r.err
        assert "--db" in r.err
    finally:
        os.chmod(folder, 0o700)
    assert list(folder.iterdir()) == []
