"""Helpers for the safety tests (no tests here): coachlog as a real process, with a
pseudo-terminal when a test needs one, and raw-byte searches of a store's folder.

Every safety test runs the real program in its own process against a real store file,
because what they check (a kill -9, a file size limit, a read-only folder, a terminal)
only exists at that level."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COACHLOG = [sys.executable, "-m", "coachlog"]
NOW = "2026-11-22T10:00:00+00:00"
WIDE = "400"  # no wrapping of long paths in messages the tests read
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        import json

        return json.loads(self.out)

    @property
    def shown(self) -> str:
        return self.out + self.err

    @property
    def plain(self) -> str:
        """What a coach reads: the output without colour codes and terminal line ends."""
        return ANSI.sub("", self.shown).replace("\r\n", "\n")


def env_for(db: Path | str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "COACHLOG_DB": str(db), "COACHLOG_NOW": NOW, "COLUMNS": WIDE}
    env.update(extra)
    return env


def run(
    db: Path | str,
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> Run:
    """coachlog ARGS as a real process against the store at db."""
    p = subprocess.run(
        [*COACHLOG, *args],
        input=input,
        capture_output=True,
        text=True,
        env={**env_for(db), **(env or {})},
        timeout=timeout,
        stdin=None if input is not None else subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    return Run(p.returncode, p.stdout, p.stderr)


def ok(db: Path | str, *args: str, **kw: Any) -> Run:
    r = run(db, *args, **kw)
    assert r.code == 0, (args, r.shown)
    return r


def run_in_terminal(
    db: Path | str,
    *args: str,
    answers: list[tuple[str, str]] = (),  # type: ignore[assignment]
    env: dict[str, str] | None = None,
    timeout: float = 30,
    columns: int = 120,
) -> Run:
    """coachlog ARGS with stdin, stdout and stderr on a pseudo-terminal, as a coach would
    run it. `answers`: (text to wait for, what to type). Returns everything the terminal
    received (in .out), raw: escape sequences included."""
    import pty
    import struct
    import termios
    from fcntl import ioctl

    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    full_env = {**env_for(db), "TERM": "xterm-256color", "COLUMNS": str(columns)}
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    proc = subprocess.Popen(
        [*COACHLOG, *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        start_new_session=True,  # the pty becomes its controlling terminal (getpass, Ctrl-C)
        preexec_fn=lambda: __import__("fcntl").ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(slave)
    received = b""
    since = 0  # where to look for the next prompt
    pending = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                received += chunk
            if pending and pending[0][0].encode() in received[since:]:
                since = len(received)
                os.write(master, pending.pop(0)[1].encode())
            if proc.poll() is not None and not ready:
                break
        else:
            proc.kill()
            raise AssertionError(f"timed out; the terminal showed: {received!r}")
    finally:
        code = proc.wait(timeout=10)
        os.close(master)
    return Run(code, received.decode("utf-8", "replace"), "")


def store_files(folder: Path) -> list[Path]:
    """Every file in the store's folder (the store, -wal, -shm, anything else)."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def grep_bytes(folder: Path, needle: str) -> dict[str, int]:
    """Where the needle's bytes occur in the raw files, in any letter case and in UTF-8
    and UTF-16 (SQLite can store either): {file name: occurrences}."""
    forms = {needle.lower().encode(), needle.upper().encode()}
    forms |= {f.decode().encode("utf-16-le") for f in list(forms)}
    found: dict[str, int] = {}
    for path in store_files(folder):
        data = path.read_bytes()
        hits = sum(data.count(f) for f in forms) + data.lower().count(needle.lower().encode())
        if hits:
            found[path.name] = hits
    return found


def integrity(db: Path, passphrase: str | None = None) -> str:
    from coachlog.store.engine import connect_raw

    conn = connect_raw(db, passphrase=passphrase, readonly=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def query(db: Path, sql: str, *params: Any, passphrase: str | None = None) -> list[tuple]:
    from coachlog.store.engine import connect_raw

    conn = connect_raw(db, passphrase=passphrase, readonly=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def ignore_sigxfsz_and_limit(size: int) -> Callable[[], None]:
    """For preexec_fn: a file size limit, with SIGXFSZ ignored so a write past it fails
    with EFBIG (as on a full disk) instead of killing the process."""

    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def umask(mask: int) -> Callable[[], None]:
    def apply() -> None:
        os.umask(mask)

    return apply


class SecondTerminal:
    """Another program with the store open (idle, between two reads), in its own process:
    while it is open, the -wal and -shm files outlive each coachlog command.

    It must be another process: POSIX file locks belong to a process, and any close() of the
    file in this one (a grep of its bytes) would silently drop the locks of a connection
    held here."""

    def __init__(self, db: Path) -> None:
        code = (
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(db)!r})\n"
            "c.execute('SELECT count(*) FROM clients').fetchall()\n"
            "print('ready', flush=True)\n"
            "sys.stdin.read()\n"
            "c.close()\n"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)

    def __enter__(self) -> SecondTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Writer:
    """Another program writing to the store as fast as it can, in its own process: each
    transaction adds a client and their agreement (two tables, one commit), then records
    in `progress` how many have committed. Stops when closed."""

    def __init__(self, db: Path, progress: Path, *, passphrase: str | None = None) -> None:
        code = (
            "import os, sys, select\n"
            "from datetime import UTC, datetime\n"
            "from coachlog.store import open_store\n"
            "from coachlog.services.clients import add_client\n"
            "from coachlog.services.agreements import new_agreement\n"
            f"store = open_store({str(db)!r})\n"
            "now = datetime(2026, 11, 22, 10, tzinfo=UTC)\n"
            "i = 0\n"
            "print('ready', flush=True)\n"
            "while not select.select([sys.stdin], [], [], 0)[0]:\n"
            "    i += 1\n"
            "    with store.write() as s:\n"
            "        c = add_client(s, values={'name': f'Writer {i:05d}'}, now=now)\n"
            "        new_agreement(s, c, values={'goals': f'goal {i}'}, now=now,\n"
            "                      today=now.date())\n"
            f"    with open({str(progress)!r} + '.tmp', 'w') as f:\n"
            "        f.write(str(i))\n"
            f"    os.replace({str(progress)!r} + '.tmp', {str(progress)!r})\n"
            "store.dispose()\n"
        )
        env = {**os.environ}
        if passphrase:
            env["COACHLOG_PASSPHRASE"] = passphrase
        self.progress = progress
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def committed(self) -> int:
        try:
            return int(self.progress.read_text() or 0)
        except FileNotFoundError:
            return 0

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write("stop\n")
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0
        return self.committed()


