"""Sessions: the rules (services) with a fixed `now`, then `session …` end to end."""

from __future__ import annotations

import os
import re
import stat
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from coachlog.errors import InvalidInput
from coachlog.models import CoachingSession, Promise
from coachlog.queries.sessions import list_sessions
from coachlog.services import agreements, sessions
from coachlog.services.clients import add_client
from coachlog.services.promises import PromiseSpec

SESSION_JSON_KEYS = [
    "id",
    "client",
    "uid",
    "client_uid",
    "held_at",
    "minutes",
    "kind",
    "notes",
    "themes",
    "trust_pulse",
    "reflection",
    "private",
    "status",
    "group_size",
    "counts_for_icf",
    "created_at",
    "updated_at",
]
PROMISE_JSON_KEYS = [
    "id",
    "client",
    "uid",
    "client_uid",
    "session_uid",
    "owner",
    "text",
    "made_at",
    "due_at",
    "status",
    "closed_at",
    "note",
    "repair",
    "due_history",
    "created_at",
    "updated_at",
]


def _count(db, table) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    return db.exec(select(func.count()).select_from(table)).one()


@pytest.mark.parametrize(
    ("logistics", "minutes"),
    [
        ("Zoom, 45 minutes, 24h notice to move", 45),
        ("50-min calls on Teams", 50),
        ("In person, 90 mins", 90),
        ("1 minute check-ins", 1),
        ("Zoom; 2 sessions a month", None),
        ("0 minutes", None),
        (None, None),
    ],
)
def test_minutes_from_logistics(logistics, minutes):
    assert sessions.minutes_from_logistics(logistics) == minutes


def test_default_minutes_come_from_the_active_agreement(store, now):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
        assert sessions.default_minutes(db, ana) == 60
        agreements.new_agreement(
            db, ana, values={"logistics": "Zoom, 45 minutes"}, now=now, today=now.date()
        )
        assert sessions.default_minutes(db, ana) == 45


def test_themes_and_kinds_are_cleaned():
    assert sessions.clean_themes(
        [" Delegation ", "feedback, DELEGATION", "", "  big   goals "]
    ) == [
        "delegation",
        "feedback",
        "big goals",
    ]
    assert sessions.kind_of("Pit") == "pitstop"
    assert sessions.kind_of("regular") == "regular"
    with pytest.raises(InvalidInput, match="engagement, regular, pitstop, closing"):
        sessions.kind_of("nap")


def test_record_session_writes_the_session_and_its_promises(store, now):
    held = now - timedelta(hours=2)
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
        s, made = sessions.record_session(
            db,
            ana,
            values={"held_at": held, "themes": ["Delegation"], "trust_pulse": 4, "notes": " "},
            promises=[
                PromiseSpec("coach", "Send the article", now + timedelta(days=5), "fri", True),
                PromiseSpec("client", "Talk to Rui", now + timedelta(days=7), "+7d", True),
            ],
            now=now,
        )
    assert (s.minutes, s.kind, s.themes, s.notes, s.private) == (
        60,
        "regular",
        ["delegation"],
        None,
        False,
    )
    assert [(p.owner, p.session_id, p.made_at, p.status) for p in made] == [
        ("coach", s.id, held, "open"),
        ("client", s.id, held, "open"),
    ]


def test_a_failing_promise_leaves_nothing_written(store, now):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
    with pytest.raises(InvalidInput), store.write() as db:
        sessions.record_session(
            db,
            ana,
            values={"notes": "good call"},
            promises=[
                PromiseSpec("coach", "Fine", now, "now", True),
                PromiseSpec("nobody", "Broken", now, "now", True),
            ],
            now=now,
        )
    with store.read() as db:
        assert _count(db, CoachingSession) == 0
        assert _count(db, Promise) == 0


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"minutes": 0}, "between 1 and 1440"),
        ({"trust_pulse": 6}, "1, 2, 3, 4 or 5"),
        ({"kind": "nap"}, "kind must be one of"),
        ({"mood": "good"}, "Unknown session field"),
    ],
)
def test_bad_values_are_refused(values, words):
    with pytest.raises(InvalidInput, match=words):
        sessions.clean_values(values)


