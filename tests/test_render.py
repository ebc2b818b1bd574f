"""User text reaches the terminal literally: no markup, no escape sequences, no bidi tricks."""

import io
import json

from rich.console import Console

from coachlog.render import clean, dumps, safe
from coachlog.render.messages import compose

HOSTILE = (
    "Eve [red]x[/] [link=https://evil.example]click[/link] "
    "\x1b]8;;https://e.vil\x07y\x1b]8;;\x07 \x1b[31mred \u202egnp.exe \x9b2J"
)


def _render(obj, color: bool = True) -> str:
    buf = io.StringIO()
    Console(
        file=buf,
        force_terminal=color,
        color_system="truecolor",
        width=200,
        markup=False,
        highlight=False,
    ).print(obj)
    return buf.getvalue()


def test_clean_makes_escapes_and_bidi_visible():
    out = clean(HOSTILE)
    assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out and "\x07" not in out
    assert "\\x1b]8;;https://e.vil\\x07" in out
    assert "<U+202E>" in out
    assert "\\x9b" in out
    assert "[red]x[/]" in out and "[link=https://evil.example]" in out


def test_safe_text_printed_to_a_colour_terminal_is_literal():
    printed = _render(safe(HOSTILE))
    # the markup is shown as characters, not applied: no hyperlink escape, no red
    assert "[red]x[/]" in printed
    assert "[link=https://evil.example]click[/link]" in printed
    assert "\x1b]8;;" not in printed  # no OSC 8 hyperlink reached the terminal
    assert "\x1b[31m" not in printed
    assert "\u202e" not in printed


def test_composed_messages_sanitize_plain_strings_too():
    printed = _render(compose("Added ", (HOSTILE, "name")))
    assert "\x1b]8;;" not in printed and "\u202e" not in printed
    assert "[link=https://evil.example]" in printed


def test_newlines_and_tabs_survive_clean():
    assert clean("a\nb\tc") == "a\nb\tc"


def test_json_escapes_bidi_but_round_trips_exactly():
    data = {"name": HOSTILE + " Zoë 李"}
    text = dumps(data)
    assert "\u202e" not in text and "\x9b" not in text and "\x1b" not in text
    assert "Zoë 李" in text  # readable UTF-8 stays readable
    assert json.loads(text) == data


def _terminal(monkeypatch, width: int = 80) -> io.StringIO:
    """Messages printed to a terminal `width` columns wide, captured."""
    import coachlog.render.messages as messages

    buffer = io.StringIO()
    screen = Console(file=buffer, force_terminal=True, color_system=None, width=width)
    monkeypatch.setattr(messages, "console", lambda stderr=False: screen)
    return buffer


def test_a_long_confirmation_wraps_under_itself_and_keeps_its_aside_whole(monkeypatch):
    from coachlog.render.messages import aside, say, success

    shown = _terminal(monkeypatch)
    say(
        ("  still open: ", "warn"),
        "confidentiality, communication, logistics, coach responsibilities, client "
        "responsibilities, fees, conflicts of interest",
        *aside("coachlog agreement check 12"),
    )
    success("Session #5 with Ana Lima recorded: Thu 26 Nov 15:00, 60 min, regular, and "
            "a little more to say", *aside('from "yesterday 15:00"'))  # fmt: skip
    # (a wrapped line keeps the space it broke at, as the terminal shows it)
    lines = [line.rstrip(" ") for line in shown.getvalue().splitlines()]
    assert all(len(line) <= 80 for line in lines)
    assert lines == [
        "  still open: confidentiality, communication, logistics, coach responsibilities,",
        "    client responsibilities, fees, conflicts of interest",
        "    (coachlog agreement check 12)",
        "✓ Session #5 with Ana Lima recorded: Thu 26 Nov 15:00, 60 min, regular, and a",
        '  little more to say  (from "yesterday 15:00")',
    ]


def test_piped_messages_are_one_line_whatever_their_length(monkeypatch):
    import coachlog.render.messages as messages
    from coachlog.render.messages import aside, say

    buffer = io.StringIO()
    piped = Console(file=buffer, force_terminal=False, width=80)
    monkeypatch.setattr(messages, "console", lambda stderr=False: piped)
    say(("  still open: ", "warn"), "a, " * 40 + "b", *aside("coachlog agreement check 1"))
    assert buffer.getvalue() == (
        "  still open: " + "a, " * 40 + "b  (coachlog agreement check 1)\n"
    )


def test_one_line_table_aligns_cuts_and_wraps_under_itself():
    from rich.text import Text

    from coachlog.render.columns import Column, one_line_table

    out = Console(file=io.StringIO(), width=40, no_color=True)
    columns = [
        Column("name", min_width=6, max_width=12, flexible=True),
        Column("n", justify="right"),
        Column("ok", justify="center"),
        Column("why", min_width=10, wraps=True),
    ]
    rows = [
        [Text("Ana"), Text("7"), Text("✓"), Text("short")],
        [Text("Bartholomew-Okonkwo"), Text("12"), Text("✗"), Text("one two three four five six")],
    ]
    # widths: name 12 (its most), n 2, ok 2, why the 15 left of 40 with gaps of 3
    lines = one_line_table(columns, rows, out=out).plain.split("\n")
    assert lines == [
        "name            n   ok   why",
        "─" * 40,
        "Ana             7   ✓    short",
        "Bartholomew…   12   ✗    one two three",
        " " * 25 + "four five six",
    ]
    # at 24: gaps of 3 and 2 leave the name less than its 6; with gaps of 1 it gets 7
    out = Console(file=io.StringIO(), width=24, no_color=True)
    lines = one_line_table(columns, rows, out=out, header=False).plain.split("\n")
    assert lines == [
        "Ana      7 ✓  short",
        "Bartho… 12 ✗  one two",
        " " * 14 + "three four",
        " " * 14 + "five six",
    ]
