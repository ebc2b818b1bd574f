"""Two programs recording sessions with promises for the same client at the same
moment, 50 each: no command fails, every session is there with its promises, no id is
given twice. See test_safety_concurrency.py for the agreement version of this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.contention import run_together
from support.processes import integrity, query

pytest.importorskip("coachlog.services.sessions")

PER_PROGRAM = 50


def script(tag: str) -> list[list[str]]:
    return [
        [
            "session",
            "new",
            "Shared",
            "--at",
            f"2026-11-{1 + i % 20:02d} {8 + i % 10}:00",
            "--minutes",
            "45",
            "--notes",
            f"{tag} session {i:02d}",
            "--promise",
            f"{tag} promise {i:02d} @ 2026-12-01",
            "--commitment",
            f"{tag} commitment {i:02d} @ 2026-12-02",
        ]
        for i in range(PER_PROGRAM)
    ]


@pytest.mark.slow
def test_two_programs_recording_sessions_at_once_lose_nothing(db_path: Path, cli):
    assert cli("client", "add", "Shared").code == 0
    results = run_together(db_path, [script("A"), script("B")])
    for codes, err in results:
        assert codes == [0] * PER_PROGRAM, err
        assert "Error" not in err, err

    assert integrity(db_path) == "ok"
    sessions = query(db_path, "SELECT id, notes FROM sessions ORDER BY id")
    assert sorted(n for _, n in sessions) == sorted(
        f"{t} session {i:02d}" for t in "AB" for i in range(PER_PROGRAM)
    )
    for sid, text in sessions:
        tag, _, i = text.split()
        promises = query(
            db_path, "SELECT owner, text FROM promises WHERE session_id = ? ORDER BY id", sid
        )
        assert promises == [
            ("coach", f"{tag} promise {i}"),
            ("client", f"{tag} commitment {i}"),
        ]
    assert query(db_path, "SELECT count(*) FROM promises") == [(2 * 2 * PER_PROGRAM,)]
    owners = "".join(n[0] for _, n in sessions)
    assert "AB" in owners and "BA" in owners, owners  # the two really interleaved
