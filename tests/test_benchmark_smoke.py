"""The shipped benchmark keeps working: a tiny store, one run of every command. Timings
are not judged here (shared machines are noisy); docs/performance.md holds real figures."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_smoke_run(tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("the benchmark measures the embedded store")
    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--smoke",
            "--work",
            str(tmp_path / "bench"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    table = p.stdout
    for name in (
        "--help",
        "completion of a client name",
        "promises due",
        "dashboard",
        "trust",
        "prep CLIENT",
        "client show CLIENT",
        "session list --client CLIENT",
        "search WORD",
        "export CLIENT",
        "export --all --format json",
        "session new (2 promises)",
        "import (into an empty store)",
    ):
        assert f"| `{name}` | tiny |" in table, name


def _peers():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import peers
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return peers


PRACTICE = {
    "clients": [{"uid": "c1", "name": "José Rocha"}, {"uid": "c2", "name": "Ana Lima"}],
    "sessions": [
        {
            "client_uid": "c1",
            "held_at": "2026-11-20T15:00:00+00:00",
            "kind": "regular",
            "notes": "We talked about delegation.",
            "themes": ["delegation", "two words"],
            "status": "held",
        },
        {
            "client_uid": "c2",
            "held_at": "2026-11-30T15:00:00+00:00",
            "kind": "regular",
            "notes": None,
            "themes": [],
            "status": "planned",
        },
    ],
    "promises": [
        {
            "uid": "p1",
            "client_uid": "c1",
            "owner": "coach",
            "text": "Send the article.",
            "made_at": "2026-11-20T15:30:00+00:00",
            "due_at": "2026-11-27T23:59:59+00:00",
            "status": "kept",
            "closed_at": "2026-11-21T09:00:00+00:00",
        },
        {
            "uid": "p2",
            "client_uid": "c2",
            "owner": "client",
            "text": "Draft the plan",
            "made_at": "2026-11-19T10:00:00+00:00",
            "due_at": None,
            "status": "open",
            "closed_at": None,
        },
    ],
}


def test_the_peers_get_the_same_promises_and_sessions():
    peers = _peers()
    tasks = {t["uuid"]: t for t in peers.taskwarrior_tasks(PRACTICE)}
    assert tasks["p1"]["status"] == "completed"
    assert tasks["p1"]["due"] == "20261127T235959Z"
    assert tasks["p1"]["end"] == "20261121T090000Z"
    assert tasks["p1"]["description"] == "José Rocha: Send the article."
    assert tasks["p1"]["project"] == "josé_rocha"
    assert tasks["p2"]["status"] == "pending"
    assert "due" not in tasks["p2"] and "end" not in tasks["p2"]
    text = peers.jrnl_text(PRACTICE)
    entries = text.split("\n\n")
    # oldest first; a planned session is not in the journal; a theme with a space is no tag
    assert [e[:18] for e in entries] == [
        "[2026-11-19 10:00]",
        "[2026-11-20 15:00]",
        "[2026-11-20 15:30]",
    ]
    assert "@josé_rocha @delegation\nWe talked about delegation." in entries[1]
    assert "@two" not in text
    assert entries[2].startswith("[2026-11-20 15:30] I promised: Send the article. @josé_rocha")
