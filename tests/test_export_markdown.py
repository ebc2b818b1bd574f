"""Markdown summaries: read back with a real CommonMark parser and a real YAML parser."""

from __future__ import annotations

import io
import re
import stat
import sys
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
import yaml
from markdown_it import MarkdownIt

import coachlog
from coachlog.export import slug
from coachlog.models import CoachingSession, Promise
from coachlog.services.agreements import new_agreement
from coachlog.services.clients import add_client
from support import NOW_ISO


def T(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_world(monkeypatch):
    """A pinned `now`."""
    monkeypatch.setenv("COACHLOG_NOW", NOW_ISO)


def split(doc: str) -> tuple[dict, list]:
    """(front matter as YAML, the body's CommonMark tokens)."""
    assert doc.startswith("---\n")
    _, front, body = doc.split("---\n", 2)
    return yaml.safe_load(front), MarkdownIt("commonmark").parse(body)


def plain(inline) -> str:
    """An inline token's text as a reader sees it (a line break as a newline); any other
    markup in it fails the test."""
    kinds = {c.type for c in inline.children} - {
        "text",
        "softbreak",
        "hardbreak",
        "strong_open",
        "strong_close",
    }
    assert not kinds, (kinds, inline.content)
    return "".join(
        c.content if c.type == "text" else "\n" * (c.type in ("softbreak", "hardbreak"))
        for c in inline.children
    )


def md001(tokens) -> list[tuple[int, int]]:
    """markdownlint's MD001 (heading-increment): each heading at most one level deeper
    than the one before it. Returns the offending (from, to) pairs."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    return [(a, b) for a, b in pairwise(levels) if b > a + 1]


def html_tokens(tokens) -> list[str]:
    found = []
    for t in tokens:
        if t.type in ("html_block", "html_inline"):
            found.append(t.content)
        found += html_tokens(t.children or [])
    return found


def headings(tokens, deepest: int = 3) -> list[tuple[int, str]]:
    return [
        (int(t.tag[1]), plain(tokens[i + 1]))
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and int(t.tag[1]) <= deepest
    ]


def section_items(tokens, title: str) -> list[str]:
    """The list items' text under the heading `title`, up to the next heading."""
    start = next(
        i + 1
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and plain(tokens[i + 1]) == title
    )
    items = []
    for t in tokens[start + 2 :]:
        if t.type == "heading_open":
            break
        if t.type == "inline":
            items.append(plain(t))
    return items


@pytest.fixture
def ana(store):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=T(2026, 9, 1, 9))
        new_agreement(
            db,
            ana,
            values={
                "goals": "Lead without rescuing\n\n# My big goal\nDelegate more",
                "confidentiality": "All between us",
                "fees": "€150",
                "conflicts_of_interest": "none",
                "review_on": date(2027, 1, 10),
                "cadence_days": 14,
            },
            now=T(2026, 9, 1, 9),
            today=date(2026, 9, 1),
        )
        s1 = CoachingSession(
            client_id=ana.id,
            held_at=T(2026, 9, 3, 14),
            minutes=90,
            kind="engagement",
            notes="We designed our alliance.\n\n## What matters\n- trust\n- *delegation*",
            themes=["alliance"],
            trust_pulse=3,
        )
        s2 = CoachingSession(
            client_id=ana.id,
            held_at=T(2026, 10, 1, 14),
            minutes=60,
            notes="Talked about delegation.",
            themes=["delegation", "fear"],
            reflection="I rescued her twice; notice it.",
        )
        secret = CoachingSession(
            client_id=ana.id,
            held_at=T(2026, 10, 20, 14),
            minutes=60,
            private=True,
            notes="Health worries.",
        )
        pit = CoachingSession(
            client_id=ana.id,
            held_at=T(2026, 11, 5, 14),
            minutes=45,
            kind="pitstop",
            notes="Working: clarity",
            trust_pulse=5,
        )
        db.add_all([s1, s2, secret, pit])
        db.flush()

        def promise(session, owner, text, due, status="open", **kw):
            db.add(
                Promise(
                    client_id=ana.id,
                    session_id=session.id,
                    owner=owner,
                    text=text,
                    made_at=session.held_at,
                    due_at=due,
                    status=status,
                    **kw,
                )
            )

        promise(
            s1,
            "coach",
            "Send the article",
            T(2026, 9, 10, 22, 59, 59),
            "kept",
            closed_at=T(2026, 9, 9, 10),
        )
        promise(
            s2,
            "coach",
            "Introduce Marta",
            T(2026, 10, 15, 17),
            "broken",
            closed_at=T(2026, 10, 16, 9),
            repair="Apologised; made the intro on 20 Oct",
            due_history=["2026-10-08T17:00:00+00:00"],
        )
        promise(
            s2,
            "client",
            "Draft the charter",
            T(2026, 10, 14, 17),
            "kept",
            closed_at=T(2026, 10, 18, 9),
            note="Shared in the pit-stop",
        )
        promise(
            secret,
            "client",
            "See a doctor",
            T(2026, 11, 1, 17),
            "released",
            closed_at=T(2026, 10, 25, 9),
        )
        promise(
            pit,
            "coach",
            "Share the feedback model",
            T(2026, 11, 20, 17),
            due_history=["2026-11-12T17:00:00+00:00", "2026-11-15T17:00:00+00:00"],
        )
        promise(pit, "client", "Try one delegation a week", T(2026, 11, 30, 17))
        promise(
            pit,
            "client",
            "Release me",
            T(2026, 11, 30, 17),
            "released",
            closed_at=T(2026, 11, 6, 9),
        )
    return store


