"""Full-text search of session notes, reflections, promises and agreements.

The one module that knows how search works, so each database can do it its own way:
SQLite uses the FTS5 index of migration 0002 (ranked by bm25, accents ignored, kept in
step by triggers); any other database falls back to case-insensitive LIKE on the tables.

Whatever the coach types becomes a safe query: every word is quoted for FTS5, so quotes,
parentheses, `*`, `-`, `:` and non-ASCII text are searched for, never parsed as syntax.
Words are all required; a word also matches longer words that start with it (`delegat`
finds "delegation"; a trailing * says the same); "two words" in quotes is a phrase, matched
as written; OR between two words means either; NOT before a word excludes it; AND is allowed
and changes nothing. Only uppercase OR / NOT / AND are operators.

A client's name is searched too: a word that starts a word of a client's name matches every
record of that client, so `search ana delegation` finds Ana's records about delegation.

Snippets label the fields after the first ("themes: …", "repair: …"), the same way on
every database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from coachlog.errors import InvalidInput
from coachlog.models import Agreement, Client, CoachingSession, Promise
from coachlog.services.common import scope

MAX_TERMS = 64
OPEN, CLOSE = "\ue000", "\ue001"  # private-use marks around a match inside a snippet
KIND_CODE = {"session": 1, "promise": 2, "agreement": 3}
TEXT_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "session": (CoachingSession, ("notes", "reflection", "themes")),
    "promise": (Promise, ("text", "note", "repair")),
    "agreement": (
        Agreement,
        (
            "goals",
            "confidentiality",
            "communication",
            "logistics",
            "coach_responsibilities",
            "client_responsibilities",
            "fees",
            "conflicts_of_interest",
            "sponsor_reporting",
        ),
    ),
}


# How each kind's fields are labelled in a snippet, in the order the index holds them
# (migration 0002); None: the record's main text, shown as it is.
LABELS: dict[str, tuple[str | None, ...]] = {
    "session": (None, "reflection", "themes"),
    "promise": (None, "note", "repair"),
    "agreement": (
        "goals",
        "confidentiality",
        "communication",
        "logistics",
        "coach responsibilities",
        "client responsibilities",
        "fees",
        "conflicts of interest",
        "sponsor reporting",
    ),
}


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False

    @property
    def fts(self) -> str:
        return '"' + self.text.replace('"', '""') + '"' + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """All groups must match (each group: any of its terms); no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    exclude: tuple[Term, ...] = ()

    @property
    def fts(self) -> str:
        need = " AND ".join("(" + " OR ".join(t.fts for t in g) + ")" for g in self.groups)
        if not self.exclude:
            return need
        return f"({need})" + "".join(f" NOT {t.fts}" for t in self.exclude)

    @property
    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]


_TOKEN = re.compile(r'"([^"]*)"(\*?)|(\S+)')


def _term(text: str, prefix: bool) -> Term | None:
    text = " ".join(text.split())
    # A term with no letter or digit has nothing the index could hold: ( , ", *, -- ...
    if not any(ch.isalnum() for ch in text):
        return None
    return Term(text, prefix)


def parse_query(text: str) -> Query:
    """Turn anything typed into a Query, or say clearly why there is nothing to search."""
    groups: list[list[Term]] = []
    exclude: list[Term] = []
    pending_or = pending_not = False
    for m in _TOKEN.finditer(text or ""):
        if m.group(3) in ("AND", "OR", "NOT"):
            word = m.group(3)
            pending_or = word == "OR" and bool(groups) and not pending_not
            pending_not = pending_not or word == "NOT"
            continue
        if m.group(3) is not None:  # a bare word also finds longer words: delegat, delegation
            raw = m.group(3)
            term = _term(raw.strip("\"()*'"), True)
        else:
            term = _term(m.group(1), m.group(2) == "*")
        if term is None:
            continue
        if pending_not:
            exclude.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = pending_not = False
    if not groups:
        what = "NOT only leaves words out" if exclude else "there is no word in it"
        raise InvalidInput(
            f"Nothing to search for in {text.strip()!r}: {what}.",
            hint='Give at least one word, e.g. coachlog search delegation, or "a phrase".',
        )
    if len(groups) + len(exclude) > MAX_TERMS:
        raise InvalidInput(f"That is more than {MAX_TERMS} words to search for; use fewer.")
    return Query(tuple(tuple(g) for g in groups), tuple(exclude))


@dataclass(frozen=True)
class Hit:
    kind: str  # session | promise | agreement
    id: int
    uid: str
    client: str
    client_id: int
    at: datetime  # held_at, made_at, or the agreement's created_at
    detail: str  # "regular", "coach, open", "version 2"
    private: bool
    snippet: str
    spans: tuple[tuple[int, int], ...]  # where the matches are in the snippet


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int


def search(
    session: Session, text: str, *, client: Client | None = None, limit: int = 20
) -> Results:
    """Ranked hits for `text`, best first; every record of the coach, private ones too (it
    is the coach's own search), or only `client`'s."""
    query = parse_query(text)
    if session.info.get("dialect", session.get_bind().dialect.name) == "sqlite":
        return _fts(session, query, client, limit)
    return fallback(session, query, client=client, limit=limit)


