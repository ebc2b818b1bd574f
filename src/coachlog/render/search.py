"""Search results: one entry per hit, the match highlighted by a style (never markup)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coachlog.render import clean_line, console, safe_line

if TYPE_CHECKING:
    from coachlog.queries.search import Hit, Results

MATCH = "bold underline"
# The fields shown without a label: the record's main text (a session's notes, a promise's
# text). Every other field is labelled by its name ("repair: …", "coach responsibilities: …").
UNLABELLED = {"notes", "text"}


def snippet(hit: Hit) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The hit's excerpt as one line, each field after the main text labelled, and where
    the matches are in it: what the screen shows and the JSON's snippet and matches."""
    line = ""
    spans: list[tuple[int, int]] = []
    for piece in hit.pieces:
        label = "" if piece.field in UNLABELLED else piece.field.replace("_", " ") + ": "
        start = len(line) + (1 if line else 0) + len(label)
        line += (" " if line else "") + label + piece.text
        spans += [(start + a, start + b) for a, b in piece.spans]
    return line, tuple(spans)


def snippet_text(hit: Hit) -> Any:
    """The snippet as Rich Text with the matches styled. The spans index the raw snippet,
    so it is cut there first and each piece made safe on its own (cleaning spells out
    control characters, which would shift the positions)."""
    from rich.text import Text

    text, spans = snippet(hit)
    out = Text()
    pos = 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(clean_line(text[pos:start]))
        out.append(clean_line(text[start:end]), style=MATCH)
        pos = end
    out.append(clean_line(text[pos:]))
    return out


def heading(hit: Hit, tz: str) -> Any:
    from rich.text import Text

    from coachlog.dates import format_date, format_instant

    line = Text()
    line.append_text(safe_line(hit.client, "name"))
    line.append("  ")
    line.append(f"{hit.kind} {hit.id}", style="id")
    when = format_instant(hit.at, tz, with_year=True) if hit.kind == "session" else None
    if hit.kind != "session":
        when = ("made " if hit.kind == "promise" else "written ") + format_date(hit.at)
    line.append(f"  {when}  {hit.detail}", style="muted")
    if hit.private:
        line.append("  private", style="warn")
    return line


def search_results(results: Results, query: str, *, tz: str) -> None:
    from rich.text import Text

    out = console()
    shown = len(results.hits)
    if not shown:
        out.print(safe_line(f"No matches for {query}.", "muted"))
        return
    count = f"{shown} match" + ("" if shown == 1 else "es")
    if results.total > shown:
        count = f"Best {shown} of {results.total} matches"
    out.print(safe_line(f"{count} for {query}", "head"))
    for hit in results.hits:
        out.print()
        out.print(heading(hit, tz))
        excerpt = snippet_text(hit)
        if not excerpt.plain.strip():  # a hit by the client's name on a record with no text
            continue
        for line in excerpt.wrap(out, max(20, out.width - 2)):
            line.rstrip()
            out.print(Text("  ") + line)
    if results.total > shown:
        out.print()
        out.print(safe_line("More with --limit N, or narrow it with --client.", "muted"))


# A hit's time under the name its record gives it (SPEC §3: the interchange names).
AT_KEY = {"session": "held_at", "promise": "made_at", "agreement": "created_at"}


def hit_json(hit: Hit, rank: int) -> dict[str, Any]:
    """One hit: what it is, its time under the record's own key (held_at, made_at,
    created_at), and `record`, the record's own keys that place it (a session's kind, a
    promise's owner and status, an agreement's version)."""
    from coachlog.dates import iso

    text, spans = snippet(hit)
    return {
        "rank": rank,
        "kind": hit.kind,
        "id": hit.id,
        "uid": hit.uid,
        "client": hit.client,
        AT_KEY.get(hit.kind, "at"): iso(hit.at),
        "record": dict(hit.facts),
        "private": hit.private,
        "snippet": text,
        "matches": [list(s) for s in spans],
    }


def results_json(results: Results, query: str) -> dict[str, Any]:
    """`search --json`: the hits shown, and how many there are in all (`total` is more
    than the hits when --limit cut the list)."""
    return {
        "query": query,
        "total": results.total,
        "shown": len(results.hits),
        "hits": [hit_json(h, i) for i, h in enumerate(results.hits, 1)],
    }