SESSIONS = [
    (3, "Thu 3 Sep 2026 15:00 · Engagement session · 90 minutes"),
    (3, "Thu 1 Oct 2026 15:00 · Session · 60 minutes"),
    (3, "Thu 5 Nov 2026 14:00 · Pit-stop (check-in on our work together) · 45 minutes"),
]
WEEKDAY_DATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4}( \d{2}:\d{2})?"
)


def coach_setting(tmp_path, name: str = "Maria Sousa") -> None:
    """The settings file's `coach` key (SPEC §2a), where conftest points XDG_CONFIG_HOME."""
    folder = tmp_path / "xdg-config" / "coachlog"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(f'coach = "{name}"\n')


def test_client_facing_summary(ana, cli, tmp_path):
    coach_setting(tmp_path)
    r = cli("export", "ana")
    assert r.code == 0, r.err
    meta, tokens = split(r.out)
    # flat front matter: every value a scalar or a list of strings (Obsidian's properties)
    assert meta == {
        "title": "Ana Lima: coaching summary",
        "client": "Ana Lima",
        "period_from": "2026-09-03",
        "period_to": "2026-11-22",
        "generated_at": "2026-11-22T10:00:00+00:00",
        "coachlog_version": coachlog.__version__,
        "coach": "Maria Sousa",
        "tags": ["alliance", "delegation", "fear"],
        "include_private": False,
    }
    assert headings(tokens) == [
        (2, "Our agreement"),
        (3, "Goals"),
        (3, "Confidentiality"),
        (3, "Fees"),
        (3, "Conflicts of interest"),
        (2, "Sessions"),
        *SESSIONS,
        (2, "Our promises"),
        (3, "What I promised"),
        (3, "What Ana Lima committed to"),
    ]
    # the coach's own headings in notes and agreement sit below ours, never skipping
    deeper = [h for h in headings(tokens, 6) if h[0] > 3]
    assert deeper == [(4, "My big goal"), (4, "What matters")]
    assert md001(tokens) == []
    body = r.out.split("---\n", 2)[2]
    assert "Health worries" not in body and "See a doctor" not in body  # private session
    assert "rescued her" not in body  # reflections are the coach's own
    assert "Trust pulse" not in body and "5/5" not in body  # the coach's reading
    assert "Trust checklist" not in body and "check 4" not in body  # speaks to the coach
    assert not re.search(r"#\d|promise \d|session \d", body)  # no internal ids
    assert "broken" not in body and "No repair" not in body  # nobody is judged
    assert section_items(tokens, "What I promised") == [
        "Send the article: kept on Wed 9 Sep 2026 11:00 (due Thu 10 Sep 2026).",
        "Introduce Marta: not kept (it was due Thu 15 Oct 2026 18:00). The date was moved "
        "once; first agreed for Thu 8 Oct 2026 18:00.\n"
        "What I did to make it right: Apologised; made the intro on 20 Oct",
        "Share the feedback model: still open, past the agreed Fri 20 Nov 2026 17:00. The "
        "date was moved 2 times; first agreed for Thu 12 Nov 2026 17:00.",
    ]
    assert section_items(tokens, "What Ana Lima committed to") == [
        "Draft the charter: kept on Sun 18 Oct 2026 10:00, later than the agreed "
        "Wed 14 Oct 2026 18:00.\nNote: Shared in the pit-stop",
        "Try one delegation a week: open, due Mon 30 Nov 2026 17:00.",
        "Release me: released by agreement on Fri 6 Nov 2026 09:00 (it was due "
        "Mon 30 Nov 2026 17:00).",
    ]
    # one date format, and the zone named once
    assert body.count("Europe/Lisbon") == 1
    intro = next(plain(t) for t in tokens if t.type == "inline" and t.content.startswith("From"))
    assert intro == (
        "From Thu 3 Sep 2026 to Sun 22 Nov 2026: 3 sessions and 6 promises. "
        "Dates and times are in the Europe/Lisbon time zone."
    )
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)
    for _, title in SESSIONS:
        assert WEEKDAY_DATE.match(title)


