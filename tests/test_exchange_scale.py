"""Export and import of a whole practice at scale (issue 7): the round trip is exact, and
neither command holds the practice in memory. Memory is measured in-process with
tracemalloc (Python allocations only), never with wall-clock time."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest

from support import PINNED as NOW

TABLES = ("clients", "agreements", "sessions", "promises")
# On this store (about 4,700 records, a 3.5 MB file) the code that built the whole document
# in memory peaked at 27 MiB exporting and 17.6 MiB importing; reading and writing a few
# records at a time peaks under 5 MiB for either, whatever the size of the practice.
BOUND = 8 * 2**20


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def other_db(tmp_path: Path, backend: str):
    """A second, empty store to import into: a SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield str(tmp_path / "other" / "coachlog.db")
        return
    import uuid

    import sqlalchemy as sa

    url = os.environ["COACHLOG_TEST_PG_URL"]
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def traced(run):
    """run()'s result and the peak of the memory Python allocated while it ran."""
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_practice_of_thousands_of_records_round_trips_exactly_in_bounded_memory(
    cli, other_db, tmp_path
):
    assert cli("demo", "--clients", "20", "--years", "3", "--seed", "7", env=NOW).code == 0
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    # Load the modules export and import need, and make the empty store, before measuring:
    # neither is the practice's records.
    warm = tmp_path / "warm.json"
    assert cli("export", "--all", "-f", "json", "--since", "2100-01-01", "-o", str(warm)).code == 0
    assert cli("--db", other_db, "import", str(warm), "--dry-run").code == 0

    r, export_peak = traced(lambda: cli("export", "--all", "-f", "json", "-o", str(first)))
    assert r.code == 0, r.err
    doc = json.loads(first.read_text(encoding="utf-8"))
    counts = {t: len(doc[t]) for t in TABLES}
    total = sum(counts.values())
    assert total > 4000 and counts["sessions"] > 700 and counts["promises"] > 1500
    line = ", ".join(f"{n} {t}" for t, n in counts.items())
    assert line in flat(r.out)
    # in the order the format promises
    held = [(s["held_at"], s["uid"]) for s in doc["sessions"]]
    made = [(p["made_at"], p["uid"]) for p in doc["promises"]]
    assert held == sorted(held) and made == sorted(made)

    r, import_peak = traced(lambda: cli("--db", other_db, "import", str(first)))
    assert r.code == 0, r.err
    everything = total + len(doc.get("learning", []))  # the learning log comes along too
    assert f"{everything} added, 0 updated, 0 unchanged" in flat(r.out)

    # export -> import -> export: the same bytes (exported_at included: the clock is pinned)
    assert cli("--db", other_db, "export", "--all", "-f", "json", "-o", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()
    # and the same file again changes nothing, also as a dry run
    for extra in ((), ("--dry-run",)):
        r = cli("--db", other_db, "import", str(first), "--json", *extra)
        assert (r.json["added"], r.json["updated"], r.json["unchanged"]) == (0, 0, everything)
        assert r.json["sessions"]["unchanged"] == counts["sessions"]

    assert export_peak < BOUND, f"export peaked at {export_peak / 2**20:.1f} MiB"
    assert import_peak < BOUND, f"import peaked at {import_peak / 2**20:.1f} MiB"


def test_standard_output_gets_the_same_text_as_the_file(cli, tmp_path):
    assert cli("demo", "--clients", "3", "--years", "1", "--seed", "3", env=NOW).code == 0
    path = tmp_path / "p.json"
    assert cli("export", "--all", "-f", "json", "-o", str(path)).code == 0
    r = cli("export", "--all", "-f", "json")
    assert r.code == 0 and r.out == path.read_text(encoding="utf-8")
