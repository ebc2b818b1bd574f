"""Two programs writing to the same store at the same moment, 50 commands each: no
command fails, nothing is lost, nothing is written twice.

The hard case is a read-modify-write: `agreement new` reads the client's latest version
and writes the next one. Both programs write new versions for the same client, so without
the write lock taken at the start of each transaction (BEGIN IMMEDIATE) and the busy
timeout, they would collide (an error) or number two versions alike. The same test on
`session new` is in test_safety_concurrency_sessions.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.contention import run_together
from support.processes import integrity, query

PER_PROGRAM = 50


def script(tag: str) -> list[list[str]]:
    commands = []
    for i in range(PER_PROGRAM):
        if i % 2:
            commands.append(["agreement", "new", "Shared", "--goals", f"{tag} goal {i:02d}"])
        else:
            commands.append(["client", "add", f"{tag} client {i:02d}", "--context", f"{tag} {i}"])
    return commands


@pytest.mark.slow
def test_two_programs_writing_at_once_lose_nothing(db_path: Path, cli):
    assert cli("client", "add", "Shared").code == 0
    results = run_together(db_path, [script("A"), script("B")])
    for codes, err in results:
        assert codes == [0] * PER_PROGRAM, err
        assert "Error" not in err, err

    assert integrity(db_path) == "ok"
    names = {n for (n,) in query(db_path, "SELECT name FROM clients")}
    expected = {f"{t} client {i:02d}" for t in "AB" for i in range(0, PER_PROGRAM, 2)}
    assert names == expected | {"Shared"}
    rows = query(
        db_path,
        "SELECT a.version, a.status, a.goals FROM agreements a JOIN clients c "
        "ON c.id = a.client_id WHERE c.name = 'Shared' ORDER BY a.version",
    )
    goals = [g for (_, _, g) in rows]
    assert sorted(goals) == sorted(f"{t} goal {i:02d}" for t in "AB" for i in range(1, 50, 2))
    assert [v for (v, _, _) in rows] == list(range(1, PER_PROGRAM + 1))
    assert [s for (_, s, _) in rows] == ["superseded"] * (PER_PROGRAM - 1) + ["active"]
    # both programs really interleaved: their versions alternate somewhere
    owners = "".join(g[0] for g in goals)
    assert "AB" in owners and "BA" in owners, owners