def test_list_filters_counts_and_delete(store, now, reader):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
        bruno = add_client(db, values={"name": "Bruno Costa"}, now=now)
        for days, client, kind, n in [
            (20, ana, "engagement", 0),
            (6, ana, "regular", 2),
            (3, bruno, "pitstop", 1),
            (1, ana, "pitstop", 0),
        ]:
            specs = [PromiseSpec("coach", f"p{i}", now, "now", False) for i in range(n)]
            sessions.record_session(
                db,
                client,
                values={"held_at": now - timedelta(days=days), "kind": kind},
                promises=specs,
                now=now,
            )
    db = reader()
    rows, _ = list_sessions(db)
    assert [(r.client.name, r.session.kind, r.promises) for r in rows] == [
        ("Ana Lima", "engagement", 0),
        ("Ana Lima", "regular", 2),
        ("Bruno Costa", "pitstop", 1),
        ("Ana Lima", "pitstop", 0),
    ]
    assert [r.session.id for r in list_sessions(db, client_id=ana.id)[0]] == [1, 2, 4]
    assert [r.session.id for r in list_sessions(db, kind="pitstop")[0]] == [3, 4]
    since, until = now - timedelta(days=7), now - timedelta(days=2)
    assert [r.session.id for r in list_sessions(db, since=since, until=until)[0]] == [2, 3]
    # --limit: the latest N in SQL, and how many earlier ones were left out
    latest, before = list_sessions(db, limit=2)
    assert ([r.session.id for r in latest], before) == ([3, 4], 2)
    with store.write() as session:
        s, _ = sessions.get(session, 2)
        assert len(sessions.delete_session(session, s)) == 2
    with store.read() as session:
        assert _count(session, Promise) == 1
    assert [r.session.id for r in list_sessions(reader())[0]] == [1, 3, 4]


