"""Promises: the rules with a fixed `now` (services), then the commands end to end."""

from __future__ import annotations

from datetime import timedelta

import pendulum
import pytest

from coachlog.errors import InvalidInput, NotFound
from coachlog.queries.promises import due
from coachlog.services import promises
from coachlog.services.clients import add_client
from coachlog.services.promises import PromiseSpec, parse_spec
from support import NOW
from support import PINNED as PIN

TZ = "Europe/Lisbon"
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


def at(day: int, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    """An instant in Nov 2026, UTC (Lisbon is UTC+0 in November)."""
    return pendulum.datetime(2026, 11, day, hour, minute, tz="UTC")


def spec(text: str, due, owner: str = "coach") -> PromiseSpec:
    return PromiseSpec(owner=owner, text=text, due_at=due, when_text="", in_words=False)


@pytest.fixture
def practice(store, now):
    """Two clients with promises around now (Sun 22 Nov 10:00 UTC)."""
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
        bruno = add_client(db, values={"name": "Bruno Costa"}, now=now)
        made = {}
        for key, client, text, due, owner in [
            ("ana_theirs_late", ana, "Draft the talk", at(15, 23, 59), "client"),
            ("ana_mine_soon", ana, "Send the article", at(27, 18), "coach"),
            ("ana_theirs_soon", ana, "Try the two-list idea", at(24, 9), "client"),
            ("bruno_mine_late", bruno, "Book the 3-way", at(21, 18), "coach"),
            ("bruno_theirs_soon", bruno, "Ask HR", at(23, 12), "client"),
            ("bruno_far", bruno, "Annual review", at(30, 12) + timedelta(days=30), "coach"),
        ]:
            made[key] = promises.add_promise(db, client, spec(text, due, owner), now=at(10))
    return store, made


def ids(items):
    return [i.promise.text for i in items]


# ---- reading "TEXT @ WHEN" ------------------------------------------------------------------


def test_parse_spec_splits_on_the_last_at_and_reads_a_day_as_its_end(now):
    s = parse_spec("Email rui@acme.pt @ the plan @ fri", owner="coach", now=now, tz=TZ)
    assert s.text == "Email rui@acme.pt @ the plan"
    assert s.due_at == pendulum.datetime(2026, 11, 27, 23, 59, 59, tz="UTC")
    assert (s.when_text, s.in_words, s.owner) == ("fri", True, "coach")
    iso = parse_spec("Send it @ 2026-12-01 15:30", owner="client", now=now, tz=TZ)
    assert iso.due_at == pendulum.datetime(2026, 12, 1, 15, 30, tz="UTC")
    assert iso.in_words is False


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("Send the article", "has no due date"),
        ("Send the article@fri", "has no due date"),
        ("@ fri", "says when but not what"),
        ("Send it @", "no due date after '@'"),
        ("Send it @ blursday", "Could not read 'blursday'"),
    ],
)
def test_parse_spec_errors_show_the_form(now, raw, words):
    with pytest.raises(InvalidInput) as err:
        parse_spec(raw, owner="coach", now=now, tz=TZ)
    assert words in err.value.message
    if "blursday" not in raw:
        assert '"TEXT @ WHEN", e.g. "Send the article @ fri 18:00"' in err.value.message
    else:
        assert "Accepted:" in err.value.message


# ---- due, overdue, order ------------------------------------------------------------------


def test_due_within_the_window_in_reading_order(practice, now, reader):
    items = due(reader(), now=now, within=timedelta(days=7))
    # Bruno first: he is owed an overdue promise of the coach's, the most urgent kind.
    # Within a client the coach's own first, each side oldest due first.
    assert ids(items) == [
        "Book the 3-way",
        "Ask HR",
        "Send the article",
        "Draft the talk",
        "Try the two-list idea",
    ]
    assert [i.overdue for i in items] == [True, False, False, True, False]
    assert [i.client.name for i in items][:2] == ["Bruno Costa", "Bruno Costa"]
    groups = promises.by_client(items)
    assert [(c.name, len(g)) for c, g in groups] == [("Bruno Costa", 2), ("Ana Lima", 3)]


def test_due_window_owner_and_client_filters(practice, now, reader):
    _, made = practice
    db = reader()
    # 2 days: up to Tue 24 Nov 10:00, so Ana's 09:00 item is in, her Friday one is not
    assert ids(due(db, now=now, within=timedelta(days=2))) == [
        "Book the 3-way",
        "Ask HR",
        "Draft the talk",
        "Try the two-list idea",
    ]
    assert ids(due(db, now=now, within=timedelta(days=7), owner="coach")) == [
        "Book the 3-way",
        "Send the article",
    ]
    ana = made["ana_mine_soon"].client_id
    assert ids(due(db, now=now, within=timedelta(days=7), owner="client", client_id=ana)) == [
        "Draft the talk",
        "Try the two-list idea",
    ]
    # a window of 0 leaves only what is already overdue
    assert ids(due(db, now=now, within=timedelta(0))) == [
        "Book the 3-way",
        "Draft the talk",
    ]


