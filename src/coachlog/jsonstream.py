"""One JSON object read from a file piece by piece: its top-level keys one at a time, and the
elements of a list value one at a time, so that a file of any size is read in a bounded
amount of memory.

It accepts and refuses exactly what json.loads does (with the same decoder options), and
refuses with the same message at the same line and column; tests/test_exchange_json.py
compares the two on every truncation of a file. (Only the depth at which nesting a thousand
lists deep is refused can differ by a few levels: this reader's frames are on the stack
too.) Each element is parsed by the standard library's C scanner; only the outer object and
its lists are walked here."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

READ_SIZE = 1 << 16  # bytes read at a time: small pieces keep the peak low, no slower
_WS = re.compile(r"[ \t\n\r]*")  # what json itself skips between tokens
_BOM = codecs.BOM_UTF8


class JSONError(ValueError):
    """The text is not JSON: `message` is what json.loads would have said, `lineno` and
    `colno` where (both None for the errors json reports without a place)."""

    def __init__(self, message: str, lineno: int | None = None, colno: int | None = None):
        super().__init__(message)
        self.message, self.lineno, self.colno = message, lineno, colno


class UTF8Error(ValueError):
    """The bytes are not UTF-8; `start` is the offset of the first bad byte after any BOM,
    as bytes.decode("utf-8-sig") reports it."""

    def __init__(self, start: int):
        super().__init__(f"not UTF-8 at byte {start}")
        self.start = start


class Items:
    """The elements of a list value, parsed one at a time as they are iterated."""

    def __init__(self, reader: Reader):
        self._walk = self._elements(reader)

    def __iter__(self) -> Iterator[Any]:
        return self._walk

    def drain(self) -> None:
        """Read past whatever the consumer left unread."""
        for _ in self._walk:
            pass

    @staticmethod
    def _elements(r: Reader) -> Iterator[Any]:
        r.pos += 1  # the "["
        r.skip()
        if r.peek() != "]":
            while True:
                yield r.value()
                r.skip()
                if r.peek() == "]":
                    break
                if r.peek() != ",":
                    r.fail("Expecting ',' delimiter")
                r.pos += 1
                r.skip()
        r.pos += 1  # the "]"


class Reader:
    """Reads `stream` (binary) as UTF-8 JSON text. `digest` is the SHA-256 of the bytes read
    so far: reading the same file twice tells whether it changed in between."""

    def __init__(
        self,
        stream: IO[bytes],
        *,
        object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
        parse_constant: Callable[[str], Any] | None = None,
        read_size: int | None = None,
    ):
        self._stream = stream
        self._size = read_size or READ_SIZE
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._hook = object_pairs_hook
        self._json = json.JSONDecoder(
            object_pairs_hook=object_pairs_hook, parse_constant=parse_constant
        )
        self.digest = hashlib.sha256()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._fed = 0  # bytes given to the decoder (after any BOM)
        self._lines = 0  # newlines before buf[0]
        self._col = 0  # characters between the last of those newlines and buf[0]
        self._head: bytes | None = b""  # the first bytes, until it is known if they are a BOM
        self._any_text = False

    # --- the buffer ---------------------------------------------------------------------

    def more(self, size: int | None = None) -> None:
        """Append the next piece of text to the buffer (at eof, set eof)."""
        if self.eof:
            return
        data = self._stream.read(size or self._size)
        self.digest.update(data)
        if self._head is not None:
            # As bytes.decode("utf-8-sig"): a BOM is dropped, and byte offsets in errors
            # count from after it.
            self._head += data
            if data and len(self._head) < len(_BOM):
                return
            final = not data
            data = self._head[len(_BOM) :] if self._head.startswith(_BOM) else self._head
            self._head = None
        else:
            final = not data
        self._compact()
        pending = len(self._decoder.getstate()[0])
        try:
            text = self._decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            raise UTF8Error(self._fed - pending + exc.start) from None
        self._fed += len(data)
        if text and not self._any_text:
            self._any_text = True
            if text.startswith("\ufeff"):  # a second BOM: json.loads refuses a str with one
                self._raise("Unexpected UTF-8 BOM (decode using utf-8-sig)", 1, 1)
        self.buf += text
        self.eof = final

    def _compact(self) -> None:
        """Drop the text already parsed, remembering where it ended for error positions."""
        if self.pos < (1 << 16) or self.pos < len(self.buf) // 2:
            return
        dropped = self.buf[: self.pos]
        newline = dropped.rfind("\n")
        if newline >= 0:
            self._lines += dropped.count("\n")
            self._col = len(dropped) - newline - 1
        else:
            self._col += len(dropped)
        self.buf = self.buf[self.pos :]
        self.pos = 0

    def where(self, pos: int) -> tuple[int, int]:
        """Line and column (from 1) of buf[pos] in the whole text, as json counts them."""
        lineno = self._lines + self.buf.count("\n", 0, pos) + 1
        newline = self.buf.rfind("\n", 0, pos)
        colno = pos - newline if newline >= 0 else self._col + pos + 1
        return lineno, colno

    def fail(self, message: str) -> Any:
        self._raise(message, *self.where(self.pos))

    def _raise(self, message: str, lineno: int | None = None, colno: int | None = None) -> Any:
        """Raise JSONError, unless the rest of the file holds bytes that are not UTF-8:
        decoding the whole file before parsing it would have found those first."""
        self.buf, self.pos = "", 0
        while not self.eof:
            self.more()
            self.buf = ""
        raise JSONError(message, lineno, colno)

    def skip(self) -> None:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or self.eof:
                return
            self.more()

    def peek(self) -> str:
        while self.pos >= len(self.buf) and not self.eof:
            self.more()
        return self.buf[self.pos : self.pos + 1]

    # --- values -------------------------------------------------------------------------

    def _whole(self, parse: Callable[[], tuple[Any, int]]) -> Any:
        """Run `parse` on the buffer, reading more while the value may go on past its end: a
        value that ends at or near the end (a number may go on), an error there, or a string
        not closed yet. Each retry reads as much again as the buffer holds, so a huge
        value is parsed a few times, not once per piece."""
        while True:
            try:
                value, end = parse()
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - 8 or exc.msg.startswith("Unterminated string")
                if cut and not self.eof:
                    self.more(max(self._size, len(self.buf) - self.pos))
                    continue
                self._raise(exc.msg, *self.where(exc.pos))
            except RecursionError as exc:
                self._raise(str(exc))
            except ValueError as exc:  # from a hook: a key twice in a (complete) object, NaN
                self._raise(str(exc))
            if end > len(self.buf) - 8 and not self.eof:  # "1." may be "1.5e3" cut short
                self.more(max(self._size, len(self.buf) - self.pos))
                continue
            self.pos = end
            return value

    def value(self) -> Any:
        """The whole JSON value at the current position."""
        self.peek()
        return self._whole(lambda: self._json.raw_decode(self.buf, self.pos))

    def key(self) -> str:
        """The string (an object's key) starting at the current position, a '"'."""
        # json.decoder.scanstring is public at run time but missing from typeshed.
        scan = json.decoder.scanstring  # type: ignore[attr-defined]
        return self._whole(lambda: scan(self.buf, self.pos + 1, True))

    # --- the top-level object -----------------------------------------------------------

    def top(self, lists: Callable[[str], bool]) -> Iterator[tuple[str | None, Any]]:
        """(key, value) for each key of the top-level object, in file order. A list under a
        key for which lists(key) is true comes as Items, to iterate (or not) before asking
        for the next key; every other value comes whole. If the text is not an object,
        yields (None, value) once for the whole of it. Here and while iterating Items, raises
        JSONError where json.loads would, and UTF8Error for bytes that are not UTF-8."""
        self.skip()
        if self.peek() != "{":
            whole = self.value()
            self._end()
            yield None, whole
            return
        self.pos += 1
        self.skip()
        keys: list[str] = []
        if self.peek() != "}":
            while True:
                if self.peek() != '"':
                    self.fail("Expecting property name enclosed in double quotes")
                name = self.key()
                keys.append(name)
                self.skip()
                if self.peek() != ":":
                    self.fail("Expecting ':' delimiter")
                self.pos += 1
                self.skip()
                if self.peek() == "[" and lists(name):
                    items = Items(self)
                    yield name, items
                    items.drain()
                else:
                    yield name, self.value()
                self.skip()
                if self.peek() == "}":
                    break
                if self.peek() != ",":
                    self.fail("Expecting ',' delimiter")
                self.pos += 1
                self.skip()
        self.pos += 1
        if self._hook is not None:
            # json.loads gives the hook the object once it is closed; its keys are enough.
            try:
                self._hook([(k, None) for k in keys])
            except ValueError as exc:
                self._raise(str(exc))
        self._end()

    def _end(self) -> None:
        self.skip()
        if self.peek():
            self.fail("Extra data")
