"""Full-text search of session notes, reflections, promises and agreements.

The one module that knows how search works, so each database can do it its own way:
SQLite uses the FTS5 index of migration 0002 (ranked by bm25, accents ignored, kept in
step by triggers); PostgreSQL the GIN indexes of migration 0006 (tsvector of the same
fields, accents ignored through unaccent, ranked by ts_rank), with the same query syntax;
any other database falls back to case-insensitive LIKE on the tables.

Whatever the coach types becomes a safe query: every word is quoted for FTS5, so quotes,
parentheses, `*`, `-`, `:` and non-ASCII text are searched for, never parsed as syntax.
Words are all required; a word also matches longer words that start with it (`delegat`
finds "delegation"; a trailing * says the same); "two words" in quotes is a phrase, matched
as written; OR between two words means either; NOT before a word excludes it; AND is allowed
and changes nothing. Only uppercase OR / NOT / AND are operators.

A client's name is searched too: a word that is a whole word of a client's name, or the
first three letters or more of one, matches every record of that client, so `search ana
delegation` finds Ana's records about delegation. Records whose text holds every word come
first, ranked, with the words marked; records found only through a client's name follow.

A hit's excerpt comes in pieces, one per field it shows, so that the screen and the JSON
(render/search.py) can say which field each piece is from ("repair: …"), the same way on
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
class Piece:
    """Part of a hit's excerpt: one field's text (one line, "…" where it was cut)."""

    field: str  # the column: notes, reflection, themes, text, note, repair, goals, ...
    text: str
    spans: tuple[tuple[int, int], ...] = ()  # where the matches are in text


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
    pieces: tuple[Piece, ...]  # the excerpt, field by field, matches marked
    # what `detail` says, as the record's own keys: (("owner", "coach"), ("status", "open"))
    facts: tuple[tuple[str, Any], ...] = ()


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
    dialect = session.info.get("dialect", session.get_bind().dialect.name)
    if dialect == "sqlite":
        return _fts(session, query, client, limit)
    if dialect == "postgresql":
        return _pg_search(session, query, client, limit)
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
                if not out or out[-1] == " ":  # none at the start: the spans count from it
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


def _owners(kind: str, record: Any) -> list[str]:
    """The column each line of the record's indexed body comes from (migration 0002 joins
    the fields with line breaks, in TEXT_COLUMNS order; a field may hold several lines)."""
    owner: list[str] = []
    for column in TEXT_COLUMNS[kind][1]:
        value = getattr(record, column, None)
        count = 1 if isinstance(value, list) or value is None else str(value).count("\n") + 1
        owner += [column] * count
    return owner


def _snippet_pieces(kind: str, record: Any, body: str, snippet: str) -> tuple[Piece, ...]:
    """An FTS snippet (several lines of the body, matches between OPEN and CLOSE) as pieces,
    one per field it shows. The snippet's first line says where in the body it starts."""
    owner = _owners(kind, record)
    lines = snippet.split("\n")
    first = lines[0].replace(OPEN, "").replace(CLOSE, "").strip("…").strip()
    body_lines = body.split("\n")
    start = next((i for i, line in enumerate(body_lines) if first and first in line), 0)
    groups: list[tuple[str, list[str]]] = []
    waiting: list[str] = []  # lines with nothing to read ("…"): go with the next field's
    for offset, line in enumerate(lines):
        index = start + offset
        column = owner[index] if index < len(owner) else owner[-1]
        if column == "themes":
            line = _themes_words(line)
        if not line.replace(OPEN, "").replace(CLOSE, "").strip("… "):
            waiting.append(line)
        elif groups and groups[-1][0] == column:
            groups[-1][1].extend([*waiting, line])
            waiting = []
        else:
            groups.append((column, [*waiting, line]))
            waiting = []
    if waiting and groups:
        groups[-1][1].extend(waiting)
    pieces = []
    for column, chunk in groups:
        text, spans = _marked("\n".join(chunk))
        if text:
            pieces.append(Piece(column, text, spans))
    return tuple(pieces)


