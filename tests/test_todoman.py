"""The calendar export read by its real consumer, todoman (SPEC §6): `export --format ics
--out DIR/` writes one file per UID, the folder layout todoman reads and writes back; a task
ticked off in todoman stays ticked off when coachlog exports again, and a promise kept in
coachlog shows as completed there instead of vanishing and staying open forever.

Needs the todoman program (`apt-get install todoman`; .ci/run installs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import PINNED as PIN

pytestmark = pytest.mark.skipif(
    shutil.which("todoman") is None,
    reason="todoman is not installed (apt-get install todoman); .ci/run installs it",
)


@pytest.fixture
def todoman(tmp_path: Path):
    """todoman run as a real process, on the lists under tmp_path/calendars."""
    config = tmp_path / "todoman-config"
    config.mkdir()
    (config / "config.py").write_text(
        f'path = "{tmp_path}/calendars/*"\n'
        f'cache_path = "{tmp_path}/todoman-cache.sqlite3"\n'
        'date_format = "%Y-%m-%d"\n'
        'time_format = "%H:%M"\n'
        'default_list = "coaching"\n'
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "todoman-xdg")}
        p = subprocess.run(
            ["todoman", "--config", str(config / "config.py"), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert p.returncode == 0, (args, p.stdout, p.stderr)
        return p

    def tasks(status: str = "ANY") -> dict[str, dict]:
        found = json.loads(run("--porcelain", "list", "--status", status).stdout)
        return {t["summary"]: t for t in found}

    run.tasks = tasks  # type: ignore[attr-defined]
    return run


def test_todoman_ticks_off_an_exported_promise_and_it_stays_ticked(proc, todoman, tmp_path):
    assert proc("client", "add", "Ana Lima", env=PIN).code == 0
    for args in (
        ("Send the article @ 2026-11-24",),
        ("Book the room @ 2026-11-25 09:00",),
        ("Draft the charter @ 2026-11-26", "--theirs"),
    ):
        assert proc("promises", "add", "ana", *args, env=PIN).code == 0, args
    folder = tmp_path / "calendars" / "coaching"

    def export(*extra: str):
        return proc(
            "export", "--all", "-f", "ics", "--alarm", "1d", "--out", f"{folder}/", *extra, env=PIN
        )

    r = export()
    assert r.code == 0, r.err
    assert len(list(folder.glob("*.ics"))) == 3

    listed = todoman.tasks("NEEDS-ACTION")  # todoman reads every file, none read-only
    assert sorted(listed) == [
        "Ana Lima (their commitment): Draft the charter",
        "Ana Lima: Book the room",
        "Ana Lima: Send the article",
    ]
    assert listed["Ana Lima: Send the article"]["description"] == (
        "Close it with: coachlog promises keep 1"
    )

    # the coach ticks one off in todoman: one file changes
    todoman("done", str(listed["Ana Lima: Book the room"]["id"]))
    again = export()
    assert again.code == 0, again.err
    assert "changed in your calendar program since (there: COMPLETED)" in again.out
    after = todoman.tasks()
    assert after["Ana Lima: Book the room"]["completed"] is True  # stayed ticked off
    assert after["Ana Lima: Send the article"]["completed"] is False

    # the coach keeps another in coachlog: the next export closes it in todoman
    assert proc("promises", "keep", "1", env=PIN).code == 0
    refused = export()
    assert refused.code == 1 and "--force" in refused.err
    forced = export("--force")
    assert forced.code == 0, forced.err
    final = todoman.tasks()
    assert final["Ana Lima: Send the article"]["completed"] is True
    assert final["Ana Lima: Book the room"]["completed"] is True
    assert sorted(todoman.tasks("NEEDS-ACTION")) == [
        "Ana Lima (their commitment): Draft the charter"
    ]


@pytest.mark.skipif(
    shutil.which("khal") is None,
    reason="khal is not installed (apt-get install khal); .ci/run installs it",
)
def test_khal_finds_a_planned_session(proc, store, tmp_path):
    """khal reads events: a planned session is one (it found nothing before)."""
    from datetime import UTC, datetime

    from coachlog.models import CoachingSession

    assert proc("client", "add", "Ana Lima", env=PIN).code == 0
    with store.write() as db:
        db.add(
            CoachingSession(
                client_id=1, held_at=datetime(2026, 12, 3, 15, tzinfo=UTC), minutes=45,
                status="planned",
            )
        )  # fmt: skip
    folder = tmp_path / "calendars" / "coaching"
    r = proc("export", "--all", "-f", "ics", "--out", f"{folder}/", env=PIN)
    assert r.code == 0, r.err
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[coaching]]\npath = {folder}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Europe/Lisbon\ndefault_timezone = Europe/Lisbon\n"
    )
    p = subprocess.run(
        ["khal", "-c", str(config), "list", "2026-12-01", "7d"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "khal-data")},
        timeout=60,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    assert "15:00-15:45 Coaching: Ana Lima" in p.stdout, p.stdout
