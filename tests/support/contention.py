"""Other programs for coachlog to contend with (no tests here): one that keeps the store
open, one that writes as fast as it can, several running command lists at once, and one
that kills coachlog with SIGKILL at chosen moments."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.processes import COACHLOG, Run, env_for, modules_of


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


_FORK_SERVER = """
import json, os, sys
for name in json.loads(sys.argv[1]):
    try:
        __import__(name)
    except Exception:
        pass
from coachlog.cli.main import main
from coachlog.cli.signals import exit_cleanly_on_signals

out = sys.stdout.buffer
out.write(b"ready\\n")
out.flush()
for line in sys.stdin.buffer:
    order = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            quiet = os.open(os.devnull, os.O_RDWR)
            os.dup2(quiet, 0)
            for fd, name in ((1, "out"), (2, "err")):
                path = order.get(name)
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                os.dup2(os.open(path, flags, 0o600) if path else quiet, fd)
            os.environ.update(order.get("env") or {})
            exit_cleanly_on_signals()
            code = main(order["args"])
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    out.write(b"%d\\n" % pid)
    out.flush()
    _, status = os.waitpid(pid, 0)
    out.write(b"%d\\n" % os.waitstatus_to_exitcode(status))
    out.flush()
"""


class Started:
    """A coachlog command from a ForkServer: a real process of its own, already past
    Python's start and the imports. poll, wait and kill as subprocess.Popen's."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server, self.pid = server, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            line = self.server.line(timeout=0)
            if line is not None:
                self.returncode = int(line)
        return self.returncode

    def wait(self, timeout: float) -> int:
        if self.returncode is None:
            line = self.server.line(timeout=timeout)
            if line is None:
                raise subprocess.TimeoutExpired(f"coachlog (pid {self.pid})", timeout)
            self.returncode = int(line)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            # ended (and reaped) since: nothing to do, as in Popen.send_signal
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)


# What most commands import before they open the store: for ForkServer's `modules`.
COMMON_MODULES = [
    "coachlog.cli.main",
    "coachlog.cli.context",
    "coachlog.store",
    "coachlog.store.engine",
    "coachlog.store.migrate",
    "coachlog.models",
    "coachlog.services.undo",
    "coachlog.queries.db",
    "coachlog.render.messages",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "typer",
    "rich.console",
    "rich.table",
]


class ForkServer:
    """coachlog started once (Python up, `modules` imported), which forks a child for each
    command: the child is a process of its own (its own standard streams, environment and
    exit status) that runs coachlog's own main(), as `python -m coachlog` does, and exits.
    For many commands in a row where what is tried is the command, not Python's start and
    the imports before it (kills timed from the write lock, every command on an encrypted
    store): those need not be paid for again each time. One command at a time."""

    def __init__(self, env: dict[str, str], modules: list[str]) -> None:
        import json

        self.proc = subprocess.Popen(
            [sys.executable, "-c", _FORK_SERVER, json.dumps(modules)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        self.pending = b""
        assert self.line(timeout=60) == "ready"

    def line(self, timeout: float) -> str | None:
        """The server's next line, or None if none came within timeout seconds."""
        import select

        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            left = max(0.0, deadline - time.monotonic())
            if not select.select([self.proc.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            assert chunk, "the fork server ended"
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def start(self, args: list[str], **order: Any) -> Started:
        """coachlog ARGS in a new child; `env`: what to change in its environment; `out`,
        `err`: files for its standard output and error (else /dev/null)."""
        import json

        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"args": args, **order}).encode() + b"\n")
        pid = self.line(timeout=60)
        assert pid is not None
        return Started(self, int(pid))

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
        """coachlog ARGS in a new child, to its end, as support.processes.run returns it
        (standard input empty, standard output and error each to a file, then read)."""
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            out, err = Path(folder) / "out", Path(folder) / "err"
            code = self.start(list(args), env=env, out=str(out), err=str(err)).wait(timeout)
            return Run(code, out.read_text(), err.read_text())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


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
      commits once, at its end; fatal to a command that commits piecemeal.
    The first kind are new Python processes, so that a kill may land anywhere from
    Python's start on. The other two are timed from the write lock, so they are children
    of a ForkServer that has imported what the command imports (what the baseline, a new
    process, had loaded): still a process of their own, killed inside the write, without
    Python's start and the imports before it each time."""
    import random

    full_env = {**env_for(db), **(env or {})}
    started = time.monotonic()
    baseline, modules = modules_of(make_args("baseline"), full_env)
    assert baseline.code == 0, baseline.shown
    length = time.monotonic() - started
    rng = random.Random(seed)
    attempts: list[Attempt] = []
    wal = f"{db}-wal"
    server = ForkServer(full_env, [m for m in modules if m != "__main__"])
    try:
        for i in range(runs):
            attempts.append(_attempt(db, make_args, i, rng, length, full_env, wal, server))
    finally:
        server.close()
    return attempts


def _attempt(
    db: Path,
    make_args: Callable[[str], list[str]],
    i: int,
    rng: Any,
    length: float,
    full_env: dict[str, str],
    wal: str,
    server: ForkServer,
) -> Attempt:
    token = f"run{i:03d}tok"
    how = i % 3
    delay = rng.uniform(0.1 * length, 1.2 * length) if how == 0 else rng.uniform(0, 0.08)
    proc: subprocess.Popen[bytes] | Started
    if how == 0:
        proc = subprocess.Popen(
            [*COACHLOG, *make_args(token)],
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    else:
        proc = server.start(make_args(token))
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
    return Attempt(token, delay, proc.wait(timeout=30), in_transaction=held)


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
    shutil.rmtree(folder, ignore_errors=True)
    return results