def _marked(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line snippet with the match marks turned into spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start = 0
    pos = 0
    for ch in snippet:
        if ch == OPEN:
            start = pos
        elif ch == CLOSE:
            spans.append((start, pos))
        else:
            if ch.isspace():
                if out and out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            pos += 1
    return "".join(out).strip(), tuple(spans)


def _themes_words(line: str) -> str:
    """A session's themes are indexed as a JSON list: show them as words."""
    return (
        line.replace('", "', ", ")
        .replace('["', "")
        .replace('…"', "…")
        .replace('"]', "")
        .replace("[]", "")
    )


def _labelled(kind: str, record: Any, body: str, snippet: str) -> str:
    """The snippet with the first line it shows of each field after the main text labelled
    ("repair: …"). Fields may hold several lines, so the record says which body line is
    whose; the snippet's first line says where in the body it starts."""
    labels = LABELS[kind]
    owner: list[int] = []  # body line -> field
    for field_index, column in enumerate(TEXT_COLUMNS[kind][1]):
        value = getattr(record, column, None)
        count = 1 if isinstance(value, list) or value is None else str(value).count("\n") + 1
        owner += [field_index] * count
    lines = snippet.split("\n")
    first = lines[0].replace(OPEN, "").replace(CLOSE, "").strip("…").strip()
    body_lines = body.split("\n")
    start = next((i for i, line in enumerate(body_lines) if first and first in line), 0)
    out = []
    previous = -1
    for offset, line in enumerate(lines):
        index = start + offset
        field_index = owner[index] if index < len(owner) else len(labels) - 1
        label = labels[field_index] if field_index < len(labels) else None
        if label == "themes":
            line = _themes_words(line)
        visible = line.replace(OPEN, "").replace(CLOSE, "").strip("… ")
        if label and visible and field_index != previous:
            line = f"{label}: {line}"
        if visible:
            previous = field_index
        out.append(line)
    return "\n".join(out)


def _fold(text: str) -> str:
    """Lower case without accents, as the index compares words ('José' -> 'jose')."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _names_matching(session: Session, query: Query, client: Client | None) -> list[set[int]]:
    """For each group of the query, the clients whose name it matches: a term that starts a
    word of the name (a phrase: starts at a word of it)."""
    stmt = scope(select(Client.id, Client.name), session)
    if client is not None:
        stmt = stmt.where(Client.id == client.id)
    names = [
        (cid, " " + " ".join(re.findall(r"\w+", _fold(name)))) for cid, name in session.exec(stmt)
    ]
    out = []
    for group in query.groups:
        wanted = [" " + " ".join(re.findall(r"\w+", _fold(t.text))) for t in group]
        out.append({cid for cid, name in names for w in wanted if w.strip() and w in name})
    return out


def _fts(session: Session, query: Query, client: Client | None, limit: int) -> Results:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    by_name = _names_matching(session, query, client)
    params: dict[str, Any] = {"cid": client.id if client else None, "open": OPEN, "close": CLOSE}
    # Groups no client name answers go to the outer MATCH (ranked, with snippets); a group
    # some name answers is: its words in the text, or a record of one of those clients.
    plain = Query(
        tuple(g for g, ids in zip(query.groups, by_name, strict=True) if not ids), query.exclude
    )
    where: list[str] = []
    if plain.groups:
        where.append("search_index MATCH :q")
        params["q"] = plain.fts
    for n, (group, ids) in enumerate(zip(query.groups, by_name, strict=True)):
        if ids:
            params[f"g{n}"] = Query((group,)).fts
            where.append(
                f"(rowid IN (SELECT rowid FROM search_index WHERE search_index MATCH :g{n}) "
                f"OR client_id IN ({', '.join(str(int(i)) for i in sorted(ids))}))"
            )
    if not plain.groups and query.exclude:
        params["x"] = " OR ".join(t.fts for t in query.exclude)
        where.append("rowid NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH :x)")
    if client:
        where.append("client_id = :cid")
    condition = " AND ".join(where)
    if plain.groups:
        shown = "snippet(search_index, 0, :open, :close, '…', 24)"
        order = "bm25(search_index)"
    else:  # only names asked for: newest first, and the start of each record as its snippet
        shown = "NULL"
        order = "rowid DESC"
    try:
        total = session.execute(
            text(f"SELECT count(*) FROM search_index WHERE {condition}"), params
        )
        rows = session.execute(
            text(
                f"SELECT kind, ref_id, {shown}, body FROM search_index WHERE {condition} "
                f"ORDER BY {order} LIMIT :limit"
            ),
            {**params, "limit": limit},
        ).all()
        count = int(total.scalar_one())
    except OperationalError as exc:  # the query is built to be valid; this is a safety net
        raise InvalidInput(f"Cannot search for that: {getattr(exc, 'orig', exc)}.") from None
    found = [(kind, int(ref), snip, body or "") for kind, ref, snip, body in rows]
    return Results(_hits(session, found, raw=True), count)


def _hits(
    session: Session, found: list[tuple[str, int, Any, Any]], *, raw: bool = False
) -> list[Hit]:
    """Details for each (kind, id, snippet, spans), keeping the order given. With `raw`,
    each is (kind, id, FTS snippet or None, indexed body): labelled and marked here."""
    by_kind: dict[str, dict[int, Any]] = {}
    for kind, (model, _) in TEXT_COLUMNS.items():
        ids = [ref for k, ref, *_ in found if k == kind]
        rows: Any = session.exec(select(model).where(col(model.id).in_(ids))).all() if ids else []
        by_kind[kind] = {r.id: r for r in rows}
    client_ids = {r.client_id for rows in by_kind.values() for r in rows.values()}
    names = dict(
        session.exec(select(Client.id, Client.name).where(col(Client.id).in_(client_ids))).all()
    )
    hits = []
    for kind, ref, snippet, spans in found:
        r = by_kind[kind].get(ref)
        if r is None:
            continue
        if raw:  # (snippet, spans) are (FTS snippet or None, body)
            body = spans
            if snippet is None:  # matched by the client's name: the record's start
                snippet, spans = excerpt(_labelled(kind, r, body, body), [])
            else:
                snippet, spans = _marked(_labelled(kind, r, body, snippet))
        if kind == "session":
            at, detail, private = r.held_at, r.kind, r.private
        elif kind == "promise":
            at, detail, private = r.made_at, f"{r.owner}, {r.status}", False
        else:
            at, detail, private = r.created_at, f"version {r.version}", False
        hits.append(
            Hit(
                kind,
                r.id,
                r.uid,
                names.get(r.client_id, ""),
                r.client_id,
                at,
                detail,
                private,
                snippet,
                spans,
            )
        )
    return hits


# --- the portable fallback (PostgreSQL and any other database) -------------------------------


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fallback(session: Session, query: Query, *, client: Client | None, limit: int) -> Results:
    """Case-insensitive substring search on the tables themselves: every group must match
    some column (or the client's name, as on SQLite), no excluded term any. Newest first
    (no relevance score without an index). A prefix term is a substring here anyway."""
    from sqlalchemy import String, and_, cast, func, not_, or_

    by_name = _names_matching(session, query, client)
    found: list[tuple[datetime, str, Any]] = []
    total = 0
    for kind, (model, columns) in TEXT_COLUMNS.items():
        cols = [func.coalesce(cast(getattr(model, c), String), "") for c in columns]

        def anywhere(term: Term, cols: list[Any] = cols) -> Any:
            return or_(*(c.ilike(_like(term.text), escape="\\") for c in cols))

        def group_matches(group: tuple[Term, ...], ids: set[int], model: Any = model) -> Any:
            words = or_(*(anywhere(t) for t in group))
            return or_(words, col(model.client_id).in_(sorted(ids))) if ids else words

        cond = and_(
            *(group_matches(g, ids) for g, ids in zip(query.groups, by_name, strict=True)),
            *(not_(anywhere(t)) for t in query.exclude),
        )
        stmt = scope(select(model).where(cond), session, model.client_id)
        if client is not None:
            stmt = stmt.where(model.client_id == client.id)
        total += session.exec(select(func.count()).select_from(stmt.subquery())).one()
        order = {"session": "held_at", "promise": "made_at", "agreement": "created_at"}[kind]
        rows = session.exec(stmt.order_by(col(getattr(model, order)).desc()).limit(limit)).all()
        found += [(getattr(r, order), kind, r) for r in rows]
    found.sort(key=lambda f: f[0], reverse=True)
    marked = []
    for _, kind, r in found[:limit]:
        parts = []
        for c, label in zip(TEXT_COLUMNS[kind][1], LABELS[kind], strict=True):
            value = getattr(r, c)
            if not value:
                continue
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            parts.append(f"{label}: {shown}" if label else shown)
        marked.append((kind, r.id, *excerpt("\n".join(parts), [t.text for t in query.terms])))
    return Results(_hits(session, marked), total)


def excerpt(body: str, words: Iterable[str], width: int = 160) -> tuple[str, Any]:
    """A window of `body` around the first match, with every match in it marked."""
    flat = " ".join(body.split())
    low = flat.lower()
    if len(low) != len(flat):  # a few letters change length when lowered; match as typed
        low = flat
    words = [w.lower() for w in words if w]
    starts = [i for w in words if (i := low.find(w)) >= 0]
    first = min(starts) if starts else 0
    lo = max(0, first - width // 3)
    hi = min(len(flat), lo + width)
    text = ("…" if lo else "") + flat[lo:hi] + ("…" if hi < len(flat) else "")
    shift = 1 if lo else 0
    spans = []
    for w in words:
        i = low.find(w, lo)
        while i >= 0 and i + len(w) <= hi:
            spans.append((i - lo + shift, i - lo + shift + len(w)))
            i = low.find(w, i + len(w))
    return text, tuple(sorted(set(spans)))
