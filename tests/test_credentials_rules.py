"""The ICF rules of domain/credentials.py with plain objects and a fixed day: each
threshold tried on both of its sides (SPEC §9, docs/credentials.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from coachlog.domain import credentials as cr
from coachlog.errors import InvalidInput

TODAY = date(2026, 11, 22)


def client(id: int, name: str, *, payment="paid", consent="yes", email=None, phone=None):
    return cr.LogClient(id, name, email, phone, payment, consent)


def held(id: int, client_id: int, day: date, minutes: int | None = 60, **kw):
    at = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
    return cr.LogSession(id, client_id, at, day, minutes, **kw)


def log(clients, sessions, training=None, **kw):
    return cr.coaching_log(clients, sessions, training_started_on=training, **kw)


# --- hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0.00"),
        (1, "0.02"),
        (20, "0.33"),
        (30, "0.50"),
        (50, "0.83"),
        (45, "0.75"),
        (60, "1.00"),
        (61, "1.02"),
        (90, "1.50"),
        (100, "1.67"),
        (3 * 20, "1.00"),
    ],
)
def test_minutes_become_hours_to_two_decimals(minutes, text):
    assert cr.hours_text(minutes) == text


def test_hours_are_summed_in_minutes_not_rounded_per_session():
    # Three 20-minute sessions are exactly one hour, not 0.33 * 3 = 0.99.
    a = client(1, "Ana")
    result = log([a], [held(i, 1, date(2026, 1, i), 20) for i in (1, 2, 3)])
    assert result.rows[0].minutes == 60
    assert cr.hours_text(result.rows[0].minutes) == "1.00"


def test_a_half_minute_never_appears_from_float_drift():
    # 0.1 + 0.2 style drift: 7 sessions of 10 minutes is 70 minutes, 1.17 h exactly.
    a = client(1, "Ana")
    result = log([a], [held(i, 1, date(2026, 2, i), 10) for i in range(1, 8)])
    assert cr.hours(result.minutes) == Decimal("1.17")


# --- consent ----------------------------------------------------------------------------------


def test_only_clients_who_consented_are_listed_the_others_are_left_off_with_their_hours():
    yes, no, unasked = (
        client(1, "Ana"),
        client(2, "Bo", consent="no"),
        client(3, "Cy", consent=None),
    )
    sessions = [
        held(1, 1, date(2026, 3, 1)),
        held(2, 2, date(2026, 3, 2), 90),
        held(3, 3, date(2026, 3, 3), 30),
    ]
    result = log([yes, no, unasked], sessions)
    assert [r.client.name for r in result.rows] == ["Ana"]
    assert [(o.client.name, o.minutes, o.why) for o in result.left_off] == [
        ("Bo", 90, "did not consent to be listed"),
        ("Cy", 30, "not asked for consent yet"),
    ]
    assert result.unlisted_minutes == 120
    assert result.minutes == 60


# --- rows per client and kind -----------------------------------------------------------------


def test_one_row_for_one_to_one_and_one_for_groups_with_the_largest_group():
    a = client(1, "Ana", email="ana@example.com", phone="+351 1")
    sessions = [
        held(1, 1, date(2026, 3, 1)),
        held(2, 1, date(2026, 3, 8), 45, group_size=4),
        held(3, 1, date(2026, 3, 15), 45, group_size=6),
        held(4, 1, date(2026, 4, 2), 30),
    ]
    rows = log([a], sessions).rows
    assert [(r.kind, r.number_in_group, r.start, r.end, r.minutes, r.sessions) for r in rows] == [
        ("Individual", 1, date(2026, 3, 1), date(2026, 4, 2), 90, 2),
        ("Group", 6, date(2026, 3, 8), date(2026, 3, 15), 90, 2),
    ]
    assert rows[0].client.contact == "ana@example.com"


def test_contact_is_the_email_else_the_phone_else_nothing():
    assert client(1, "A", email="a@x", phone="1").contact == "a@x"
    assert client(1, "A", phone="+44 20").contact == "+44 20"
    assert client(1, "A").contact == ""


def test_paid_and_pro_bono_columns_follow_the_clients_payment():
    paid, free = client(1, "Ana"), client(2, "Bo", payment="pro_bono")
    result = log([paid, free], [held(1, 1, date(2026, 3, 1)), held(2, 2, date(2026, 3, 2), 30)])
    assert [(r.paid_minutes, r.pro_bono_minutes) for r in result.rows] == [(60, 0), (0, 30)]
    assert (result.paid_minutes, result.pro_bono_minutes) == (60, 30)


def test_group_of_fifteen_counts_sixteen_does_not():
    a = client(1, "Ana")
    result = log(
        [a],
        [held(1, 1, date(2026, 3, 1), group_size=15), held(2, 1, date(2026, 3, 2), group_size=16)],
    )
    assert result.rows[0].number_in_group == 15
    assert [(e.session.id, e.reason) for e in result.excluded] == [
        (2, "a group of 16: ICF counts groups of 15 or fewer")
    ]


# --- what counts ------------------------------------------------------------------------------


def test_sessions_before_training_began_are_excluded_from_that_day_on_they_count():
    a = client(1, "Ana")
    start = date(2026, 3, 10)
    result = log([a], [held(1, 1, start - timedelta(days=1)), held(2, 1, start)], training=start)
    assert [s.id for s, _ in result.counted] == [2]
    assert result.excluded[0].reason == (
        "held before your coach-specific training began (2026-03-10)"
    )


def test_without_a_training_date_every_session_counts():
    a = client(1, "Ana")
    assert len(log([a], [held(1, 1, date(1999, 1, 1))]).counted) == 1


def test_sessions_marked_not_counting_or_without_minutes_are_excluded_with_the_reason():
    a = client(1, "Ana")
    result = log(
        [a],
        [
            held(1, 1, date(2026, 3, 1), counts_for_icf=False),
            held(2, 1, date(2026, 3, 2), None),
            held(3, 1, date(2026, 3, 3)),
        ],
    )
    assert [(e.session.id, e.reason) for e in result.excluded] == [
        (1, "marked as not counting for ICF (counts_for_icf is false)"),
        (2, "no length recorded"),
    ]
    assert [s.id for s, _ in result.counted] == [3]


def test_only_held_sessions_of_the_period_are_looked_at_both_ends_included():
    a = client(1, "Ana")
    s1, s2, s3 = (
        held(1, 1, date(2026, 3, 1)),
        held(2, 1, date(2026, 3, 2)),
        held(3, 1, date(2026, 3, 3)),
    )
    planned = held(4, 1, date(2026, 3, 2), status="planned")
    result = log([a], [s1, s2, s3, planned], since=s2.held_at, until=s3.held_at)
    assert [s.id for s, _ in result.counted] == [2, 3]
    assert result.excluded == []  # outside the period or not held: not "excluded", not there
    result = log([a], [s1, s2, s3], since=s2.held_at + timedelta(seconds=1))
    assert [s.id for s, _ in result.counted] == [3]


def test_another_coachs_sessions_are_ignored():
    assert log([client(1, "Ana")], [held(1, 2, date(2026, 3, 1))]).counted == []


# --- progress ---------------------------------------------------------------------------------


def _many(client_id: int, first_id: int, n: int, day: date, minutes=60, **kw):
    return [held(first_id + i, client_id, day - timedelta(days=i), minutes, **kw) for i in range(n)]


def test_acc_progress_on_both_sides_of_every_requirement():
    # 8 clients: 7 paid one-to-one with 10 hours each, one pro bono with 30 hours.
    clients = [client(i, f"C{i}") for i in range(1, 8)] + [client(8, "Pro", payment="pro_bono")]
    sessions = []
    for i in range(1, 8):
        sessions += _many(i, i * 100, 10, date(2024, 1, 1))
    sessions += _many(8, 900, 25, TODAY)  # the recent ones: 25 hours in the last 18 months
    sessions += _many(8, 950, 5, date(2024, 1, 1))
    result = cr.progress(log(clients, sessions), target="acc", today=TODAY)
    got = {m.key: (m.have, m.need, m.met) for m in result.measures}
    assert got == {
        "hours": (Decimal("100.00"), 100, True),
        "paid_hours": (Decimal("70.00"), 75, False),
        "clients": (Decimal(8), 8, True),
        "recent_hours": (Decimal("25.00"), 25, True),
    }
    assert not result.met
    # Five more paid hours: met.
    sessions += _many(1, 2000, 5, date(2024, 2, 1))
    assert cr.progress(log(clients, sessions), target="acc", today=TODAY).met
    # One client fewer (the pro bono one declines to be listed): no longer met.
    clients[-1] = client(8, "Pro", payment="pro_bono", consent="no")
    short = cr.progress(log(clients, sessions), target="acc", today=TODAY)
    got = {m.key: (m.have, m.met) for m in short.measures}
    assert got["clients"] == (Decimal(7), False)
    assert got["recent_hours"] == (Decimal("0.00"), False)
    assert short.unlisted_minutes == 30 * 60


def test_recent_hours_start_exactly_18_months_before_today():
    a = client(1, "Ana")
    edge = date(2025, 5, 22)
    assert cr.months_before(TODAY, 18) == edge
    result = cr.progress(
        log([a], [held(1, 1, edge), held(2, 1, edge - timedelta(days=1), 30)]),
        target="pcc",
        today=TODAY,
    )
    assert result.recent_minutes == 60
    assert result.recent_since == edge


def test_a_group_counts_each_person_as_a_client():
    a, b = client(1, "Ana"), client(2, "Bo")
    sessions = [
        held(1, 1, date(2026, 1, 1), group_size=5),
        held(2, 1, date(2026, 1, 8), group_size=6),
        held(3, 2, date(2026, 1, 2)),
    ]
    assert cr.progress(log([a, b], sessions), target="acc", today=TODAY).clients == 7


def test_mcc_has_no_recent_hours_rule():
    result = cr.progress(log([], []), target="mcc", today=TODAY)
    recent = next(m for m in result.measures if m.key == "recent_hours")
    assert recent.need is None and recent.met
    assert result.required == cr.Requirement(2500, 2250, 35, None)


def test_pcc_requirements():
    assert cr.REQUIREMENTS["pcc"] == cr.Requirement(500, 450, 25, 50)
    assert cr.REQUIREMENTS["acc"] == cr.Requirement(100, 75, 8, 25)


def test_unknown_target_is_refused_naming_the_choices():
    with pytest.raises(InvalidInput, match="acc, pcc, mcc"):
        cr.progress(log([], []), target="bcc", today=TODAY)


@pytest.mark.parametrize(
    ("credential", "target"), [(None, "acc"), ("acc", "pcc"), ("pcc", "mcc"), ("mcc", "mcc")]
)
def test_the_default_target_is_the_level_after_the_coachs_own(credential, target):
    assert cr.next_target(credential) == target


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 22), 18, date(2025, 5, 22)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2027, 2, 28), 36, date(2024, 2, 28)),
        (date(2028, 2, 29), 36, date(2025, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert cr.months_before(day, months) == expected


# --- renewal ----------------------------------------------------------------------------------

EXPIRES = date(2027, 6, 30)
_ids = iter(range(1, 10_000))


def entry(hours: str, category: str = "core", *, ethics=False, on=date(2026, 1, 10)):
    return cr.Learning(next(_ids), "x", cr.parse_hours(hours), category, ethics, on)


def test_the_cycle_is_the_three_years_ending_on_the_expiry_both_ends_included():
    start = date(2024, 6, 30)
    assert cr.cycle(EXPIRES) == (start, EXPIRES)
    entries = [
        entry("1", on=start - timedelta(days=1)),
        entry("2", on=start),
        entry("4", on=EXPIRES),
        entry("8", on=EXPIRES + timedelta(days=1)),
    ]
    result = cr.renewal(entries, credential="pcc", expires_on=EXPIRES)
    assert result.core == 6_00
    assert [e.completed_on for e in result.entries] == [start, EXPIRES]


def test_forty_cce_24_core_3_ethics_met_and_one_hundredth_short_is_not():
    entries = [entry("21", ethics=False), entry("3", ethics=True), entry("16", "resource")]
    met = cr.renewal(entries, credential="pcc", expires_on=EXPIRES)
    assert (met.cce, met.core, met.ethics, met.resource_counted) == (40_00, 24_00, 3_00, 16_00)
    assert met.met and met.missing == []
    short = cr.renewal(
        [entry("20.99"), entry("3", ethics=True), entry("16", "resource")],
        credential="pcc",
        expires_on=EXPIRES,
    )
    assert not short.met
    assert short.missing == [
        "0.01 more CCE (39.99 of 40 counted).",
        "0.01 more in Core Competencies (23.99 of at least 24).",
    ]


def test_ethics_below_three_is_missing_even_when_everything_else_is_met():
    result = cr.renewal(
        [entry("22"), entry("2.99", ethics=True), entry("16", "resource")],
        credential="mcc",
        expires_on=EXPIRES,
    )
    assert result.missing == ["0.01 more in Coaching Ethics (2.99 of at least 3)."]


def test_resource_development_counts_at_most_16():
    result = cr.renewal(
        [entry("24", ethics=True), entry("16.5", "resource")], credential="pcc", expires_on=EXPIRES
    )
    assert (result.resource, result.resource_counted, result.cce) == (16_50, 16_00, 40_00)
    assert result.notes == ["Resource Development: 16.5 logged, 16 count (the most ICF accepts)."]
    at_cap = cr.renewal([entry("16", "resource")], credential="pcc", expires_on=EXPIRES)
    assert at_cap.notes == [] and at_cap.resource_counted == 16_00


def test_mentor_coaching_and_supervision_count_toward_the_core_at_most_10_together():
    ten = cr.renewal(
        [entry("14", ethics=True), entry("6", "mentor"), entry("4", "supervision")],
        credential="pcc",
        expires_on=EXPIRES,
    )
    assert (ten.mentor_supervision_counted, ten.core) == (10_00, 24_00)
    assert ten.notes == []
    over = cr.renewal(
        [entry("14", ethics=True), entry("6", "mentor"), entry("4.25", "supervision")],
        credential="pcc",
        expires_on=EXPIRES,
    )
    assert (over.mentor_supervision_counted, over.core) == (10_00, 24_00)
    assert over.notes == ["Mentor coaching and supervision: 10.25 logged, 10 count toward the CCE."]


def test_an_acc_also_needs_ten_hours_of_mentor_coaching():
    base = [entry("14", ethics=True), entry("16", "resource")]
    nine = cr.renewal([*base, entry("9.75", "mentor")], credential="acc", expires_on=EXPIRES)
    assert "0.25 more hours of mentor coaching (9.75 of the 10 an ACC needs)." in nine.missing
    ten = cr.renewal([*base, entry("10", "mentor")], credential="acc", expires_on=EXPIRES)
    assert ten.met
    # Supervision is not mentor coaching: it fills the Core but not the ACC's rule.
    sup = cr.renewal([*base, entry("10", "supervision")], credential="acc", expires_on=EXPIRES)
    assert sup.core == 24_00 and not sup.met
    # A PCC needs no mentor coaching of its own.
    assert cr.renewal([*base, entry("10", "supervision")], credential="pcc", expires_on=EXPIRES).met


def test_ethics_counts_only_on_core_entries():
    result = cr.renewal([entry("3", "resource", ethics=True)], credential="pcc", expires_on=EXPIRES)
    assert result.ethics == 0


@pytest.mark.parametrize(
    ("text", "centihours"),
    [
        ("1", 100),
        ("1.5", 150),
        ("0.25", 25),
        ("0,75", 75),
        ("0.01", 1),
        ("1000", 100_000),
        (" 2 ", 200),
    ],
)
def test_hours_read_exactly(text, centihours):
    assert cr.parse_hours(text) == centihours


@pytest.mark.parametrize("text", ["0", "-1", "1000.01", "1.234", "abc", "", "nan", "inf", "1e9"])
def test_bad_hours_are_refused_saying_what_is_accepted(text):
    with pytest.raises(InvalidInput) as exc:
        cr.parse_hours(text)
    assert "--hours" in exc.value.message


@pytest.mark.parametrize(
    ("centihours", "text"), [(4000, "40"), (2650, "26.5"), (75, "0.75"), (1, "0.01"), (0, "0")]
)
def test_learning_hours_are_written_as_a_person_would(centihours, text):
    assert cr.units_text(centihours) == text


def test_completion_offers_the_credential_choices():
    from coachlog.cli.complete import option_choices

    assert option_choices(("icf", "log"), "--format") == ("csv", "md", "json")
    assert option_choices(("icf", "progress"), "--target") == ("acc", "pcc", "mcc")
    assert option_choices(("learning", "add"), "--category") == (
        "core",
        "resource",
        "mentor",
        "supervision",
    )
    assert option_choices(("client", "edit"), "--icf-consent") == ("yes", "no")
    assert option_choices(("client", "add"), "--payment") == ("paid", "pro-bono")