def _fold(text: str) -> str:
    """Lower case without accents, as the index compares words ('José' -> 'jose')."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


NAME_PREFIX = 3  # the fewest letters of a word of a name that find the client's records


def name_matches(term: Term, name: str) -> bool:
    """Whether a term of a query names this client: its words are whole words of the name,
    in a row, except that a bare word may also be the start of a word of the name, when it
    has NAME_PREFIX letters or more ('cos' for "Rui Costa", not 'co'). A phrase in quotes
    is matched as written, whole words only. Case and accents do not matter."""
    typed = re.findall(r"\w+", _fold(term.text))
    words = re.findall(r"\w+", _fold(name))
    if not typed:
        return False
    *head, last = typed
    for i in range(len(words) - len(typed) + 1):
        window = words[i : i + len(typed)]
        if window[:-1] != head:
            continue
        if window[-1] == last or (
            term.prefix and len(last) >= NAME_PREFIX and window[-1].startswith(last)
        ):
            return True
    return False


def _names_matching(session: Session, query: Query, client: Client | None) -> list[set[int]]:
    """For each group of the query, the clients whose name one of its terms matches."""
    stmt = scope(select(Client.id, Client.name), session)
    if client is not None:
        stmt = stmt.where(Client.id == client.id)
    names = list(session.exec(stmt))
    return [
        {int(cid) for cid, name in names if any(name_matches(t, name) for t in group)}
        for group in query.groups
    ]


def _fts(session: Session, query: Query, client: Client | None, limit: int) -> Results:
    """Two tiers: the records whose text holds every group (ranked by bm25, the matches
    marked), then, when a group names clients, the records found through a name (ranked by
    the other groups' words when there are any, else newest first)."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    by_name = _names_matching(session, query, client)
    params: dict[str, Any] = {
        "cid": client.id if client else None,
        "open": OPEN,
        "close": CLOSE,
        "q": query.fts,
    }
    snippet = "snippet(search_index, 0, :open, :close, '…', 24)"
    only = " AND client_id = :cid" if client else ""
    tiers = [("search_index MATCH :q" + only, snippet, "bm25(search_index)")]
    if any(by_name):
        # Groups no name answers are still needed in the text; a group a name answers is
        # its words in the text, or a record of one of those clients.
        plain = Query(
            tuple(g for g, ids in zip(query.groups, by_name, strict=True) if not ids),
            query.exclude,
        )
        where = ["rowid NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH :q)"]
        if plain.groups:
            where.append("search_index MATCH :p")
            params["p"] = plain.fts
        elif query.exclude:
            params["x"] = " OR ".join(t.fts for t in query.exclude)
            where.append(
                "rowid NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH :x)"
            )
        for n, (group, ids) in enumerate(zip(query.groups, by_name, strict=True)):
            if ids:
                params[f"g{n}"] = Query((group,)).fts
                where.append(
                    f"(rowid IN (SELECT rowid FROM search_index WHERE search_index MATCH :g{n}) "
                    f"OR client_id IN ({', '.join(str(int(i)) for i in sorted(ids))}))"
                )
        if plain.groups:  # ranked by the words that are in the text, and marked
            tiers.append((" AND ".join(where) + only, snippet, "bm25(search_index)"))
        else:  # only names: newest first, each record's start as its excerpt
            tiers.append((" AND ".join(where) + only, "NULL", "rowid DESC"))
    found: list[tuple[str, int, Any, Any]] = []
    count = 0
    try:
        for condition, shown, order in tiers:
            total = session.execute(
                text(f"SELECT count(*) FROM search_index WHERE {condition}"), params
            )
            count += int(total.scalar_one())
            rows = session.execute(
                text(
                    f"SELECT kind, ref_id, {shown}, body FROM search_index WHERE {condition} "
                    f"ORDER BY {order} LIMIT :limit"
                ),
                {**params, "limit": max(0, limit - len(found))},
            ).all()
            found += [(kind, int(ref), snip, body or "") for kind, ref, snip, body in rows]
    except OperationalError as exc:  # the query is built to be valid; this is a safety net
        raise InvalidInput(f"Cannot search for that: {getattr(exc, 'orig', exc)}.") from None
    return Results(_hits(session, found, raw=True, words=[t.text for t in query.terms]), count)


def _hits(
    session: Session,
    found: list[tuple[str, int, Any, Any]],
    *,
    raw: bool = False,
    words: list[str] | None = None,
) -> list[Hit]:
    """Details for each (kind, id, pieces, None), keeping the order given. With `raw`, each
    is (kind, id, FTS snippet or None, indexed body), made into pieces here (None: a window
    around the first of `words` in the record, else its start)."""
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
    for kind, ref, shown, body in found:
        r = by_kind[kind].get(ref)
        if r is None:
            continue
        if not raw:
            pieces = shown
        elif shown is None:  # found through the client's name: the record's start
            pieces = record_pieces(kind, r, words or [])
        else:
            pieces = _snippet_pieces(kind, r, body, shown)
        facts: tuple[tuple[str, Any], ...]
        if kind == "session":
            # A planned or cancelled session is found too (a cancellation's note is the
            # coach's words), and says which it is.
            at, private = r.held_at, r.private
            detail = r.kind if r.status == "held" else f"{r.kind}, {r.status}"
            facts = (("kind", r.kind),)
            if r.status != "held":
                facts += (("status", r.status),)
        elif kind == "promise":
            at, detail, private = r.made_at, f"{r.owner}, {r.status}", False
            facts = (("owner", r.owner), ("status", r.status))
        else:
            at, detail, private = r.created_at, f"version {r.version}", False
            facts = (("version", r.version),)
        hits.append(
            Hit(kind, r.id, r.uid, names.get(r.client_id, ""), r.client_id, at, detail,
                private, pieces, facts)
        )  # fmt: skip
    return hits


# --- PostgreSQL: full-text search on the GIN indexes of migration 0006 ----------------------

PG_CONFIG = "coachlog_search"  # migration 0006: the 'simple' words, accents removed (unaccent)
PG_SEARCHED = {  # kind: (table, the date a tier's ties are ordered by)
    "session": ("sessions", "held_at"),
    "promise": ("promises", "made_at"),
    "agreement": ("agreements", "created_at"),
}
PG_BODIES = {  # the same fields, in the same order, as migration 0006 indexes
    "sessions": ("notes", "reflection", "themes::text"),
    "promises": ("text", "note", "repair"),
    "agreements": TEXT_COLUMNS["agreement"][1],
}


def pg_document(table: str) -> str:
    """The tsvector of a table's searchable text: exactly the expression of its GIN index
    (migration 0006's search_document; a test keeps the two equal), so the index is used."""
    body = " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in PG_BODIES[table])
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {body})"


