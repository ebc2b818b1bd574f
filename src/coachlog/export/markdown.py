"""A client's coaching summary as one CommonMark document with YAML front matter.

The coach writes notes in Markdown, so notes are kept as Markdown, but they live inside our
document's structure: their headings are demoted below the session's heading, HTML blocks
are neutralised, and an unclosed code fence is closed, so nothing a coach types can swallow
or reorder the sections that follow. Raw HTML, block or inline, is shown as the characters
typed and is never live (SPEC §6): the summary is opened in previewers that render HTML.
Text that lands in a heading or a list item is escaped.
The front matter is written by hand (PyYAML is not a runtime dependency) as JSON strings,
which are valid YAML double-quoted scalars."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from coachlog.dates import format_date, format_instant, iso

if TYPE_CHECKING:
    from coachlog.models import CoachingSession, Promise
    from coachlog.services.exchange import Bundle

KIND_LABEL = {
    "engagement": "Engagement session",
    "regular": "Session",
    "pitstop": "Pit-stop (check-in on our work together)",
    "closing": "Closing session",
}
RESULT = {"pass": "passed", "fail": "not yet", "n/a": "not applicable yet"}

# --- escaping ---------------------------------------------------------------------------------

# YAML double-quoted scalars may hold only printable characters; JSON leaves C1 controls,
# lone surrogates and U+FFFE/U+FFFF raw, so those are written as escapes.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def yaml_string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(
        lambda m: "\ufffd" if 0xD800 <= ord(m.group()) <= 0xDFFF else f"\\u{ord(m.group()):04x}",
        text,
    )


# Characters that start inline syntax anywhere: code, emphasis, links, images, HTML,
# entities, table pipes, strikethrough, heading closers.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&!])")
# What would open a block at the start of a heading's or list item's text.
_BLOCK_START = re.compile(r"^([-+=]|\d{1,9}(?=[.)]))")


def inline(text: object) -> str:
    """User text as one line of literal Markdown inline content."""
    flat = " ".join(str(text or "").split())
    escaped = _INLINE.sub(r"\\\1", flat)
    return _BLOCK_START.sub(
        lambda m: m.group() + "\\" if m.group().isdigit() else "\\" + m.group(), escaped
    )


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# After a list marker, a space or a tab starts the item's content, so "-\t#" is a heading
# inside a list item (hypothesis found it). Indentation is matched generously: a "#" in an
# indented code line gains a level too, which changes no outline.
_ATX = re.compile(r"^((?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*)(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# A "<" opening a line, after any indentation and list or quote markers, can open an HTML
# block (in a list item "- <!--" or a quote "><!--" too, which hypothesis found).
# A quote marker needs no space after it; a list marker does.
_HTML = re.compile(r"^((?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*)<")
_NOT_PARAGRAPH = re.compile(r"^( {4}|\t| {0,3}([>#*+=<|]|-|\d{1,9}[.)]|`{3}|~{3})|\s*$)")


def block(text: str, shift: int) -> str:
    """The coach's Markdown, with every heading `shift` levels deeper (at most 6), and no
    raw HTML left live."""
    out: list[str] = []
    fenced: list[bool] = []  # per line of out: a code fence's line (its markers included)
    fence: tuple[str, int] | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:
            out.append(line)
            fenced.append(True)
            close = _FENCE.match(line)
            if (
                close
                and close.group(1)[0] == fence[0]
                and len(close.group(1)) >= fence[1]
                and not close.group(2).strip()
            ):
                fence = None
            continue
        if m := _FENCE.match(line):
            if not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = (m.group(1)[0], len(m.group(1)))
            out.append(line)
        elif m := _ATX.match(line):
            level = min(6, len(m.group(2)) + shift)
            out.append(m.group(1) + "#" * level + line[m.end() :])
        elif (m := _SETEXT.match(line)) and out and not _NOT_PARAGRAPH.match(out[-1]):
            level = min(6, (1 if m.group(1)[0] == "=" else 2) + shift)
            out[-1] = "#" * level + " " + out[-1].strip()
        elif m := _HTML.match(line):
            # Raw HTML blocks could swallow the rest of the document (an unclosed <!-- or
            # <pre>); a client summary has no use for them, so the < is shown literally.
            out.append(m.group(1) + "\\" + line[m.end() - 1 :])
        else:
            out.append(line)
        fenced += [fence is not None] * (len(out) - len(fenced))
    if fence is not None:
        out.append(fence[0] * fence[1])
        fenced.append(True)
    return _no_live_html(out, fenced).strip("\n")


# --- raw HTML ---------------------------------------------------------------------------------

# In CommonMark a "<" starts raw HTML when a letter, "/", "!" or "?" follows it; an autolink
# (<https://…>, <name@example.com>) is Markdown, not HTML, and is left to be a link.
_TAG = re.compile(r"<[A-Za-z/!?]")
_AUTOLINK = re.compile(
    r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*>"
    r"|<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>"
)
_BLANK = re.compile(r"\n[ \t]*\n")
# A "<" that no backslash escapes (an even run of backslashes before it escapes itself).
_UNESCAPED_TAG = re.compile(r"(?<!\\)((?:\\\\)*)<(?=[A-Za-z/!?])")


def _no_live_html(lines: list[str], fenced: list[bool]) -> str:
    """Escape every "<" that would open raw HTML, outside code (fences and code spans keep
    their text exactly). The result is checked with a CommonMark parser; if any HTML is
    still live (Markdown this reading did not foresee, such as a fence inside a list item),
    every such "<" is escaped, code included: a stray backslash in code is better than a
    live tag."""
    if not any("<" in line for line in lines):
        return "\n".join(lines)
    out: list[str] = []
    run: list[str] = []
    for line, code in zip(lines, fenced, strict=True):
        if code:
            if run:
                out.append(_escape_tags("\n".join(run)))
                run = []
            out.append(line)
        else:
            run.append(line)
    if run:
        out.append(_escape_tags("\n".join(run)))
    text = "\n".join(out)
    if _live_html(text):
        text = _UNESCAPED_TAG.sub(r"\1\\<", "\n".join(lines))
    return text


def _escape_tags(text: str) -> str:
    """Text outside fences: a backslash before each "<" that opens a tag, skipping code spans
    (a run of n backticks up to the next run of exactly n, within one paragraph), autolinks
    and what a backslash already escapes."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            out.append(text[i : i + 2])
            i += 2
        elif c == "`":
            j = i
            while j < n and text[j] == "`":
                j += 1
            end = _code_span_end(text, j, j - i)
            out.append(text[i:end])
            i = end
        elif c == "<" and (m := _AUTOLINK.match(text, i)):
            out.append(m.group())
            i = m.end()
        elif c == "<" and _TAG.match(text, i):
            out.append("\\<")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _code_span_end(text: str, start: int, ticks: int) -> int:
    """Where the code span opened by `ticks` backticks ending at `start` ends (after its
    closing run), or `start` when nothing closes it in the same paragraph."""
    closing = re.compile("(?<!`)" + "`" * ticks + "(?!`)")
    m = closing.search(text, start)
    if m is None or _BLANK.search(text, start, m.start()):
        return start
    return m.end()


