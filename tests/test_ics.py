"""Open promises as iCalendar (RFC 5545), built with the icalendar package and read back."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from coachlog.export.ics import promises_calendar
from coachlog.models import Client, Promise
from coachlog.services.clients import add_client


def T(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def todos(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VTODO"))


def test_every_field_of_a_vtodo(now):
    ana = Client(name="Ana Lima", uid="5c3f9a52-3b7e-4c51-9d0e-2f1a8b6c7d4e")
    mine = Promise(
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
        uid="9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        client_id=1,
        owner="client",
        text="Draft the team charter; share it, please",
        made_at=T(2026, 11, 1, 10),
        due_at=T(2026, 12, 1, 23, 59, 59),
        created_at=T(2026, 11, 1, 10),
        updated_at=T(2026, 11, 1, 10),
    )
    data = promises_calendar([(mine, ana), (theirs, ana)], now=now)
    cal = Calendar.from_ical(data)
    assert (str(cal["PRODID"]), str(cal["VERSION"])) == ("-//coachlog//EN", "2.0")
    first, second = todos(data)
    assert str(first["UID"]) == mine.uid
    assert str(first["SUMMARY"]) == "Ana Lima: Send the article"
    assert first.decoded("DUE") == T(2026, 11, 28, 18)
    assert first.decoded("DTSTAMP") == T(2026, 11, 22, 10)
    assert first.decoded("CREATED") == T(2026, 11, 1, 10, 5)
    assert first.decoded("LAST-MODIFIED") == T(2026, 11, 2, 9, 30, 15)
    assert str(first["STATUS"]) == "NEEDS-ACTION"
    assert int(first["SEQUENCE"]) == 1  # moved once
    assert str(first["DESCRIPTION"]) == "The HBR piece, not the blog post"
    assert str(second["UID"]) == theirs.uid
    assert str(second["SUMMARY"]) == (
        "Ana Lima (their commitment): Draft the team charter; share it, please"
    )
    assert second.decoded("DUE") == T(2026, 12, 1, 23, 59, 59)
    assert int(second["SEQUENCE"]) == 0
    assert "DESCRIPTION" not in second
    # DUE, DTSTAMP, CREATED and LAST-MODIFIED are written in UTC form (…Z), as RFC 5545 wants
    lines = data.decode().split("\r\n")
    for line in ("DUE:20261128T180000Z", "DTSTAMP:20261122T100000Z", "CREATED:20261101T100500Z"):
        assert line in lines


def test_hostile_text_is_escaped_and_reads_back(now):
    ana = Client(name="Ana\x1b[31m Lima", uid="5c3f9a52-3b7e-4c51-9d0e-2f1a8b6c7d4e")
    p = Promise(
        client_id=1,
        owner="coach",
        text="Line one,\nline two; \u202eevil",
        made_at=now,
        due_at=now,
        note="a\r\nb\x00c",
    )
    (todo,) = todos(promises_calendar([(p, ana)], now=now))
    assert str(todo["SUMMARY"]) == "Ana[31m Lima: Line one,\nline two; \u202eevil"
    assert str(todo["DESCRIPTION"]) == "a\nbc"


@pytest.fixture
def promised(store, now):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=now)
        bea = add_client(db, values={"name": "Bea Kaur"}, now=now)
        for client, text, status, due in (
            (ana, "Send the article", "open", T(2026, 11, 28, 18)),
            (ana, "Old promise", "kept", T(2026, 11, 10, 18)),
            (bea, "Book the room", "open", T(2026, 11, 25, 9)),
        ):
            db.add(
                Promise(
                    client_id=client.id,
                    owner="coach",
                    text=text,
                    made_at=T(2026, 11, 1, 10),
                    due_at=due,
                    status=status,
                    closed_at=None if status == "open" else due,
                )
            )
    return store


def test_export_ics_has_open_promises_only_and_keeps_uids(promised, cli, tmp_path):
    path = tmp_path / "promises.ics"
    r = cli("export", "--all", "--format", "ics", "--out", str(path))
    assert r.code == 0, r.err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = todos(path.read_bytes())
    assert [str(t["SUMMARY"]) for t in first] == [
        "Bea Kaur: Book the room",
        "Ana Lima: Send the article",
    ]
    # the promise is moved; exporting again updates the same task
    with promised.write() as db:
        from sqlmodel import select

        p = db.exec(select(Promise).where(Promise.text == "Send the article")).one()
        p.due_history = [*p.due_history, "2026-11-28T18:00:00+00:00"]
        p.due_at = T(2026, 12, 4, 18)
        p.updated_at = T(2026, 11, 22, 11)
    assert cli("export", "--all", "-f", "ics", "-o", str(path), "--force").code == 0
    second = todos(path.read_bytes())
    assert [str(t["UID"]) for t in second] == [str(t["UID"]) for t in first]
    moved = second[1]
    assert moved.decoded("DUE") == T(2026, 12, 4, 18) and int(moved["SEQUENCE"]) == 1


def test_export_ics_for_one_client_to_stdout(promised, cli):
    r = cli("export", "bea", "-f", "ics")
    assert r.code == 0
    assert [str(t["SUMMARY"]) for t in todos(r.out.encode())] == ["Bea Kaur: Book the room"]