def test_due_leaves_out_closed_promises(practice, now, reader):
    store, made = practice
    with store.write() as db:
        p = db.get(promises.Promise, made["bruno_mine_late"].id)
        promises.keep(db, p, now=now)
    assert "Book the 3-way" not in ids(due(reader(), now=now, within=timedelta(days=7)))


def test_overdue_and_kept_on_time_rules(now):
    p = promises.Promise(
        client_id=1, owner="coach", text="x", made_at=at(1), due_at=at(22, 9, 59), status="open"
    )
    assert promises.is_overdue(p, now) is True
    p.due_at = now
    assert promises.is_overdue(p, now) is False  # due exactly now is not yet late
    p.status, p.closed_at = "kept", now
    assert promises.is_overdue(p, now) is False
    assert promises.kept_on_time(p) is True  # closed_at <= due_at
    assert promises.lateness(p) is None
    p.closed_at = now + timedelta(days=2, hours=3)
    assert promises.kept_on_time(p) is False
    assert promises.lateness(p) == timedelta(days=2, hours=3)
    p.status = "broken"
    assert promises.kept_on_time(p) is False and promises.lateness(p) is None


def test_keep_break_release_move(practice, now):
    store, made = practice
    with store.write() as db:
        late = db.get(promises.Promise, made["ana_theirs_late"].id)
        promises.keep(db, late, now=now, at=at(17, 12), note="done, a bit late")
        assert (late.status, late.closed_at, late.note) == ("kept", at(17, 12), "done, a bit late")
        assert promises.lateness(late) == timedelta(days=1, hours=12, minutes=1)

        mine = db.get(promises.Promise, made["bruno_mine_late"].id)
        with pytest.raises(InvalidInput, match="needs a repair"):
            promises.break_(db, mine, repair="  ", now=now)
        promises.break_(db, mine, repair="Apologised; booking it Monday", now=now)
        assert (mine.status, mine.closed_at, mine.repair) == (
            "broken",
            now,
            "Apologised; booking it Monday",
        )
        with pytest.raises(InvalidInput, match="already broken"):
            promises.keep(db, mine, now=now)

        soon = db.get(promises.Promise, made["ana_mine_soon"].id)
        promises.move(db, soon, due_at=at(30, 18), now=now)
        promises.move(db, soon, due_at=at(30, 18) + timedelta(days=7), now=now, note="asked")
        assert soon.due_history == ["2026-11-27T18:00:00+00:00", "2026-11-30T18:00:00+00:00"]
        assert soon.due_at == at(30, 18) + timedelta(days=7)
        assert promises.first_due(soon) == at(27, 18)
        with pytest.raises(InvalidInput, match="already due then"):
            promises.move(db, soon, due_at=soon.due_at, now=now)
        with pytest.raises(InvalidInput, match="in the future"):
            promises.keep(db, soon, now=now, at=now + timedelta(hours=1))

        released = db.get(promises.Promise, made["bruno_theirs_soon"].id)
        promises.release(db, released, now=now, note="HR reorganised")
        assert (released.status, released.closed_at) == ("released", now)
        with pytest.raises(InvalidInput, match="already released"):
            promises.move(db, released, due_at=at(30), now=now)
    with store.read() as db:  # the moved history was stored, not just changed in memory
        again = db.get(promises.Promise, made["ana_mine_soon"].id)
        assert len(again.due_history) == 2 and again.note == "asked"


def test_get_unknown_promise(store):
    with store.read() as db, pytest.raises(NotFound, match="No promise with id 42"):
        promises.get(db, 42)


# ---- the commands ---------------------------------------------------------------------------


def flat(text: str) -> str:
    """Output with line wraps undone (the console is 100 columns wide in tests)."""
    return " ".join(text.split())


@pytest.fixture
def pinned(cli):
    def run(*args, **kw):
        return cli(*args, env={**PIN, **kw.pop("env", {})}, **kw)

    run("client", "add", "Ana Lima")
    run("client", "add", "Bruno Costa")
    return run


def test_nothing_due_is_one_calm_line(pinned):
    r = pinned("promises", "due")
    assert (r.code, r.out, r.err) == (0, "Nothing due in the next 7 days.\n", "")
    assert pinned("promises", "due", "--mine", "--within", "2w").out == (
        "Nothing of yours due in the next 14 days.\n"
    )
    assert pinned("promises", "due", "--json").json == []


