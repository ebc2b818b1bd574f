"""`coachlog dashboard`: the JSON shape, who comes first, the screen, and that it is
computed in SQL (a longer history does not mean more queries)."""

from __future__ import annotations

from datetime import date

import pytest

from coachlog import render
from coachlog.queries.overview import dashboard
from support import PINNED
from support.records import DAY, NOW, TZ, make_agreement, make_client, make_promise, make_session

KEYS = [
    "id",
    "client",
    "sessions",
    "last_session_at",
    "open_promises",
    "open_coach_promises",
    "open_client_promises",
    "overdue_coach_promises",
    "overdue_client_promises",
    "broken_not_raised",
    "kept_on_time_rate",
    "trust_score",
    "pitstop_due",
    "next_pitstop_on",
    "trust_pulses",
    "attention",
]


@pytest.fixture
def practice(store):
    """Five clients, one reason each to come first (or not at all)."""
    with store.write() as db:
        calm = make_client(db, "Calm Carla", context="x")
        late = make_client(db, "Late Lee", context="x")
        broken = make_client(db, "Broken Bo", context="x")
        pit = make_client(db, "Pit Pat", context="x")
        low = make_client(db, "Low Lu")
        for c in (calm, late, broken, pit, low):
            make_agreement(db, c, cadence_days=14)
            make_session(db, c, NOW - 30 * DAY, kind="engagement", trust_pulse=3)
            make_session(db, c, NOW - 16 * DAY, trust_pulse=4, reflection="r")
            make_session(db, c, NOW - 2 * DAY, trust_pulse=5, reflection="r")
        make_session(db, pit, NOW - 60 * DAY, kind="engagement")  # 8 weeks: pit-stop due
        make_promise(db, late, due=NOW - 3 * DAY)  # the coach's, overdue
        make_promise(db, late, owner="client", due=NOW - DAY)
        make_promise(db, late, owner="client", due=NOW + DAY)
        make_promise(db, broken, status="broken", closed=NOW - DAY, repair="will apologise")
        for _ in range(3):
            make_promise(db, calm, due=NOW - 5 * DAY, status="kept", closed=NOW - 6 * DAY)
        make_client(db, "Gone Gil", status="closed")
    return store


def test_json_keys_values_and_order(practice, cli):
    rows = cli("dashboard", "--json", env=PINNED).json
    assert [r["client"] for r in rows] == [
        "Late Lee",  # the coach's overdue promise first
        "Broken Bo",  # then a broken promise not yet raised
        "Pit Pat",  # then a pit-stop due
        "Low Lu",  # then the lowest trust score
        "Calm Carla",
    ]
    assert all(list(r) == KEYS for r in rows)
    lee = rows[0]
    assert lee == {
        **lee,
        "sessions": 3,
        "last_session_at": "2026-11-20T10:00:00+00:00",
        "open_promises": 3,
        "open_coach_promises": 1,
        "open_client_promises": 2,
        "overdue_coach_promises": 1,
        "overdue_client_promises": 1,
        "broken_not_raised": 0,
        "kept_on_time_rate": None,
        "pitstop_due": False,
        "trust_pulses": [3, 4, 5],
        "attention": ["1 of your promises overdue"],
    }
    assert rows[1]["attention"] == ["1 broken promise to raise"]
    assert rows[2]["attention"] == ["pit-stop due"] and rows[2]["pitstop_due"] is True
    assert rows[2]["next_pitstop_on"] is None
    carla = rows[4]
    assert (carla["kept_on_time_rate"], carla["trust_score"], carla["attention"]) == (
        1.0,
        "10/10",
        [],
    )
    # 8 weeks after the first session (2026-10-23), or 3 more sessions at 14 days
    assert carla["next_pitstop_on"] == "2026-12-18"


def test_screen_at_80_columns(practice, cli, monkeypatch):
    monkeypatch.setattr(render, "_console", {})  # fresh consoles, restored afterwards
    r = cli("dashboard", env={**PINNED, "COLUMNS": "80"})
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "Dashboard · 5 active clients · 3 need attention · Sun 22 Nov 10:00"
    assert all(len(line.rstrip()) <= 80 for line in lines)
    rows = [line for line in lines if line[:1] in "!• " and "  " in line and "/" in line]
    assert rows[0].startswith("! Late Lee") and "1 late" in rows[0]
    assert rows[2].startswith("• Pit Pat") and " due " in rows[2]
    assert "▄▆█" in rows[0]  # pulses 3, 4, 5
    assert lines[-1] == "Start with Late Lee: coachlog prep 2"
    render._console.clear()  # the console reads COLUMNS once per process
    wide = cli("dashboard", env={**PINNED, "COLUMNS": "200"})
    assert "needs attention" in wide.out and "1 of your promises overdue" in wide.out


def test_all_calm_and_empty(cli):
    cli("init")  # a reading command never creates the store (SPEC §2a)
    assert "No active clients yet" in cli("dashboard").out
    assert cli("dashboard", "--json").json == []
    cli("client", "add", "Ana Lima", "--context", "Lisbon")
    r = cli("dashboard", env=PINNED)
    assert r.out.splitlines()[-1] == (
        "All calm: nothing of yours is overdue and no pit-stop is due."
    )


def _count_queries(db, run):
    """How many SELECTs run(db) sends through the query layer."""
    db.trace = []
    run(db)
    return sum(sql.lstrip().upper().startswith("SELECT") for sql, _ in db.trace)


@pytest.mark.parametrize("history", [30, 300])
def test_a_longer_history_takes_no_more_queries(store, reader, history):
    """Counts and rates come from GROUP BY aggregates and per-client LIMITed queries, so the
    number of statements depends on the number of clients, never on the length of their
    history."""
    start = NOW - history * 7 * DAY
    with store.write() as db:
        for name in ("Ana", "Bea", "Cid"):
            c = make_client(db, name)
            make_agreement(db, c, starts_on=date(2000, 1, 1), cadence_days=7)
            for week in range(history):
                held = start + week * 7 * DAY
                make_session(db, c, held, kind="pitstop" if week % 6 == 5 else "regular")
                make_promise(db, c, made=held, due=held + 2 * DAY, status="kept", closed=held)
    queries = _count_queries(reader(), lambda db: dashboard(db, now=NOW, tz=TZ))
    # the clients; one aggregate over sessions; four over promises (open, overdue,
    # the last 90 days, broken); the agreements; the last 10 sessions of every client in
    # one windowed query; and per client at most two LIMITed walks of the (client_id,
    # held_at) index when the last 10 do not tell: the last 8 pulses, the first session's kind
    assert queries == 1 + 1 + 4 + 1 + 1 + 2 * 3
