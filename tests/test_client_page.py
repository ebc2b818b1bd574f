"""`coachlog client show CLIENT`: the client's page."""

from __future__ import annotations

from support import PINNED
from support.records import DAY, NOW, make_agreement, make_client, make_promise, make_session


def test_page_sections(store, cli):
    with store.write() as db:
        ana = make_client(db, "Ana Lima", pronouns="she/her", sponsor="Acme")
        make_agreement(db, ana, cadence_days=14, sponsor_reporting=None)
        for n, day in enumerate((70, 56, 42, 28, 14, 3)):
            make_session(
                db, ana, NOW - day * DAY, kind="pitstop" if n == 3 else "regular", trust_pulse=4
            )
        make_session(db, ana, NOW + 3 * DAY)  # planned, not held: not on the page
        make_promise(db, ana, text="Send the reading list", due=NOW - 2 * DAY)
        make_promise(db, ana, owner="client", text="Ask for feedback", due=NOW + 2 * DAY)
        make_promise(db, ana, text="Old and kept", status="kept", closed=NOW - 9 * DAY)
    r = cli("client", "show", "ana", env=PINNED)
    assert r.code == 0, r.err
    out = r.out
    assert "Ana Lima (she/her)  #1" in out and "Sponsor" in out
    assert (
        "Agreement    v1 active since 5 Jan · review 5 Jan 2027 · every 14 days · to attend "
        "to: sponsor reporting"
    ) in " ".join(line.strip() for line in out.splitlines())
    assert "Trust        " in out and "checks pass" in out
    assert "Trust pulse  ▆▆▆▆▆▆  4 of 5 last time, steady" in out
    # 8 weeks after the last pit-stop comes before 4 more sessions at 14 days
    assert "Pit-stop     after 4 more regular sessions or by 20 Dec  (last 25 Oct)" in out
    assert "Recent sessions · 6 in all" in out
    recent = [line for line in out.splitlines() if line.lstrip().startswith("#") and "/5" in line]
    assert len(recent) == 5 and "Thu 19 Nov" in recent[0] and "pit-stop" in recent[2]
    assert "mine    #1  Send the reading list  overdue by 2 days" in out
    assert "theirs  #2  Ask for feedback       due Tue 24 Nov 10:00" in out
    assert "Old and kept" not in out


def test_page_of_a_new_client(cli):
    cli("client", "add", "Bea Costa")
    r = cli("client", "show", "bea", env=PINNED)
    assert r.code == 0, r.err
    assert "Agreement    none yet: coachlog agreement new 1 --edit" in r.out
    assert "none yet: coachlog session new 1" in r.out
    assert "Trust pulse  no trust pulse recorded yet" in r.out


def test_json_is_the_client_record_plus_figures(store, cli):
    with store.write() as db:
        ana = make_client(db, "Ana Lima")
        make_agreement(db, ana)
        make_session(db, ana, NOW - 3 * DAY)
        make_promise(db, ana)
    data = cli("client", "show", "ana", "--json", env=PINNED).json
    assert list(data) == [
        "id",
        "uid",
        "name",
        "email",
        "phone",
        "pronouns",
        "timezone",
        "status",
        "started_on",
        "ended_on",
        "preferred_channel",
        "communication_style",
        "context",
        "sponsor",
        "pitstop_every_sessions",
        "pitstop_every_weeks",
        "payment",
        "icf_consent",
        "icf_consent_note",
        "created_at",
        "updated_at",
        "sessions",
        "last_session_at",
        "agreement_version",
        "open_promises",
        "trust_score",
        "pitstop_due",
    ]
    assert (data["sessions"], data["agreement_version"], data["open_promises"]) == (1, 1, 1)
    assert data["last_session_at"] == "2026-11-19T10:00:00+00:00"
    assert data["trust_score"] == "5/7" and data["pitstop_due"] is False
