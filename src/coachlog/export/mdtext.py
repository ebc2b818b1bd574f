"""Writing CommonMark that no user text can reshape.

Everything a coach or client typed reaches a Markdown document through this module, in one
of two ways:

- plain text (a name, a promise, a theme, a note on a promise): every character that could
  start Markdown syntax is escaped, so it reads back as exactly the characters typed;
- the coach's own Markdown (session notes, agreement fields): parsed with markdown-it-py
  into its syntax tree, and written out again from the tree. What comes out is built only
  of the constructs written here (paragraphs, lists, quotes, fenced code, emphasis, links,
  headings at the levels the document chooses), so nothing typed can open an HTML block,
  swallow the sections after it with an unclosed fence, or put a heading where the outline
  does not expect one. Raw HTML, block or inline, becomes escaped text.

Line breaks inside a field are kept: a soft break is written as a hard break, because a
goal written on two lines is two lines, not one sentence (SPEC §6).

The heading levels of the coach's Markdown are re-counted from where the field sits: the
first heading becomes `base`, each deeper one at most one level deeper than the one before
(`#` then `###` is `####` then `#####`), so levels never skip (markdownlint MD001). A
heading deeper than 6, or one inside a list or quote, becomes a bold line."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

# Characters that start inline syntax anywhere: code, emphasis, links, images, HTML,
# entities, table pipes, strikethrough, heading closers, and the backslash itself.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&!])")
# What would open a block at the start of a line: a list marker, a setext underline, a
# numbered list item.
_LINE_START = re.compile(r"^([-+=]|\d{1,9}(?=[.)]))")
HARD_BREAK = "\\\n"

_PARSER: list[Any] = []


def _parser() -> Any:
    if not _PARSER:
        from markdown_it import MarkdownIt

        _PARSER.append(MarkdownIt("commonmark"))
    return _PARSER[0]


def _escape_line(line: str) -> str:
    escaped = _INLINE.sub(r"\\\1", line.strip())
    return _LINE_START.sub(
        lambda m: m.group() + "\\" if m.group().isdigit() else "\\" + m.group(), escaped
    )


def _lines(text: object) -> list[str]:
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def inline(text: object) -> str:
    """User text as one line of literal inline content (line breaks become spaces): for
    headings, where a line break cannot be."""
    return _escape_line(" ".join(str(text or "").split()))


def plain(text: object) -> str:
    """User text as literal inline content that keeps its line breaks (as hard breaks);
    blank lines are dropped, so it stays one paragraph or one list item's text."""
    lines = [_escape_line(" ".join(line.split())) for line in _lines(text)]
    return HARD_BREAK.join(line for line in lines if line)


def indent(text: str, prefix: str, first: str | None = None) -> list[str]:
    """Lines of `text` with `prefix` before each (`first` before the first line): how a
    block is placed inside a list item or a quote. Blank lines get no trailing spaces."""
    out = []
    for i, line in enumerate(text.split("\n")):
        lead = first if (i == 0 and first is not None) else prefix
        out.append((lead + line) if line else lead.rstrip())
    return out


# --- the coach's Markdown, from its syntax tree -------------------------------------------------


def markdown(text: object, *, base: int) -> str:
    """The coach's Markdown rewritten from its syntax tree (see the module's docstring);
    headings start at level `base`. Empty text gives ''."""
    source = "\n".join(_lines(text))
    if not source.strip():
        return ""
    from markdown_it.tree import SyntaxTreeNode

    root = SyntaxTreeNode(_parser().parse(source))
    writer = _Writer(base)
    return "\n\n".join(writer.block(node, top=True) for node in root.children).strip("\n")


