"""A client's coaching summary: one CommonMark document with flat YAML front matter
(SPEC §6).

It is written for the client by default, as something a coach would send: the agreement,
the sessions (date, kind, minutes, themes, notes) and "Our promises", each with its
outcome in plain words. It holds no reflections, no private sessions, no internal ids and
no trust checklist (the checklist speaks to the coach). `--include-private` makes the
coach's own copy, which keeps all of those.

Every piece of user text goes through export/mdtext.py: plain text escaped, the coach's
Markdown rewritten from its syntax tree, so the outline (title, `##` sections, `###`
items, the notes' own headings below them) is this module's alone and no level is
skipped. One date format throughout, with the zone named once near the top.

The front matter is flat (Obsidian's properties panel edits only flat keys and lists) and
written by hand as JSON strings, which are YAML double-quoted scalars: PyYAML is not a
runtime dependency. The data comes in as a Bundle of plain records, read by attribute
name (client.name, session.held_at, promise.due_at …), so any reader of the store can
supply it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from coachlog.export.mdtext import inline, markdown, plain

if TYPE_CHECKING:
    from coachlog.export.base import Export, Job
    from coachlog.queries.exchange import Bundle

NAME = "md"
EXTENSION = "md"

KIND_LABEL = {
    "engagement": "Engagement session",
    "regular": "Session",
    "pitstop": "Pit-stop (check-in on our work together)",
    "closing": "Closing session",
}
RESULT = {"pass": "passed", "fail": "not yet", "n/a": "not applicable yet"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# --- the exporter -----------------------------------------------------------------------------


def export(reader: Any, job: Job) -> Export:
    """One document per client: `files` holds each; `data` the document itself when there
    is one client (with --all the documents go into a folder)."""
    from coachlog.export import slug
    from coachlog.export.base import Export
    from coachlog.queries.exchange import client_bundle

    docs = [
        (
            f"{slug(c.name, c.id)}.md",
            summary(
                client_bundle(
                    reader,
                    c,
                    now=job.now,
                    tz=job.tz,
                    window=job.window,
                    include_private=job.include_private,
                ),
                now=job.now,
                tz=job.tz,
                version=job.version,
                coach=job.coach,
            ),
        )
        for c in job.clients
    ]
    one = len(docs) == 1 and not job.whole
    count = len(docs)
    return Export(
        name=docs[0][0] if docs else "coachlog-practice.md",
        data=docs[0][1] if one else None,
        files=list(docs),
        what=lambda: (
            f"{job.clients[0].name}'s summary"
            if one
            else f"{count} client summar{'y' if count == 1 else 'ies'}"
        ),
    )


# --- front matter -----------------------------------------------------------------------------

# YAML double-quoted scalars may hold only printable characters; JSON leaves C1 controls,
# lone surrogates and U+FFFE/U+FFFF raw, so those are written as escapes.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def yaml_string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(
        lambda m: "\ufffd" if 0xD800 <= ord(m.group()) <= 0xDFFF else f"\\u{ord(m.group()):04x}",
        text,
    )


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return yaml_string(str(value))


def front_matter(bundle: Bundle, *, now: datetime, version: str, coach: str | None) -> list[str]:
    from coachlog.dates import iso

    start, end = bundle.period
    fields: list[tuple[str, Any]] = [
        ("title", title(bundle)),
        ("client", bundle.client.name),
        ("period_from", start.isoformat() if start else None),
        ("period_to", end.isoformat()),
        ("generated_at", iso(now)),
        ("coachlog_version", version),
    ]
    if coach:
        fields.append(("coach", coach))
    lines = ["---", *(f"{key}: {_yaml(value)}" for key, value in fields)]
    tags = _themes(bundle)
    lines += ["tags: []"] if not tags else ["tags:", *(f"  - {_yaml(t)}" for t in tags)]
    lines += [f"include_private: {_yaml(bundle.include_private)}", "---"]
    return lines


def title(bundle: Bundle) -> str:
    return f"{bundle.client.name}: coaching summary"


def _themes(bundle: Bundle) -> list[str]:
    seen: dict[str, None] = {}
    for s in bundle.sessions:
        for t in s.themes or []:
            if t.strip():
                seen.setdefault(t.strip(), None)
    return list(seen)


# --- dates: one format, the zone named once ---------------------------------------------------


def day(d: date) -> str:
    """'Thu 3 Sep 2026': every date of the document has this form."""
    from coachlog.dates import format_date

    return f"{_WEEKDAYS[d.weekday()]} {format_date(d)}"


def moment(dt: datetime, tz: str) -> str:
    """'Thu 3 Sep 2026 15:00' in `tz`; a due at the end of a day is that day alone."""
    from coachlog.dates import format_instant

    return format_instant(dt, tz, with_year=True)


def zone_line(tz: str) -> str:
    return f"Dates and times are in the {tz} time zone."


# --- the document -----------------------------------------------------------------------------


def summary(
    bundle: Bundle, *, now: datetime, tz: str, version: str, coach: str | None = None
) -> str:
    """The whole document, ending with a newline."""
    start, end = bundle.period
    lines = front_matter(bundle, now=now, version=version, coach=coach)
    # The title is the front matter's: pandoc makes it the page's heading, and markdownlint
    # counts it as the one top-level heading (MD025), so the body starts at ##.
    lines += [""]
    counts = f"{_plural(len(bundle.sessions), 'session')} and " + _plural(
        len(bundle.promises), "promise"
    )
    since = day(start) if start else "the beginning"
    lines += [f"From {since} to {day(end)}: {counts}. {zone_line(tz)}"]
    if coach:
        lines += ["", f"Your coach: {plain(coach)}."]
    lines.append("")
    if bundle.include_private:
        lines += [
            "**The coach's own copy: it includes private sessions, reflections, record "
            "numbers and the trust checklist. Not for sharing.**",
            "",
        ]
    lines += _agreement(bundle)
    lines += _sessions(bundle, tz)
    lines += _promises(bundle, now, tz)
    if bundle.include_private and bundle.checklist is not None:
        lines += _checklist(bundle.checklist, now, tz)
    return "\n".join(lines).rstrip("\n") + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _agreement(bundle: Bundle) -> list[str]:
    from coachlog.domain.agreements import ELEMENTS

    lines = ["## Our agreement", ""]
    a = bundle.agreement
    if a is None:
        return [*lines, "No coaching agreement recorded yet.", ""]
    facts = [f"Version {a.version} ({a.status})"]
    if a.starts_on:
        facts.append(f"from {day(a.starts_on)}")
    if a.review_on:
        facts.append(f"to be reviewed on {day(a.review_on)}")
    if a.ends_on:
        facts.append(f"ends on {day(a.ends_on)}")
    if a.cadence_days:
        facts.append(f"a session every {_plural(a.cadence_days, 'day')}")
    lines += [", ".join(facts) + ".", ""]
    for key, label in ELEMENTS.items():
        value = getattr(a, key)
        if value and value.strip():
            lines += [f"### {label}", "", markdown(value, base=4), ""]
    return lines


def _sessions(bundle: Bundle, tz: str) -> list[str]:
    lines = ["## Sessions", ""]
    if not bundle.sessions:
        return [*lines, "No sessions in this period.", ""]
    for s in bundle.sessions:
        lines += [f"### {_session_title(s, tz, bundle.include_private)}", ""]
        facts = []
        if s.themes:
            facts.append("Themes: " + ", ".join(inline(t) for t in s.themes))
        # A pit-stop's notes hold the answer about safety; the score is the coach's.
        if bundle.include_private and s.trust_pulse is not None:
            facts.append(f"Trust pulse: {s.trust_pulse}/5")
        if facts:
            lines += [". ".join(facts) + ".", ""]
        notes = markdown(s.notes, base=4)
        if notes:
            lines += [notes, ""]
        if bundle.include_private and s.reflection and s.reflection.strip():
            lines += ["#### Coach's reflection", "", markdown(s.reflection, base=5), ""]
    return lines


def _session_title(s: Any, tz: str, coach_copy: bool) -> str:
    parts = [moment(s.held_at, tz), KIND_LABEL.get(s.kind, s.kind)]
    if s.minutes:
        parts.append(_plural(s.minutes, "minute"))
    if coach_copy:
        if s.private:
            parts.append("private")
        parts.append(f"session {s.id}")
    return inline(" · ".join(parts))


def _promises(bundle: Bundle, now: datetime, tz: str) -> list[str]:
    lines = ["## Our promises", ""]
    if not bundle.promises:
        return [*lines, "No promises in this period.", ""]
    groups = (
        ("coach", "What I promised"),
        ("client", f"What {bundle.client.name} committed to"),
    )
    for owner, heading in groups:
        mine = [p for p in bundle.promises if p.owner == owner]
        if not mine:
            continue
        lines += [f"### {inline(heading)}", ""]
        for p in mine:
            item = promise_item(p, now, tz, coach_copy=bundle.include_private)
            lines += _item(item)
        lines.append("")
    return lines


def _item(text: str) -> list[str]:
    from coachlog.export.mdtext import indent

    return indent(text, "  ", "- ")


def outcome(p: Any, now: datetime, tz: str) -> str:
    """A promise's outcome in plain words. A client's commitment is kept, not kept or
    released, never judged; the coach's own open promise past its date says so."""
    due = moment(p.due_at, tz)
    closed = f" on {moment(p.closed_at, tz)}" if p.closed_at else ""
    if p.status == "kept":
        late = p.closed_at is not None and p.closed_at > p.due_at
        return f"kept{closed}" + (f", later than the agreed {due}" if late else f" (due {due})")
    if p.status == "broken":
        return f"not kept (it was due {due})"
    if p.status == "released":
        return f"released by agreement{closed} (it was due {due})"
    if p.owner == "coach" and p.due_at < now:
        return f"still open, past the agreed {due}"
    return f"open, due {due}"