def test_multi_line_fields_keep_their_line_breaks(store, cli):
    with store.write() as db:
        c = add_client(db, values={"name": "Ana Lima"}, now=T(2026, 9, 1, 9))
        new_agreement(
            db,
            c,
            values={"goals": "Lead without rescuing\nDelegate the budget review"},
            now=T(2026, 9, 1, 9),
            today=date(2026, 9, 1),
        )
        db.add(
            Promise(
                client_id=c.id,
                owner="coach",
                text="Send two things:\nthe article\nthe model",
                made_at=T(2026, 9, 1, 9),
                due_at=T(2026, 12, 1, 10),
            )
        )
    page = MarkdownIt("commonmark").render(cli("export", "ana").out.split("---\n", 2)[2])
    assert "<p>Lead without rescuing<br />\nDelegate the budget review</p>" in page
    assert "Send two things:<br />\nthe article<br />\nthe model: open" in page


def test_include_private_makes_the_coachs_copy(ana, cli):
    r = cli("export", "ana", "--include-private", "--since", "2026-10-01", "--until", "2026-10-31")
    meta, tokens = split(r.out)
    assert meta["include_private"] is True
    assert (meta["period_from"], meta["period_to"]) == ("2026-10-01", "2026-10-31")
    assert "coach" not in meta  # no `coach` setting
    assert [h for h in headings(tokens, 4) if h[0] >= 3 and "2026" in h[1]] == [
        (3, "Thu 1 Oct 2026 15:00 · Session · 60 minutes · session 2"),
        (3, "Tue 20 Oct 2026 15:00 · Session · 60 minutes · private · session 3"),
    ]
    assert (4, "Coach's reflection") in headings(tokens, 4)
    assert "I rescued her twice; notice it." in r.out
    assert "See a doctor: released by agreement" in r.out
    assert "Not for sharing" in r.out
    assert "Promise 2, broken." in r.out  # the ids and statuses, for the coach
    assert headings(tokens)[-1] == (2, "Trust checklist")
    assert md001(tokens) == []


HOSTILE_NAME = '*Ana* [x](http://e.example) <b>#1 | ~~"quoted"~~ \\ & &amp; 1.\x85end'
HOSTILE_NOTES = """# Injected top heading
Setext heading
===
- a list
  ## In a list item
## After the list

##### Skipping down

<img src=x onerror=alert(1)>
<!-- an HTML comment that never closes
<script>alert(1)</script>
# swallowed by the comment, shown as text

```python
an unclosed fence: everything after could become code
"""


def test_user_text_cannot_break_the_structure(store, cli):
    with store.write() as db:
        c = add_client(db, values={"name": HOSTILE_NAME}, now=T(2026, 11, 1, 9))
        db.add(
            CoachingSession(
                client_id=c.id,
                held_at=T(2026, 11, 2, 10),
                notes=HOSTILE_NOTES,
                themes=["[link](x)", "# tag"],
            )
        )
        db.flush()
        db.add(
            Promise(
                client_id=c.id,
                owner="coach",
                text="- 1. > # not a heading",
                made_at=T(2026, 11, 2, 10),
                due_at=T(2026, 11, 30, 10),
            )
        )
    r = cli("export", "1")
    assert r.code == 0, r.err
    meta, tokens = split(r.out)
    assert meta["client"] == HOSTILE_NAME
    assert headings(tokens) == [
        (2, "Our agreement"),
        (2, "Sessions"),
        (3, "Mon 2 Nov 2026 10:00 · Session"),
        (2, "Our promises"),
        (3, "What I promised"),
    ]
    assert [h for h in headings(tokens, 6) if h[0] > 3] == [
        (4, "Injected top heading"),
        (4, "Setext heading"),
        (5, "After the list"),
        (6, "Skipping down"),  # one level deeper than the one before, never skipping
    ]
    assert "**In a list item**" in r.out  # a heading in a list item is a bold line
    assert md001(tokens) == []
    # no HTML block can swallow what follows, and no HTML is live (SPEC §6)
    assert html_tokens(tokens) == []
    assert section_items(tokens, "What I promised") == [
        "- 1. > # not a heading: open, due Mon 30 Nov 2026 10:00."
    ]
    themes = next(plain(t) for t in tokens if t.type == "inline" and t.content.startswith("Themes"))
    assert themes == "Themes: [link](x), # tag."