class _Writer:
    def __init__(self, base: int) -> None:
        self.base = base
        self.levels: list[int] = []  # the source levels of the open headings

    def heading_level(self, level: int) -> int:
        while self.levels and self.levels[-1] >= level:
            self.levels.pop()
        self.levels.append(level)
        return self.base + len(self.levels) - 1

    def block(self, node: Any, *, top: bool = False) -> str:
        kind = node.type
        if kind == "heading":
            text = self.inline(node.children[0]) if node.children else ""
            level = self.heading_level(int(node.tag[1])) if top else 7
            if level > 6:
                return f"**{text}**" if text else ""
            return "#" * level + (" " + text if text else "")
        if kind == "paragraph":
            return self.inline(node.children[0]) if node.children else ""
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node)
        if kind == "blockquote":
            inner = "\n\n".join(self.block(child) for child in node.children)
            return "\n".join(indent(inner, "> ")) if inner else ">"
        if kind in ("fence", "code_block"):
            return _fence(node.content, node.info if kind == "fence" else "")
        if kind == "hr":
            return "***"
        # html_block, and anything this writer does not know: its text, shown as typed.
        return plain(node.content)

    def list(self, node: Any) -> str:
        ordered = node.type == "ordered_list"
        number = int(node.attrs.get("start", 1)) if ordered else 0
        items = []
        for item in node.children:
            marker = f"{number}. " if ordered else "- "
            number += 1
            inner = "\n\n".join(b for b in (self.block(c) for c in item.children) if b)
            if not inner:
                items.append(marker.rstrip())
                continue
            items.append("\n".join(indent(inner, " " * len(marker), marker)))
        return "\n".join(items)

    def inline(self, node: Any) -> str:
        out = "".join(self._inline(child) for child in node.children or [])
        # A line may start, after a hard break, with what opens a block.
        return "\n".join(
            _LINE_START.sub(
                lambda m: m.group() + "\\" if m.group().isdigit() else "\\" + m.group(), line
            )
            for line in out.split("\n")
        )

    def _inline(self, node: Any) -> str:
        kind = node.type
        if kind in ("softbreak", "hardbreak"):
            return HARD_BREAK
        if kind == "code_inline":
            return _code_span(node.content)
        inner = "".join(self._inline(child) for child in node.children or [])
        if kind == "em":
            return f"*{inner}*" if inner else ""
        if kind == "strong":
            return f"**{inner}**" if inner else ""
        if kind == "link":
            return f"[{inner}]({_url(node.attrs.get('href', ''))})"
        if kind == "image":
            alt = "".join(_INLINE.sub(r"\\\1", c.content) for c in node.children or [])
            return f"![{alt}]({_url(node.attrs.get('src', ''))})"
        # text, text_special (an entity or escape, already decoded), html_inline, and any
        # other: the characters, escaped.
        return _INLINE.sub(r"\\\1", (node.content or "").replace("\n", " "))


def _url(url: str) -> str:
    """A link destination in <…>, which holds anything but <, > and line breaks."""
    return "<" + re.sub(r"[<>\n\r\\ ]", lambda m: f"%{ord(m.group()):02X}", url) + ">"


def _code_span(content: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if content.startswith(("`", " ")) or content.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{content}{pad}{ticks}"


def _fence(content: str, info: str) -> str:
    longest = max((len(run) for run in re.findall(r"^ *(`{3,})", content, re.M)), default=0)
    ticks = "`" * max(3, longest + 1)
    # The info string names a language: one word, without backticks (which would end it).
    word = re.sub(r"[^\w+#.-]", "", info.split()[0]) if info.strip() else ""
    return (
        f"{ticks}{word}\n{content.rstrip(chr(10))}\n{ticks}"
        if content
        else f"{ticks}{word}\n{ticks}"
    )


# --- checking a document, as its readers will ---------------------------------------------------


def headings(text: str) -> list[int]:
    """The levels of a document's headings, in order (what MD001 looks at)."""
    return [int(t.tag[1]) for t in _parser().parse(text) if t.type == "heading_open"]


def skipped_levels(text: str) -> list[tuple[int, int]]:
    """Each (from, to) where a heading is more than one level deeper than the one before
    (markdownlint MD001, heading-increment)."""
    levels = headings(text)
    return [(a, b) for a, b in pairwise(levels) if b > a + 1]


def live_html(text: str) -> bool:
    """Whether a CommonMark reader finds raw HTML anywhere in `text`."""

    def found(tokens: Any) -> bool:
        return any(
            t.type in ("html_block", "html_inline") or found(t.children or []) for t in tokens
        )

    return found(_parser().parse(text))