def promise_item(p: Any, now: datetime, tz: str, *, coach_copy: bool) -> str:
    """One list item's Markdown: the promise, its outcome, and, on the coach's own
    promises, the repair (making a broken promise right is the coach's accountability,
    seed 002 strategy 7). Line breaks in the texts are kept."""
    text = f"{plain(p.text)}: {outcome(p, now, tz)}."
    if p.due_history:
        first = _earlier(p.due_history[0], tz)
        moved = "once" if len(p.due_history) == 1 else f"{len(p.due_history)} times"
        text += f" The date was moved {moved}; first agreed for {first}."
    if p.owner == "coach" and p.status == "broken" and p.repair and p.repair.strip():
        text += f"\\\nWhat I did to make it right: {plain(p.repair)}"
    if p.note and p.note.strip():
        text += f"\\\nNote: {plain(p.note)}"
    if coach_copy:
        text += f"\\\nPromise {p.id}, {p.status}"
        if p.owner == "coach" and p.status == "broken" and not (p.repair or "").strip():
            text += ", no repair recorded yet"
        text += "."
    return text


def _earlier(value: Any, tz: str) -> str:
    from coachlog.dates import DateError, parse_iso_instant

    try:
        return moment(parse_iso_instant(str(value)), tz)
    except DateError:
        return inline(value)


def _checklist(result: Any, now: datetime, tz: str) -> list[str]:
    from coachlog.dates import local_date

    lines = ["## Trust checklist", ""]
    lines += [
        f"Score {inline(result.score)} (checks passed out of those that apply), as of "
        f"{day(local_date(now, tz))}.",
        "",
    ]
    for c in result.checks:
        status = RESULT.get(c.status, inline(c.status))
        item = f"**{inline(c.name)}** (check {inline(c.id)}): {status}"
        evidence = getattr(c, "evidence", None)
        lines += _item(f"{item}. {plain(evidence)}" if evidence else f"{item}.")
    return [*lines, ""]