def _pg_term(term: Term) -> str | None:
    """One term as tsquery text: its words in a row (<->), the last one a prefix (:*) when
    the term is one; every word quoted, so nothing typed is read as tsquery syntax."""
    words = re.findall(r"[^\W_]+", term.text)
    if not words:
        return None
    lexemes = [f"'{w}'" for w in words]
    if term.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def pg_tsquery(query: Query) -> str | None:
    """The Query as to_tsquery() text, with the meaning of Query.fts on SQLite: every group
    (any of its terms), none of the excluded terms. None: nothing a word index could hold."""
    groups = []
    for group in query.groups:
        terms = [t for t in (_pg_term(t) for t in group) if t]
        if not terms:
            return None
        groups.append("(" + " | ".join(terms) + ")")
    excluded = [t for t in (_pg_term(t) for t in query.exclude) if t]
    return " & ".join(groups) + "".join(f" & !{t}" for t in excluded)


def _pg_search(session: Session, query: Query, client: Client | None, limit: int) -> Results:
    """As _fts, on PostgreSQL: the records whose text holds every group, ranked (ts_rank),
    then those found through a client's name. Plain SQL on the GIN indexes."""
    from sqlalchemy import text

    from coachlog.services.common import coach_of

    need = pg_tsquery(query)
    if need is None:
        return Results([], 0)
    by_name = _names_matching(session, query, client)
    params: dict[str, Any] = {"q": need, "cid": client.id if client else None}
    coach = coach_of(session)
    params["coach"] = coach

    def tsq(name: str) -> str:
        return f"to_tsquery('{PG_CONFIG}'::regconfig, :{name})"

    tiers: list[tuple[str, str | None]] = [("{doc} @@ " + tsq("q"), "q")]  # (where, rank by)
    if any(by_name):
        plain = Query(
            tuple(g for g, ids in zip(query.groups, by_name, strict=True) if not ids),
            query.exclude,
        )
        where = ["NOT ({doc} @@ " + tsq("q") + ")"]
        rank: str | None = None
        if plain.groups and (p := pg_tsquery(plain)) is not None:
            params["p"] = p
            where.append("{doc} @@ " + tsq("p"))
            rank = "p"
        for t in query.exclude:
            if (x := _pg_term(t)) is not None:
                params[f"x{len(params)}"] = x
                where.append("NOT ({doc} @@ " + tsq(f"x{len(params) - 1}") + ")")
        for n, (group, ids) in enumerate(zip(query.groups, by_name, strict=True)):
            if ids and (g := pg_tsquery(Query((group,)))) is not None:
                params[f"g{n}"] = g
                listed = ", ".join(str(int(i)) for i in sorted(ids))
                where.append(f"({{doc}} @@ {tsq(f'g{n}')} OR {{table}}.client_id IN ({listed}))")
        tiers.append((" AND ".join(where), rank))
    found: list[tuple[str, int, Any, Any]] = []
    total = 0
    for condition, ranked in tiers:
        selects = []
        for kind, (table, order) in PG_SEARCHED.items():
            doc = pg_document(table)
            cond = condition.format(doc=doc, table=table)
            if coach is not None:
                cond += f" AND {table}.client_id IN (SELECT id FROM clients WHERE coach = :coach)"
            if client is not None:
                cond += f" AND {table}.client_id = :cid"
            score = f"ts_rank({doc}, {tsq(ranked)}, 1)" if ranked else "0"
            selects.append(
                f"SELECT '{kind}' AS kind, {table}.id AS id, {score} AS rank, "
                f"{table}.{order} AS at FROM {table} WHERE {cond}"
            )
        union = " UNION ALL ".join(selects)
        total += int(session.execute(text(f"SELECT count(*) FROM ({union}) AS hits"), params)
                     .scalar_one())  # fmt: skip
        rows = session.execute(
            text(f"{union} ORDER BY rank DESC, at DESC, id DESC LIMIT :limit"),
            {**params, "limit": max(0, limit - len(found))},
        ).all()
        found += [(str(kind), int(ref), None, None) for kind, ref, _, _ in rows]
    return Results(_hits(session, found, raw=True, words=[t.text for t in query.terms]), total)


