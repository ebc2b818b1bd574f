"""What the tests share that is not a fixture: the one pinned instant, and (in
`support.processes`) coachlog run as a real process.

Every fixture that runs coachlog pins its clock to NOW through COACHLOG_NOW (conftest's
autouse `_isolated_env`), so no test depends on the day it runs. A test that wants the real
clock on purpose says so with `real_clock` (conftest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum

NOW = pendulum.datetime(2026, 11, 22, 10, 0, tz="UTC")  # a Sunday; 10:00 in Lisbon too
NOW_ISO = "2026-11-22T10:00:00+00:00"
PINNED = {"COACHLOG_NOW": NOW_ISO}
TZ = "Europe/Lisbon"

assert NOW.isoformat() == NOW_ISO


# What a test's environment must not carry over from the machine's (conftest's autouse
# `_isolated_env`, and the stores some modules build once for all their tests).
UNSET = (
    "COACHLOG_DB",
    "COACHLOG_PASSPHRASE",
    "COACHLOG_CONFIG",
    "COACHLOG_WITHIN",
    "COACHLOG_MINUTES",
    "COACHLOG_EDITOR",
    "COACHLOG_COACH_NAME",
    "COACHLOG_TRAINING_STARTED_ON",
    "COACHLOG_CREDENTIAL",
    "COACHLOG_CREDENTIAL_EXPIRES_ON",
    "VISUAL",
    "EDITOR",
    "COACHLOG_COACH",
    "COACHLOG_DEBUG",
)


def isolate(monkeypatch: Any, folder: Path) -> None:
    """No test may touch the real user data dir, the real clock zone or a real editor, and
    none reads the real clock: coachlog's `now` is pinned to NOW. `folder` holds the data
    and config folders and HOME."""
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "xdg-config"))  # no settings file
    monkeypatch.setenv("HOME", str(folder / "home"))
    monkeypatch.setenv("COACHLOG_TZ", TZ)
    monkeypatch.setenv("COACHLOG_NOW", NOW_ISO)
    monkeypatch.setenv("COACHLOG_PAGER", "false")  # a terminal test never waits in `less`
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    for var in UNSET:
        monkeypatch.delenv(var, raising=False)
