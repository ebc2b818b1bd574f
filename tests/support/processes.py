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

from support import NOW_ISO as NOW

COACHLOG = [sys.executable, "-m", "coachlog"]

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


def modules_of(args: list[str], env: dict[str, str]) -> tuple[Run, list[str]]:
    """The console script's entry point as a real process, with `args` and `env`, and the
    modules it had loaded when it exited (SPEC §10: what a read command loads)."""
    import json

    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\n@@' + json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['coachlog', *{args!r}]\n"
        "from coachlog.cli.entry import run\n"
        "run()\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    err, _, modules = p.stderr.rpartition("\n@@")
    return Run(p.returncode, p.stdout, err), json.loads(modules)


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
