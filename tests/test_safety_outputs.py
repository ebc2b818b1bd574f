"""Every --out and --ics (SPEC §6, "Output files"), tried by a real process against a real
store: the store's own files are refused, `-` is standard output, FIFOs, devices and
symlinks to them are written through and never replaced, an existing file is replaced only
with --force, and a file is written whole under a temporary name.

The store each test starts from is made once for the module, in this process, and copied
for each test; what a test changes before its tries is done in this process too. The
commands whose writing is tried are real processes: the long runs of writers are forked
from one that has done Python's start and the common imports once (`tried`); standard
output (`-`) and the file size limit are new processes."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.contention import COMMON_MODULES, ForkServer, SecondTerminal
from support.inproc import copy_store, isolated, ok_here
from support.processes import COACHLOG, Run, env_for, ok, query, run

# The commands that write a file, each with its output option.
WRITERS = [
    ("export", "ana", "--out"),
    ("export", "ana", "--format", "json", "--out"),
    ("export", "--all", "--format", "ics", "--out"),
    ("promises", "due", "--ics"),
    ("backup", "--out"),
    ("icf", "log", "--out"),
]


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("practice")
    db = folder / "store" / "coachlog.db"
    with isolated(folder):
        ok_here(db, "client", "add", "Ana Lima")
        ok_here(db, "promises", "add", "ana", "Send the article @ +1d")
    return db


@pytest.fixture(scope="module")
def forks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    with isolated(tmp_path_factory.mktemp("forks")):
        server = ForkServer(dict(os.environ), COMMON_MODULES)
    yield server
    server.close()


@pytest.fixture
def tried(forks: ForkServer) -> Callable[..., Run]:
    """tried(db, *args): coachlog ARGS against the store at db, as support.processes.run
    runs it, in a process of its own forked from one that has done Python's start and the
    common imports once (for the long runs of writers tried one after another)."""

    def run_(db: Path, *args: str) -> Run:
        return forks.run(*args, env=env_for(db))

    return run_


@pytest.fixture
def practice(db_path: Path, made_once: Path) -> Path:
    """Ana Lima and a promise to her: a copy of the module's store."""
    return copy_store(made_once, db_path)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: " ".join(w[:2]))
def test_the_store_and_its_companion_files_are_refused(practice: Path, tried, writer):
    """The issue: `export --out STORE-wal` overwrote the live write-ahead log and committed
    records vanished. While another program holds the store open, the last commits live
    only in the -wal file."""
    db = practice
    wal = db.with_name(db.name + "-wal")
    with SecondTerminal(db):
        ok_here(db, "client", "add", "Bea Souza")  # committed, in the -wal only
        for suffix in ("-wal", "-shm", "-journal", ""):
            target = db.with_name(db.name + suffix)
            existed = target.exists()
            before = {p: p.read_bytes() for p in (db, wal)}  # (-shm changes as readers read)
            r = tried(db, *writer, str(target))
            assert r.code == 2, (suffix, r.shown)
            assert "is the store" in r.err and "Choose another file" in r.err, r.err
            assert "Traceback" not in r.shown
            assert {p: p.read_bytes() for p in before} == before, suffix
            assert target.exists() == existed, suffix
    names = [n for (n,) in query(db, "SELECT name FROM clients ORDER BY name")]
    assert names == ["Ana Lima", "Bea Souza"]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: " ".join(w[:2]))
def test_a_backup_is_refused_as_an_output(practice: Path, tried, writer):
    db = practice
    copy = Path(ok_here(db, "backup", "--json").json["backup"])
    before = copy.read_bytes()
    r = tried(db, *writer, str(copy), "--force")
    assert r.code == 2 and "is a backup of the store" in r.err, r.shown
    assert copy.read_bytes() == before
    # a symlink to the store is the store
    link = db.parent.parent / "innocent.md"
    link.symlink_to(db)
    r = tried(db, *writer, str(link), "--force")
    assert r.code == 2 and "is the store itself" in r.err, r.shown
    assert link.is_symlink()


def test_an_existing_file_is_replaced_only_with_force(practice: Path, tried, tmp_path: Path):
    for i, writer in enumerate(WRITERS):
        target = tmp_path / f"existing-{i}.out"
        target.write_text("the coach's own notes\n")
        os.chmod(target, 0o644)
        r = tried(practice, *writer, str(target))
        assert r.code == 1, (writer, r.shown)
        assert "already exists" in r.err and "--force" in r.err, writer
        assert target.read_text() == "the coach's own notes\n" and _mode(target) == 0o644
        r = tried(practice, *writer, str(target), "--force")
        assert r.code == 0, (writer, r.shown)
        assert target.read_bytes() != b"the coach's own notes\n", writer
        assert _mode(target) == 0o600, writer
    # no temporary file left beside them
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        f"existing-{i}.out" for i in range(len(WRITERS))
    ]