def _plans(store, run) -> list[str]:
    """The SQLite query plans of the statements run() executes."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", grab)
    try:
        with store.read() as db:
            run(db)
    finally:
        event.remove(store.engine, "before_cursor_execute", grab)
    plans = []
    raw = store.engine.raw_connection()
    try:
        for statement, parameters in seen:
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            plans.append(" | ".join(str(r[-1]) for r in rows))
    finally:
        raw.close()
    return plans


def test_due_and_session_list_use_the_indexes(store, now, reader):
    from coachlog.queries.promises import due

    if not store.is_sqlite:
        pytest.skip("reads SQLite's query plans")

    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
    plans = _query_plans(store, reader(), lambda db: due(db, now=now, within=timedelta(days=7)))
    assert len(plans) == 1
    assert "SEARCH promises USING INDEX ix_promises_status_due" in plans[0], plans
    plans = _query_plans(
        store, reader(), lambda db: due(db, now=now, within=timedelta(days=7), client_id=ana.id)
    )
    assert "SCAN promises" not in plans[0], plans
    plans = _query_plans(store, reader(), lambda db: list_sessions(db, client_id=ana.id))
    assert "SEARCH sessions USING INDEX ix_sessions_client_held" in plans[0], plans
    assert "SCAN promises" not in plans[0], plans  # the counts use promises(session_id)


def _query_plans(store, db, run) -> list[str]:
    """The SQLite query plans of the statements run(db) executes on the query layer."""
    db.trace = []
    run(db)
    raw = store.engine.raw_connection()
    try:
        return [
            " | ".join(str(r[-1]) for r in raw.cursor().execute("EXPLAIN QUERY PLAN " + s, p))
            for s, p in db.trace
        ]
    finally:
        raw.close()


# ---- the commands ---------------------------------------------------------------------------

PIN = {"COACHLOG_NOW": "2026-11-22T17:00:00+00:00"}


@pytest.fixture
def pinned(cli):
    def run(*args, **kw):
        return cli(*args, env={**PIN, **kw.pop("env", {})}, **kw)

    run("client", "add", "Ana Lima")
    run("agreement", "new", "ana", "--logistics", "Zoom, 45 minutes", "--goals", "Delegate")
    return run


def test_session_new_with_flags_asks_nothing(pinned):
    r = pinned(
        "session", "new", "ana",
        "--notes", "Delegation; the talk with Rui",
        "--theme", "Delegation", "--theme", "feedback, delegation",
        "--trust", "4",
        "--promise", "Send the article @ fri 18:00",
        "--promise", "Email rui@acme.pt the plan @ 2026-11-24",
        "--commitment", "Have the talk with Rui @ +7d",
        input="",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "✓ Session #1 with Ana Lima recorded: Sun 22 Nov 17:00, 45 min, regular, trust 4/5",
        '  #1 you: Send the article — due Fri 27 Nov 18:00  (from "fri 18:00")',
        "  #2 you: Email rui@acme.pt the plan — due Tue 24 Nov",
        '  #3 they: Have the talk with Rui — due Sun 29 Nov  (from "+7d")',
    ]
    shown = pinned("session", "show", "1", "--json").json
    assert list(shown) == [*SESSION_JSON_KEYS, "promises"]
    assert shown["themes"] == ["delegation", "feedback"]
    assert (shown["minutes"], shown["trust_pulse"], shown["held_at"]) == (
        45,
        4,
        "2026-11-22T17:00:00+00:00",
    )
    assert [list(p) for p in shown["promises"]] == [PROMISE_JSON_KEYS] * 3
    assert [(p["owner"], p["due_at"], p["session_uid"]) for p in shown["promises"]] == [
        ("coach", "2026-11-27T18:00:00+00:00", shown["uid"]),
        ("coach", "2026-11-24T23:59:59+00:00", shown["uid"]),
        ("client", "2026-11-29T23:59:59+00:00", shown["uid"]),
    ]


def test_session_new_json_and_notes_from_stdin(pinned):
    r = pinned(
        "session", "new", "ana", "--notes", "-", "--at", "yesterday 15:00", "--minutes", "50",
        "--kind", "engagement", "--private", "--reflection", "I rushed", "--json",
        input="First call.\n\n## Goals\nLead without rescuing.\n",
    )  # fmt: skip
    assert r.code == 0, r.err
    data = r.json
    assert list(data) == [*SESSION_JSON_KEYS, "promises"]
    assert data["notes"] == "First call.\n\n## Goals\nLead without rescuing."
    assert (data["held_at"], data["minutes"], data["kind"], data["private"]) == (
        "2026-11-21T15:00:00+00:00",
        50,
        "engagement",
        True,
    )
    assert data["reflection"] == "I rushed" and data["promises"] == []


def test_at_in_words_shows_what_it_was_read_as(pinned):
    # On Sunday 22 Nov a session held "fri" was held on the Friday just past.
    r = pinned("session", "new", "ana", "--at", "fri 9:30", "--notes", "x")
    assert r.out.startswith(
        '✓ Session #1 with Ana Lima recorded: Fri 20 Nov 09:30, 45 min, regular  (from "fri 9:30")'
    )
    assert r.err == ""


def test_without_a_terminal_and_a_client_it_fails_at_once(pinned):
    r = pinned("session", "new", "--notes", "x", input="")
    assert r.code == 2
    assert "Missing CLIENT" in r.err
    assert pinned("session", "list", "--json").json == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--promise", "Send the article"], '"TEXT @ WHEN"'),
        (["--commitment", "Talk @ blursday"], "Could not read 'blursday'"),
        (["--kind", "nap"], "kind must be one of"),
        (["--at", "13/13/13"], "--at"),
        (["--trust", "9"], "--trust"),
    ],
)
def test_bad_flags_store_nothing(pinned, args, words):
    r = pinned("session", "new", "ana", "--notes", "x", *args, input="")
    assert r.code in (1, 2) and words in r.err
    assert pinned("session", "list", "--json").json == []


def test_session_list_filters_and_json(pinned):
    pinned("client", "add", "Bruno Costa")
    pinned("session", "new", "ana", "--at", "2026-11-02 10:00", "--kind", "engagement",
           "--notes", "Hello")  # fmt: skip
    pinned("session", "new", "bruno", "--at", "2026-11-10 10:00", "--notes", "Hi",
           "--promise", "x @ +1d")  # fmt: skip
    pinned("session", "new", "ana", "--at", "2026-11-20 10:00", "--kind", "pitstop",
           "--notes", "How is it going?", "--theme", "safety")  # fmt: skip
    rows = pinned("session", "list", "--json").json
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert list(rows[0]) == SESSION_JSON_KEYS
    ids = lambda *a: [r["id"] for r in pinned("session", "list", *a, "--json").json]  # noqa: E731
    assert ids("--client", "ana") == [1, 3]
    assert ids("--since", "2026-11-10") == [2, 3]
    assert ids("--until", "2026-11-10") == [1, 2]  # a day alone: up to its end
    assert ids("--kind", "pitstop") == [3]
    out = pinned("session", "list").out.splitlines()
    assert out[0].split() == ["id", "held", "client", "kind", "min", "trust", "promises",
                              "themes", "·", "notes"]  # fmt: skip
    assert out[3].split() == ["2", "Tue", "10", "Nov", "10:00", "Bruno", "Costa", "regular",
                              "60", "1", "Hi"]  # fmt: skip
    assert "safety · How is it going?" in out[4]
    assert pinned("session", "list", "--kind", "closing").out == "No sessions match.\n"
    r = pinned("session", "list", "--since", "13/13/13")
    assert r.code == 2 and "Accepted:" in r.err


def test_session_show_page(pinned):
    pinned(
        "session", "new", "ana", "--notes", "[bold]Delegation[/bold]", "--trust", "3",
        "--promise", "Send the article @ 2026-11-20", "--commitment", "Talk to Rui @ +2d",
    )  # fmt: skip
    pinned("promises", "keep", "1")
    pinned("promises", "move", "2", "--due", "+5d")
    out = pinned("session", "show", "1").out
    assert "─ Session #1 with Ana Lima ─" in out
    held = next(line for line in out.splitlines() if "Held" in line)
    assert held.split() == ["│", "Held", "Sun", "22", "Nov", "17:00,", "45", "min,", "regular,",
                            "trust", "3/5", "│"]  # fmt: skip
    assert "[bold]Delegation[/bold]" in out
    assert "#1 you: Send the article — kept 22 Nov, 1 day late" in out
    assert "#2 they: Talk to Rui — due Fri 27 Nov (moved once, first due 24 Nov)" in out
    r = pinned("session", "show", "9")
    assert r.code == 1 and "No session with id 9" in r.err


def test_session_edit_changes_only_what_is_given(pinned):
    pinned("session", "new", "ana", "--notes", "First", "--theme", "a", "--trust", "4",
           "--promise", "Send it @ fri")  # fmt: skip
    r = pinned("session", "edit", "1", "--reflection", "I talked too much", "--theme", "B",
               "--not-private", "--commitment", "Draft the plan @ 2026-11-30")  # fmt: skip
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "✓ Session #1 with Ana Lima updated: Sun 22 Nov 17:00, 45 min, regular, trust 4/5",
        "  #2 they: Draft the plan — due Mon 30 Nov",
    ]
    data = pinned("session", "show", "1", "--json").json
    assert (data["notes"], data["themes"], data["reflection"], data["trust_pulse"]) == (
        "First",
        ["b"],
        "I talked too much",
        4,
    )
    assert [p["text"] for p in data["promises"]] == ["Send it", "Draft the plan"]
    assert pinned("session", "edit", "1", "--notes", "").code == 0
    assert pinned("session", "show", "1", "--json").json["notes"] is None
    r = pinned("session", "edit", "1")
    assert r.code == 2 and "Nothing to change" in r.err


def test_session_delete_needs_yes_without_a_terminal(pinned):
    pinned("session", "new", "ana", "--notes", "x", "--promise", "a @ +1d",
           "--commitment", "b @ +2d")  # fmt: skip
    pinned("promises", "add", "ana", "Outside any session @ +3d")
    r = pinned("session", "delete", "1", input="")
    assert r.code == 2 and "--yes" in r.err
    assert len(pinned("promises", "list", "--json").json) == 3
    r = pinned("session", "delete", "1", "--yes")
    assert r.code == 0
    assert r.out == "✓ Deleted session #1 with Ana Lima and 2 promises made in it\n"
    assert [p["text"] for p in pinned("promises", "list", "--json").json] == ["Outside any session"]
    assert pinned("session", "delete", "1", "--yes").code == 1


# ---- --edit with a real editor process ------------------------------------------------------


def _editor(tmp_path: Path, *bodies: str) -> str:
    """A real editor: records the file's path, modes and text, then writes the next body
    (or leaves the file as it is for 'UNCHANGED')."""
    script = tmp_path / "fake-editor.py"
    log = tmp_path / "editor.log"
    script.write_text(
        "import json, os, stat, sys\n"
        "p = sys.argv[1]\n"
        f"log = {str(log)!r}\n"
        "seen = open(log).read().count('\\x1e') if os.path.exists(log) else 0\n"
        f"bodies = {list(bodies)!r}\n"
        "entry = {'path': p, 'file': oct(stat.S_IMODE(os.stat(p).st_mode)),\n"
        "         'dir': oct(stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode)),\n"
        "         'text': open(p).read()}\n"
        "open(log, 'a').write(json.dumps(entry) + '\\x1e')\n"
        "body = bodies[min(seen, len(bodies) - 1)]\n"
        "if body != 'UNCHANGED':\n"
        "    open(p, 'w').write(body)\n"
    )
    return f"{sys.executable} {script}"


def _seen(tmp_path: Path) -> list[dict]:
    import json

    raw = (tmp_path / "editor.log").read_text()
    return [json.loads(chunk) for chunk in raw.split("\x1e") if chunk]


FILLED = """# Session with Ana Lima

