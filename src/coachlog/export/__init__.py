"""Writers for what leaves the store: Markdown summaries, iCalendar files, and the private
file writer they share. The JSON interchange document is read in queries/exchange.py."""

from __future__ import annotations

import re
import unicodedata


def slug(name: str, ident: int | None = None, *, limit: int = 60) -> str:
    """A file-name-safe form of a client's name, with the id so two clients never share a
    file: 'Zoë O'Brien', 7 -> 'zoe-o-brien-7'. Accents are dropped; other scripts are kept
    (a name in Devanagari stays readable), punctuation and spaces become single dashes."""
    decomposed = unicodedata.normalize("NFKD", name)
    base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    base = re.sub(r"[^\w]+|_+", "-", base.casefold()).strip("-")[:limit].strip("-")
    base = base or "client"
    return base if ident is None else f"{base}-{ident}"
