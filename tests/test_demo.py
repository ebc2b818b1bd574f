"""`coachlog demo`: a realistic, deterministic sample practice that never touches a store
with real clients, and that every screen can show."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlmodel import select

from coachlog import render
from coachlog.demo import practice as demo
from coachlog.demo.text import PEOPLE
from coachlog.models import Agreement, Client, CoachingSession, Promise
from coachlog.store import open_store
from support import NOW_ISO as NOW_TEXT
from support import PINNED


def _rows(path: str) -> dict[str, list[tuple]]:
    """Every table's rows as tuples (created_at aside), in id order."""
    s = open_store(path)
    out = {}
    try:
        with s.read() as db:
            for model in (Client, Agreement, CoachingSession, Promise):
                rows = db.exec(select(model).order_by(model.id)).all()
                out[model.__tablename__] = [
                    tuple(v for k, v in sorted(r.model_dump().items())) for r in rows
                ]
    finally:
        s.dispose()
    return out


@pytest.fixture
def practice(cli):
    r = cli("demo", env=PINNED)
    assert r.code == 0, r.err
    return r


def test_demo_summary_and_suggestions(practice):
    lines = practice.out.splitlines()
    assert lines[0] == "✓ A sample practice is ready (every name and note in it is invented)."
    assert lines[1].startswith("  8 active clients (1 paused, 1 prospect, ")
    assert " sessions (" in lines[2] and " promises · " in lines[2]
    assert "coachlog dashboard" in practice.out and "coachlog prep " in practice.out


def test_demo_is_deterministic_for_a_seed_and_a_day(cli, db_path, tmp_path):
    a, b, c = (str(tmp_path / f"{n}.db") for n in "abc")
    assert cli("--db", a, "demo", "--seed", "7", env=PINNED).code == 0
    assert cli("--db", b, "demo", "--seed", "7", env=PINNED).code == 0
    assert cli("--db", c, "demo", "--seed", "8", env=PINNED).code == 0
    first, second, other = _rows(a), _rows(b), _rows(c)
    assert first == second  # uid for uid, field for field
    assert first["clients"] != other["clients"]


def test_demo_refuses_a_store_with_clients(cli):
    cli("client", "add", "Ana Lima")
    r = cli("demo", env=PINNED)
    assert r.code == 1
    assert "This store already has 1 client; demo fills only an empty store." in r.err
    assert "--db demo.db" in r.err
    assert [c["name"] for c in cli("client", "list", "--all", "--json").json] == ["Ana Lima"]


def test_demo_options_are_checked(cli, db_url):
    assert cli("demo", "--clients", "0").code == 2
    assert cli("demo", "--years", "31").code == 2
    assert cli("demo", "--seed", "-1").code == 2
    listed = cli("client", "list", "--all", "--json")
    if "://" in db_url:  # a server's schema: there, and empty
        assert listed.json == []
    else:  # the refused demos did not even create the store
        assert listed.code == 1 and "There is no coachlog store" in listed.err


def test_demo_json(cli):
    data = cli("demo", "--clients", "3", "--json", env=PINNED).json
    assert list(data) == ["clients", "active", "sessions", "pitstops", "promises", "agreements"]
    assert data["active"] == 3
    assert data["clients"] == len(cli("client", "list", "--all", "--json").json)


