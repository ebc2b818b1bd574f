"""Questions on a real terminal never lose an answer (issue 13; SPEC §3a): a question
answered with something unreadable is asked again and the answers before it are kept; in
`agreement new` the cadence reads as a coach says it; pressing Enter through every question
makes no new version. coachlog runs as a process on a pseudo-terminal."""

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


ELEMENTS = (
    "Goals",
    "Confidentiality",
    "Communication",
    "Logistics",
    "Coach responsibilities",
    "Client responsibilities",
    "Fees",
    "Conflicts of interest",
    "Sponsor reporting",
)


def answer_elements(t: Terminal, answers: dict[str, str]) -> None:
    for label in ELEMENTS:
        t.expect(label)
        t.expect(": ")
        t.line(answers.get(label, ""))


def test_unreadable_review_date_and_cadence_are_asked_again(term, cli):
    cli("client", "add", "Ana Lima")
    t = term("agreement", "new", "ana")
    answer_elements(t, {"Goals": "Lead without rescuing", "Fees": "€150 a session"})
    t.expect("Review on")
    t.expect(": ")
    t.line("blursday")
    t.expect("Could not read 'blursday'")
    t.expect("Review on")  # asked again; the answers before it are kept
    t.expect(": ")
    t.line("2027-03-01")
    t.expect("Cadence")
    t.expect(": ")
    t.line("now and then")
    t.expect("could not read 'now and then'")
    t.expect("Cadence")
    t.expect(": ")
    t.line("weekly")
    t.expect("Agreement v1 for Ana Lima recorded")
    assert t.finish() == 0
    data = cli("agreement", "show", "ana", "--json").json
    assert (data["goals"], data["fees"], data["review_on"], data["cadence_days"]) == (
        "Lead without rescuing",
        "€150 a session",
        "2027-03-01",
        7,
    )


@pytest.mark.parametrize(("said", "days"), [("fortnightly", 14), ("every 3 weeks", 21)])
def test_cadence_in_words_changes_only_the_cadence(term, cli, said, days):
    cli("client", "add", "Ana Lima")
    cli("agreement", "new", "ana", "--goals", "Lead", "--cadence-days", "10", "--review-on", "+90d")
    t = term("agreement", "new", "ana")
    answer_elements(t, {})
    t.expect("Review on")
    t.expect(": ")
    t.line("")
    t.expect("Cadence")
    t.expect("10")  # the previous cadence is the default
    t.expect("]: ")
    t.line(said)
    t.expect("Agreement v2 for Ana Lima recorded")
    assert t.finish() == 0
    data = cli("agreement", "show", "ana", "--json").json
    assert (data["version"], data["goals"], data["cadence_days"]) == (2, "Lead", days)


def test_enter_through_every_question_makes_no_new_version(term, cli):
    cli("client", "add", "Ana Lima")
    cli("agreement", "new", "ana", "--goals", "Lead", "--cadence-days", "14", "--review-on", "+90d")
    t = term("agreement", "new", "ana")
    answer_elements(t, {})
    t.expect("Review on")
    t.expect(": ")
    t.line("")
    t.expect("Cadence")
    t.expect(": ")
    t.line("")
    t.expect("Nothing changed; no new version was made.")
    assert t.finish() == 1
    assert [a["version"] for a in cli("agreement", "list", "ana", "--json").json] == [1]


def test_bytes_that_are_not_utf8_are_asked_again(term, cli):
    """Notes typed in Latin-1 (a terminal set to another encoding): that line is asked again,
    the answers before it kept, and nothing unreadable reaches the store."""
    import os

    cli("client", "add", "Ana Lima")
    t = term("session", "new", "ana")
    t.expect("When")
    t.expect(": ")
    t.line("")
    t.expect("Minutes [60]: ")
    t.line("45")
    t.expect("[regular]: ")
    t.line("")
    t.expect("> ")
    t.line("First line")
    t.expect("> ")
    os.write(t.fd, b"caf\xe9 au lait\r")
    t.expect("not readable text")
    t.expect("> ")
    t.line("café au lait")
    t.expect("> ")
    t.line("")
    t.expect("Themes")
    t.line("")
    t.expect("Enter skips): ")
    t.line("")
    t.expect("> ")
    t.line("")
    t.expect("you> ")
    t.line("")
    t.expect("they> ")
    t.line("")
    t.expect("Session #1 with Ana Lima recorded")
    assert t.finish() == 0
    data = cli("session", "show", "1", "--json").json
    assert (data["minutes"], data["notes"]) == (45, "First line\ncafé au lait")


def test_pitstop_unreadable_safety_is_asked_again(term, cli):
    cli("client", "add", "Ana Lima")
    t = term("pitstop", "ana")
    for answer in ("The challenge", "", "", ""):
        t.expect("?")
        t.line(answer)
    t.expect("How safe does it feel to be open here?")
    t.expect(": ")
    t.line("very")
    t.expect("Safety must be a whole number from 1 to 5")
    t.expect("How safe does it feel to be open here?")
    t.expect(": ")
    t.line("4")
    t.expect("What in our agreement should change?")
    t.expect(": ")
    t.line("")
    assert t.finish() == 0
    data = cli("session", "show", "1", "--json").json
    assert data["trust_pulse"] == 4 and "The challenge" in data["notes"]
