"""kill -9 at random moments during many writes: the store stays whole (integrity_check),
and every write is there entirely or not at all.

This file uses `agreement new`, a write that touches several rows at once: the new
version, the version it supersedes, and the search index (by triggers). The same test on
`session new` with its promises is in test_safety_crash_sessions.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.contention import kill_at_random_moments
from support.processes import ok, query

FIELDS = (
    "confidentiality",
    "communication",
    "logistics",
    "coach_responsibilities",
    "client_responsibilities",
    "fees",
    "conflicts_of_interest",
    "sponsor_reporting",
)
# A long goals text (under the 128 KB limit of one command-line argument) makes the write,
# with its full-text indexing, last long enough for kills to land inside it.
PADDING = " ".join(f"step{i}" for i in range(12_000))


def goals(token: str) -> str:
    return f"{token} goals {PADDING}"


def agreement_args(token: str) -> list[str]:
    args = ["agreement", "new", "ana", "--goals", goals(token)]
    for field in FIELDS:
        args += [f"--{field.replace('_', '-')}", f"{token} {field}"]
    return args


@pytest.mark.slow
def test_kill_9_during_agreement_writes_leaves_whole_records_only(db_path: Path, cli):
    assert cli("client", "add", "Ana Lima").code == 0
    attempts = kill_at_random_moments(db_path, agreement_args, runs=45, seed=20261122)

    # The next command recovers the write-ahead log; doctor runs integrity_check,
    # foreign_key_check and the search index's own check.
    report = ok(db_path, "doctor", "--json").json
    assert {c["name"]: c["status"] for c in report["checks"]}["Integrity"] == "ok"
    assert report["ok"] is True, report

    columns = ", ".join(("version", "status", "goals", *FIELDS))
    rows = query(db_path, f"SELECT {columns} FROM agreements ORDER BY version")
    recorded: dict[str, tuple] = {}
    for row in rows:
        token = row[2].split(" ", 1)[0]
        assert token not in recorded, f"{token} recorded twice"
        recorded[token] = row
        # whole: every field of this write, exactly as given
        assert row[2] == goals(token)
        assert list(row[3:]) == [f"{token} {field}" for field in FIELDS], token
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # no gaps, no repeats
    assert [r[1] for r in rows] == ["superseded"] * (len(rows) - 1) + ["active"]

    # what finished is there; what was killed is there whole or not at all
    finished = {a.token for a in attempts if a.code == 0}
    assert finished <= set(recorded)
    assert set(recorded) <= {a.token for a in attempts} | {"baseline"}
    # the search index agrees with the table, row for row
    for a in attempts:
        hits = query(
            db_path, "SELECT count(*) FROM search_index WHERE search_index MATCH ?", a.token
        )
        assert hits == [(1 if a.token in recorded else 0,)], a.token

    print(
        {(a.code, a.in_transaction, a.token in recorded) for a in attempts},
        sum(a.in_transaction for a in attempts),
        sum(a.code == 0 for a in attempts),
        len(recorded),
    )
    # the kills really landed everywhere, inside the transaction included
    killed = [a for a in attempts if a.code == -9]
    inside = [a for a in killed if a.in_transaction]
    assert len(inside) >= 10, f"only {len(inside)} kills landed inside a transaction"
    assert any(a.token not in recorded for a in inside)
    assert len(recorded) > 5, "hardly anything was recorded: the kills were all too early"
    # and the store goes on working
    ok(db_path, "agreement", "new", "ana", "--fees", "after the storm")
