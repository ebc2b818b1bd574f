"""The trust checklist (SPEC §5): every check on both sides of its threshold, with a fixed
`now` (Sunday 2026-11-22 10:00 UTC; the coach is in Europe/Lisbon, UTC+0 in November).
The records are built straight from the models by `support.records`."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rich.cells import cell_len
from sqlmodel import select

from coachlog.domain import trust
from coachlog.models import Agreement, CoachingSession, Promise
from coachlog.queries.db import on_session
from coachlog.queries.overview import evaluate_many
from coachlog.render.shapes import trust_report
from coachlog.services.trust import evaluate
from support.records import (
    DAY,
    NOW,  # the `now` fixture: a Sunday
    SECOND,
    TZ,
    make_agreement,
    make_client,
    make_promise,
    make_session,
)


def check(store: Any, client: Any, number: int, now: Any = NOW) -> trust.Check:
    with store.read() as db:
        report = evaluate(db, client, now=now, tz=TZ)
    return report.checks[number - 1]


@pytest.fixture
def ana(store):
    with store.write() as db:
        return make_client(db)


# ------------------------------------------------------------------ 1 designed alliance


def test_1_designed_alliance(store, ana):
    c = check(store, ana, 1)
    assert (c.status, c.evidence) == ("fail", "no agreement recorded")
    assert c.advice.endswith("coachlog agreement new 1 --edit")
    with store.write() as db:
        a = make_agreement(db, ana, fees=None, conflicts_of_interest="  ")
    c = check(store, ana, 1)
    assert (c.status, c.evidence) == ("fail", "v1 is missing fees, conflicts of interest")
    with store.write() as db:
        a = db.get(Agreement, a.id)
        a.fees, a.conflicts_of_interest = "€150", "none"  # 'none' is an answer
    c = check(store, ana, 1)
    assert (c.status, c.evidence, c.advice) == ("pass", "v1 has all 8 elements", None)
    with store.write() as db:
        db.get(Agreement, a.id).status = "ended"
    c = check(store, ana, 1)
    assert (c.status, c.evidence) == ("fail", "no active agreement (latest is v1, ended)")


# ---------------------------------------------------------------- 2 alliance kept current


def test_2_review_date_today_passes_yesterday_fails(store, ana):
    assert check(store, ana, 2).status == "n/a"  # check 1 already fails; no double count
    with store.write() as db:
        a = make_agreement(db, ana, review_on=date(2026, 11, 22))
    c = check(store, ana, 2)
    assert (c.status, c.evidence) == ("pass", "v1 review on 2026-11-22 (today)")
    with store.write() as db:
        db.get(Agreement, a.id).review_on = date(2026, 11, 21)
    c = check(store, ana, 2)
    assert (c.status, c.evidence) == ("fail", "review was due 2026-11-21, 1 day ago")
    assert c.advice.startswith("Review the agreement together")
    with store.write() as db:
        db.get(Agreement, a.id).review_on = None
    c = check(store, ana, 2)
    assert (c.status, c.evidence) == ("fail", "v1 has no review date")


def test_2_today_is_the_coachs_day_not_utc(store, ana):
    late_evening = NOW.replace(hour=23, minute=30)  # still the 22nd in Lisbon
    with store.write() as db:
        make_agreement(db, ana, review_on=date(2026, 11, 22))
    assert check(store, ana, 2, now=late_evening).status == "pass"
    with store.read() as db:
        tokyo = evaluate(db, ana, now=late_evening, tz="Asia/Tokyo").checks[1]
    assert tokyo.status == "fail"  # already the 23rd in Tokyo


# ------------------------------------------------------------------- 3 engagement first


def test_3_engagement_first(store, ana):
    assert check(store, ana, 3).status == "n/a"
    with store.write() as db:
        s = make_session(db, ana, NOW - 30 * DAY, kind="engagement")
        make_session(db, ana, NOW - 10 * DAY)
    c = check(store, ana, 3)
    assert (c.status, c.evidence) == ("pass", "first session 2026-10-23 was an engagement session")
    with store.write() as db:
        db.get(CoachingSession, s.id).kind = "regular"
        a = make_agreement(db, ana, starts_on=date(2026, 10, 23))  # the same day: before it
    c = check(store, ana, 3)
    assert c.status == "pass"
    assert c.evidence == "agreement v1 began 2026-10-23, before the first session 2026-10-23"
    with store.write() as db:
        db.get(Agreement, a.id).starts_on = date(2026, 10, 24)
    c = check(store, ana, 3)
    assert c.status == "fail"
    assert c.evidence == "first session 2026-10-23 was regular; agreement v1 began 2026-10-24"


# ------------------------------------------------------------------- 4 honor your word


def test_4_due_now_is_not_past_due_a_second_later_is(store, ana):
    assert check(store, ana, 4).evidence == "none of your promises is open"
    with store.write() as db:
        p = make_promise(db, ana, due=NOW)
        make_promise(db, ana, owner="client", due=NOW - 30 * DAY)  # theirs: not this check
    c = check(store, ana, 4)
    assert (c.status, c.evidence) == ("pass", "1 open, none overdue")
    with store.write() as db:
        db.get(Promise, p.id).due_at = NOW - SECOND
    c = check(store, ana, 4)
    # in the words `promises due` uses for the same promise
    assert (c.status, c.evidence) == ("fail", f"#{p.id} is overdue by 1 minute")
    assert c.advice == (
        f"Keep #{p.id} today, or move it openly with the client before the next session."
    )
    with store.write() as db:
        q = make_promise(db, ana, due=NOW - 16 * DAY)
    c = check(store, ana, 4)
    assert c.evidence == f"2 overdue: #{q.id}, #{p.id} (the oldest by 16 days)"


# ------------------------------------------------------------------ 5 reliability record


def _closed(db, client, n, *, on_time=True, status="kept", days_ago=10):
    for _ in range(n):
        due = NOW - days_ago * DAY
        closed = due if on_time else due + SECOND  # closed_at == due_at is on time
        make_promise(db, client, due=due, status=status, closed=closed, repair="sorry")


def test_5_ninety_percent_passes_less_fails(store, ana):
    with store.write() as db:
        _closed(db, ana, 2)
    c = check(store, ana, 5)
    assert (c.status, c.evidence) == ("n/a", "2 of your promises closed in 90 days (needs 3)")
    with store.write() as db:
        _closed(db, ana, 7)
        _closed(db, ana, 1, status="broken")
        _closed(db, ana, 2, status="released")  # ended by agreement: not counted
        _closed(db, ana, 1, on_time=False, days_ago=91)  # outside the window
    c = check(store, ana, 5)
    assert (c.status, c.evidence) == ("pass", "9 of 10 kept on time in 90 days (90%)")
    with store.write() as db:
        _closed(db, ana, 1, on_time=False)  # kept, a second late
    c = check(store, ana, 5)
    assert (c.status, c.evidence) == ("fail", "9 of 11 kept on time in 90 days (82%)")
    assert c.advice.startswith("Promise less")


def test_5_window_is_ninety_days_by_closing_time(store, ana):
    with store.write() as db:
        for _ in range(3):
            due = NOW - 100 * DAY
            make_promise(db, ana, due=due, status="kept", closed=NOW - 90 * DAY)
    assert check(store, ana, 5).evidence.startswith("0 of 3 kept on time")
    with store.write() as db:
        for p in db.exec(select(Promise)).all():
            p.closed_at = NOW - 90 * DAY - SECOND
    assert check(store, ana, 5).status == "n/a"


# -------------------------------------------------------------------------- 6 repair


def test_6_every_broken_promise_has_a_repair(store, ana):
    c = check(store, ana, 6)
    assert (c.status, c.evidence) == ("n/a", "none of your promises was broken")
    with store.write() as db:
        make_promise(db, ana, status="broken", closed=NOW - DAY, repair="Sent it; apologised")
        make_promise(db, ana, owner="client", status="broken", closed=NOW - DAY)
    c = check(store, ana, 6)
    assert (c.status, c.evidence) == ("pass", "the 1 broken promise has a repair")
    with store.write() as db:
        p = make_promise(db, ana, status="broken", closed=NOW - DAY, repair="   ")
    c = check(store, ana, 6)
    assert (c.status, c.evidence) == ("fail", f"1 of 2 broken without a repair: #{p.id}")
    assert c.advice.startswith(f"Write down how you will make #{p.id} right")


# ------------------------------------------------------------------------ 7 pit-stops


def test_7_needs_three_sessions(store, ana):
    with store.write() as db:
        make_session(db, ana, NOW - 20 * DAY)
        make_session(db, ana, NOW - 10 * DAY)
    c = check(store, ana, 7)
    assert (c.status, c.evidence) == ("n/a", "2 sessions so far (judged from 3)")
    with store.write() as db:
        make_session(db, ana, NOW - DAY)
    c = check(store, ana, 7)
    assert c.status == "pass"
    assert c.evidence == (
        "none yet; 3 regular sessions since 2026-11-02 (rule: 6 sessions or 8 weeks)"
    )


def test_7_six_regular_sessions_after_the_last_pitstop_make_it_due(store, ana):
    with store.write() as db:
        make_session(db, ana, NOW - 40 * DAY, kind="pitstop")
        make_session(db, ana, NOW - 35 * DAY, kind="closing")  # only regular ones count
        for day in (30, 25, 20, 15, 10):
            make_session(db, ana, NOW - day * DAY)
    c = check(store, ana, 7)
    assert c.status == "pass"
    assert c.evidence.startswith("last 2026-10-13, 5 weeks ago, 5 regular sessions since")
    with store.write() as db:
        make_session(db, ana, NOW - 5 * DAY)
        make_session(db, ana, NOW + DAY)  # not held yet: does not count
    c = check(store, ana, 7)
    assert (c.status, c.advice) == (
        "fail",
        "Make room for a pit-stop at the next session: coachlog pitstop 1",
    )


def test_7_eight_weeks_after_the_last_pitstop_make_it_due(store, ana):
    with store.write() as db:
        make_session(db, ana, NOW - 8 * 7 * DAY + SECOND, kind="pitstop")
        make_session(db, ana, NOW - 20 * DAY)
        make_session(db, ana, NOW - 10 * DAY)
    assert check(store, ana, 7).status == "pass"
    assert check(store, ana, 7, now=NOW + SECOND).status == "fail"


def test_7_per_client_rhythm(store):
    with store.write() as db:
        bea = make_client(db, "Bea", pitstop_every_sessions=3, pitstop_every_weeks=4)
        for day in (20, 15, 10):
            make_session(db, bea, NOW - day * DAY)
    c = check(store, bea, 7)
    assert c.status == "fail" and "(rule: 3 sessions or 4 weeks)" in c.evidence


# ------------------------------------------------------------------- 8 accountability


def test_8_seven_days_late_passes_a_second_more_fails(store, ana):
    with store.write() as db:
        p = make_promise(db, ana, owner="client", due=NOW - 7 * DAY)
        make_promise(db, ana, owner="coach", due=NOW - 30 * DAY)  # mine: check 4's business
    c = check(store, ana, 8)
    assert (c.status, c.evidence) == ("pass", "1 of theirs open, none over 7 days late")
    with store.write() as db:
        db.get(Promise, p.id).due_at = NOW - 7 * DAY - SECOND
    c = check(store, ana, 8)
    assert (c.status, c.evidence) == ("fail", f"#{p.id} is overdue by 7 days")
    assert c.advice.startswith(f"Ask about #{p.id} at the next session")


# ---------------------------------------------------------------------- 9 consistency


def test_9_gap_of_twice_the_cadence_passes_one_day_more_fails(store, ana):
    with store.write() as db:
        make_session(db, ana, NOW - 40 * DAY)
    assert check(store, ana, 9).evidence == "no agreed cadence"
    with store.write() as db:
        a = make_agreement(db, ana, cadence_days=14)
    assert check(store, ana, 9).evidence == "cadence 14 days; fewer than 2 sessions"
    with store.write() as db:
        s = make_session(db, ana, NOW - 12 * DAY)  # 28 days later: exactly twice
    c = check(store, ana, 9)
    assert c.status == "pass"
    assert c.evidence == "cadence 14 days; longest gap 28 days in the last 2 sessions"
    with store.write() as db:
        db.get(CoachingSession, s.id).held_at = NOW - 11 * DAY
    c = check(store, ana, 9)
    assert (c.status, c.evidence) == (
        "fail",
        "cadence 14 days; a gap of 29 days, 2026-10-13 to 2026-11-11",
    )
    with store.write() as db:
        db.get(Agreement, a.id).cadence_days = 15
    assert check(store, ana, 9).status == "pass"


def test_9_only_the_last_ten_sessions_count(store, ana):
    with store.write() as db:
        make_agreement(db, ana, cadence_days=7)
        make_session(db, ana, NOW - 200 * DAY)  # a long break, eleven sessions ago
        for n in range(10):
            make_session(db, ana, NOW - (70 - 7 * n) * DAY)
    c = check(store, ana, 9)
    assert c.status == "pass" and "longest gap 7 days in the last 10" in c.evidence


# --------------------------------------------------------------- 10 knowing the person


def test_10_style_or_context(store):
    with store.write() as db:
        none = make_client(db, "None Known")
        style = make_client(db, "Style Only", communication_style="thinks aloud")
        ctx = make_client(db, "Context Only", context="Portuguese at home")
    c = check(store, none, 10)
    assert (c.status, c.evidence) == ("fail", "neither communication style nor context recorded")
    assert "coachlog client edit" in c.advice
    assert check(store, style, 10).evidence == "communication style recorded"
    assert check(store, ctx, 10).evidence == "context recorded"


# ---------------------------------------------------------------- 11 continual learning


def test_11_half_of_the_last_ten(store, ana):
    assert check(store, ana, 11).status == "n/a"
    with store.write() as db:
        make_session(db, ana, NOW - 100 * DAY, reflection="old: does not count")
        rows = [make_session(db, ana, NOW - (50 - n) * DAY) for n in range(10)]
        for s in rows[:4]:
            s.reflection = "I rushed the silence"
    c = check(store, ana, 11)
    assert (c.status, c.evidence) == ("fail", "reflections on 4 of the last 10 sessions")
    with store.write() as db:
        db.get(CoachingSession, rows[9].id).reflection = "Followed rather than led"
    c = check(store, ana, 11)
    assert (c.status, c.evidence) == ("pass", "reflections on 5 of the last 10 sessions")
    with store.write() as db:
        db.get(CoachingSession, rows[9].id).reflection = "   "  # blank is not a reflection
    assert check(store, ana, 11).status == "fail"


# ------------------------------------------------------------------- score and shapes


def test_score_counts_passed_of_applicable(store, ana):
    with store.read() as db:
        report = evaluate(db, ana, now=NOW, tz=TZ)
    statuses = [c.status for c in report.checks]
    # nothing recorded: alliance and knowing-the-person fail; honour and accountability
    # pass (nothing overdue); the rest cannot judge yet
    assert statuses == [
        *("fail", "n/a", "n/a", "pass", "n/a", "n/a"),
        *("n/a", "pass", "n/a", "fail", "n/a"),
    ]
    assert (report.passed, report.applicable, report.score) == (2, 4, "2/4")
    shaped = trust_report(report)
    assert list(shaped) == ["client", "score", "checks"]
    assert list(shaped["checks"][0]) == ["id", "name", "status", "evidence", "advice"]
    assert [c["id"] for c in shaped["checks"]] == list(range(1, 12))
    assert [c["name"] for c in shaped["checks"]][:3] == [
        "Designed alliance",
        "Alliance kept current",
        "Engagement first",
    ]


def test_questions_are_ours_and_cite_their_strategy(store, ana):
    with store.read() as db:
        report = evaluate(db, ana, now=NOW, tz=TZ)
    assert [q.strategy for q in report.questions] == [
        "Listening",
        "Empathy",
        "Authenticity",
        "Curiosity without judgment",
        "Inclusivity",
        "Steadiness in setbacks",
    ]
    assert all(q.source.startswith(("000 §", "002 §")) for q in report.questions)
    assert "Ana" in trust.question_text(report.questions[0], ana)


def test_evaluate_many_agrees_with_evaluate(store):
    with store.write() as db:
        a = make_client(db, "Ana", context="x")
        b = make_client(db, "Bea")
        make_agreement(db, a, cadence_days=14)
        for day in (40, 30, 3):
            make_session(db, a, NOW - day * DAY, reflection="r")
            make_session(db, b, NOW - day * DAY)
        make_promise(db, b, due=NOW - 2 * DAY)
    with store.read() as db:
        many = evaluate_many(on_session(db), [a, b], now=NOW, tz=TZ)
        one = [evaluate(db, c, now=NOW, tz=TZ) for c in (a, b)]
    assert [trust_report(r) for r in many] == [trust_report(r) for r in one]


# ------------------------------------------------------------------------- the command


def test_trust_command_checklist_and_json(cli):
    cli("client", "add", "Ana Lima", "--style", "thinks aloud")
    r = cli("trust", "ana")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("Trust · Ana Lima  #1") and "3/4 pass" in lines[0]
    assert any(line.startswith("✗  1 Designed alliance") for line in lines)
    assert any("→ Complete the agreement together" in line for line in lines)
    assert any(line.startswith("–  5 Reliability record") for line in lines)
    assert "What the records cannot judge" in r.out and "Inclusivity:" in r.out
    data = cli("trust", "ana", "--json").json
    assert (data["client"], data["score"]) == ("Ana Lima", "3/4")
    assert data["checks"][9] == {
        "id": 10,
        "name": "Knowing the person",
        "status": "pass",
        "evidence": "communication style recorded",
        "advice": None,
    }


def test_trust_without_client_is_a_matrix_of_active_clients(cli):
    cli("client", "add", "Ana Lima", "--context", "x")
    cli("client", "add", "Bea Costa")
    cli("client", "add", "Carla Old", "--status", "closed")
    r = cli("trust")
    assert r.code == 0, r.err
    rows = [line for line in r.out.splitlines() if line.startswith(("Ana", "Bea", "Carla"))]
    # the lowest share of passing checks first
    assert [row.split()[0] for row in rows] == ["Bea", "Ana"]
    assert rows[0].split()[-1] == "2/4" and rows[1].split()[-1] == "3/4"
    assert "1 Designed alliance · 2 Alliance kept current" in r.out
    data = cli("trust", "--json").json
    assert [d["client"] for d in data] == ["Ana Lima", "Bea Costa"]
    assert all(list(d) == ["client", "score", "checks"] for d in data)
    assert cli("trust", "nobody").code == 1


def test_trust_on_an_empty_store_is_calm(cli):
    cli("init")  # a reading command never creates the store (SPEC §2a)
    r = cli("trust")
    assert r.code == 0 and "No active clients" in r.out
    assert cli("trust", "--json").json == []


def test_the_matrix_on_a_narrow_terminal_shortens_names_not_columns(cli):
    cli("client", "add", "Maximiliana Bartholomew-Okonkwo")
    cli("client", "add", "李娜")
    wide = cli("trust", env={"COLUMNS": "100"}).out.splitlines()
    assert wide[1].split() == ["client", *map(str, range(1, 12)), "score"]
    assert wide[2] == "─" * len(wide[1])  # the rule under the header, as wide as the table
    assert any(line.startswith("Maximiliana Bartholomew-Okonk… ") for line in wide)  # 30 wide
    narrow = cli("trust", env={"COLUMNS": "40"}).out.splitlines()
    cjk = next(line for line in narrow if line.startswith("李娜"))
    other = next(line for line in narrow if line.startswith("Maxim"))
    assert other.startswith("Maximilia… ") and other.endswith("/4") and len(other) <= 40
    # 李娜 takes four cells of the name column: its marks stay under the others'
    assert cell_len(cjk) == cell_len(other) and cjk.endswith("/4")
