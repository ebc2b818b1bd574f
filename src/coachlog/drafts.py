"""Keeping what the coach wrote in the editor when it cannot be stored (SPEC §3a).

From the moment the editor closes on a changed text until the store has it, the text is a
`Draft`: a command does its saving inside `drafting()`, and whatever makes the save fail
(bad text without a terminal, a full disk, a busy store, Ctrl-C, a bug), the text is kept
in a private 0600 file whose path is printed. Bytes the editor saved that are not UTF-8
are kept as they were (coachlog.editor reads them with "surrogateescape")."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from coachlog.errors import CoachlogError


@dataclass
class Draft:
    """The text the coach wrote in the editor, until it is stored (None: nothing to keep)."""

    text: str | None = None
    kept: Path | None = None


def recovery_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("coachlog", appauthor=False)) / "unsaved"


def recovery_path() -> Path:
    folder = recovery_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


# The client whose text this command may keep: its uid ends the kept file's name, so that
# `client forget` finds and removes that client's kept texts (cli/store_cmds.py).
_KEPT_FOR: ContextVar[str] = ContextVar("coachlog_kept_for", default="")


def keep_texts_for(client_uid: str) -> None:
    """Say which client the text written in this command is about."""
    _KEPT_FOR.set(client_uid)


def _write_private(folder: Path, text: str) -> Path:
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    owner = f"-{_KEPT_FOR.get()}" if _KEPT_FOR.get() else ""
    for n in range(100):
        path = folder / f"unsaved-{stamp}-{os.getpid()}{f'-{n}' if n else ''}{owner}.md"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        try:
            # surrogateescape: bytes the editor saved that are not UTF-8 are kept as they were
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(folder)


def keep_text(text: str) -> Path:
    """Save text the coach wrote that could not be stored, 0600, and return its path: in the
    user data folder's unsaved/ (0700), else (that disk is full too) in a new private folder
    under $TMPDIR."""
    try:
        return _write_private(recovery_path(), text)
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="coachlog-unsaved-"))
        try:
            return _write_private(folder, text)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise


def _say_on_stderr(message: str) -> None:
    try:
        from coachlog.render.messages import warn

        warn(message)
    except Exception:  # a closed terminal: nothing more can be said
        pass


@contextmanager
def drafting(*, retry_hint: str) -> Iterator[Draft]:
    """Run the editing and the saving inside this block. If the block fails for any reason
    after the editor gave back a changed text, the text is kept and its path said: in the
    error's message for coachlog's own errors, on stderr for anything else (Ctrl-C, a
    closed terminal, a bug). `retry_hint` may name the file as {path}."""
    draft = Draft()
    try:
        yield draft
    except BaseException as exc:
        if draft.text is not None and not (isinstance(exc, SystemExit) and not exc.code):
            _keep(draft, exc, retry_hint)
        raise


def _keep(draft: Draft, exc: BaseException, retry_hint: str) -> None:
    assert draft.text is not None
    try:
        draft.kept = keep_text(draft.text)
    except OSError as failure:
        note = f"Your text from the editor could not be kept either ({failure.strerror})."
        if isinstance(exc, CoachlogError):
            exc.message += " " + note
        else:
            _say_on_stderr(note)
        if sys.stderr.isatty():  # the last place it can still be copied from
            sys.stderr.write("---- your text ----\n" + draft.text + "\n---- end ----\n")
        return
    where = f"Your text from the editor was kept in {draft.kept}."
    if isinstance(exc, CoachlogError):
        exc.message += "\n" + where  # a line of its own, after the last problem listed
        hint = retry_hint.format(path=draft.kept)
        exc.hint = f"{exc.hint}\n{hint}" if exc.hint else hint
    elif isinstance(exc, KeyboardInterrupt):
        _say_on_stderr("Interrupted; nothing was saved. " + where)
    else:  # the error that follows says that nothing was saved
        _say_on_stderr(where)
