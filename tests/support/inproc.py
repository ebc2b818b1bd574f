"""coachlog run inside the test's own process (no tests here), for what a test only needs to
have happened before the thing it tries: the store it then attacks, the client it writes
for. A real process costs 0.5-1 s (the write stack imports SQLAlchemy, SQLModel and
Alembic); coachlog's own main() in this process, a few milliseconds.

What only a real process can show (a kill, a second terminal, a full disk, what the system
does with arguments and standard output, what a C library prints on file descriptor 2)
stays with support.processes. A store that several tests only start from is built once per
module (`isolated` + `run_here`) and copied for each test (`copy_store`)."""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from support import isolate
from support.processes import Run, env_for


def run_here(
    db: Path | str, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Run:
    """coachlog ARGS against the store at db, as support.processes.run would run it (the same
    environment; standard input `input`, else empty), but in this process. Nothing of the
    command stays behind in this process: the environment, the umask coachlog sets and its
    shared consoles (made afresh, as in a process of its own) are put back."""
    import coachlog.render as render
    from coachlog.cli.main import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    # as Python reads a process's standard input on Linux: UTF-8, newlines untranslated
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8", newline="\n")
    umask = os.umask(0o077)
    try:
        with pytest.MonkeyPatch.context() as m:
            for key, value in {**env_for(db), **(env or {})}.items():
                m.setenv(key, value)
            m.setattr(render, "_console", {})
            m.setattr(sys, "stdin", stdin)
            m.setattr(sys, "stdout", out)
            m.setattr(sys, "stderr", err)
            code = main(list(args))
            out.flush()
            err.flush()
    finally:
        os.umask(umask)
    return Run(code, _text(out), _text(err))


def _text(stream: io.TextIOWrapper) -> str:
    """What was written, read as subprocess.run(text=True) reads a pipe: UTF-8, with
    universal newlines."""
    written = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return io.TextIOWrapper(io.BytesIO(written), encoding="utf-8").read()


def ok_here(db: Path | str, *args: str, **kw: Any) -> Run:
    r = run_here(db, *args, **kw)
    assert r.code == 0, (args, r.shown)
    return r


@contextmanager
def isolated(folder: Path) -> Iterator[None]:
    """The environment every test runs in (conftest's `_isolated_env`), for a fixture wider
    than one test, which that autouse fixture does not reach: it builds a store for a module
    before any of its tests has begun."""
    with pytest.MonkeyPatch.context() as m:
        isolate(m, folder)
        yield


def copy_store(template: Path, db: Path) -> Path:
    """A copy of the store at `template` (its whole folder: the file, any backups, their
    modes) as the store at `db`, for one test to change as it likes."""
    shutil.copytree(template.parent, db.parent)
    return db


@contextmanager
def pg_schema(server_url: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL server at server_url, as conftest's `db_url` makes
    one for a test, for a store that a module's tests share: its URL, dropped afterwards."""
    import uuid

    import sqlalchemy as sa

    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(server_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def made_once(
    factory: pytest.TempPathFactory, fill: Callable[[str], None], server_url: str
) -> Iterator[Callable[[str], str]]:
    """get(backend): the URL of a store made on first asking, by fill(url) in this process,
    for a module's tests to start from: a SQLite file in a folder of its own, or a schema of
    its own on the PostgreSQL server at server_url (dropped at the end)."""
    made: dict[str, str] = {}
    with ExitStack() as stack:

        def get(backend: str) -> str:
            if backend not in made:
                folder = factory.mktemp(f"practice-{backend}")
                if backend == "sqlite":
                    url = str(folder / "store" / "coachlog.db")
                else:
                    url = stack.enter_context(pg_schema(server_url))
                with isolated(folder):
                    fill(url)
                made[backend] = url
            return made[backend]

        yield get


def pg_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table of the schema a store URL names, as PostgreSQL's text of the
    row: to show that tests which share a store only read it."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
            ).scalars()
            return {
                t: sorted(r for (r,) in conn.execute(sa.text(f'SELECT r::text FROM "{t}" AS r')))
                for t in sorted(tables)
            }
    finally:
        engine.dispose()


def copy_pg_store(template_url: str, url: str) -> None:
    """The store in the schema that template_url names, copied into the schema that url
    names (an empty one: conftest's `db_url`), for one test to change as it likes: pg_dump
    of the template's schema restored under the other name, so tables, rows, sequences at
    their values and triggers are all the template's."""
    import re
    import subprocess

    import psycopg
    import sqlalchemy as sa

    def schema_of(store_url: str) -> str:
        options = sa.engine.make_url(store_url).query["options"]
        found = re.fullmatch(r"-csearch_path=(t_[0-9a-f]{16})", str(options))
        assert found, store_url
        return found[1]

    template, schema = schema_of(template_url), schema_of(url)
    server = sa.engine.make_url(url).difference_update_query(["options"])
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--inserts", "--schema", template, libpq],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema}")  # type: ignore[arg-type]
        conn.execute(script.replace(template, schema))  # type: ignore[arg-type]