_PARSER: list[Any] = []


def _live_html(text: str) -> bool:
    """Whether a CommonMark reader (markdown-it-py, HTML on) finds raw HTML in text."""
    if "<" not in text:
        return False
    if not _PARSER:
        from markdown_it import MarkdownIt

        _PARSER.append(MarkdownIt("commonmark"))

    def html(tokens: Any) -> bool:
        return any(
            t.type in ("html_block", "html_inline") or html(t.children or []) for t in tokens
        )

    return html(_PARSER[0].parse(text))


# --- the document ----------------------------------------------------------------------------


def _day(d: date | None) -> str:
    return format_date(d) if d else "the beginning"


def front_matter(bundle: Bundle, *, now: datetime, version: str) -> list[str]:
    start, end = bundle.period
    return [
        "---",
        f"client: {yaml_string(bundle.client.name)}",
        "period:",
        f"  from: {yaml_string(start.isoformat()) if start else 'null'}",
        f"  to: {yaml_string(end.isoformat())}",
        f"generated_at: {yaml_string(iso(now))}",
        f"coachlog_version: {yaml_string(version)}",
        f"include_private: {'true' if bundle.include_private else 'false'}",
        "---",
    ]


def summary(bundle: Bundle, *, now: datetime, tz: str, version: str) -> str:
    """The whole document, ending with a newline."""
    start, end = bundle.period
    lines = front_matter(bundle, now=now, version=version)
    lines += ["", f"# {inline(bundle.client.name)}: coaching summary", ""]
    counts = (
        f"{_plural(len(bundle.sessions), 'session')}, {_plural(len(bundle.promises), 'promise')}"
    )
    lines += [f"From {_day(start)} to {format_date(end)} · {counts}.", ""]
    if bundle.include_private:
        lines += ["*Includes private sessions and the coach's reflections: not for sharing.*", ""]
    lines += _agreement(bundle)
    lines += _sessions(bundle, tz)
    lines += _promises(bundle, now, tz)
    if bundle.checklist is not None:
        lines += _checklist(bundle.checklist, now, tz)
    return "\n".join(lines).rstrip("\n") + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _agreement(bundle: Bundle) -> list[str]:
    from coachlog.services.agreements import ELEMENTS

    lines = ["## Agreement", ""]
    a = bundle.agreement
    if a is None:
        return [*lines, "No coaching agreement recorded yet.", ""]
    facts = [f"Version {a.version} ({a.status})"]
    if a.starts_on:
        facts.append(f"from {format_date(a.starts_on)}")
    if a.review_on:
        facts.append(f"review on {format_date(a.review_on)}")
    if a.ends_on:
        facts.append(f"ends on {format_date(a.ends_on)}")
    if a.cadence_days:
        facts.append(f"a session every {_plural(a.cadence_days, 'day')}")
    lines += [" · ".join(facts) + ".", ""]
    for key, label in ELEMENTS.items():
        value = getattr(a, key)
        if value and value.strip():
            lines += [f"### {label}", "", block(value, 3), ""]
    return lines


