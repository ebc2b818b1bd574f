"""The peers coachlog is measured against (issue 11): Taskwarrior and jrnl, loaded with the same
demo practice as the coachlog store, so each answers the same questions over the same records.

- Taskwarrior 2.6 gets every promise as a task (its JSON import): project = the client, tag
  `coach` or `client` for the owner, `due`, `entry` = made_at, `end` = closed_at, status
  pending (open), completed (kept) or deleted (broken, released).
- jrnl gets every session as an entry in its plain-text journal format (`[YYYY-MM-DD HH:MM]
  title`, then the notes), tagged with the client (`@ana_lima`) and the session's themes, and
  every promise as an entry on the day it was made, tagged the same way and `@promise`.

Both run in a private HOME, so a coach's own Taskwarrior or jrnl is never read or touched.
A peer that is not installed is left out of the run (the table says so).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

JRNL_TIME = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Peer:
    name: str
    env: dict[str, str]


def client_tag(name: str) -> str:
    """A client's name as a jrnl tag: `Ana Lima` → `@ana_lima` (letters and digits only)."""
    return "@" + re.sub(r"\W+", "_", name.casefold()).strip("_")


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _tw(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


TW_STATUS = {"open": "pending", "kept": "completed", "broken": "deleted", "released": "deleted"}


def taskwarrior_tasks(practice: dict) -> list[dict]:
    """Every promise of an interchange file as a Taskwarrior task (its `task import` format)."""
    names = {c["uid"]: c["name"] for c in practice["clients"]}
    tasks = []
    for p in practice["promises"]:
        made, due, closed = (_instant(p[k]) for k in ("made_at", "due_at", "closed_at"))
        task = {
            "uuid": p["uid"],
            "description": f"{names[p['client_uid']]}: {p['text']}",
            "status": TW_STATUS[p["status"]],
            "entry": _tw(made or datetime.now()),
            "project": client_tag(names[p["client_uid"]])[1:],
            "tags": [p["owner"]],
        }
        if due:
            task["due"] = _tw(due)
        if closed and task["status"] != "pending":
            task["end"] = _tw(closed)
        tasks.append(task)
    return tasks


def jrnl_text(practice: dict) -> str:
    """Every session and promise of an interchange file as one jrnl journal, oldest first."""
    names = {c["uid"]: c["name"] for c in practice["clients"]}
    entries: list[tuple[datetime, str]] = []
    for s in practice["sessions"]:
        if s.get("status", "held") != "held":
            continue
        at = _instant(s["held_at"])
        assert at is not None
        tags = " ".join(
            [client_tag(names[s["client_uid"]])]
            + ["@" + t for t in s["themes"] if t.isidentifier()]
        )
        title = f"{s['kind'].capitalize()} session with {names[s['client_uid']]}. {tags}"
        body = (s["notes"] or "").strip()
        entries.append((at, f"[{at.strftime(JRNL_TIME)}] {title}\n{body}\n"))
    for p in practice["promises"]:
        at = _instant(p["made_at"])
        assert at is not None
        who = "I promised" if p["owner"] == "coach" else "They committed"
        title = f"{who}: {p['text'].rstrip('.')}. {client_tag(names[p['client_uid']])} @promise"
        due = f"Due {p['due_at'][:10]}; {p['status']}." if p["due_at"] else p["status"] + "."
        entries.append((at, f"[{at.strftime(JRNL_TIME)}] {title}\n{due}\n"))
    entries.sort(key=lambda e: e[0])
    return "\n".join(text for _, text in entries)


def taskwarrior(practice: dict, home: Path, base_env: dict[str, str]) -> Peer | None:
    """A Taskwarrior with the practice's promises, in HOME; None when `task` is not installed."""
    exe = shutil.which("task")
    if exe is None:
        return None
    home.mkdir(parents=True, exist_ok=True)
    rc = home / ".taskrc"
    data = home / "task"
    rc.write_text(f"data.location={data}\nconfirmation=off\nnews.version=2.6.0\n")
    env = {**base_env, "HOME": str(home), "TASKRC": str(rc), "TASKDATA": str(data)}
    tasks = home / "tasks.json"
    tasks.write_text("\n".join(json.dumps(t) for t in taskwarrior_tasks(practice)) + "\n")
    subprocess.run(
        [exe, "rc.verbose=nothing", "import", str(tasks)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Peer("task", env)


def jrnl(practice: dict, home: Path, base_env: dict[str, str]) -> Peer | None:
    """A jrnl with the practice's sessions and promises, in HOME; None when not installed."""
    exe = os.environ.get("JRNL") or shutil.which("jrnl")
    if exe is None:
        return None
    config = home / ".config" / "jrnl"
    config.mkdir(parents=True, exist_ok=True)
    shown = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    version = re.search(r"v\d[\w.]*", shown)
    journal = home / "journal.txt"
    journal.write_text(jrnl_text(practice))
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\n"
        "highlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '@'\ntemplate: false\n"
        f"timeformat: '{JRNL_TIME}'\nversion: {version.group() if version else 'v4.1'}\n"
    )
    env = {**base_env, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env["JRNL"] = exe
    # jrnl brings an older config up to date (and says so) on its first run: let it, now.
    subprocess.run([exe, "-n", "1"], env=env, check=True, capture_output=True)
    return Peer("jrnl", env)


def jrnl_argv(peer: Peer, *args: str) -> list[str]:
    return [peer.env["JRNL"], *args]
