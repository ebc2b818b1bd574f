"""SPEC §3a, as a coach meets it: dates that mean what was typed, names found however they
are typed, words and widths that tell the truth. Each test runs coachlog in-process through
the CLI against a real store (SQLite, and PostgreSQL when COACHLOG_TEST_PG_URL is set); the
two tests on a real terminal run it as a real process on a pseudo-terminal."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
import unicodedata

import pendulum
import pytest

FRIDAY = "2026-11-27T10:00:00+00:00"  # Fri 27 Nov 2026, 10:00 in Lisbon (the suite's zone)


@pytest.fixture
def run(cli):
    """coachlog in-process, on Friday 27 Nov 10:00 Lisbon, with Ana Lima as a client."""

    def go(*args: str, env: dict[str, str] | None = None):
        return cli(*args, env={"COACHLOG_NOW": FRIDAY, **(env or {})})

    assert go("client", "add", "Ana Lima", "--pronouns", "she/her").code == 0
    return go


# ------------------------------------------------------------------ dates about the past


def test_a_bare_weekday_at_session_new_is_the_last_one_and_shows_everywhere(run):
    r = run("session", "new", "ana", "--at", "mon 10:00", "--notes", "x")
    assert r.code == 0, r.err
    assert "recorded: Mon 23 Nov 10:00" in r.out and '(from "mon 10:00")' in r.out
    assert r.err == ""
    assert run("session", "list", "--json").json[0]["held_at"] == "2026-11-23T10:00:00+00:00"
    assert "Mon 23 Nov 10:00" in run("prep", "ana").out
    assert "4 days ago" in run("dashboard", env={"COLUMNS": "140"}).out
    # "last mon" is always before today; on a Monday a bare "mon" is today.
    r = run("session", "new", "ana", "--at", "last mon", "--notes", "y", "--json")
    assert r.json["held_at"] == "2026-11-23T00:00:00+00:00"
    monday = {"COACHLOG_NOW": "2026-11-23T12:00:00+00:00"}
    r = run("session", "new", "ana", "--at", "mon 9:00", "--notes", "z", "--json", env=monday)
    assert r.json["held_at"] == "2026-11-23T09:00:00+00:00"
    r = run("session", "new", "ana", "--at", "last mon", "--notes", "z", "--json", env=monday)
    assert r.json["held_at"] == "2026-11-16T00:00:00+00:00"


def test_a_session_ahead_is_refused_naming_the_date_read(run):
    for at, shown in (("today 15:00", "Fri 27 Nov 15:00"), ("next mon", "Mon 30 Nov 00:00")):
        r = run("session", "new", "ana", "--at", at, "--notes", "x")
        assert r.code == 1, r.out
        assert f"'{at}' reads as {shown}, which is still ahead" in r.err
        assert "records sessions that have happened" in r.err
    assert run("session", "new", "ana", "--at", "+9min", "--notes", "a clock a bit fast").code == 0
    assert len(run("session", "list", "--json").json) == 1
    r = run("pitstop", "ana", "--working", "x", "--at", "tomorrow")
    assert r.code == 1 and "still ahead" in r.err


def test_keep_before_the_promise_was_made_is_refused(run):
    assert run("promises", "add", "ana", "Send the article @ fri 18:00").code == 0
    r = run("promises", "keep", "1", "--at", "1 week ago")
    assert r.code == 1
    assert "Promise #1 was made Fri 27 Nov 10:00; it cannot have been kept before that" in r.err
    assert run("promises", "list", "--json").json[0]["status"] == "open"
    # A bare weekday there is the last one: on Saturday, "fri" is yesterday.
    later = {"COACHLOG_NOW": "2026-11-28T10:00:00+00:00"}
    r = run("promises", "keep", "1", "--at", "fri 11:00", env=later)
    assert r.code == 0, r.err
    assert "kept 27 Nov, on time" in r.out and '(from "fri 11:00")' in r.out


def test_a_due_date_already_past_is_taken_with_a_warning(run):
    r = run("promises", "add", "ana", "Call back @ yesterday")
    assert r.code == 0
    assert "#1's due date is already past (overdue by 10 hours)" in r.err
    r = run("promises", "move", "1", "--due", "last mon")
    assert r.code == 0 and "already past (overdue by 3 days)" in r.err
    r = run("promises", "move", "1", "--due", "mon")  # elsewhere a weekday is the next one
    assert r.code == 0 and r.err == "" and "due Mon 30 Nov" in r.out


def test_new_forms_and_the_m_trap(run):
    r = run("agreement", "new", "ana", "--goals", "g", "--review-on", "+3m")
    assert r.code == 2 and "3min for minutes or 3mo for months" in r.err
    assert run("agreement", "list", "ana", "--json").json == []
    r = run("agreement", "new", "ana", "--goals", "g", "--review-on", "+3mo")
    assert r.code == 0 and 'review on 2027-02-27  (from "+3mo")' in r.out
    for when, due in (
        ("next month", "2026-12-01T23:59:59+00:00"),
        ("in 3 months", "2027-02-27T23:59:59+00:00"),
        ("4 Dec", "2026-12-04T23:59:59+00:00"),
        ("Dec 4", "2026-12-04T23:59:59+00:00"),
        ("4 Dec 2027", "2027-12-04T23:59:59+00:00"),
        ("tomorrow noon", "2026-11-28T12:00:00+00:00"),
        ("next tuesday", "2026-12-01T23:59:59+00:00"),
    ):
        r = run("promises", "add", "ana", f"x @ {when}", "--json")
        assert r.code == 0, (when, r.err)
        assert r.json["due_at"] == due, when
    r = run("session", "new", "ana", "--at", "3 months ago", "--notes", "x", "--json")
    assert r.json["held_at"] == "2026-08-26T23:00:00+00:00"  # 00:00 on 27 Aug, summer time
    r = run("promises", "add", "ana", "x @ +100000d")
    assert r.code == 2 and "out of range (it reads as 12 Sep 2300)" in r.err
    r = run("session", "new", "ana", "--at", "0001-01-01", "--notes", "x")
    assert r.code == 2 and "out of range" in r.err and "1900 to 2199" in r.err


def test_dates_in_words_are_echoed_by_listings_too(run):
    run("session", "new", "ana", "--at", "mon 10:00", "--notes", "x")
    r = run("session", "list", "--since", "last mon", "--json")
    assert len(r.json) == 1
    assert '--since "last mon" read as Mon 23 Nov 00:00' in r.err
    r = run("export", "ana", "--format", "json", "--since", "mon", "--until", "sun")
    assert r.code == 0, r.err
    assert '--since "mon" read as Mon 23 Nov 00:00' in r.err
    assert '--until "sun" read as Sun 29 Nov' in r.err


# -------------------------------------------------------- records at the calendar's ends


@pytest.fixture
def extreme(run, store):
    """Sessions and promises stored with the first and last instants a datetime holds (as
    an import or an older coachlog could leave them); the input rules refuse these now."""
    from datetime import UTC, datetime

    from sqlmodel import select

    from coachlog.models import Client, CoachingSession, Promise

    first = datetime(1, 1, 1, 0, 0, tzinfo=UTC)
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    with store.write() as db:
        ana = db.exec(select(Client)).first()
        for at in (first, last):
            stamps = {"created_at": at, "updated_at": at}
            s = CoachingSession(
                client_id=ana.id, held_at=at, minutes=60, kind="regular", notes="edge",
                themes=["edge"], **stamps,
            )  # fmt: skip
            db.add(s)
            db.flush()
            db.add(
                Promise(
                    client_id=ana.id, session_id=s.id, owner="coach", text="edge",
                    made_at=at, due_at=at, status="open", **stamps,
                )
            )  # fmt: skip
    return run


SCREENS = [
    ("client", "show", "ana"),
    ("client", "show", "ana", "--json"),
    ("session", "list"),
    ("session", "show", "1"),
    ("session", "show", "2"),
    ("prep", "ana"),
    ("trust", "ana"),
    ("trust",),
    ("dashboard",),
    ("dashboard", "--json"),
    ("promises", "due"),
    ("promises", "list"),
    ("search", "edge"),
    ("export", "ana"),
    ("export", "ana", "--format", "json"),
    ("export", "ana", "--format", "ics"),
]


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati", "UTC"])
def test_records_at_the_calendars_ends_never_crash_a_screen(extreme, zone):
    for args in SCREENS:
        r = extreme("--tz", zone, *args)
        assert r.code == 0, (zone, args, r.err)
        assert "unexpected problem" not in r.err


# ------------------------------------------------------------------------------- names


def test_names_are_found_without_case_or_accents_and_stored_in_nfc(run):
    for name in ("José Rocha", "Łukasz Nowak", "Zoë Martin", "Siobhán Kelly"):
        assert run("client", "add", name).code == 0
    for ref, name in (
        ("jose", "José Rocha"),
        ("JOSE ROCHA", "José Rocha"),
        ("lukasz", "Łukasz Nowak"),
        ("luk", "Łukasz Nowak"),
        ("zoe", "Zoë Martin"),
        ("siobhan", "Siobhán Kelly"),
    ):
        r = run("client", "show", ref, "--json")
        assert r.code == 0, (ref, r.err)
        assert r.json["name"] == name
    nfd = unicodedata.normalize("NFD", "Zoë Martin")
    assert nfd != "Zoë Martin"
    r = run("client", "add", nfd)
    assert r.code == 1 and "already a client named 'Zoë Martin'" in r.err
    assert run("client", "show", unicodedata.normalize("NFD", "zoë"), "--json").code == 0
    r = run("client", "add", unicodedata.normalize("NFD", "Inês Sá"), "--json")
    assert r.json["name"] == unicodedata.normalize("NFC", "Inês Sá")
    r = run("client", "show", "rocha")
    assert r.code == 1 and "Did you mean 'José Rocha'?" in r.err
    r = run("prep", "jsoe")
    assert r.code == 1 and "Did you mean 'José Rocha'?" in r.err
    # the fast read path finds the same client
    run("promises", "add", "jose", "Send it @ +2d")
    r = run("promises", "due", "--client", "jose", "--json")
    assert [p["client"] for p in r.json] == ["José Rocha"]


def test_names_stored_in_nfd_by_an_older_coachlog_are_found(run, store):
    from sqlmodel import select

    from coachlog.models import Client

    with store.write() as db:
        c = db.exec(select(Client)).first()
        c.name = unicodedata.normalize("NFD", "Zoë Ana")
    assert run("client", "show", "zoe", "--json").json["id"] == 1
    assert run("client", "show", "Zoë Ana", "--json").json["id"] == 1
    r = run("client", "add", "Zoë Ana")
    assert r.code == 1 and "already a client" in r.err


# --------------------------------------------------------------------- words and widths


def test_plurals_spans_and_pronouns(run):
    run("session", "new", "ana", "--at", "-2h", "--notes", "x", "--reflection", "r")
    run("promises", "add", "ana", "x @ now")
    r = run("promises", "due", "--within", "1min")
    assert r.out.startswith("1 promise due within 1 minute\n"), r.out
    r = run("promises", "due", "--within", "30m")
    assert r.code == 2 and "30min" in r.err
    trust = re.sub(r"\s+", " ", run("trust", "ana").out)
    assert "1 session so far (judged from 3)" in trust
    assert "a reflection on the one session so far" in trust
    assert "could she see that it did?" in trust
    assert "what progress means to her" in trust
    assert " they " not in trust


def test_trust_check_4_words_a_lateness_as_promises_due_does(run):
    run("promises", "add", "ana", "Send it @ today 9:00")
    later = {"COACHLOG_NOW": "2026-11-27T22:00:00+00:00"}
    assert "overdue by 13 hours" in run("promises", "due", env=later).out
    check = next(c for c in run("trust", "ana", "--json", env=later).json["checks"] if c["id"] == 4)
    assert check["evidence"] == "#1 is overdue by 13 hours"


def test_yesterday_evening_is_yesterday_the_next_morning(run):
    evening = {"COACHLOG_NOW": "2026-11-27T21:00:00+00:00"}
    assert (
        run("session", "new", "ana", "--at", "today 20:00", "--notes", "x", env=evening).code == 0
    )
    morning = {"COACHLOG_NOW": "2026-11-28T09:00:00+00:00"}
    assert "yesterday" in run("dashboard", env={**morning, "COLUMNS": "80"}).out
    assert "yesterday" in run("dashboard", env={**morning, "COLUMNS": "140"}).out
    assert "(yesterday)" in run("prep", "ana", env=morning).out


def test_bad_option_values_are_usage_errors(run):
    for args in (
        ("promises", "due", "--within", "banana"),
        ("promises", "list", "--status", "maybe"),
        ("session", "list", "--kind", "nap"),
        ("session", "new", "ana", "--notes", "x", "--at", "blursday"),
        ("session", "new", "ana", "--notes", "x", "--promise", "x @ blursday"),
        ("client", "add", "Bo", "--status", "maybe"),
        ("export", "ana", "--format", "pdf"),
    ):
        r = run(*args)
        assert r.code == 2, (args, r.code, r.err)
        assert "Traceback" not in r.err


def test_templates_fit_80_columns(now):
    from coachlog.services import agreement_template, pitstops, session_template

    texts = [
        session_template.render(
            "Ana Lima", {"held_at": now, "minutes": 60}, tz="Europe/Lisbon", now=now
        ).text,
        agreement_template.render("Ana Lima", 2, {}),
        pitstops.template("Ana Lima", "Sun 22 Nov 10:00", {}),
    ]
    for text in texts:
        assert max(len(line) for line in text.splitlines()) <= 80, text


# ---------------------------------------------------------------- on a real terminal


class Terminal:
    """coachlog on a pseudo-terminal of 80 columns."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coachlog", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.fd = master
        self.raw = b""

    @property
    def screen(self) -> str:
        text = self.raw.decode("utf-8", "replace")
        return re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[=>]|\x1b\][^\x07]*\x07|\r", "", text)

    def read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        self.raw += data
        return bool(data)

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            if time.monotonic() > deadline or (not self.read(0.3) and self.proc.poll() is not None):
                raise AssertionError(f"never saw {text!r}; the screen was:\n{self.screen}")

    def line(self, text: str) -> None:
        os.write(self.fd, (text + "\r").encode())

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.read(0.2)
        while self.read(0.1):
            pass
        os.close(self.fd)
        if self.proc.poll() is None:
            self.proc.kill()
            raise AssertionError(f"still running; the screen was:\n{self.screen}")
        return self.proc.returncode


