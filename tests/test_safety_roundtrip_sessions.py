"""Session notes and times through real `session new` processes come back exactly from
`session show --json`, or are refused cleanly. Notes go in as an argument or through
stdin (`--notes -`, which can carry what an argument cannot: NUL, any length); times go
in as ISO 8601 with any offset and come back as the same instant in UTC. See
test_safety_roundtrip.py for names and agreements, and the normalisation rules.

Each example starts from a copy of a store with one client, made once for the module in
this process; `session new` is a real process (its arguments or standard input, and its
--json answer on standard output, are what is tried), `session show` reads back what was
stored in this process."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support import NOW
from support.inproc import copy_store, isolated, run_here
from support.processes import run
from support.typed import ARGV_TEXT, INTERESTING, expected_text

pytest.importorskip("coachlog.services.sessions")

STDIN_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
# Wall times from a day inside 1900 (any offset keeps the moment in range) to two days
# before the pinned now (a session is recorded once it has happened: SPEC §3a).
INSTANTS = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2026, 11, 20)).map(
    lambda d: d.replace(microsecond=0)
)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60)

_counter = itertools.count()


def iso_with_offset(wall: datetime, minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    return f"{wall.isoformat(timespec='seconds')}{sign}{hh:02d}:{mm:02d}"


@pytest.fixture(scope="module")
def ana(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the client Ana Lima (id 1), made once in this process."""
    folder = tmp_path_factory.mktemp("ana")
    db = folder / "store" / "coachlog.db"
    with isolated(folder):
        from coachlog.services.clients import add_client
        from coachlog.store import open_store

        store = open_store(str(db))
        with store.write() as s:
            add_client(s, values={"name": "Ana Lima"}, now=NOW)
        store.dispose()
    return db


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    notes=st.one_of(INTERESTING, ARGV_TEXT, STDIN_TEXT),
    reflection=st.one_of(INTERESTING, ARGV_TEXT),
    wall=INSTANTS,
    offset=OFFSETS,
    via_stdin=st.booleans(),
)
@example(
    notes="nul\x00inside\r\nand CR", reflection="--json", wall=datetime(2026, 3, 29, 1, 30),
    offset=0, via_stdin=True,
)  # fmt: skip
@example(
    notes="[red]x[/] \x1b]8;;https://e.vil\x07z \u202eabc", reflection="\n\n",
    wall=datetime(1900, 1, 2), offset=14 * 60, via_stdin=False,
)  # fmt: skip
def test_session_notes_and_times_round_trip(
    ana: Path, tmp_path: Path, notes, reflection, wall, offset, via_stdin
):
    if "\x00" in notes and not via_stdin:
        via_stdin = True  # an argument cannot hold NUL; stdin can
    db = copy_store(ana, tmp_path / f"s{next(_counter)}" / "coachlog.db")
    at = iso_with_offset(wall, offset)
    args = ["session", "new", "1", "--at", at, "--minutes", "50", f"--reflection={reflection}"]
    if via_stdin:
        r = run(db, *args, "--notes", "-", "--json", input=notes)
    else:
        r = run(db, *args, f"--notes={notes}", "--json")
    assert r.code == 0, r.shown
    made = r.json
    instant = (wall - timedelta(minutes=offset)).replace(tzinfo=UTC)
    assert made["held_at"] == instant.isoformat()
    assert made["notes"] == expected_text(notes)
    assert made["reflection"] == expected_text(reflection)
    shown = run_here(db, "session", "show", str(made["id"]), "--json")
    assert shown.code == 0, shown.shown
    assert {k: v for k, v in shown.json.items() if k != "promises"} == {
        k: v for k, v in made.items() if k != "promises"
    }
