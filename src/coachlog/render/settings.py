"""`coachlog config`: the settings and where each came from."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachlog.render import console, safe_line

if TYPE_CHECKING:
    from coachlog.settings import Value


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _source(value: Value, path: Path) -> str:
    if value.source == "default":
        return "default"
    if value.source == str(path):
        return "settings file"
    if value.source.startswith("-"):
        return f"flag {value.source}"
    return f"${value.source}"


def setting_json(value: Value) -> dict[str, Any]:
    shown = value.value.isoformat() if isinstance(value.value, date) else value.value
    return {"key": value.key, "value": shown, "source": value.source}


def settings_json(values: list[Value], path: Path) -> dict[str, Any]:
    return {"file": str(path), "settings": [setting_json(v) for v in values]}


def settings_screen(values: list[Value], path: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    from coachlog.settings import SETTINGS

    out = console()
    head = Text("Settings file: ", style="muted")
    head.append_text(safe_line(path))
    if not path.exists():
        head.append("  (none yet: coachlog config set KEY VALUE makes it)", style="muted")
    out.print(head)
    table = Table(box=None, pad_edge=False, show_header=True, header_style="head")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    table.add_column("from", style="muted")
    explain = out.width >= 100  # on a narrow terminal the names say enough
    if explain:
        table.add_column("what it is", style="muted", overflow="fold")
    for v in values:
        shown = _shown(v.value)
        cell = safe_line(shown) if shown else Text("–", style="muted")
        help_cell = [SETTINGS[v.key].help] if explain else []
        table.add_row(v.key, cell, _source(v, path), *help_cell)
    out.print(table)


def setting_saved(written: Value, *, overridden: Value) -> None:
    from coachlog.render.messages import success, warn

    success(
        f"{written.key} = {_shown(written.value)} ",
        ("(saved in ", "muted"),
        (written.source, "muted"),
        (")", "muted"),
    )
    if overridden.source != written.source:
        warn(
            f"${overridden.source} is set, and wins over the file: {written.key} is "
            f"{_shown(overridden.value)} until it is unset."
        )