# --- the portable fallback (any other database) -------------------------------------------


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fallback(session: Session, query: Query, *, client: Client | None, limit: int) -> Results:
    """Case-insensitive substring search on the tables themselves, in the same two tiers as
    on SQLite: the records whose text holds every group first, then those found through a
    client's name; each tier newest first (no relevance score without an index). A prefix
    term is a substring here anyway."""
    from sqlalchemy import String, and_, cast, func, not_, or_

    by_name = _names_matching(session, query, client)
    tiers: tuple[list[tuple[datetime, str, Any]], ...] = ([], [])
    total = 0
    for kind, (model, columns) in TEXT_COLUMNS.items():
        cols = [func.coalesce(cast(getattr(model, c), String), "") for c in columns]

        def anywhere(term: Term, cols: list[Any] = cols) -> Any:
            return or_(*(c.ilike(_like(term.text), escape="\\") for c in cols))

        in_text = and_(
            *(or_(*(anywhere(t) for t in g)) for g in query.groups),
            *(not_(anywhere(t)) for t in query.exclude),
        )
        by_names = and_(
            *(
                or_(*(anywhere(t) for t in g), col(model.client_id).in_(sorted(ids)))
                for g, ids in zip(query.groups, by_name, strict=True)
            ),
            *(not_(anywhere(t)) for t in query.exclude),
            not_(in_text),
        )
        order = {"session": "held_at", "promise": "made_at", "agreement": "created_at"}[kind]
        conditions = (in_text, by_names) if any(by_name) else (in_text,)
        for tier, cond in zip(tiers, conditions, strict=False):
            stmt = scope(select(model).where(cond), session, model.client_id)
            if client is not None:
                stmt = stmt.where(model.client_id == client.id)
            total += session.exec(select(func.count()).select_from(stmt.subquery())).one()
            rows = session.exec(stmt.order_by(col(getattr(model, order)).desc()).limit(limit))
            tier += [(getattr(r, order), kind, r) for r in rows.all()]
    words = [t.text for t in query.terms]
    chosen = [
        (kind, r.id, record_pieces(kind, r, words), None)
        for tier in tiers
        for _, kind, r in sorted(tier, key=lambda f: f[0], reverse=True)
    ][:limit]
    return Results(_hits(session, chosen), total)


