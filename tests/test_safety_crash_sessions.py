"""kill -9 at random moments during many `session new` calls with promises: the store
stays whole, and every session is there with all its promises, or not at all (and no
promise is left without its session). See test_safety_crash.py for how the kills are
placed; this is the same test on the after-call command."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.contention import kill_at_random_moments
from support.processes import ok, query

pytest.importorskip("coachlog.services.sessions")

# Long notes (under the 128 KB limit of one argument) make the write, with its full-text
# indexing, last long enough for kills to land inside it.
PADDING = " ".join(f"step{i}" for i in range(12_000))
PROMISES = {"p1": "coach", "p2": "coach", "c1": "client"}


def notes(token: str) -> str:
    return f"{token} notes {PADDING}"


def session_args(token: str) -> list[str]:
    return [
        "session",
        "new",
        "ana",
        "--at",
        "2026-11-20 15:00",
        "--minutes",
        "60",
        "--kind",
        "regular",
        "--notes",
        notes(token),
        "--reflection",
        f"{token} reflection",
        "--theme",
        "delegation",
        "--promise",
        f"{token} p1 @ 2026-11-25",
        "--promise",
        f"{token} p2 @ 2026-11-26 09:00",
        "--commitment",
        f"{token} c1 @ 2026-11-27",
    ]


@pytest.mark.slow
def test_kill_9_during_session_new_leaves_whole_sessions_only(db_path: Path, cli):
    assert cli("client", "add", "Ana Lima").code == 0
    attempts = kill_at_random_moments(db_path, session_args, runs=45, seed=20261123)

    report = ok(db_path, "doctor", "--json").json
    assert report["ok"] is True, report

    sessions = query(db_path, "SELECT id, notes, reflection, minutes, kind FROM sessions")
    recorded: dict[str, int] = {}
    for sid, text, reflection, minutes, kind in sessions:
        token = text.split(" ", 1)[0]
        assert token not in recorded, f"{token} recorded twice"
        recorded[token] = sid
        assert (text, reflection, minutes, kind) == (
            notes(token),
            f"{token} reflection",
            60,
            "regular",
        )
        promises = query(
            db_path, "SELECT text, owner FROM promises WHERE session_id = ? ORDER BY id", sid
        )
        assert promises == [(f"{token} {key}", owner) for key, owner in PROMISES.items()], token
    # no promise outlived its session
    assert query(db_path, "SELECT count(*) FROM promises") == [(3 * len(recorded),)]

    finished = {a.token for a in attempts if a.code == 0}
    assert finished <= set(recorded)
    assert set(recorded) <= {a.token for a in attempts} | {"baseline"}
    for a in attempts:
        hits = query(
            db_path, "SELECT count(*) FROM search_index WHERE search_index MATCH ?", a.token
        )
        assert hits == [(4 if a.token in recorded else 0,)], a.token  # session + 3 promises

    inside = [a for a in attempts if a.code == -9 and a.in_transaction]
    assert len(inside) >= 10, f"only {len(inside)} kills landed inside a transaction"
    assert any(a.token not in recorded for a in inside)
    assert len(recorded) > 5, "hardly anything was recorded: the kills were all too early"
    ok(db_path, "session", "new", "ana", "--notes", "after the storm", "--at", "today 09:00")
