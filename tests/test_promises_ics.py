"""`promises due --ics FILE`: the same promises as an iCalendar file (SPEC §6), written 0600.
The writer lives in coachlog.export (another part of the project); until it is there this
file is skipped."""

from __future__ import annotations

import stat

from support import PINNED as PIN


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "").replace("\r\n", "\n")


def test_due_ics_writes_the_same_promises(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    cli("promises", "add", "ana", "Send the article @ 2026-11-24 18:00", env=PIN)
    cli("promises", "add", "ana", "Draft the talk @ 2026-11-20", "--theirs", env=PIN)
    cli("promises", "add", "ana", "Annual review @ +60d", env=PIN)
    due = cli("promises", "due", "--json", env=PIN).json
    assert len(due) == 2

    out = tmp_path / "due.ics"
    r = cli("promises", "due", "--ics", str(out), env=PIN)
    assert r.code == 0, r.err
    assert r.out.startswith("✓ Wrote 2 promises to ")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = _unfold(out.read_bytes().decode("utf-8"))
    assert text.startswith("BEGIN:VCALENDAR")
    assert text.count("BEGIN:VTODO") == 2
    for item in due:
        assert f"UID:{item['uid']}" in text
    assert "DUE:20261124T180000Z" in text
    assert "Ana Lima" in text and "Send the article" in text
    assert "Annual review" not in text


def test_due_ics_with_json_prints_only_json(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    cli("promises", "add", "ana", "Send the article @ +1d", env=PIN)
    out = tmp_path / "due.ics"
    r = cli("promises", "due", "--ics", str(out), "--json", env=PIN)
    assert r.code == 0 and [p["text"] for p in r.json] == ["Send the article"]
    assert out.exists()


def test_due_ics_holds_only_what_is_due_with_alarms_and_whole_days(cli):
    from icalendar import Calendar

    cli("client", "add", "Ana Lima")
    cli("promises", "add", "ana", "Send the article @ 2026-11-24", env=PIN)  # a whole day
    cli("promises", "add", "ana", "Kept already @ 2026-11-23 10:00", env=PIN)
    assert cli("promises", "keep", "2", env=PIN).code == 0
    r = cli("promises", "due", "--ics", "-", "--alarm", "1d", env=PIN)
    assert r.code == 0, r.err
    (todo,) = Calendar.from_ical(r.out.encode()).walk("VTODO")  # the kept one is not due
    assert "DUE;VALUE=DATE:20261124" in r.out
    assert str(todo["DESCRIPTION"]) == "Close it with: coachlog promises keep 1"
    (alarm,) = todo.walk("VALARM")
    assert str(alarm["TRIGGER"].to_ical().decode()) == "-P1D"
    assert cli("promises", "due", "--alarm", "1d", env=PIN).code == 2  # needs --ics


def test_due_ics_into_a_folder(cli, tmp_path):
    cli("client", "add", "Ana Lima")
    cli("promises", "add", "ana", "Send the article @ +1d", env=PIN)
    cli("promises", "add", "ana", "Book the room @ +2d", env=PIN)
    uids = [p["uid"] for p in cli("promises", "due", "--json", env=PIN).json]
    folder = tmp_path / "due"
    r = cli("promises", "due", "--ics", f"{folder}/", env=PIN)
    assert r.code == 0, r.err
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{u}.ics" for u in uids)
