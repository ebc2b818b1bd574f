"""Who the coach is. The one place that decides it (SPEC §8):

- on a personal SQLite store, the name in COACHLOG_COACH, else the login name: recorded on
  the rows, never used to filter (the file's permissions protect it);
- on a server store, the database role the coach logged in as (`current_user`): the
  server's row-level security is keyed on it, so no setting can change whose rows a coach
  reads. COACHLOG_COACH, if set, must be that role, else the command stops (exit 1) naming
  both, so a coach who believes they are someone else learns that they are not.

Light on purpose: the read path without the ORM (cli/fastpath) uses it too."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from typing import Any

from coachlog.errors import StoreError


def local_coach(env: Mapping[str, str] | None = None) -> str:
    """The coach of a personal store: COACHLOG_COACH, else the login name."""
    env = os.environ if env is None else env
    name = env.get("COACHLOG_COACH", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): one coach per store then
        return "coach"


def check_server_coach(role: str, env: Mapping[str, str] | None = None) -> str:
    """The coach of a server store is `role`, the database's current_user. A COACHLOG_COACH
    that names someone else is refused: it can never choose whose rows are read."""
    env = os.environ if env is None else env
    claimed = env.get("COACHLOG_COACH", "").strip()
    if claimed and claimed != role:
        raise StoreError(
            f"COACHLOG_COACH is '{claimed}', but you are logged in to the practice's database "
            f"as '{role}': on a shared server the coach is the database login, nothing else.",
            hint=f"Unset COACHLOG_COACH (or set it to '{role}'), or log in as '{claimed}' "
            "with that role's own password.",
        )
    return role


def server_coach(dbapi_conn: Any, env: Mapping[str, str] | None = None) -> str:
    """check_server_coach() for an open DB-API connection (psycopg) to a server store."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("SELECT current_user")
        row = cur.fetchone()
    finally:
        cur.close()
    return check_server_coach(str(row[0]), env)