def test_all_clients_into_a_folder(ana, cli, store, tmp_path):
    with store.write() as db:
        add_client(db, values={"name": "Zoë O'Brien"}, now=T(2026, 11, 1, 9))
    out = tmp_path / "summaries"
    r = cli("export", "--all", "--out", str(out))
    assert r.code == 0, r.err
    assert "Wrote 2 client summaries" in r.out
    assert sorted(p.name for p in out.iterdir()) == ["ana-lima-1.md", "zoe-o-brien-2.md"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        meta, _ = split(path.read_text())
        assert meta["client"] in ("Ana Lima", "Zoë O'Brien")
    r = cli("export", "--all")
    assert r.code == 2 and "give a folder with --out DIR" in r.err


def test_one_summary_to_a_file(ana, cli, tmp_path):
    path = tmp_path / "ana.md"
    r = cli("export", "ana", "--out", str(path))
    assert r.code == 0 and "Wrote Ana Lima's summary to" in r.out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    r = cli("export", "ana", "--out", str(tmp_path))  # a folder: named for the client
    assert r.code == 0 and (tmp_path / "ana-lima-1.md").exists()


def test_pandoc_reads_it_without_a_warning(ana, cli, tmp_path):
    """pandoc warned that the document had no title; now it has one, and renders it."""
    import shutil
    import subprocess

    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    path = tmp_path / "ana.md"
    assert cli("export", "ana", "--out", str(path)).code == 0
    p = subprocess.run(
        ["pandoc", "--standalone", "-f", "markdown", "-t", "html", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert "<title>Ana Lima: coaching summary</title>" in p.stdout
    assert p.stdout.count("Ana Lima: coaching summary") == 2  # <title> and the page's <h1>


def test_slug():
    assert slug("Zoë O'Brien", 7) == "zoe-o-brien-7"
    assert slug("  李 雷 ", 3) == "李-雷-3"
    assert slug("../../etc/passwd", 1) == "etc-passwd-1"
    assert slug("***", 2) == "client-2"
    assert len(slug("a" * 300)) == 60


def test_a_terminal_sees_control_characters_spelled_out(monkeypatch):
    from coachlog.cli.exchange import _emit

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    _emit("notes \x1b]8;;http://evil\x07link\u202e\n")
    assert screen.getvalue() == "notes \\x1b]8;;http://evil\\x07link<U+202E>\n"


def test_no_text_whatsoever_changes_the_outline():
    """Property: whatever notes, themes and names hold, the document's outline (headings
    down to level 3) is ours alone and the sections stay in order."""
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st

    from coachlog.export.markdown import summary
    from coachlog.models import Client
    from coachlog.queries.exchange import Bundle

    pieces = st.sampled_from(
        [
            "#",
            "##",
            "#####",
            "=",
            "-",
            "*",
            "`",
            "```",
            "~~~",
            "<",
            "<!--",
            ">",
            "1.",
            "[",
            "]",
            "(",
            ")",
            "|",
            "\\",
            "&amp;",
            "\n",
            "\n\n",
            " ",
            "    ",
            "\t",
            "x",
            "é",
            "\u202e",
        ]
    )
    text = st.lists(pieces, max_size=30).map("".join)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name=text.filter(lambda t: t.strip()), notes=text, theme=text, promise=text)
    @example(name="#", notes="- <!--", theme="", promise="")  # an HTML block in a list item
    @example(name="x", notes="> 1. <pre>\n\n# x", theme="", promise="")
    @example(name="#", notes="><!--", theme="", promise="")
    @example(name="x", notes="-\t#", theme="", promise="")  # a tab after a list marker
    def check(name, notes, theme, promise):
        client = Client(id=1, name=name)
        session = CoachingSession(
            id=1, client_id=1, held_at=T(2026, 11, 2, 10), notes=notes, themes=[theme]
        )
        kept = Promise(
            id=1,
            client_id=1,
            owner="coach",
            text=promise or "x",
            made_at=T(2026, 11, 2, 10),
            due_at=T(2026, 11, 30, 10),
        )
        bundle = Bundle(client, None, [session], [kept], (None, date(2026, 11, 22)), False)
        doc = summary(bundle, now=T(2026, 11, 22, 10), tz="Europe/Lisbon", version="0.1.0")
        meta, tokens = split(doc)
        assert meta["client"] == name
        outline = [
            (int(t.tag[1]), tokens[i + 1].content[:6])
            for i, t in enumerate(tokens)
            if t.type == "heading_open" and int(t.tag[1]) <= 3
        ]
        assert [level for level, _ in outline] == [2, 2, 3, 2, 3]
        assert [head for _, head in outline] == [
            "Our ag",
            "Sessio",
            "Mon 2 ",
            "Our pr",
            "What I",
        ]
        assert html_tokens(tokens) == []
        assert md001(tokens) == []

    check()