@dataclass
class Attempt:
    token: str
    delay: float
    code: int  # the exit status; -9 when the kill landed
    in_transaction: bool = False  # the kill landed while the command held the write lock


WAL_WRITE_LOCK = 120  # the byte of the -shm file a writer locks (SQLite's WAL format)


def write_lock_holder(db: Path) -> bool:
    """Whether some process holds the store's write lock now: a test lock (F_GETLK) on
    the byte of the -shm file that SQLite's writer locks exclusively."""
    import fcntl
    import struct

    try:
        fd = os.open(f"{db}-shm", os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        probe = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, WAL_WRITE_LOCK, 1, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, probe)
        return struct.unpack("hhqqi", answer)[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)  # this process holds no lock on the file, so closing drops nothing


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def kill_at_random_moments(
    db: Path,
    make_args: Callable[[str], list[str]],
    *,
    runs: int,
    seed: int,
    env: dict[str, str] | None = None,
) -> list[Attempt]:
    """Run `coachlog make_args(token)` `runs` times and kill each with SIGKILL, in turn:
    - at any moment of its life (a seeded random delay over the length of a command,
      measured first on this machine): while Python starts, while the store opens, during
      the write, after the commit, or not at all;
    - inside the write transaction: a random 0-80 ms after the command takes the store's
      write lock, which this process watches for;
    - the instant the first commit reaches the write-ahead log: harmless when a command
      commits once, at its end; fatal to a command that commits piecemeal."""
    import random

    started = time.monotonic()
    baseline = run(db, *make_args("baseline"), env=env)
    assert baseline.code == 0, baseline.shown
    length = time.monotonic() - started
    rng = random.Random(seed)
    attempts: list[Attempt] = []
    full_env = {**env_for(db), **(env or {})}
    wal = f"{db}-wal"
    for i in range(runs):
        token = f"run{i:03d}tok"
        how = i % 3
        delay = rng.uniform(0.1 * length, 1.2 * length) if how == 0 else rng.uniform(0, 0.08)
        proc = subprocess.Popen(
            [*COACHLOG, *make_args(token)],
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        held = False
        if how == 0:
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
        else:
            deadline = time.monotonic() + 30
            while proc.poll() is None and time.monotonic() < deadline:
                if write_lock_holder(db):
                    break
                time.sleep(0.0005)
            if how == 1:
                time.sleep(delay)
            else:
                before = _size(wal)
                while proc.poll() is None and _size(wal) <= before:
                    time.sleep(0.0002)
            held = proc.poll() is None and write_lock_holder(db)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        attempts.append(Attempt(token, delay, proc.wait(timeout=30), in_transaction=held))
    return attempts


def run_together(db: Path, scripts: list[list[list[str]]], *, env: dict[str, str] | None = None):
    """Run several programs at once, each running its list of coachlog commands one after
    another (each command through coachlog's own main(), as the shell would, but without
    paying for a new Python per command). They start together on a signal. Returns, per
    program, (exit statuses, what it wrote on stderr)."""
    import json
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="together-"))
    go = folder / "go"
    code = (
        "import json, os, sys, time\n"
        "from coachlog.cli.main import main\n"
        "commands = json.load(open(sys.argv[1]))\n"
        "print('ready', flush=True)\n"
        "while not os.path.exists(sys.argv[2]):\n"
        "    time.sleep(0.001)\n"
        "codes = [main(args) for args in commands]\n"
        "sys.stdout.write('\\nCODES ' + json.dumps(codes) + '\\n')\n"
    )
    procs = []
    for n, commands in enumerate(scripts):
        listing = folder / f"commands{n}.json"
        listing.write_text(json.dumps(commands))
        p = subprocess.Popen(
            [sys.executable, "-c", code, str(listing), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env_for(db), **(env or {})},
        )
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        procs.append(p)
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        codes = json.loads(out.rsplit("CODES ", 1)[1])
        results.append((codes, err))
    return results


# Linux capabilities that let root ignore file permissions.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24


def without_root_override() -> None:
    """For preexec_fn: make the child obey file permissions like any user. The tests run
    as root in some sandboxes, and root reads and writes through any mode bits; dropping
    the capabilities that allow this (from the bounding set, so the program about to be
    started never gets them) gives a real permission denial. For a normal user this does
    nothing: permissions already apply."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def can_drop_root_override() -> bool:
    if os.geteuid() != 0:
        return True
    p = subprocess.run(["true"], preexec_fn=without_root_override, capture_output=True)
    return p.returncode == 0
