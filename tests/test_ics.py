"""Promises and planned sessions as iCalendar (RFC 5545, SPEC §6), built with the icalendar
package and read back with it."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from coachlog.export.ics import calendar
from coachlog.models import Client, CoachingSession, Promise
from coachlog.services.clients import add_client


def T(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def todos(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VTODO"))


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


ANA = Client(id=1, name="Ana Lima", uid="5c3f9a52-3b7e-4c51-9d0e-2f1a8b6c7d4e")


def test_every_field_of_a_vtodo():
    mine = Promise(
        id=45,
        uid="0b5e7f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        client_id=1,
        owner="coach",
        text="Send the article",
        made_at=T(2026, 11, 1, 10),
        due_at=T(2026, 11, 28, 18),
        created_at=T(2026, 11, 1, 10, 5),
        updated_at=T(2026, 11, 2, 9, 30, 15, 500_000),
        due_history=["2026-11-20T18:00:00+00:00"],
        note="The HBR piece, not the blog post",
    )
    theirs = Promise(
        id=46,
        uid="9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        client_id=1,
        owner="client",
        text="Draft the team charter; share it, please",
        made_at=T(2026, 11, 1, 10),
        due_at=T(2026, 12, 1, 23, 59, 59),  # a date typed alone, in London: the whole day
        created_at=T(2026, 11, 1, 10),
        updated_at=T(2026, 11, 1, 10),
    )
    data = calendar([(mine, ANA), (theirs, ANA)], tz="Europe/London", name="coachlog")
    cal = Calendar.from_ical(data)
    assert (str(cal["PRODID"]), str(cal["VERSION"])) == ("-//coachlog//EN", "2.0")
    assert str(cal["X-WR-CALNAME"]) == "coachlog"
    first, second = todos(data)
    assert str(first["UID"]) == mine.uid
    assert str(first["SUMMARY"]) == "Ana Lima: Send the article"
    assert str(first["CLASS"]) == "CONFIDENTIAL"
    assert first.decoded("DUE") == T(2026, 11, 28, 18)
    # DTSTAMP and LAST-MODIFIED are the record's updated_at, not the moment of export
    assert first.decoded("DTSTAMP") == T(2026, 11, 2, 9, 30, 15)
    assert first.decoded("LAST-MODIFIED") == T(2026, 11, 2, 9, 30, 15)
    assert first.decoded("CREATED") == T(2026, 11, 1, 10, 5)
    assert str(first["STATUS"]) == "NEEDS-ACTION"
    assert int(first["SEQUENCE"]) == 1  # moved once
    assert str(first["DESCRIPTION"]) == (
        "Close it with: coachlog promises keep 45\nThe HBR piece, not the blog post"
    )
    assert str(second["SUMMARY"]) == (
        "Ana Lima (their commitment): Draft the team charter; share it, please"
    )
    assert second.decoded("DUE") == date(2026, 12, 1)  # a whole day, not 23:59
    assert int(second["SEQUENCE"]) == 0
    lines = data.decode().split("\r\n")
    for line in (
        "DUE:20261128T180000Z",
        "DTSTAMP:20261102T093015Z",
        "CREATED:20261101T100500Z",
        "DUE;VALUE=DATE:20261201",
    ):
        assert line in lines


def test_whole_days_follow_the_coachs_zone():
    """A date typed alone in New York is stored as 04:59:59 UTC the next day; it is that
    whole day in New York, and a moment in any other zone."""
    p = Promise(
        id=1, client_id=1, owner="coach", text="x", made_at=T(2026, 11, 1),
        due_at=T(2026, 12, 2, 4, 59, 59), created_at=T(2026, 11, 1), updated_at=T(2026, 11, 1),
    )  # fmt: skip
    (ny,) = todos(calendar([(p, ANA)], tz="America/New_York"))
    assert ny.decoded("DUE") == date(2026, 12, 1)
    (lisbon,) = todos(calendar([(p, ANA)], tz="Europe/Lisbon"))
    assert lisbon.decoded("DUE") == T(2026, 12, 2, 4, 59, 59)


def test_status_follows_the_promise():
    def promise(status: str, closed: datetime | None) -> Promise:
        return Promise(
            id=1, client_id=1, owner="coach", text=status, made_at=T(2026, 11, 1),
            due_at=T(2026, 11, 20, 10), status=status, closed_at=closed,
            created_at=T(2026, 11, 1), updated_at=T(2026, 11, 19),
        )  # fmt: skip

    data = calendar(
        [
            (promise("open", None), ANA),
            (promise("kept", T(2026, 11, 19, 8)), ANA),
            (promise("broken", T(2026, 11, 21)), ANA),
            (promise("released", T(2026, 11, 21)), ANA),
        ],
        tz="Europe/Lisbon",
    )
    found = [(str(t["STATUS"]), t.get("COMPLETED")) for t in todos(data)]
    assert [s for s, _ in found] == ["NEEDS-ACTION", "COMPLETED", "CANCELLED", "CANCELLED"]
    kept = todos(data)[1]
    assert kept.decoded("COMPLETED") == T(2026, 11, 19, 8)
    assert [c is None for _, c in found] == [True, False, True, True]


def test_alarm_before_the_due():
    p = Promise(
        id=1, client_id=1, owner="coach", text="x", made_at=T(2026, 11, 1),
        due_at=T(2026, 12, 2, 9), created_at=T(2026, 11, 1), updated_at=T(2026, 11, 1),
    )  # fmt: skip
    (t,) = todos(calendar([(p, ANA)], tz="Europe/Lisbon", alarm=timedelta(days=1)))
    (alarm,) = t.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert alarm["TRIGGER"].params["RELATED"] == "END"  # relative to DUE


def test_hostile_text_is_escaped_and_reads_back():
    ana = Client(name="Ana\x1b[31m Lima", uid="5c3f9a52-3b7e-4c51-9d0e-2f1a8b6c7d4e")
    p = Promise(
        id=3, client_id=1, owner="coach", text="Line one,\nline two; \u202eevil",
        made_at=T(2026, 11, 1), due_at=T(2026, 11, 30, 10), note="a\r\nb\x00c",
        created_at=T(2026, 11, 1), updated_at=T(2026, 11, 1),
    )  # fmt: skip
    (todo,) = todos(calendar([(p, ana)], tz="Europe/Lisbon"))
    assert str(todo["SUMMARY"]) == "Ana[31m Lima: Line one,\nline two; \u202eevil"
    assert str(todo["DESCRIPTION"]) == "Close it with: coachlog promises keep 3\na\nbc"


@pytest.fixture
def promised(store, now):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
        bea = add_client(db, values={"name": "Bea Kaur"}, now=now)
        for client, text, status, due, closed in (
            (ana, "Send the article", "open", T(2026, 11, 28, 18), None),
            (ana, "Kept last week", "kept", T(2026, 11, 16, 18), T(2026, 11, 15, 9)),
            (ana, "Kept long ago", "kept", T(2026, 10, 10, 18), T(2026, 10, 10, 9)),
            (bea, "Book the room", "open", T(2026, 11, 25, 9), None),
            (bea, "Released", "released", T(2026, 11, 30, 9), T(2026, 11, 20, 9)),
        ):
            db.add(
                Promise(
                    client_id=client.id,
                    owner="coach",
                    text=text,
                    made_at=T(2026, 10, 1, 10),
                    due_at=due,
                    status=status,
                    closed_at=closed,
                    created_at=T(2026, 10, 1, 10),
                    updated_at=closed or T(2026, 10, 1, 10),
                )
            )
        db.add(
            CoachingSession(
                client_id=ana.id,
                held_at=T(2026, 12, 3, 15),
                minutes=50,
                status="planned",
                created_at=T(2026, 11, 20),
                updated_at=T(2026, 11, 20),
            )
        )
        db.add(CoachingSession(client_id=ana.id, held_at=T(2026, 11, 3, 15), notes="held"))
    return store


def test_export_ics_holds_open_and_recently_closed_promises_and_planned_sessions(
    promised, cli, tmp_path
):
    path = tmp_path / "promises.ics"
    r = cli("export", "--all", "--format", "ics", "--out", str(path))
    assert r.code == 0, r.err
    assert "Wrote 2 open promises, 2 closed ones and 1 planned session to" in r.out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = todos(path.read_bytes())
    assert [(str(t["SUMMARY"]), str(t["STATUS"])) for t in first] == [
        ("Ana Lima: Kept last week", "COMPLETED"),
        ("Bea Kaur: Book the room", "NEEDS-ACTION"),
        ("Ana Lima: Send the article", "NEEDS-ACTION"),
        ("Bea Kaur: Released", "CANCELLED"),
    ]  # closed more than 30 days ago: no longer in the calendar
    (event,) = events(path.read_bytes())
    assert str(event["SUMMARY"]) == "Coaching: Ana Lima"
    assert event.decoded("DTSTART") == T(2026, 12, 3, 15)
    assert event.decoded("DTEND") == T(2026, 12, 3, 15, 50)
    # exporting again without a change gives the same bytes: sync tools leave it alone
    again = cli("export", "--all", "-f", "ics", "-o", "-")
    assert again.out.encode() == path.read_bytes()
    # the promise is moved; exporting again updates the same task
    with promised.write() as db:
        from sqlmodel import select

        p = db.exec(select(Promise).where(Promise.text == "Send the article")).one()
        p.due_history = [*p.due_history, "2026-11-28T18:00:00+00:00"]
        p.due_at = T(2026, 12, 4, 18)
        p.updated_at = T(2026, 11, 22, 11)
    assert cli("export", "--all", "-f", "ics", "-o", str(path), "--force").code == 0
    second = todos(path.read_bytes())
    assert {str(t["UID"]) for t in second} == {str(t["UID"]) for t in first}
    moved = next(t for t in second if str(t["SUMMARY"]) == "Ana Lima: Send the article")
    assert moved.decoded("DUE") == T(2026, 12, 4, 18) and int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTAMP") == T(2026, 11, 22, 11)


def test_export_ics_for_one_client_to_stdout_with_an_alarm(promised, cli):
    r = cli("export", "bea", "-f", "ics", "--alarm", "2h")
    assert r.code == 0, r.err
    cal = Calendar.from_ical(r.out.encode())
    assert str(cal["X-WR-CALNAME"]) == "coachlog: Bea Kaur"
    (book, released) = todos(r.out.encode())
    assert str(book["SUMMARY"]) == "Bea Kaur: Book the room"
    assert book.walk("VALARM")[0].decoded("TRIGGER") == timedelta(hours=-2)
    assert released.walk("VALARM") == []  # a closed promise rings no alarm
    bad = cli("export", "bea", "-f", "ics", "--alarm", "soon")
    assert bad.code == 2 and "--alarm" in bad.err
    assert cli("export", "bea", "--alarm", "1d").code == 2  # only for ics


def test_one_file_per_uid_into_a_folder(promised, cli, tmp_path):
    folder = tmp_path / "calendars" / "coaching"
    r = cli("export", "--all", "-f", "ics", "--out", f"{folder}/")  # a new folder
    assert r.code == 0, r.err
    whole = cli("export", "--all", "-f", "ics").out.encode()
    uids = sorted(str(c["UID"]) for c in [*todos(whole), *events(whole)])
    assert sorted(p.name for p in folder.iterdir()) == [f"{u}.ics" for u in uids]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        (component,) = [*todos(path.read_bytes()), *events(path.read_bytes())]
        assert f"{component['UID']}.ics" == path.name
    # again, unchanged: nothing to replace, so no --force is needed
    again = cli("export", "--all", "-f", "ics", "--out", str(folder))
    assert again.code == 0 and "5 unchanged" in again.out
    # a changed promise needs --force, and then only its file changes
    with promised.write() as db:
        from sqlmodel import select

        p = db.exec(select(Promise).where(Promise.text == "Book the room")).one()
        p.text, p.updated_at = "Book the big room", T(2026, 11, 22, 9)
        changed = f"{p.uid}.ics"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    refused = cli("export", "--all", "-f", "ics", "--out", str(folder))
    assert refused.code == 1 and changed in refused.err and "--force" in refused.err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert cli("export", "--all", "-f", "ics", "--out", str(folder), "--force").code == 0
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert [n for n in after if after[n] != before[n]] == [changed]


def test_exporters_are_found_by_format_name():
    """`export` picks a module of coachlog.export by the format's name; each has the same
    signature (export/base.py)."""
    import inspect

    from coachlog.choices import EXPORT_FORMATS
    from coachlog.export.base import exporter

    for name in EXPORT_FORMATS:
        module = exporter(name)
        assert name == module.NAME
        assert list(inspect.signature(module.export).parameters) == ["reader", "job"]
