"""What the tests share that is not a fixture: the one pinned instant, and (in
`support.processes`) coachlog run as a real process.

Every fixture that runs coachlog pins its clock to NOW through COACHLOG_NOW (conftest's
autouse `_isolated_env`), so no test depends on the day it runs. A test that wants the real
clock on purpose says so with `real_clock` (conftest)."""

from __future__ import annotations

import pendulum

NOW = pendulum.datetime(2026, 11, 22, 10, 0, tz="UTC")  # a Sunday; 10:00 in Lisbon too
NOW_ISO = "2026-11-22T10:00:00+00:00"
PINNED = {"COACHLOG_NOW": NOW_ISO}
TZ = "Europe/Lisbon"

assert NOW.isoformat() == NOW_ISO