## Notes
We worked on delegation.

## My own heading in the notes
<!-- an aside of mine -->

## I promised
- Send the article @ fri 18:00

## They committed
- Have the talk with Rui @ 2026-11-27

## Themes
Delegation, feedback

## Reflection
Slow down.

## Details
When: 2026-11-22 15:00
Minutes: 50
Kind: regular
Trust pulse: 4
Private: no
"""


def test_session_new_edit_through_a_real_editor(pinned, tmp_path):
    r = pinned("session", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, FILLED)})
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == (
        "✓ Session #1 with Ana Lima recorded: Sun 22 Nov 15:00, 50 min, regular, trust 4/5"
    )
    assert r.out.splitlines()[1:] == [
        '  #1 you: Send the article — due Fri 27 Nov 18:00  (from "fri 18:00")',
        "  #2 they: Have the talk with Rui — due Fri 27 Nov",
    ]
    data = pinned("session", "show", "1", "--json").json
    assert data["notes"] == (
        "We worked on delegation.\n\n## My own heading in the notes\n<!-- an aside of mine -->"
    )
    assert (data["themes"], data["reflection"]) == (["delegation", "feedback"], "Slow down.")
    [seen] = _seen(tmp_path)
    assert (seen["file"], seen["dir"]) == ("0o600", "0o700")
    assert not os.path.exists(seen["path"]) and not os.path.exists(os.path.dirname(seen["path"]))
    for heading in ("## Notes", "## I promised", "## They committed", "## Themes",
                    "## Reflection"):  # fmt: skip
        assert heading in seen["text"]
    assert "Minutes: 45" in seen["text"] and "When: 2026-11-22 17:00" in seen["text"]


@pytest.mark.parametrize("body", ["UNCHANGED", "", "   \n\n"])
def test_unchanged_or_emptied_template_stores_nothing(pinned, tmp_path, body):
    r = pinned("session", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, body)})
    assert r.code == 1 and "nothing was saved" in r.err
    assert pinned("session", "list", "--json").json == []
    [seen] = _seen(tmp_path)
    assert not os.path.exists(os.path.dirname(seen["path"]))


def test_unreadable_template_without_a_terminal_keeps_the_text(pinned, tmp_path):
    bad = FILLED.replace("- Send the article @ fri 18:00", "- Send the article by friday")
    r = pinned("session", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, bad)})
    assert r.code == 1
    assert "Line 10:" in r.err and "has no due date" in r.err
    kept = Path(re.search(r"kept in ?(/\S+?\.md)", r.err.replace("\n", "")).group(1))
    assert kept.read_text() == bad
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    [seen] = _seen(tmp_path)
    assert not os.path.exists(os.path.dirname(seen["path"]))  # removed on failure too
    assert pinned("session", "list", "--json").json == []


def test_editor_failing_removes_its_file(pinned, tmp_path):
    script = tmp_path / "crash.py"
    script.write_text(
        f"import sys\nopen({str(tmp_path / 'where')!r}, 'w').write(sys.argv[1])\nsys.exit(3)\n"
    )
    r = pinned("session", "new", "ana", "--edit", env={"EDITOR": f"{sys.executable} {script}"})
    assert r.code == 1 and "status 3" in r.err
    assert not os.path.exists((tmp_path / "where").read_text())


def test_session_edit_in_the_editor_shows_recorded_promises_read_only(pinned, tmp_path):
    pinned("session", "new", "ana", "--at", "2026-11-22 16:59:30", "--notes", "First",
           "--promise", "Send it @ fri")  # fmt: skip

    def change(text: str) -> str:
        return text.replace("First", "First, and more").replace(
            "## They committed\n", "## They committed\n- Try the two lists @ +3d\n", 1
        )

    # the editor sees the current session; the new line adds one promise, the old one stays
    template = _template_for_edit(pinned, tmp_path)
    editor = _editor(tmp_path, change(template))
    r = pinned("session", "edit", "1", "--edit", env={"EDITOR": editor})
    assert r.code == 0, r.err
    data = pinned("session", "show", "1", "--json").json
    assert data["notes"] == "First, and more"
    assert data["held_at"] == "2026-11-22T16:59:30+00:00"  # When: unchanged keeps the seconds
    assert [(p["owner"], p["text"]) for p in data["promises"]] == [
        ("coach", "Send it"),
        ("client", "Try the two lists"),
    ]


def _template_for_edit(pinned, tmp_path: Path) -> str:
    """Open `session edit 1 --edit` once with an editor that changes nothing, and return
    the template it was shown."""
    probe = tmp_path / "probe"
    probe.mkdir()
    r = pinned("session", "edit", "1", "--edit", env={"EDITOR": _editor(probe, "UNCHANGED")})
    assert r.code == 1 and "Nothing changed" in r.err
    [seen] = _seen(probe)
    text = seen["text"]
    assert "<!-- Already recorded" in text and "#1 Send it (due Fri 27 Nov)" in text
    assert "When: 2026-11-22 16:59" in text
    return text


def test_a_when_written_in_words_in_the_template_is_echoed_as_read(pinned, tmp_path):
    """SPEC §3a: every date typed in words is echoed with the date it was read as, editor
    templates included (the pinned now is Sun 22 Nov 2026, 10:00 UTC)."""
    body = FILLED.replace("When: 2026-11-22 15:00", "When: yesterday 15:00")
    r = pinned("session", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, body)})
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == (
        "✓ Session #1 with Ana Lima recorded: Sat 21 Nov 15:00, 50 min, regular, trust 4/5"
        '  (from "yesterday 15:00")'
    )
    # an ISO When (above, FILLED) or one left as shown is not echoed
    r = pinned("session", "new", "ana", "--edit", env={"EDITOR": _editor(tmp_path, FILLED)})
    assert "(from" not in r.out.splitlines()[0]
