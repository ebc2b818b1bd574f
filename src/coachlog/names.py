"""Client names as a coach types them: stored in Unicode NFC, found without regard to case
or accents ("jose" finds "José Rocha", "lukasz" finds "Łukasz"), and, when nothing matches,
the closest names suggested.

Pure functions on (id, name) pairs, shared by the ORM services and the ORM-free read path,
so both find the same client. Lookups compare folded keys computed here, so a store that
already holds names in another normal form needs no migration."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Letters that carry no combining mark to strip, with what a coach types for them.
_FOLD_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ß": "ss",
    }
)


def nfc(name: str) -> str:
    """The stored form of a name: NFC, so "Zoë" typed as one character or as "e" and a
    combining diaeresis is one name."""
    return unicodedata.normalize("NFC", name)


def fold(text: str) -> str:
    """The key names are compared by: no case, no accents, single spaces. 'José' -> 'jose',
    'Łukasz' -> 'lukasz', 'Siobhán' -> 'siobhan', 'ZOË' -> 'zoe'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_FOLD_LETTERS).split())


def same_name(a: str, b: str) -> bool:
    """Two names a coach would read as the same client: equal in NFC, case aside."""
    return nfc(a).casefold().strip() == nfc(b).casefold().strip()


@dataclass
class Match:
    """What a reference found: one id, several (ambiguous), or none with suggestions."""

    found: int | None = None
    several: list[tuple[int, str]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def match(ref: str, rows: Iterable[tuple[int, str]]) -> Match:
    """Find a client by name (not by id: the caller does that). In order: the exact name
    (case aside), the exact name without accents, a prefix of the name (case aside), a
    prefix without accents. The first rule with matches decides; one match is found,
    several are ambiguous. Nothing: the closest names, as suggestions."""
    rows = list(rows)
    key = nfc(ref).casefold().strip()
    folded = fold(ref)
    rules = (
        lambda name: nfc(name).casefold().strip() == key,
        lambda name: fold(name) == folded,
        lambda name: nfc(name).casefold().startswith(key),
        lambda name: fold(name).startswith(folded),
    )
    for rule in rules:
        hits = [(cid, name) for cid, name in rows if rule(name)]
        if len(hits) == 1:
            return Match(found=hits[0][0])
        if hits:
            return Match(several=sorted(hits, key=lambda h: fold(h[1])))
    return Match(suggestions=suggest(ref, [name for _, name in rows]))


def suggest(ref: str, names: list[str], limit: int = 3) -> list[str]:
    """The names closest to what was typed: any word of the name starting with it
    ("rocha" -> "José Rocha"), then spelling that is close ("jsoe" -> "José Rocha")."""
    folded = fold(ref)
    if not folded:
        return []
    by_word = [n for n in names if any(w.startswith(folded) for w in fold(n).split())]
    keys: dict[str, str] = {}
    for n in names:
        keys.setdefault(fold(n), n)
        for w in fold(n).split():
            keys.setdefault(w, n)
    close = difflib.get_close_matches(folded, list(keys), n=limit * 2, cutoff=0.6)
    out: list[str] = []
    for n in [*by_word, *(keys[c] for c in close)]:
        if n not in out:
            out.append(n)
    return out[:limit]