def test_the_practice_has_every_kind_of_record(practice, store):
    with store.read() as db:
        clients = db.exec(select(Client)).all()
        agreements = db.exec(select(Agreement)).all()
        sessions = db.exec(select(CoachingSession)).all()
        promises = db.exec(select(Promise)).all()
    names = {c.name for c in clients}
    firsts = {n.split()[0] for n in names}
    assert {"Zoë", "Łukasz", "Siobhán", "李娜", "Aroha", "José"} <= firsts
    assert Counter(c.status for c in clients).keys() == {"active", "paused", "prospect", "closed"}
    assert len({c.timezone for c in clients}) >= 6
    assert any(c.sponsor for c in clients) and any(not c.sponsor for c in clients)
    assert any(c.pronouns == "they/them" or c.pronouns is None for c in clients)
    # agreements: complete, with gaps, past review, versioned
    assert any(a.fees is None for a in agreements if a.status == "active")
    assert {"active", "superseded", "ended"} <= {a.status for a in agreements}
    assert any(a.review_on and a.review_on.isoformat() < "2026-11-22" for a in agreements)
    # sessions: every kind, notes a few paragraphs long, themes, pulses, reflections
    assert {s.kind for s in sessions} == {"engagement", "regular", "pitstop", "closing"}
    regular = [s for s in sessions if s.kind == "regular"]
    assert all(s.notes.count("\n\n") >= 2 and len(s.notes) > 300 for s in regular)
    assert all(s.themes for s in regular)
    assert sum(s.reflection is not None for s in sessions) > len(sessions) / 3
    assert any(s.private for s in sessions) or len(sessions) < 100
    assert all(s.trust_pulse for s in sessions if s.kind == "pitstop")
    assert all(
        "## What is working in our coaching?" in s.notes for s in sessions if s.kind == "pitstop"
    )
    # promises both ways: kept on time, late, broken with and without repair, released,
    # moved, open and overdue
    kinds = Counter()
    for p in promises:
        if p.status == "kept":
            kinds["on time" if p.closed_at <= p.due_at else "late"] += 1
        elif p.status == "broken":
            kinds["repaired" if p.repair else "unrepaired"] += 1
        elif p.status == "open":
            kinds["overdue" if p.due_at.isoformat() < NOW_TEXT else "open"] += 1
        else:
            kinds[p.status] += 1
        if p.due_history:
            kinds["moved"] += 1
    expected = {"on time", "late", "repaired", "unrepaired", "released", "open", "overdue", "moved"}
    assert expected <= set(kinds)
    assert {p.owner for p in promises} == {"coach", "client"}
    assert all(p.closed_at is None or p.closed_at.isoformat() <= NOW_TEXT for p in promises)
    assert all(s.held_at.isoformat() <= NOW_TEXT for s in sessions)


@pytest.mark.parametrize("width", ["80", "200"])
def test_every_screen_works_on_the_demo(practice, cli, width, monkeypatch):
    monkeypatch.setattr(render, "_console", {})
    env = {**PINNED, "COLUMNS": width}
    example = practice.out.split("coachlog prep ")[1].split()[0].strip('"')
    for args in (
        ["dashboard"],
        ["trust"],
        ["trust", example],
        ["prep", example],
        ["client", "show", example],
        ["pitstop", example, "--working", "the challenge", "--safety", "4"],
    ):
        r = cli(*args, env=env)
        assert r.code == 0, (args, r.err)
        assert r.out.strip() and not r.err, args
        widest = max(render.console().measure(line).maximum for line in r.out.splitlines())
        assert widest <= int(width), (args, widest)


def test_scale_about_25_sessions_and_50_promises_per_place_and_year(store):
    started = time.perf_counter()
    with store.write() as db:
        summary = demo.build(
            db,
            clients=10,
            years=3,
            seed=3,
            now=__import__("pendulum").parse(NOW_TEXT),
            tz="Europe/Lisbon",
        )
    elapsed = time.perf_counter() - started
    per_place_year = summary.sessions / 30
    assert 18 <= per_place_year <= 30, per_place_year
    assert 1.6 <= summary.promises / summary.sessions <= 2.6
    assert summary.active == 10 and summary.past > 0
    assert elapsed < 20  # a ten-year practice of 40 takes seconds, not minutes


def test_people_table_is_well_formed():
    for firsts, lasts, zones, context in PEOPLE:
        assert len(firsts) >= 5 and zones and context
        assert lasts is None or len(lasts) >= 5


def test_the_screens_in_the_docs_are_fresh():
    """docs/screens/*.svg are recorded from the real commands by scripts/screens.py."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    p = subprocess.run(
        [sys.executable, str(root / "scripts" / "screens.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert p.returncode == 0, p.stdout + p.stderr
