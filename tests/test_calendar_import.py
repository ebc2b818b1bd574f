"""`coachlog import FILE.ics` (SPEC §4a) in-process through the CLI, with calendars shaped like
those Thunderbird, Google Calendar and khal export (tests/calendars/): zones from VTIMEZONE,
UTC, floating times, all-day and repeating events, moves and cancellations on a second
import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coachlog.domain.calendar import session_uid

CALENDARS = Path(__file__).parent / "calendars"


@pytest.fixture
def practice(cli):
    for args in (
        ("Ana Lima", "--email", "ana.lima@example.org"),
        ("Bruno Costa",),
        ("Carla Dias",),
        ("José Rocha",),
    ):
        assert cli("client", "add", *args).code == 0
    return cli


def planned(cli) -> list[tuple[str, str, int]]:
    return [
        (s["client"], s["held_at"], s["minutes"])
        for s in cli("session", "list", "--planned", "--json").json
    ]


def test_thunderbird_zone_and_attendee_email(practice):
    r = practice("import", str(CALENDARS / "thunderbird.ics"))
    assert r.code == 0, r.err
    assert "1 planned, 0 moved, 0 cancelled, 0 unchanged" in r.out
    assert "1 event already past, left alone." in r.out
    # DTSTART;TZID=Europe/Lisbon:20261201T150000 (WET, +00:00), DTEND 15:50
    assert planned(practice) == [("Ana Lima", "2026-12-01T15:00:00+00:00", 50)]
    s = practice("session", "show", "1", "--json").json
    assert s["uid"] == "0b6f3a0e-6f0c-4d43-9a51-5f2b7c9d1e2a"  # the event's UID, a UUID
    assert '"Dentist": no client\'s email is among its attendees' in r.err


def test_khal_custom_vtimezone_and_accents(practice):
    r = practice("import", str(CALENDARS / "khal.ics"))
    assert r.code == 0, r.err
    # 09:00 in Europe/Berlin (CET, +01:00) is 08:00 UTC; 90 minutes
    assert planned(practice) == [("José Rocha", "2026-12-10T08:00:00+00:00", 90)]
    uid = practice("session", "show", "1", "--json").json["uid"]
    assert uid == session_uid("ZOQ7N3M0XCHDGZ6QF1JE3IP6H1KQCBBY4R8W")


def test_google_utc_all_day_repeating_and_ambiguous_events(practice):
    r = practice("import", str(CALENDARS / "google.ics"))
    assert r.code == 0, r.err
    assert "2 planned, 0 moved, 0 cancelled, 0 unchanged" in r.out
    assert planned(practice) == [
        ("Bruno Costa", "2026-12-02T14:00:00+00:00", 60),
        ("Ana Lima", "2026-12-09T10:00:00+00:00", 60),  # "Coaching: ana lima"
    ]
    assert "3 events ahead not imported" in r.err
    assert '"Weekly with Carla Dias": a repeating event' in r.err
    assert '"Offsite with Ana Lima": an all-day event' in r.err
    assert (
        '"Group: Ana Lima & Bruno Costa": it could be for any of 2 clients (Ana Lima, Bruno Costa)'
        in r.err
    )

    data = practice("import", str(CALENDARS / "google.ics"), "--json").json
    assert data["unchanged"] == 2 and data["planned"] == 0
    reasons = {e["summary"]: e for e in data["not_imported"]}
    assert reasons["Offsite with Ana Lima"]["start"] == "2026-12-04"
    assert reasons["Group: Ana Lima & Bruno Costa"]["candidates"] == ["Ana Lima", "Bruno Costa"]


def test_importing_again_changes_nothing(practice, tmp_path):
    for name in ("thunderbird", "google", "khal"):
        assert practice("import", str(CALENDARS / f"{name}.ics")).code == 0
    before = practice("export", "--all", "--format", "json").json
    steps = practice("undo", "--list", "--json").json
    for name in ("thunderbird", "google", "khal"):
        r = practice("import", str(CALENDARS / f"{name}.ics"))
        assert r.code == 0 and "Nothing to change" in r.out and " 0 planned" in r.out
    after = practice("export", "--all", "--format", "json").json
    assert after["sessions"] == before["sessions"]
    assert practice("undo", "--list", "--json").json == steps  # no new step either


def test_a_moved_and_a_cancelled_event_move_and_cancel_their_sessions(practice):
    assert practice("import", str(CALENDARS / "google.ics")).code == 0
    ids = {s["client"]: s["id"] for s in practice("session", "list", "--planned", "--json").json}

    dry = practice("import", str(CALENDARS / "google-later.ics"), "--dry-run")
    assert dry.code == 0, dry.err
    assert "would give 0 planned, 1 moved, 1 cancelled" in dry.out
    assert "Nothing was written (--dry-run)." in dry.out
    assert len(planned(practice)) == 2  # the dry run wrote nothing

    r = practice("import", str(CALENDARS / "google-later.ics"))
    assert r.code == 0, r.err
    assert f"#{ids['Bruno Costa']} moved: Bruno Costa, Thu 3 Dec 16:00, 45 min" in r.out
    assert f"#{ids['Ana Lima']} cancelled: Ana Lima" in r.out
    assert planned(practice) == [("Bruno Costa", "2026-12-03T16:00:00+00:00", 45)]
    assert practice("session", "show", str(ids["Ana Lima"]), "--json").json["status"] == "cancelled"
    # and once more: nothing
    again = practice("import", str(CALENDARS / "google-later.ics"), "--json").json
    assert (again["moved"], again["cancelled"], again["unchanged"]) == (0, 0, 2)


def test_a_session_held_or_cancelled_in_coachlog_is_left_as_it_is(practice):
    assert practice("import", str(CALENDARS / "google.ics")).code == 0
    ids = {s["client"]: s["id"] for s in practice("session", "list", "--planned", "--json").json}
    assert practice("session", "cancel", str(ids["Bruno Costa"])).code == 0
    r = practice("import", str(CALENDARS / "google-later.ics"), "--json").json  # moves Bruno
    assert r["moved"] == 0
    shown = practice("session", "show", str(ids["Bruno Costa"]), "--json").json
    assert shown["status"] == "cancelled" and shown["held_at"] == "2026-12-02T14:00:00+00:00"


def test_a_closed_client_is_not_planned_for(practice):
    assert practice("client", "close", "ana", "--keep-promises").code == 0
    r = practice("import", str(CALENDARS / "thunderbird.ics"))
    assert r.code == 0, r.err
    assert "whose coaching is closed" in r.err and "client reopen" in r.err
    assert planned(practice) == []


def test_not_a_calendar_is_a_clear_error_and_writes_nothing(practice, tmp_path):
    text = tmp_path / "notes.ics"
    text.write_text("Just some notes, not a calendar\n")
    r = practice("import", str(text))
    assert r.code == 1 and "Traceback" not in r.err
    assert "is not an iCalendar file that can be read" in r.err
    binary = tmp_path / "bin.ics"
    binary.write_bytes(b"BEGIN:VCALENDAR\r\n\xff\xfe\r\nEND:VCALENDAR\r\n")
    r = practice("import", str(binary))
    assert r.code == 1 and "is not UTF-8 text" in r.err
    r = practice("import", str(tmp_path / "missing.ics"))
    assert r.code == 1 and "Cannot read" in r.err
    assert planned(practice) == []


def test_a_floating_time_is_the_coachs_zone(practice, tmp_path):
    src = (CALENDARS / "khal.ics").read_text()
    floating = src.replace("DTSTART;TZID=Europe/Berlin:20261210T090000", "DTSTART:20260610T090000")
    floating = floating.replace("DTEND;TZID=Europe/Berlin:20261210T103000", "DTEND:20260610T100000")
    floating = floating.replace("2026061", "2027061")  # ahead of NOW
    path = tmp_path / "floating.ics"
    path.write_text(floating, newline="")
    r = practice("import", str(path))
    assert r.code == 0, r.err
    # 09:00 in Lisbon in June (WEST, +01:00) is 08:00 UTC
    assert planned(practice) == [("José Rocha", "2027-06-10T08:00:00+00:00", 60)]


def test_import_of_a_calendar_is_not_undoable(practice):
    assert practice("import", str(CALENDARS / "khal.ics")).code == 0
    r = practice("undo")
    assert r.code == 1 and "'import'" in r.err and "cannot be undone" in r.err


def test_a_copy_with_another_name_is_still_read_by_its_suffix(practice, tmp_path):
    copy = tmp_path / "Calendar Export.ICS"
    shutil.copy(CALENDARS / "khal.ics", copy)
    assert practice("import", str(copy)).code == 0
    assert len(planned(practice)) == 1


def test_coachlogs_own_calendar_export_reads_back_as_the_same_sessions(practice, tmp_path):
    """`export --format ics` writes planned sessions as VEVENTs whose UID is the session's
    uid: importing that file finds the very sessions; a time changed in it moves one."""
    assert practice("session", "plan", "ana", "--at", "tue 15:00").code == 0
    assert practice("session", "plan", "bruno", "--at", "thu 15:00").code == 0
    assert practice("session", "cancel", "2").code == 0
    out = tmp_path / "coaching.ics"
    assert practice("export", "ana", "--format", "ics", "--out", str(out)).code == 0
    r = practice("import", str(out))
    assert r.code == 0, r.err
    assert "Nothing to change" in r.out and "1 unchanged" in r.out
    text = out.read_text()
    assert "DTSTART:20261124T150000Z" in text
    moved = text.replace("DTSTART:20261124T150000Z", "DTSTART:20261124T170000Z")
    out.write_text(moved.replace("DTEND:20261124T160000Z", "DTEND:20261124T180000Z"))
    r = practice("import", str(out))
    assert r.code == 0 and "#1 moved: Ana Lima, Tue 24 Nov 17:00" in r.out
    assert planned(practice) == [("Ana Lima", "2026-11-24T17:00:00+00:00", 60)]


def test_an_event_without_uid_or_start_is_listed_with_the_reason(practice, tmp_path):
    path = tmp_path / "odd.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nSUMMARY:Ana Lima, no UID\r\nDTSTART:20261201T100000Z\r\n"
        "DTEND:20261201T110000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:x-1\r\nSUMMARY:Ana Lima, no start\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        newline="",
    )
    r = practice("import", str(path), "--json")
    assert r.code == 0, r.err
    reasons = {e["summary"]: e["reason"] for e in r.json["not_imported"]}
    assert reasons == {
        "Ana Lima, no UID": "it has no UID",
        "Ana Lima, no start": "it has no DTSTART",
    }
    assert planned(practice) == []