def record_pieces(
    kind: str, record: Any, words: Iterable[str], width: int = 160
) -> tuple[Piece, ...]:
    """A window of the record's fields around the first of `words` it holds (its start when
    none), every match in it marked: for the fallback, and for hits found by a name."""
    fields = []
    for column in TEXT_COLUMNS[kind][1]:
        value = getattr(record, column, None)
        if value:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            fields.append((column, " ".join(shown.split())))
    whole = " ".join(text for _, text in fields)
    lo, hi = _window(whole, words, width)
    pieces = []
    at = 0
    for column, field_text in fields:
        start, end = at, at + len(field_text)
        at = end + 1
        cut_lo, cut_hi = max(start, lo), min(end, hi)
        if cut_lo >= cut_hi:
            continue
        part = field_text[cut_lo - start : cut_hi - start]
        before = "…" if cut_lo > start else ""
        after = "…" if cut_hi < end else ""
        pieces.append(Piece(column, before + part + after, _spans(part, words, len(before))))
    return tuple(pieces)


def _lowered(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else text  # a few letters change length when lowered


def _window(text: str, words: Iterable[str], width: int) -> tuple[int, int]:
    """Where a window of `width` characters around the first match in text starts and ends."""
    low = _lowered(text)
    starts = [i for w in words if w and (i := low.find(w.lower())) >= 0]
    lo = max(0, min(starts) - width // 3) if starts else 0
    return lo, min(len(text), lo + width)


def _spans(text: str, words: Iterable[str], shift: int = 0) -> tuple[tuple[int, int], ...]:
    low = _lowered(text)
    spans = []
    for w in (w.lower() for w in words if w):
        i = low.find(w)
        while i >= 0:
            spans.append((i + shift, i + shift + len(w)))
            i = low.find(w, i + len(w))
    return tuple(sorted(set(spans)))


def excerpt(body: str, words: Iterable[str], width: int = 160) -> tuple[str, Any]:
    """A window of `body` around the first match, with every match in it marked."""
    words = list(words)
    flat = " ".join(body.split())
    lo, hi = _window(flat, words, width)
    before = "…" if lo else ""
    text = before + flat[lo:hi] + ("…" if hi < len(flat) else "")
    spans = [s for s in _spans(flat[lo:hi], words, len(before))]
    return text, tuple(spans)
