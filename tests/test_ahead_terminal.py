"""`session new` on a real terminal when the client has a session planned (SPEC §4a): it says
which planned session it records before the first question, offers the plan's time, length
and kind as the defaults, and records that very session. coachlog runs on a pseudo-terminal."""

from __future__ import annotations

import pytest

from test_session_prompts import PIN, Terminal

pytest.importorskip("pty")


@pytest.fixture
def term(db_url: str):
    import os

    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        env = {**os.environ, "COACHLOG_DB": db_url, "COACHLOG_NOW": PIN, "TERM": "xterm"}
        t = Terminal(list(args), env)
        started.append(t)
        return t

    yield start
    for t in started:
        if t.proc.poll() is None:
            t.proc.kill()
            t.proc.wait()


def test_questions_offer_the_planned_session_and_record_it(term, proc):
    assert proc("client", "add", "Ana Lima").code == 0
    # planned the day before for 15:00 on Sun 22 Nov; PIN is 17:00 that day
    r = proc(
        "session", "plan", "ana", "--at", "2026-11-22T15:00:00+00:00", "--minutes", "50",
        "--kind", "pitstop", "--json", env={"COACHLOG_NOW": "2026-11-21T10:00:00+00:00"},
    )  # fmt: skip
    assert r.code == 0, r.err
    uid = r.json["uid"]
    t = term("session", "new", "ana")
    t.expect("Recording the session planned for Sun 22 Nov 15:00 with Ana Lima (#1).")
    t.expect("When (e.g. today 15:00, -2h) [2026-11-22 15:00]: ")
    t.line("")
    t.expect("Minutes [50]: ")
    t.line("")
    t.expect("Kind (engagement, regular, pitstop, closing) [pitstop]: ")
    t.line("")
    t.expect("> ")
    t.line("We looked at the alliance.")
    t.expect("> ")
    t.line("")
    t.expect("Themes (separated by commas): ")
    t.line("")
    t.expect("Enter skips): ")
    t.line("4")
    t.expect("> ")  # reflection
    t.line("")
    t.expect("you> ")
    t.line("")
    t.expect("they> ")
    t.line("")
    t.expect("Session #1 with Ana Lima recorded: Sun 22 Nov 15:00, 50 min, pitstop, trust 4/5")
    t.expect("This is the session planned for Sun 22 Nov 15:00 (same id, now held).")
    assert t.finish() == 0
    s = proc("session", "show", "1", "--json").json
    assert (s["uid"], s["status"], s["notes"]) == (uid, "held", "We looked at the alliance.")
    assert proc("session", "list", "--json").json[0]["id"] == 1
