"""Opening the coach's editor on a template, safely.

The file holds confidential notes, so it lives in a private 0700 directory, is created
0600, and is removed afterwards, also when the command fails. A template the coach leaves
unchanged or empties cancels. When the text cannot be read back, the editor reopens with
the problem at the top; without a terminal the text is kept in a file we name, so nothing
the coach wrote is lost."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from coachlog.errors import Cancelled, CoachlogError, InvalidInput

T = TypeVar("T")
ERROR_MARK = "<!-- coachlog: "


def editor_command() -> list[str]:
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return shlex.split(value)
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise CoachlogError(
        "No editor found.", hint="Set $EDITOR (e.g. export EDITOR=nano) or give the text as flags."
    )


def run_editor(text: str, *, name: str = "coachlog.md") -> str:
    """Write text to a private file, open the editor on it, return what was saved."""
    command = editor_command()
    folder = Path(tempfile.mkdtemp(prefix="coachlog-"))  # mkdtemp makes it 0700
    try:
        os.chmod(folder, 0o700)
        path = folder / name
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except FileNotFoundError as exc:
            raise CoachlogError(
                f"Cannot start the editor '{command[0]}'.",
                hint="Check $VISUAL / $EDITOR.",
            ) from exc
        if result.returncode != 0:
            raise Cancelled(
                f"The editor exited with status {result.returncode}; nothing was saved."
            )
        return path.read_text(encoding="utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _strip_error(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(ERROR_MARK):
        lines.pop(0)
    return "".join(lines)


def recovery_path() -> Path:
    import platformdirs

    folder = Path(platformdirs.user_data_dir("coachlog", appauthor=False)) / "unsaved"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def keep_text(text: str) -> Path:
    """Save text the coach wrote that could not be stored, 0600, and return its path."""
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = recovery_path() / f"unsaved-{stamp}-{os.getpid()}.md"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def edit_until_valid(
    template: str,
    parse: Callable[[str], T],
    *,
    name: str = "coachlog.md",
    retry_hint: str = "Fix it, then run the command again with --edit and paste it in.",
) -> T:
    """Open the editor until parse() accepts the text. Raises Cancelled for an unchanged or
    emptied template."""
    text = template
    while True:
        edited = _strip_error(run_editor(text, name=name))
        if not edited.strip() or edited == _strip_error(template):
            raise Cancelled("Nothing changed in the editor; nothing was saved.")
        try:
            return parse(edited)
        except InvalidInput as exc:
            if sys.stdin.isatty():
                problem = exc.message.replace("-->", "->")
                text = (
                    f"{ERROR_MARK}{problem} Fix it below, or empty the file to cancel. -->\n"
                    + edited
                )
                continue
            kept = keep_text(edited)
            raise InvalidInput(
                f"{exc.message} Your text was kept in {kept}.",
                hint=retry_hint,
            ) from exc