def test_a_symlink_to_a_device_is_written_through_not_replaced(
    practice: Path, tried, tmp_path: Path
):
    """As root, `--out /dev/stdout` replaced the system's /dev/stdout link with a file. The
    same thing, safely: a link of our own to /dev/null."""
    link = tmp_path / "devnull-link"
    link.symlink_to("/dev/null")
    for writer in WRITERS:
        r = tried(practice, *writer, str(link))
        assert r.code == 0, (writer, r.shown)
        assert link.is_symlink() and os.readlink(link) == "/dev/null", writer
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_through(practice: Path, tried, tmp_path: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for writer in WRITERS:
        received: list[bytes] = []
        reader = threading.Thread(
            target=lambda got=received: got.append(fifo.read_bytes()), daemon=True
        )
        reader.start()
        r = tried(practice, *writer, str(fifo))
        if r.code != 0:  # the reader still waits for a writer: give it one, then fail
            fifo.write_bytes(b"")
        reader.join(30)
        assert r.code == 0, (writer, r.shown)
        assert stat.S_ISFIFO(fifo.lstat().st_mode), writer  # not replaced by a file
        assert received, f"{writer}: nothing came through the FIFO"
        data = received[0]
        if writer[0] == "backup":
            assert data.startswith(b"SQLite format 3\x00")
        elif writer[0] == "icf":
            assert data.startswith(b"Client Name,Contact Information")
        elif "json" in writer:
            assert b'"format": "coachlog"' in data
        elif "ics" in writer or writer[0] == "promises":
            assert data.startswith(b"BEGIN:VCALENDAR"), writer
        else:
            assert b"Ana Lima" in data


def test_dash_is_standard_output(practice: Path, tmp_path: Path):
    env = env_for(practice)
    for args, start in (
        (["export", "ana", "--out", "-"], b"---\n"),
        (["export", "ana", "-f", "json", "-o", "-"], b"{\n"),
        (["promises", "due", "--ics", "-"], b"BEGIN:VCALENDAR"),
        (["backup", "--out", "-"], b"SQLite format 3\x00"),
        (["icf", "log", "--out", "-"], b"Client Name,Contact Information"),
    ):
        p = subprocess.run(
            [*COACHLOG, *args], capture_output=True, env=env, cwd=tmp_path, timeout=60
        )
        assert p.returncode == 0, (args, p.stderr)
        assert p.stdout.startswith(start), (args, p.stdout[:80])
        assert not (tmp_path / "-").exists(), args
    # the copy on standard output is a whole, checked store
    p = subprocess.run([*COACHLOG, "backup", "-o", "-"], capture_output=True, env=env)
    copy = tmp_path / "from-stdout.db"
    copy.write_bytes(p.stdout)
    assert query(copy, "SELECT name FROM clients") == [("Ana Lima",)]
    assert not list((practice.parent / "backups").iterdir())  # nothing left behind
    r = run(practice, "promises", "due", "--ics", "-", "--json")
    assert r.code == 2 and "choose one" in r.err


def test_a_symlink_to_a_file_keeps_the_link(practice: Path, tmp_path: Path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    ok(practice, "export", "ana", "--out", str(link), "--force")
    assert link.is_symlink() and "Ana Lima" in real.read_text()
    assert _mode(real) == 0o600


def test_export_all_into_a_folder_writes_all_or_nothing(practice: Path, tmp_path: Path):
    ok_here(practice, "client", "add", "Bea Souza")
    folder = tmp_path / "summaries"
    ok(practice, "export", "--all", "--out", str(folder))
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == ["ana-lima-1.md", "bea-souza-2.md"]
    (folder / "ana-lima-1.md").write_text("edited by hand")
    os.unlink(folder / "bea-souza-2.md")
    r = run(practice, "export", "--all", "--out", str(folder))
    assert r.code == 1 and "already exists" in r.err
    assert (folder / "ana-lima-1.md").read_text() == "edited by hand"
    assert not (folder / "bea-souza-2.md").exists()  # checked first: nothing written
    ok(practice, "export", "--all", "--out", str(folder), "--force")
    assert "Ana Lima" in (folder / "ana-lima-1.md").read_text()


def test_a_file_is_written_whole_or_not_at_all(practice: Path, tmp_path: Path):
    """Stopped by a file size limit halfway through: nothing at the name, no temporary
    file. (The limit is above what reading the store writes: its -shm is 32 KiB.)"""
    from support.processes import ignore_sigxfsz_and_limit

    ok_here(practice, "session", "new", "ana", "--notes", "-", input="A long session. " * 12_000)
    target = tmp_path / "out" / "practice.json"
    target.parent.mkdir()
    r = run(
        practice,
        "export",
        "--all",
        "-f",
        "json",
        "-o",
        str(target),
        preexec_fn=ignore_sigxfsz_and_limit(64 * 1024),
    )
    assert r.code == 1 and "Nothing was written" in r.err, r.shown
    assert list(target.parent.iterdir()) == []
