"""What a coach can type, as hypothesis strategies, and what coachlog must store of it
(for the round-trip tests)."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import strategies as st

# What a command-line argument can hold: any character but NUL; no lone surrogates.
ARGV_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
INTERESTING = st.sampled_from(
    [
        "Zoë O'Brien-Ñúñez",
        "[red]x[/] [link=https://e.vil]y[/link]",
        "\x1b]8;;https://e.vil\x07z\x1b]8;;\x07 \x1b[31mq",
        "abc\u202eevil\u202c",
        "👩🏽‍💼 coach",
        "  padded  ",
        "-starts-with-dash",
        "--json",
        "line one\nline two",
        "\n\nblank lines around\n\n",
        "12345",
        "١٢٣",  # Arabic-Indic digits: all digits, like an id
        "   ",
        "",
        "e\u0301",  # combining accent
        "tab\tinside",
        "nul-free \x7f\x85 C1",
    ]
)
NAMES = st.one_of(INTERESTING, ARGV_TEXT)
NOTES = st.one_of(INTERESTING, ARGV_TEXT)
# coachlog takes moments from 1900 to 2199 (SPEC §3a); outside that is a clean refusal,
# tested in test_input_trust.py.
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


def expected_name(name: str) -> str | None:
    """The stored name, or None when coachlog must refuse it: trimmed, then in Unicode NFC
    (SPEC: "names are stored in NFC, so 'Zoë' typed two ways is one client")."""
    clean = unicodedata.normalize("NFC", name.strip())
    if not clean or clean.isdigit():
        return None
    return clean


def expected_text(text: str) -> str | None:
    clean = text.strip("\n")
    return clean if clean.strip() else None
