"""Shared fixtures: a temp store per test, the CLI run in-process or as a real process,
and a fixed `now` for the rules."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest
from hypothesis import settings

from support import NOW, isolate

# Property tests never pass or fail by chance: the examples are derived from each test's
# name (derandomize) and no database of earlier failures is read or written. Explore with
# fresh random examples on purpose: `pytest --hypothesis-profile=explore`.
settings.register_profile("coachlog", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile("coachlog")

# A test run started as a background job (`pytest &`, a CI step) ignores Ctrl-C's SIGINT,
# and every process it starts would inherit that; a coach's command in a terminal does not.
# So that the Ctrl-C tests try what a terminal does, the suite's processes handle it again
# (a handled signal is reset to its default in a child; an ignored one stays ignored).
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):
        import json

        return json.loads(self.out)


# The quick tier (`pytest -m "not slow"`) leaves out the modules whose tests run many real
# processes against real stores: kills, second terminals, full disks, encrypted stores,
# round trips through hypothesis, a practice of thousands of records, a PostgreSQL cluster
# of its own (test_practice).
SLOW_MODULES = (
    "test_safety_",
    "test_practice",
    "test_exchange_scale",
    "test_benchmark_smoke",
    "test_listings",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name.startswith(SLOW_MODULES):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def now() -> pendulum.DateTime:
    return NOW


@pytest.fixture
def real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """For the few tests about the real clock itself: coachlog reads the machine's time."""
    monkeypatch.delenv("COACHLOG_NOW", raising=False)


PG_URL = os.environ.get("COACHLOG_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every test that uses a store runs on SQLite and, when COACHLOG_TEST_PG_URL names a
    server (.ci/run starts one), again on PostgreSQL (SPEC §8)."""
    return request.param


@pytest.fixture
def db_path(tmp_path: Path, backend: str) -> Path:
    """The SQLite store's file. A test that asks for it is about SQLite itself (files,
    pragmas, permissions), so it does not run on the PostgreSQL pass."""
    if backend != "sqlite":
        pytest.skip("about the SQLite file")
    return tmp_path / "store" / "coachlog.db"


@pytest.fixture
def db_url(tmp_path: Path, backend: str) -> Iterator[str]:
    """What --db / COACHLOG_DB is set to: a SQLite path, or a PostgreSQL URL whose
    search_path is a fresh schema for this test alone."""
    if backend == "sqlite":
        yield str(tmp_path / "store" / "coachlog.db")
        return
    import uuid

    import sqlalchemy as sa

    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user data dir, the real clock zone or a real editor, and
    none reads the real clock: coachlog's `now` is pinned to NOW (see `real_clock`)."""
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run coachlog in this process against the test's store: cli("client", "add", "Ana")."""
    from coachlog.cli.main import main

    monkeypatch.setenv("COACHLOG_DB", db_url)

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        """As `proc` does it: `env` and `input` are this one command's, not the test's."""
        import io

        with monkeypatch.context() as m:
            for key, value in (env or {}).items():
                m.setenv(key, value)
            if input is not None:
                m.setattr(sys, "stdin", io.StringIO(input))
            capsys.readouterr()
            umask = os.umask(0o022)
            os.umask(umask)
            try:
                code = main(list(args))
            finally:  # main() sets the process's umask, as a command's own process may
                os.umask(umask)
            captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def proc(db_url: str):
    """Run coachlog as a real process (for what only a process can show)."""

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60
    ) -> Result:
        full_env = {**os.environ, "COACHLOG_DB": db_url, **(env or {})}
        p = subprocess.run(
            [sys.executable, "-m", "coachlog", *args],
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        return Result(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def reader(db_url: str) -> Iterator:
    """reader() opens the test's store through the query layer (coachlog.queries), as a
    reading command does; every reader opened is closed at the end of the test."""
    from coachlog.cli.context import upgrade_store
    from coachlog.queries.db import open_reader

    opened = []

    def open_() -> object:
        r = open_reader(db_url, upgrade=upgrade_store)
        opened.append(r)
        return r

    yield open_
    for r in opened:
        r.close()


@pytest.fixture
def store(db_url: str) -> Iterator:
    """An open, migrated store for service tests."""
    from coachlog.store import open_store

    s = open_store(db_url)
    yield s
    s.dispose()
