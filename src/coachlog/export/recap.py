"""A recap of one session, for the client (SPEC §6): what we talked about, what each of us
will do, what is still open from before, and when we meet next. As Markdown, or as an
RFC 5322 message (.eml) that a mail program opens as a draft: coachlog never sends mail.

Dates are in the client's zone when it is recorded (else the coach's), named once. The
notes are in only when asked for (--notes), never for a private session. The records are
read by attribute name only (session.held_at, promise.due_at, client.email …)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from coachlog.errors import InvalidInput

if TYPE_CHECKING:
    from coachlog.queries.recap import RecapData

FORMATS = ("md", "eml")


@dataclass(frozen=True)
class Section:
    title: str
    items: list[str]  # plain text, one per list item
    empty: str = ""  # said when there are no items (the section is left out when "")


def zone(data: RecapData, coach_tz: str) -> str:
    return data.client.timezone or coach_tz


def check(data: RecapData, *, notes: bool, fmt: str) -> None:
    """Refuse what a recap cannot be: of a session not held, the notes of a private one,
    a draft to a client without an email address."""
    s = data.session
    if s.status != "held":
        raise InvalidInput(
            f"Session {s.id} is {s.status}, not held: a recap is of a session that took place.",
            hint="See 'coachlog session list' for held sessions.",
        )
    if notes and s.private:
        raise InvalidInput(
            f"Session {s.id} is private: its notes never leave in a recap.",
            hint="Leave out --notes for a recap without them.",
        )
    if fmt == "eml" and not (data.client.email or "").strip():
        raise InvalidInput(
            f"{data.client.name} has no email address, and the draft needs one for To:.",
            hint=f"Add it with 'coachlog client edit {data.client.id} --email ADDRESS', or use "
            "--format md.",
        )


def due_text(due: datetime, tz: str, coach_tz: str) -> str:
    """A due in `tz`; a due that is a whole day (a date typed alone: the end of that day in
    the coach's zone) is that day, wherever the client is, never '18:59'."""
    from coachlog.export.ics import whole_day
    from coachlog.export.markdown import day, moment

    whole = whole_day(due, coach_tz)
    return day(whole) if whole is not None else moment(due, tz)


def _due(p: Any, tz: str, coach_tz: str) -> str:
    done = {"kept": " (done)", "released": " (released)", "broken": " (not kept)"}
    return f"{p.text.strip()}, by {due_text(p.due_at, tz, coach_tz)}{done.get(p.status, '')}"


def sections(data: RecapData, *, tz: str, coach_tz: str) -> list[Section]:
    from coachlog.export.markdown import moment

    mine = [_due(p, tz, coach_tz) for p in data.made if p.owner == "coach"]
    theirs = [_due(p, tz, coach_tz) for p in data.made if p.owner == "client"]
    before = [
        ("I will: " if p.owner == "coach" else "You will: ") + _due(p, tz, coach_tz)
        for p in data.still_open
    ]
    out = [
        Section("What I will do", mine, "Nothing new from me this time."),
        Section("What you will do", theirs, "Nothing new for you this time."),
        Section("Still open from before", before),
    ]
    if data.next_planned is not None:
        n = data.next_planned
        minutes = f", {n.minutes} minutes" if n.minutes else ""
        out.append(Section("Our next session", [f"{moment(n.held_at, tz)}{minutes}"]))
    return out


def subject(data: RecapData, tz: str) -> str:
    from coachlog.dates import local_date
    from coachlog.export.markdown import day

    return f"Recap of our session on {day(local_date(data.session.held_at, tz))}"


def _opening(data: RecapData, tz: str) -> str:
    from coachlog.export.markdown import moment

    s = data.session
    minutes = f", {s.minutes} minutes" if s.minutes else ""
    return f"We met on {moment(s.held_at, tz)}{minutes}. Dates and times are in the {tz} time zone."


def markdown(
    data: RecapData, *, coach_tz: str, coach: str | None, notes: bool, now: datetime
) -> str:
    """The recap as CommonMark (user text escaped, notes rewritten, export/mdtext.py)."""
    from coachlog.export.mdtext import indent, inline, plain
    from coachlog.export.mdtext import markdown as md

    tz = zone(data, coach_tz)
    lines = [f"# {inline(subject(data, tz))}", "", plain(_opening(data, tz)), ""]
    if data.session.themes:
        lines += ["Themes: " + ", ".join(inline(t) for t in data.session.themes) + ".", ""]
    if notes and (text := md(data.session.notes, base=3)):
        lines += ["## Notes", "", text, ""]
    for sec in sections(data, tz=tz, coach_tz=coach_tz):
        if not sec.items and not sec.empty:
            continue
        lines += [f"## {inline(sec.title)}", ""]
        if sec.items:
            for item in sec.items:
                lines += indent(plain(item), "  ", "- ")
        else:
            lines.append(plain(sec.empty))
        lines.append("")
    if coach:
        lines += [plain(coach), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def text(data: RecapData, *, coach_tz: str, coach: str | None, notes: bool) -> str:
    """The recap as plain text, the body of the mail."""
    tz = zone(data, coach_tz)
    lines = [f"Hello {data.client.name.strip()},", "", _opening(data, tz)]
    if data.session.themes:
        lines += ["", "We talked about: " + ", ".join(t.strip() for t in data.session.themes) + "."]
    if notes and data.session.notes and data.session.notes.strip():
        lines += ["", "Notes:", "", data.session.notes.strip()]
    for sec in sections(data, tz=tz, coach_tz=coach_tz):
        if not sec.items and not sec.empty:
            continue
        lines += ["", f"{sec.title}:"]
        lines += [f"- {item}" for item in sec.items] or [sec.empty]
    if coach:
        lines += ["", coach.strip()]
    return "\n".join(lines) + "\n"


def eml(data: RecapData, *, coach_tz: str, coach: str | None, notes: bool, now: datetime) -> bytes:
    """An RFC 5322 message, text/plain UTF-8, To: the client, marked as a draft
    (X-Unsent: 1, which mail programs open for editing)."""
    from email import policy
    from email.errors import MessageError
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime

    check(data, notes=notes, fmt="eml")
    tz = zone(data, coach_tz)
    name = " ".join(data.client.name.split())
    address = (data.client.email or "").strip()
    try:
        to = Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError, TypeError, MessageError) as exc:
        raise InvalidInput(
            f"{data.client.name}'s email address {address!r} is not one a mail program can "
            "send to.",
            hint=f"Correct it with 'coachlog client edit {data.client.id} --email ADDRESS'.",
        ) from exc
    msg = EmailMessage(policy=policy.SMTP)
    msg["To"] = to
    msg["Subject"] = " ".join(subject(data, tz).split())
    msg["Date"] = format_datetime(now)
    msg["X-Unsent"] = "1"
    msg.set_content(text(data, coach_tz=coach_tz, coach=coach, notes=notes), charset="utf-8")
    return bytes(msg)