@pytest.fixture
def term(db_url):
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        env = {
            **os.environ,
            "COACHLOG_DB": db_url,
            "COACHLOG_NOW": FRIDAY,
            "TERM": "xterm",
            "COLUMNS": "80",
        }
        t = Terminal(list(args), env)
        started.append(t)
        return t

    yield start
    for t in started:
        if t.proc.poll() is None:
            t.proc.kill()
            t.proc.wait()


def test_wed_at_the_when_question_is_the_past_wednesday_and_is_echoed(run, term):
    t = term("session", "new", "ana", "--minutes", "45", "--kind", "regular", "--theme", "a",
             "--trust", "3", "--reflection", "r", "--promise", "Call @ +2d",
             "--commitment", "Try @ +3d")  # fmt: skip
    t.expect("[now]: ")
    t.line("wed 18:00")
    t.expect("Wed 25 Nov 18:00")
    t.expect("> ")
    t.line("Notes")
    t.line("")
    assert t.finish() == 0, t.screen
    held = run("session", "list", "--json").json[0]["held_at"]
    assert held == "2026-11-25T18:00:00+00:00"


def test_at_80_columns_nothing_is_cut_and_no_line_breaks_inside_parentheses(run, term):
    name = "Maria Fernanda de Albuquerque Sousa"
    run("client", "add", name)
    t = term("session", "new", "maria", "--at", "mon 10:00", "--notes", "x", "--trust", "4",
             "--promise", "Send the article on delegation @ next month")  # fmt: skip
    assert t.finish() == 0, t.screen
    lines = t.screen.splitlines()
    assert all(len(line) <= 80 for line in lines), t.screen
    for line in lines:  # every parenthesis closes on the line it opens
        assert line.count("(") == line.count(")"), t.screen
    assert any('(from "mon 10:00")' in line for line in lines), t.screen
    assert any('(from "next month")' in line for line in lines), t.screen
    t = term("session", "show", "1")
    assert t.finish() == 0
    screen = t.screen
    assert f"Session #1 with {name}" in screen
    assert "Mon 23 Nov 10:00, 60 min, regular, trust 4/5" in screen


def test_now_is_pinned_to_a_friday():
    assert pendulum.parse(FRIDAY).day_of_week == pendulum.FRIDAY