def test_add_and_due_screen(pinned):
    r = pinned("promises", "add", "ana", "Send the article @ fri 18:00")
    assert r.code == 0, r.err
    assert r.out == (
        '✓ #1 you: Send the article — due Fri 27 Nov 18:00  (from "fri 18:00")  (Ana Lima)\n'
    )
    pinned("promises", "add", "ana", "Draft the talk @ 2026-11-20", "--theirs")
    pinned("promises", "add", "bruno", "Book the 3-way @ 2026-11-21 18:00")
    pinned("promises", "add", "bruno", "Annual review @ +30d")
    r = pinned("promises", "due")
    assert r.code == 0
    assert r.out.splitlines() == [
        "3 promises due within 7 days — you are late on 1, your clients on 1",
        "",
        "Bruno Costa",
        " ! #3  you   Book the 3-way    overdue by 16 hours",
        "",
        "Ana Lima",
        "   #1  you   Send the article  due Fri 27 Nov 18:00",
        "   #2  they  Draft the talk    overdue by 1 day",
    ]
    data = pinned("promises", "due", "--json").json
    assert [d["id"] for d in data] == [3, 1, 2]
    assert list(data[0]) == [*PROMISE_JSON_KEYS, "overdue"]
    assert [d["overdue"] for d in data] == [True, False, True]
    assert data[0]["client"] == "Bruno Costa" and data[0]["due_at"] == "2026-11-21T18:00:00+00:00"
    assert [d["id"] for d in pinned("promises", "due", "--theirs", "--json").json] == [2]
    assert [d["id"] for d in pinned("promises", "due", "-c", "ana", "--json").json] == [1, 2]
    wide = pinned("promises", "due", "--within", "60d", "--json").json
    assert [d["id"] for d in wide] == [3, 4, 1, 2]


def test_due_rejects_a_bad_window_and_both_owners(pinned):
    r = pinned("promises", "due", "--within", "forever")
    assert r.code == 2 and "--within" in r.err and "7d" in r.err
    r = pinned("promises", "due", "--mine", "--theirs")
    assert r.code == 2 and "--mine or --theirs" in r.err


def test_keep_late_break_release_move_through_the_cli(pinned):
    pinned("promises", "add", "ana", "Send the article @ 2026-11-19")
    pinned("promises", "add", "ana", "Call back @ tomorrow")
    pinned("promises", "add", "ana", "Draft the talk @ +3d", "--theirs")
    pinned("promises", "add", "bruno", "Book the 3-way @ +5d")

    r = pinned("promises", "keep", "1", "--note", "sent with two readings")
    assert r.code == 0, r.err
    assert r.out == "✓ #1 you: Send the article — kept 22 Nov, 2 days late  (Ana Lima)\n"
    kept = pinned("promises", "list", "--status", "kept", "--json").json
    assert [(k["id"], k["status"], k["note"]) for k in kept] == [
        (1, "kept", "sent with two readings")
    ]
    assert kept[0]["closed_at"] == "2026-11-22T10:00:00+00:00"

    r = pinned("promise", "break", "2")  # the synonym group, and --repair is required
    assert r.code == 2 and "--repair" in r.err
    r = pinned("promise", "break", "2", "--repair", "Apologised; calling Tuesday")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "✓ #2 you: Call back — broken 22 Nov  (Ana Lima)",
        "  repair: Apologised; calling Tuesday",
        "  If you have not yet, raise it with Ana Lima at your next session.",
    ]
    r = pinned("promises", "keep", "2")
    assert r.code == 1 and "already broken" in r.err

    r = pinned("promises", "release", "3", "--note", "Ana chose another route", "--json")
    assert r.json["status"] == "released" and r.json["note"] == "Ana chose another route"
    assert list(r.json) == PROMISE_JSON_KEYS

    assert pinned("promises", "move", "4", "--due", "2026-12-01").code == 0
    r = pinned("promises", "move", "4", "--due", "next week")
    assert flat(r.out) == (
        "✓ #4 you: Book the 3-way — due Mon 23 Nov (moved twice, first due 27 Nov) "
        '(from "next week") (Bruno Costa)'
    )
    moved = pinned("promises", "list", "-c", "bruno", "--json").json[0]
    assert moved["due_history"] == ["2026-11-27T23:59:59+00:00", "2026-12-01T23:59:59+00:00"]
    assert moved["due_at"] == "2026-11-23T23:59:59+00:00"

    table = flat(pinned("promises", "list").out)
    assert "moved twice, first due 27 Nov" in table
    assert "kept 22 Nov, 2 days late" in table
    assert "repair: Apologised; calling Tuesday" in table
    assert "released 22 Nov" in table


