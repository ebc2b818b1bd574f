"""Standard output that tells when it fails. A coach who reads "nothing was saved" runs the
command again and records the session twice; so when the store was written but the
confirmation could not be printed (a closed pipe, a full disk behind `>`), the message
says it was saved (SPEC §7). cli/main.py puts this guard around every command."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coachlog.export.files import Data, Output


class OutputLost(Exception):
    """Writing to standard output failed. Deliberately not an OSError: Typer swallows a
    broken pipe (EPIPE) into a silent exit status 1, and this must reach cli/main.py."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error

    @property
    def closed(self) -> bool:
        """The reader went away (`| head`): for a command that only read, no news."""
        return self.error.errno == errno.EPIPE or isinstance(self.error, BrokenPipeError)


class GuardedStream:
    """A text stream (and its .buffer) whose write and flush raise OutputLost instead of
    OSError; everything else is the stream's own (isatty, encoding, fileno, ...)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> Any:
        try:
            return self._stream.write(data)
        except OSError as exc:
            raise OutputLost(exc) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputLost(exc) from exc

    @property
    def buffer(self) -> GuardedStream:
        return GuardedStream(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def reason(error: OSError) -> str:
    if error.errno == errno.EPIPE:
        return "the program reading it closed the pipe"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left where it goes"
    if error.errno == errno.EFBIG:
        return "the file it goes to reached its size limit"
    return error.strerror or str(error)


def lost_message(lost: OutputLost, *, saved: bool) -> str | None:
    """What to say on stderr, or None to say nothing (a read whose reader left)."""
    why = reason(lost.error)
    if saved:
        return (
            f"Saved: this command's changes are in the store, but its confirmation could not "
            f"be printed ({why}). Do not run it again; the list commands show what was saved."
        )
    if lost.closed:
        return None
    return f"The output could not be written ({why}). Nothing was saved by this command."


def silence(stream: Any) -> None:
    """After a failed write, what is still buffered for `stream` goes nowhere, so that the
    interpreter's own flush at exit does not fail a second time."""
    import os

    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, stream.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # a stream without a file (a test's)
        pass


def write_output(target: Output, data: Data) -> Path | None:
    """Write an output where --out / --ics sends it (export/files.py output()): standard
    output here, anything else through export/files.py. Returns the file written, or
    None for standard output."""
    if target.kind == "stdout":
        to_stdout(data)
        return None
    from coachlog.export.files import write_target

    return write_target(target, data)


def to_stdout(data: Data) -> None:
    """A file format on stdout (whole, or in pieces): as is into a pipe; on a terminal,
    control and bidi characters in it are spelled out so that a note cannot restyle the
    screen (character by character, so pieces can be cleaned one at a time)."""
    import sys

    from coachlog.render import clean

    tty = sys.stdout.isatty()
    for piece in [data] if isinstance(data, bytes | str) else data:
        text = piece.decode("utf-8") if isinstance(piece, bytes) else piece
        sys.stdout.write(clean(text) if tty else text)
    sys.stdout.flush()
