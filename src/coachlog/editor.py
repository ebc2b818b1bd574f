"""Opening the coach's editor on a template, safely, and never losing what was written.

The file holds confidential notes, so it lives in a private 0700 directory, is created
0600, and is removed afterwards, also when the command fails. A template the coach leaves
unchanged or empties cancels.

When the text cannot be read back, the editor reopens with every problem listed on top, at
the line numbers the editor shows; the next save drops that list whole, so a fixed text
reads cleanly. Saving it unchanged stops the loop. Bytes that are not UTF-8 (an editor set
to Latin-1) are such a problem, at their line; nothing is lost reading them (from_bytes).

From the moment the editor closes on a changed text until the store has it, the text is a
`Draft` (coachlog.drafts), kept if the save fails."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from coachlog.drafts import Draft
from coachlog.errors import (
    Cancelled,
    CoachlogError,
    InvalidInput,
    TemplateProblems,
    describe_problems,
    problem_line,
)

T = TypeVar("T")
ERROR_MARK = "<!-- coachlog: "
_LINE = re.compile(r"^Line (\d+): ", re.S)


def editor_command() -> list[str]:
    """$COACHLOG_EDITOR, else $VISUAL, else $EDITOR, else the `editor` setting (SPEC §2a),
    else nano or vi."""
    from coachlog.settings import Settings

    value = Settings().value("editor")
    if value:
        return shlex.split(value)
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise CoachlogError(
        "No editor found.", hint="Set $EDITOR (e.g. export EDITOR=nano) or give the text as flags."
    )


def _read_back(path: Path) -> str | None:
    try:
        return from_bytes(path.read_bytes())
    except OSError:
        return None


def from_bytes(data: bytes) -> str:
    """The bytes an editor saved, as text. Bytes that are not UTF-8 become lone surrogates
    (Python's "surrogateescape"), so nothing is lost on the way: not_utf8_lines() finds
    them, and writing the text back with the same error handler gives the same bytes."""
    return data.decode("utf-8", "surrogateescape")


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def not_utf8_lines(text: str) -> list[tuple[int, int]]:
    """(line number, the first byte there that is not UTF-8) for each line that has one."""
    return [
        (number, ord(m.group()) - 0xDC00)
        for number, line in enumerate(text.split("\n"), 1)
        if (m := _NOT_UTF8.search(line))
    ]


def visible(text: str) -> str:
    """Text read with from_bytes(), each byte that is not UTF-8 shown as \\xe9."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def utf8_problems(text: str) -> TemplateProblems | None:
    """The lines of `text` that are not UTF-8 (SPEC §3a), as problems to list, else None."""
    bad = not_utf8_lines(text)
    if not bad:
        return None
    message = "not UTF-8 text (the byte 0x{0:02X}, shown as \\x{0:02x}); retype the letters there."
    return TemplateProblems(
        [(number, message.format(byte)) for number, byte in bad],
        hint="The editor saved the file in another encoding than UTF-8 (Latin-1?): set it "
        "to UTF-8, e.g. in vim :set fileencoding=utf-8",
    )


def run_editor(text: str, *, name: str = "coachlog.md", draft: Draft | None = None) -> str:
    """Write text to a private file, open the editor on it, return what was saved (bytes
    that are not UTF-8 as from_bytes() reads them). If the editor fails or coachlog is
    interrupted while it is open, a changed text is put in `draft` before the file is
    removed, so that drafting() can keep it."""
    command = editor_command()
    folder = Path(tempfile.mkdtemp(prefix="coachlog-"))  # mkdtemp makes it 0700
    path = folder / name

    def rescue() -> None:
        written = _read_back(path)
        if draft is not None and written is not None and written.strip() and written != text:
            draft.text = strip_problems(written)

    try:
        os.chmod(folder, 0o700)
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
        except BaseException:  # Ctrl-C, a closed terminal, `kill`: keep what was written
            rescue()
            raise
        if result.returncode != 0:
            rescue()
            raise Cancelled(
                f"The editor exited with status {result.returncode}; nothing was saved."
            )
        try:
            return from_bytes(path.read_bytes())
        except BaseException:  # unreadable, or Ctrl-C while reading: keep what there is
            rescue()
            raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def strip_problems(text: str) -> str:
    """The text without the list of problems we put on top of a reopened file: the whole
    comment, however many lines it has, wherever it now is (the coach may have typed above
    it), with the line break that ended it."""
    while (start := text.find(ERROR_MARK)) >= 0:
        end = text.find("-->", start)
        if end < 0:  # its end was deleted: leave the text as it is, the reader will say so
            return text
        rest = text[end + 3 :]
        text = text[:start] + (rest[1:] if rest.startswith("\n") else rest)
    return text


def _problems_of(exc: InvalidInput) -> list[tuple[int | None, str]]:
    if isinstance(exc, TemplateProblems):
        return exc.problems
    match = _LINE.match(exc.message)
    if match:
        return [(int(match.group(1)), exc.message[match.end() :])]
    return [(None, exc.message)]


def problems_block(problems: list[tuple[int | None, str]], hint: str | None = None) -> str:
    """The comment listing the problems on top of the reopened file. Line numbers are those
    of the file as the editor shows it, this comment included."""

    def build(shift: int) -> str:
        count = len(problems)
        lines = [
            f"{ERROR_MARK}{count} problem{'s' if count != 1 else ''} to fix below; then save "
            "and close.",
            "     Empty the file to cancel; save it unchanged to stop (your text is kept).",
        ]
        for number, message in problems:
            shown = problem_line(None if number is None else number + shift, message)
            lines += ["  - " + part if i == 0 else "    " + part for i, part in
                      enumerate(shown.replace("-->", "- >").splitlines())]  # fmt: skip
        if hint:
            lines.append("     " + hint.replace("-->", "- >"))
        return "\n".join(lines) + " -->\n"

    return build(build(0).count("\n"))


def edit_until_valid(
    template: str,
    parse: Callable[[str], T],
    *,
    draft: Draft,
    name: str = "coachlog.md",
) -> T:
    """Open the editor until parse() accepts the text. Raises Cancelled for an unchanged or
    emptied template. On a terminal a text with problems reopens with all of them listed;
    otherwise (or when it is saved again unchanged) the problems are the error, and the
    text, held in `draft`, is kept by drafting()."""
    shown = template
    original = strip_problems(template)
    previous: str | None = None  # the text reopened with its problems listed
    listed: InvalidInput | None = None  # those problems
    while True:
        body = strip_problems(run_editor(shown, name=name, draft=draft))
        if not body.strip() or body == original:
            draft.text = None  # emptied or left as it was: a cancel, nothing to keep
            raise Cancelled("Nothing changed in the editor; nothing was saved.")
        if body == previous and listed is not None:  # saved unchanged: stop, keep the text
            raise InvalidInput(describe_problems(_problems_of(listed)), hint=listed.hint)
        draft.text = body
        try:
            not_utf8 = utf8_problems(body)  # SPEC §3a: a clear error, the bytes kept
            if not_utf8 is not None:
                raise not_utf8
            return parse(body)
        except InvalidInput as exc:
            problems = _problems_of(exc)
            if sys.stdin.isatty():
                listed, previous = exc, visible(body)
                shown = problems_block(problems, exc.hint) + previous
                continue
            raise InvalidInput(describe_problems(problems), hint=exc.hint) from exc
