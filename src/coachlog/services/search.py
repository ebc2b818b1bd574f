"""Full-text search of session notes, reflections, promises and agreements.

The one module that knows how search works, so each database can do it its own way:
SQLite uses the FTS5 index of migration 0002 (ranked by bm25, accents ignored, kept in
step by triggers); any other database falls back to case-insensitive LIKE on the tables.

Whatever the coach types becomes a safe query: every word is quoted for FTS5, so quotes,
parentheses, `*`, `-`, `:` and non-ASCII text are searched for, never parsed as syntax.
Words are all required; "two words" in quotes is a phrase; a word ending in * matches
words that start with it; OR between two words means either; NOT before a word excludes
it; AND is allowed and changes nothing. Only uppercase OR / NOT / AND are operators."""

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
        if m.group(3) is not None:
            raw = m.group(3)
            prefix = raw.rstrip('"()').endswith("*")
            term = _term(raw.strip("\"()*'"), prefix)
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


def _themes(snippet: str) -> str:
    """A session's themes are indexed as the last line of its text, a JSON list; when the
    snippet reaches that line, show them as words: 'themes: delegation, fear'."""
    if snippet.endswith("…"):
        return snippet
    head, sep, last = snippet.rpartition("\n")
    last = (
        last.replace('", "', ", ")
        .replace('["', "")
        .replace('…"', "…")
        .replace('"]', "")
        .replace("[]", "")
    )
    return head + (sep + "themes: " + last if last.strip() else "")


def _fts(session: Session, query: Query, client: Client | None, limit: int) -> Results:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    where = "search_index MATCH :q" + (" AND client_id = :cid" if client else "")
    params: dict[str, Any] = {"q": query.fts, "cid": client.id if client else None}
    try:
        total = session.execute(text(f"SELECT count(*) FROM search_index WHERE {where}"), params)
        rows = session.execute(
            text(
                "SELECT kind, ref_id, snippet(search_index, 0, :open, :close, '…', 24) "
                f"FROM search_index WHERE {where} ORDER BY bm25(search_index) LIMIT :limit"
            ),
            {**params, "open": OPEN, "close": CLOSE, "limit": limit},
        ).all()
        count = int(total.scalar_one())
    except OperationalError as exc:  # the query is built to be valid; this is a safety net
        raise InvalidInput(f"Cannot search for that: {getattr(exc, 'orig', exc)}.") from None
    found = [(kind, int(ref), *_marked(_themes(snip or ""))) for kind, ref, snip in rows]
    return Results(_hits(session, found), count)


def _hits(session: Session, found: list[tuple[str, int, str, Any]]) -> list[Hit]:
    """Details for each (kind, id, snippet, spans), keeping the order given."""
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
    some column, no excluded term any. Newest first (no relevance score without an index).
    A prefix term is a substring here anyway."""
    from sqlalchemy import String, and_, cast, func, not_, or_

    found: list[tuple[datetime, str, Any]] = []
    total = 0
    for kind, (model, columns) in TEXT_COLUMNS.items():
        cols = [func.coalesce(cast(getattr(model, c), String), "") for c in columns]

        def anywhere(term: Term, cols: list[Any] = cols) -> Any:
            return or_(*(c.ilike(_like(term.text), escape="\\") for c in cols))

        cond = and_(
            *(or_(*(anywhere(t) for t in g)) for g in query.groups),
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
        body = "\n".join(
            ("themes: " + ", ".join(v) if isinstance(v, list) else str(v))
            for c in TEXT_COLUMNS[kind][1]
            if (v := getattr(r, c))
        )
        marked.append((kind, r.id, *excerpt(body, [t.text for t in query.terms])))
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