def _sessions(bundle: Bundle, tz: str) -> list[str]:
    lines = ["## Sessions", ""]
    if not bundle.sessions:
        return [*lines, "No sessions in this period.", ""]
    for s in bundle.sessions:
        lines += [f"### {_session_title(s, tz)}", ""]
        facts = []
        if s.themes:
            facts.append("Themes: " + ", ".join(inline(t) for t in s.themes))
        if s.trust_pulse is not None and (s.kind == "pitstop" or bundle.include_private):
            label = "How safe it felt to be open" if s.kind == "pitstop" else "Trust pulse"
            facts.append(f"{label}: {s.trust_pulse}/5")
        if facts:
            lines += [" · ".join(facts), ""]
        if s.notes and s.notes.strip():
            lines += [block(s.notes, 3), ""]
        if bundle.include_private and s.reflection and s.reflection.strip():
            lines += ["#### Coach's reflection", "", block(s.reflection, 4), ""]
    return lines


def _session_title(s: CoachingSession, tz: str) -> str:
    parts = [format_instant(s.held_at, tz, with_year=True), KIND_LABEL.get(s.kind, s.kind)]
    if s.minutes:
        parts.append(_plural(s.minutes, "minute"))
    if s.private:
        parts.append("private")
    return " · ".join(parts)


def _promises(bundle: Bundle, now: datetime, tz: str) -> list[str]:
    lines = ["## Promises", ""]
    if not bundle.promises:
        return [*lines, "No promises in this period.", ""]
    groups = (
        ("coach", "The coach's promises"),
        ("client", f"{inline(bundle.client.name)}'s commitments"),
    )
    for owner, title in groups:
        mine = [p for p in bundle.promises if p.owner == owner]
        if not mine:
            continue
        lines += [f"### {title}", ""]
        lines += [f"- {_promise_line(p, now, tz)}" for p in mine]
        lines.append("")
    return lines


def _when(dt: datetime, tz: str) -> str:
    return format_instant(dt, tz, with_year=True)


def _promise_line(p: Promise, now: datetime, tz: str) -> str:
    """One list item: the promise, then its outcome in words a client reads at a glance.
    Repairs are shown: making a broken promise right is the coach's accountability to the
    client (seed 002, strategy 7), not a private matter."""
    due = _when(p.due_at, tz)
    if p.status == "kept":
        on_time = p.closed_at is not None and p.closed_at <= p.due_at
        outcome = "**kept on time**" if on_time else "**kept late**"
        detail = f"due {due}" + (f", kept {_when(p.closed_at, tz)}" if p.closed_at else "")
    elif p.status == "broken":
        outcome, detail = "**broken**", f"due {due}"
    elif p.status == "released":
        outcome = "**released** by agreement"
        detail = f"due {due}" + (f", released {_when(p.closed_at, tz)}" if p.closed_at else "")
    else:
        outcome = "**open, overdue**" if p.due_at < now else "**open**"
        detail = f"due {due}"
    text = f"{inline(p.text)}: {outcome} ({detail})."
    if p.due_history:
        earlier = ", ".join(_earlier(x, tz) for x in p.due_history)
        text += f" Moved {_plural(len(p.due_history), 'time')}; earlier due {earlier}."
    if p.status == "broken":
        text += f" Repair: {_sentence(p.repair)}" if p.repair else " No repair recorded yet."
    if p.note and p.note.strip():
        text += f" Note: {_sentence(p.note)}"
    return text


def _sentence(value: str) -> str:
    text = inline(value)
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _earlier(value: Any, tz: str) -> str:
    from coachlog.dates import DateError, parse_iso_instant

    try:
        return _when(parse_iso_instant(str(value)), tz)
    except DateError:
        return inline(value)


def _checklist(result: Any, now: datetime, tz: str) -> list[str]:
    from coachlog.dates import local

    lines = ["## Trust checklist", ""]
    lines += [
        f"Score {inline(result.score)} (checks passed out of those that apply), as of "
        f"{format_date(local(now, tz).date())}.",
        "",
    ]
    for c in result.checks:
        status = RESULT.get(c.status, inline(c.status))
        item = f"- **{inline(c.name)}** (check {inline(c.id)}): {status}"
        evidence = getattr(c, "evidence", None)
        lines.append(f"{item} — {_sentence(evidence)}" if evidence else f"{item}.")
    return [*lines, ""]
