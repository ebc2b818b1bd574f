"""Client names for shell completion. It runs on every Tab press, so it reads the store with
the plain sqlite3 module: no Typer, no ORM, no migrations, no pendulum (see cli/entry.py)."""

from __future__ import annotations

import os
import sqlite3


def store_path(db: str | None = None) -> str | None:
    value = db or os.environ.get("COACHLOG_DB", "")
    if "://" in value:
        if value.startswith("sqlite:///"):
            return value[len("sqlite:///") - 1 :] if value.startswith("sqlite:////") else value[10:]
        return None  # a server store: no completion rather than a slow one
    if value:
        return os.path.expanduser(value)
    from coachlog.store.paths import default_path

    return str(default_path())


def client_names(prefix: str, path: str | None = None) -> list[str]:
    path = path or store_path()
    if not path or not os.path.exists(path):
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            rows = conn.execute(
                "SELECT name FROM clients WHERE status != 'closed' ORDER BY name"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # encrypted, locked, or not a store: complete nothing
        return []
    folded = prefix.casefold()
    return [name for (name,) in rows if name.casefold().startswith(folded)]
