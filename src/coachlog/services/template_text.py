"""What the Markdown templates filled in the editor share when they are read back (the
session, agreement and pit-stop templates): their headings, their comments, and the
'Label: value' lines of a Details block. Line numbers are kept throughout, so a problem is
reported at the line the coach sees."""

from __future__ import annotations

import re
from collections.abc import Mapping

from coachlog.errors import InvalidInput

HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_ANY_COMMENT = re.compile(r"<!--.*?-->", re.S)


def blank_comments(text: str, comments: tuple[str, ...] | None = None) -> str:
    """The text without comments, each replaced by the line breaks it held, so that line
    numbers in messages are those of the file the coach edited. `comments`: only these
    (the ones the template itself wrote; a coach's own stay in the notes); None: all."""

    def blank(chunk: str) -> str:
        return "\n" * chunk.count("\n")

    if comments is None:
        return _ANY_COMMENT.sub(lambda m: blank(m.group()), text)
    for chunk in sorted(set(comments), key=len, reverse=True):
        text = text.replace(chunk, blank(chunk))
    return text


def detail_line(line: str, details: Mapping[str, str], *, hint: str) -> tuple[str, str, str] | None:
    """A line of a Details block as (its label as written, the field it names, its value,
    stripped); None for an empty line. `details` maps lower-case labels to fields; a line
    that names none of them is an error, with `hint` saying which there are."""
    if not line.strip():
        return None
    label, sep, value = line.partition(":")
    key = details.get(label.strip().lower())
    if not sep or key is None:
        raise InvalidInput(f"'{line.strip()}' is not a detail line.", hint=hint)
    return label.strip(), key, value.strip()