def test_keep_at_a_time_in_words_is_on_time(pinned):
    pinned("promises", "add", "ana", "Send the article @ 2026-11-25")
    r = pinned("promises", "keep", "1", "--at", "2026-11-22 10:00")  # when it was made
    assert r.out == "✓ #1 you: Send the article — kept 22 Nov, on time  (Ana Lima)\n"
    pinned("promises", "add", "ana", "Call @ today 09:00")
    r = pinned("promises", "keep", "2", "--at", "today 9:59")  # before it was made: refused
    assert r.code == 1 and "was made Sun 22 Nov 10:00" in r.err
    r = pinned("promises", "keep", "2", "--at", "today 10:00")
    assert "kept 22 Nov, 1 hour late" in r.out and '(from "today 10:00")' in r.out
    r = pinned("promises", "keep", "99")
    assert r.code == 1 and "No promise with id 99" in r.err


def test_list_filters_and_errors(pinned):
    pinned("promises", "add", "ana", "One @ +1d")
    pinned("promises", "add", "bruno", "Two @ +2d", "--theirs")
    assert [p["text"] for p in pinned("promises", "list", "--json").json] == ["One", "Two"]
    assert [p["owner"] for p in pinned("promises", "list", "-c", "bru", "--json").json] == [
        "client"
    ]
    r = pinned("promises", "list", "--status", "maybe")
    assert r.code == 2 and "open, kept, broken, released" in r.err
    assert pinned("promises", "list", "--status", "broken").out == "No promises match.\n"
    r = pinned("promises", "add", "ana", "No date here")
    assert r.code == 2 and '"TEXT @ WHEN"' in r.err


def test_user_text_is_printed_literally(pinned):
    pinned("promises", "add", "ana", "[red]Send[/red] \x1b[31m @ +1d")
    out = pinned("promises", "due").out
    assert "[red]Send[/red] \\x1b[31m" in out and "\x1b" not in out


def test_list_groups_by_client_with_history_repair_and_note(pinned):
    pinned("promises", "add", "bruno", "Send the 360 summary @ 2026-11-21")
    pinned("promises", "add", "ana", "Book the three-way call @ 2026-11-20")
    pinned("promises", "add", "ana", "Write down three decisions @ 2026-11-19", "--theirs")
    pinned("promises", "break", "2", "--repair", "Booking it by Tuesday")
    pinned("promises", "keep", "3", "--note", "Brought them today")
    pinned("promises", "move", "1", "--due", "2026-11-25")
    assert pinned("promises", "list").out.splitlines() == [
        "",
        "Ana Lima",
        "   #3  they  Write down three decisions  Thu 19 Nov  kept 22 Nov, 2 days late",
        "             note: Brought them today",
        "   #2  you   Book the three-way call     Fri 20 Nov  broken 22 Nov",
        "             repair: Booking it by Tuesday",
        "",
        "Bruno Costa",
        "   #1  you   Send the 360 summary        Wed 25 Nov  open",
        "             moved once, first due 21 Nov",
    ]


def test_a_narrow_terminal_stacks_the_columns(pinned, proc):
    pinned("promises", "add", "ana", "Book the three-way call with her manager @ 2026-11-20")
    r = proc("promises", "due", env={**PIN, "COLUMNS": "44"})
    assert r.out.splitlines() == [
        "1 promise due within 7 days — you are late",
        "on 1",
        "",
        "Ana Lima",
        " ! #1  you   Book the three-way call with",
        "             her manager",
        "             overdue by 1 day",
    ]
    assert all(len(line) <= 44 for line in r.out.splitlines())


@pytest.mark.parametrize("tz", ["Europe/Lisbon", "America/New_York", "Asia/Kolkata", "UTC"])
def test_fast_when_writes_what_dates_writes(tz):
    """render.promises.when() is a fast copy of dates.format_instant(): same text."""
    from coachlog.dates import format_instant, local
    from coachlog.render.promises import day, when

    now = NOW
    start = pendulum.datetime(2025, 12, 31, 20, 17, tz="UTC")
    for hours in range(0, 24 * 500, 37):
        dt = start + timedelta(hours=hours)
        year = local(dt, tz).year != local(now, tz).year
        assert when(dt, now=now, tz=tz) == format_instant(dt, tz, with_year=year)
        assert day(dt, now=now, tz=tz) in format_instant(dt, tz, with_year=year)
    end_of_day = pendulum.datetime(2026, 11, 27, 23, 59, 59, tz=tz).in_tz("UTC")
    assert when(end_of_day, now=now, tz=tz) == "Fri 27 Nov"
