"""Raw HTML typed in any text never becomes live HTML in the Markdown export (issue 12,
item 9; SPEC §6, Markdown): a client summary is opened in editors and previewers that render
HTML, so `<img src=x onerror=…>` in a note must arrive as the characters the coach typed.

The export is read back with markdown-it-py, a CommonMark parser with HTML on: no token of
the document may be raw HTML, block or inline, and the rendered page holds no tag that the
coach typed; code the coach wrote stays code, showing exactly what was typed."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from support.processes import ok

NOTES = """Talked about <b>boundaries</b> and <img src=x onerror=alert(1)>.
A comment <!-- hidden --> and a <?php echo 1; ?> and <!DOCTYPE x> and <![CDATA[ y ]]>.
Closing tags too: </div> and a split tag <span
title="x">over two lines</span>.

Code keeps its text: `<b>not bold</b>` and ``a ` <i>tick</i>``.
An autolink stays a link: <https://example.com/path>.

```html
<p>fenced code is shown as typed</p>
```
"""


def _html_tokens(tokens) -> list[str]:
    found = []
    for t in tokens:
        if t.type in ("html_block", "html_inline"):
            found.append(t.content)
        found += _html_tokens(t.children or [])
    return found


def test_html_in_notes_agreement_and_promises_is_shown_as_text(db_path: Path):
    ok(db_path, "client", "add", "Ana <u>Lima</u>")
    ok(db_path, "agreement", "new", "ana", "--goals", "Lead <em>without</em> rescuing")
    ok(
        db_path,
        *("session", "new", "ana", "--at", "2026-11-20 15:00", "--notes", NOTES),
        *("--promise", "Send <a href='x'>the article</a> @ 2026-11-27"),
    )
    doc = ok(db_path, "export", "ana").out
    body = doc.split("---\n", 2)[2]
    md = MarkdownIt("commonmark")  # html: true
    tokens = md.parse(body)
    assert _html_tokens(tokens) == []
    page = md.render(body)
    for tag in (
        "<b>",
        "<img",
        "<!--",
        "<?php",
        "<!DOCTYPE",
        "<![CDATA",
        "</div>",
        "<span",
        "<em>",
        "<u>",
        "<a href='x'>",
    ):
        assert tag not in page, (tag, page)
    # what the coach typed is what a reader sees
    for shown in (
        "&lt;b&gt;boundaries&lt;/b&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;!-- hidden --&gt;",
        "&lt;em&gt;without&lt;/em&gt;",
    ):
        assert shown in page, (shown, page)
    assert "<code>&lt;b&gt;not bold&lt;/b&gt;</code>" in page  # code: untouched
    assert "<code>a ` &lt;i&gt;tick&lt;/i&gt;</code>" in page
    assert '<a href="https://example.com/path">' in page  # an autolink is Markdown, not HTML
    assert "&lt;p&gt;fenced code is shown as typed&lt;/p&gt;" in page


def test_no_text_whatsoever_leaves_html_live():
    """Property, on the function every multi-line text goes through: whatever the coach
    typed (tags, comments, code spans, fences, lists, quotes, backslashes, in any order),
    the CommonMark reading of the result holds no raw HTML."""
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st

    from coachlog.export.mdtext import markdown

    pieces = st.sampled_from(
        ["<b>", "</b>", "<a href='x'>", "<!--", "-->", "<?", "?>", "<!X", "<![CDATA[", "<",
         "<http://e.example>", "`", "``", "```", "~~~", "\\", "- ", "> ", "1. ", "    ", "\t",
         "\n", "\n\n", " ", "x", "#", "*", "[", "](", ")", "&lt;"]
    )  # fmt: skip

    md = MarkdownIt("commonmark")

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=40).map("".join))
    @example("- ```\n  x\n  ```\n<b>")  # a fence inside a list item: the fallback
    @example("`a\n<b>x</b>`")  # a code span over two lines: code, left as typed
    @example("\\\\<b>")  # an escaped backslash does not escape the "<"
    def check(text: str) -> None:
        out = markdown(text, base=4)
        assert _html_tokens(md.parse(out)) == [], out

    check()
