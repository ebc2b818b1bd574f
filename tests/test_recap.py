"""`coachlog recap SESSION_ID` (SPEC §6): a session's recap for the client, as Markdown
(read back with markdown-it-py) and as an .eml draft (read back with Python's `email`
package), run in-process through the CLI against a real store; plus real processes for
what only a process shows: which packages a read loads (no ORM, SPEC §10)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from coachlog.models import CoachingSession
from support import PINNED as PIN


def T(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def held(cli, store):
    """Ana (in New York, with an email), one held session with promises both ways, an
    older open promise, a private session, and a planned one."""
    assert cli(
        "client", "add", "Ana Lima", "--email", "ana@example.com",
        "--timezone", "America/New_York", env=PIN,
    ).code == 0  # fmt: skip
    assert (
        cli("promises", "add", "ana", "Read the chapter @ 2026-11-30", "--theirs", env=PIN).code
        == 0
    )
    r = cli(
        "session", "new", "ana", "--at", "2026-11-20 15:00", "--minutes", "50",
        "--notes", "We talked about <b>delegation</b>.\n\n# Her words\nLet go.",
        "--theme", "delegation", "--theme", "trust",
        "--promise", "Send the article @ 2026-11-24",
        "--commitment", "Draft the team charter @ 2026-11-25 18:00",
        "--reflection", "I rescued her twice.", env=PIN,
    )  # fmt: skip
    assert r.code == 0, r.err
    assert cli("session", "new", "ana", "--at", "2026-11-21 10:00", "--notes", "Health.",
               "--private", env=PIN).code == 0  # fmt: skip
    with store.write() as db:
        db.add(
            CoachingSession(client_id=1, held_at=T(2026, 12, 3, 15), minutes=45, status="planned")
        )
    return cli


def _sections(text: str) -> dict[str, list[str]]:
    tokens = MarkdownIt("commonmark").parse(text)
    out: dict[str, list[str]] = {}
    current = ""
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            current = tokens[i + 1].content
            out[current] = []
        elif t.type == "inline" and tokens[i - 1].type != "heading_open":
            out.setdefault(current, []).append(t.content)
    return out


def test_recap_in_markdown(held, tmp_path):
    settings = tmp_path / "xdg-config" / "coachlog"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "config.toml").write_text('coach = "Maria Sousa"\n')
    r = held("recap", "1", env=PIN)
    assert r.code == 0, r.err
    sections = _sections(r.out)
    # the client's zone: 15:00 in Lisbon is 10:00 in New York, named once
    assert list(sections) == [
        "Recap of our session on Fri 20 Nov 2026",
        "What I will do",
        "What you will do",
        "Still open from before",
        "Our next session",
    ]
    intro = sections["Recap of our session on Fri 20 Nov 2026"]
    assert intro[0] == (
        "We met on Fri 20 Nov 2026 10:00, 50 minutes. Dates and times are in the "
        "America/New\\_York time zone."
    )
    assert intro[1] == "Themes: delegation, trust."
    assert sections["What I will do"] == ["Send the article, by Tue 24 Nov 2026"]
    assert sections["What you will do"] == ["Draft the team charter, by Wed 25 Nov 2026 13:00"]
    assert sections["Still open from before"] == ["You will: Read the chapter, by Mon 30 Nov 2026"]
    assert sections["Our next session"][0] == "Thu 3 Dec 2026 10:00, 45 minutes"
    assert sections["Our next session"][1] == "Maria Sousa"  # signed
    assert "delegation</b>" not in r.out and "rescued" not in r.out  # no notes, no reflection

    with_notes = held("recap", "1", "--notes", env=PIN)
    assert with_notes.code == 0, with_notes.err
    page = MarkdownIt("commonmark").render(with_notes.out)
    assert "&lt;b&gt;delegation&lt;/b&gt;" in page and "<b>" not in page  # never live
    assert "<h2>Notes</h2>" in page and "<h3>Her words</h3>" in page  # below ## Notes


def test_recap_as_an_email_draft(held, tmp_path):
    out = tmp_path / "recap.eml"
    r = held("recap", "1", "--format", "eml", "--out", str(out), env=PIN)
    assert r.code == 0, r.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    msg = message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg["To"] == "Ana Lima <ana@example.com>"
    assert msg["Subject"] == "Recap of our session on Fri 20 Nov 2026"
    assert msg["X-Unsent"] == "1"  # a mail program opens it as a draft
    assert msg["Date"] is not None and msg.defects == []
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    body = msg.get_content().replace("\r\n", "\n")  # RFC 5322 lines end in CRLF
    assert body.startswith("Hello Ana Lima,\n")
    assert "What I will do:\n- Send the article, by Tue 24 Nov 2026\n" in body
    assert "What you will do:\n- Draft the team charter, by Wed 25 Nov 2026 13:00\n" in body
    assert "We talked about <b>" not in body  # notes only with --notes
    printed = held("recap", "1", "-f", "eml", env=PIN)  # no --out: printed
    assert message_from_bytes(printed.out.encode(), policy=policy.default)["To"] == msg["To"]


def test_what_a_recap_refuses(held, cli):
    assert cli("client", "add", "Bea Kaur", env=PIN).code == 0
    assert cli("session", "new", "bea", "--at", "2026-11-20 09:00", "--notes", "x",
               env=PIN).code == 0  # fmt: skip
    no_mail = cli("recap", "4", "--format", "eml", env=PIN)
    assert no_mail.code == 1
    assert "Bea Kaur has no email address" in no_mail.err and "Traceback" not in no_mail.err
    assert "--format md" in no_mail.err
    private = cli("recap", "2", "--notes", env=PIN)
    assert private.code == 1 and "private" in private.err and "Health." not in private.out
    assert cli("recap", "2", env=PIN).code == 0  # without the notes it may go
    planned = cli("recap", "3", env=PIN)
    assert planned.code == 1 and "planned, not held" in planned.err
    assert cli("recap", "99", env=PIN).code == 1
    assert cli("recap", "1", "--format", "pdf", env=PIN).code == 2


def test_a_recap_never_overwrites_without_force(held, tmp_path: Path):
    out = tmp_path / "r.md"
    out.write_text("mine")
    r = held("recap", "1", "--out", str(out), env=PIN)
    assert r.code == 1 and out.read_text() == "mine"
    assert held("recap", "1", "--out", str(out), "--force", env=PIN).code == 0
    assert out.read_text().startswith("# Recap of our session")


ORM = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")


def _loaded(db_url: str, *args: str) -> tuple[int, list[str]]:
    """Run coachlog in a process; its exit status and the top-level packages it loaded."""
    import os

    from support.processes import modules_of

    r, modules = modules_of(["--db", db_url, *args], {**os.environ, **PIN})
    return r.code, sorted({m.split(".")[0] for m in modules} & set(ORM))


def test_recap_and_schema_read_without_the_orm(held, db_url):
    """SPEC §10: a command that only reads answers without SQLAlchemy, SQLModel, pydantic
    or Alembic; recap reads through the query layer, schema reads no store at all."""
    assert _loaded(db_url, "recap", "1") == (0, [])
    assert _loaded(db_url, "recap", "1", "--format", "eml") == (0, [])
    assert _loaded(db_url, "schema") == (0, [])
