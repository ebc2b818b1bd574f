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

from coachlog.errors import InvalidInput, StoreError
from coachlog.queries.db import Reader, on_session
from coachlog.queries.rows import TABLE, AgreementRow, PromiseRow, SessionRow, build, columns

MAX_TERMS = 64
OPEN, CLOSE = "\ue000", "\ue001"  # private-use marks around a match inside a snippet
KIND_CODE = {"session": 1, "promise": 2, "agreement": 3}
# The searched text of each kind. The agreement's are domain.agreements.ELEMENTS, written
# out here: importing that module costs every search about 2.5 ms (its patterns and
# rules), and tests/test_search.py keeps the two lists the same.
TEXT_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "session": (SessionRow, ("notes", "reflection", "themes")),
    "promise": (PromiseRow, ("text", "note", "repair")),
    "agreement": (
        AgreementRow,
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


def search(db: Any, text: str, *, client: Any = None, limit: int = 20) -> Results:
    """Ranked hits for `text`, best first; every record of the coach, private ones too (it
    is the coach's own search), or only `client`'s. `db`: the query layer's connection (or
    an ORM session, whose connection it then reads through)."""
    reader = db if isinstance(db, Reader) else on_session(db)
    query = parse_query(text)
    if reader.sqlite:
        return _fts(reader, query, client, limit)
    if reader.dialect == "postgresql":
        return _pg_search(reader, query, client, limit)
    return fallback(reader, query, client=client, limit=limit)


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


def _names_matching(db: Reader, query: Query, client: Any) -> list[set[int]]:
    """For each group of the query, the clients whose name one of its terms matches."""
    mine, params = db.scope()
    sql = f"SELECT id, name FROM clients WHERE 1 = 1{mine}"
    if client is not None:
        sql += " AND id = ?"
        params = (*params, client.id)
    names = db.rows(sql, params)
    return [
        {int(cid) for cid, name in names if any(name_matches(t, name) for t in group)}
        for group in query.groups
    ]


def _fts(db: Reader, query: Query, client: Any, limit: int) -> Results:
    """Two tiers: the records whose text holds every group (ranked by bm25, the matches
    marked), then, when a group names clients, the records found through a name (ranked by
    the other groups' words when there are any, else newest first)."""
    by_name = _names_matching(db, query, client)
    snippet = "snippet(search_index, 0, ?, ?, '…', 24)"
    marks = [OPEN, CLOSE]
    only, only_params = (" AND client_id = ?", [client.id]) if client else ("", [])
    # (condition, its parameters, what is shown, its parameters, the order)
    tiers: list[tuple[str, list[Any], str, list[Any], str]] = [
        ("search_index MATCH ?" + only, [query.fts, *only_params], snippet, marks,
         "bm25(search_index)")
    ]  # fmt: skip
    if any(by_name):
        # Groups no name answers are still needed in the text; a group a name answers is
        # its words in the text, or a record of one of those clients.
        plain = Query(
            tuple(g for g, ids in zip(query.groups, by_name, strict=True) if not ids),
            query.exclude,
        )
        where = ["rowid NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"]
        params: list[Any] = [query.fts]
        if plain.groups:
            where.append("search_index MATCH ?")
            params.append(plain.fts)
        elif query.exclude:
            where.append("rowid NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)")
            params.append(" OR ".join(t.fts for t in query.exclude))
        for group, ids in zip(query.groups, by_name, strict=True):
            if ids:
                where.append(
                    "(rowid IN (SELECT rowid FROM search_index WHERE search_index MATCH ?) "
                    f"OR client_id IN ({', '.join(str(int(i)) for i in sorted(ids))}))"
                )
                params.append(Query((group,)).fts)
        condition = " AND ".join(where) + only
        if plain.groups:  # ranked by the words that are in the text, and marked
            tiers.append((condition, [*params, *only_params], snippet, marks, "bm25(search_index)"))
        else:  # only names: newest first, each record's start as its excerpt
            tiers.append((condition, [*params, *only_params], "NULL", [], "rowid DESC"))
    found: list[tuple[str, int, Any, Any]] = []
    count = 0
    try:
        for condition, params, shown, shown_params, order in tiers:
            sql = f"SELECT count(*) FROM search_index WHERE {condition}"
            count += int(db.value(sql, params, default=0))
            sql = (
                f"SELECT kind, ref_id, {shown}, body FROM search_index WHERE {condition} "
                f"ORDER BY {order} LIMIT ?"
            )
            rows = db.rows(sql, [*shown_params, *params, max(0, limit - len(found))])
            found += [(kind, int(ref), snip, body or "") for kind, ref, snip, body in rows]
    except StoreError as exc:  # the query is built to be valid; this is a safety net
        raise InvalidInput(f"Cannot search for that: {exc.__cause__ or exc.message}.") from None
    return Results(_hits(db, found, raw=True, words=[t.text for t in query.terms]), count)


def _hits(
    db: Reader,
    found: list[tuple[str, int, Any, Any]],
    *,
    raw: bool = False,
    words: list[str] | None = None,
) -> list[Hit]:
    """Details for each (kind, id, pieces, None), keeping the order given. With `raw`, each
    is (kind, id, FTS snippet or None, indexed body), made into pieces here (None: a window
    around the first of `words` in the record, else its start)."""
    by_kind: dict[str, dict[int, Any]] = {}
    for kind, (row_class, _) in TEXT_COLUMNS.items():
        ids = [ref for k, ref, *_ in found if k == kind]
        rows: list[Any] = []
        if ids:
            table = TABLE[row_class]
            sql = (
                f"SELECT {columns(row_class)} FROM {table}"
                f" WHERE {table}.id IN ({', '.join('?' for _ in ids)})"
            )
            rows = [build(row_class, r) for r in db.rows(sql, ids)]
        by_kind[kind] = {r.id: r for r in rows}
    client_ids = sorted({r.client_id for rows in by_kind.values() for r in rows.values()})
    names: dict[int, str] = {}
    if client_ids:
        sql = f"SELECT id, name FROM clients WHERE id IN ({', '.join('?' for _ in client_ids)})"
        names = {int(cid): name for cid, name in db.rows(sql, client_ids)}
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


Part = tuple[str, list[Any]]  # SQL written with ? and its parameters, in order
TSQ = f"to_tsquery('{PG_CONFIG}'::regconfig, ?)"


def _pg_search(db: Reader, query: Query, client: Any, limit: int) -> Results:
    """As _fts, on PostgreSQL: the records whose text holds every group, ranked (ts_rank),
    then those found through a client's name. Plain SQL on the GIN indexes."""
    need = pg_tsquery(query)
    if need is None:
        return Results([], 0)
    by_name = _names_matching(db, query, client)

    # Each condition as a function of (the table's document, the table): its SQL and
    # parameters; the union below repeats it for each table.
    def matches(tsquery: str, negate: bool = False) -> Any:
        def part(doc: str, table: str) -> Part:
            return (f"NOT ({doc} @@ {TSQ})" if negate else f"{doc} @@ {TSQ}"), [tsquery]

        return part

    tiers: list[tuple[list[Any], str | None]] = [([matches(need)], need)]  # (where, rank by)
    if any(by_name):
        plain = Query(
            tuple(g for g, ids in zip(query.groups, by_name, strict=True) if not ids),
            query.exclude,
        )
        where = [matches(need, negate=True)]
        rank: str | None = None
        if plain.groups and (p := pg_tsquery(plain)) is not None:
            where.append(matches(p))
            rank = p
        for t in query.exclude:
            if (x := _pg_term(t)) is not None:
                where.append(matches(x, negate=True))
        for group, ids in zip(query.groups, by_name, strict=True):
            if ids and (g := pg_tsquery(Query((group,)))) is not None:
                listed = ", ".join(str(int(i)) for i in sorted(ids))

                def named(doc: str, table: str, g: str = g, listed: str = listed) -> Part:
                    return f"({doc} @@ {TSQ} OR {table}.client_id IN ({listed}))", [g]

                where.append(named)
        tiers.append((where, rank))
    found: list[tuple[str, int, Any, Any]] = []
    total = 0
    for condition, ranked in tiers:
        selects: list[str] = []
        params: list[Any] = []
        for kind, (table, order) in PG_SEARCHED.items():
            doc = pg_document(table)
            parts = [make(doc, table) for make in condition]
            cond = " AND ".join(sql for sql, _ in parts)
            args = [x for _, ps in parts for x in ps]
            scoped, more = db.scope(f"{table}.client_id")
            cond += scoped
            args += more
            if client is not None:
                cond += f" AND {table}.client_id = ?"
                args.append(client.id)
            score = f"ts_rank({doc}, {TSQ}, 1)" if ranked else "0"
            selects.append(
                f"SELECT '{kind}' AS kind, {table}.id AS id, {score} AS rank, "
                f"{table}.{order} AS at FROM {table} WHERE {cond}"
            )
            params += ([ranked] if ranked else []) + args
        union = " UNION ALL ".join(selects)
        total += int(db.value(f"SELECT count(*) FROM ({union}) AS hits", params, default=0))
        rows = db.rows(
            f"{union} ORDER BY rank DESC, at DESC, id DESC LIMIT ?",
            [*params, max(0, limit - len(found))],
        )
        found += [(str(kind), int(ref), None, None) for kind, ref, _, _ in rows]
    return Results(_hits(db, found, raw=True, words=[t.text for t in query.terms]), total)


# --- the portable fallback (any other database) -------------------------------------------


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


ORDER = {"session": "held_at", "promise": "made_at", "agreement": "created_at"}


def fallback(db: Any, query: Query, *, client: Any, limit: int) -> Results:
    """Case-insensitive substring search on the tables themselves, in the same two tiers as
    on SQLite: the records whose text holds every group first, then those found through a
    client's name; each tier newest first (no relevance score without an index). A prefix
    term is a substring here anyway."""
    db = db if isinstance(db, Reader) else on_session(db)
    by_name = _names_matching(db, query, client)
    tiers: tuple[list[tuple[datetime, str, Any]], ...] = ([], [])
    total = 0
    for kind, (row_class, text_columns) in TEXT_COLUMNS.items():
        table = TABLE[row_class]
        cols = [f"COALESCE(CAST({table}.{c} AS VARCHAR), '')" for c in text_columns]

        def anywhere(term: Term, cols: list[str] = cols) -> tuple[str, list[Any]]:
            # as SQLAlchemy's ilike() says it: ILIKE on PostgreSQL, lower() LIKE lower() else
            test = "lower({}) LIKE lower(?)" if db.sqlite else "{} ILIKE ?"
            shown = " OR ".join(test.format(c) + " ESCAPE '\\'" for c in cols)
            return f"({shown})", [_like(term.text)] * len(cols)

        def either(terms: Iterable[Term]) -> tuple[str, list[Any]]:
            parts = [anywhere(t) for t in terms]
            return "(" + " OR ".join(p for p, _ in parts) + ")", [x for _, ps in parts for x in ps]

        in_parts = [either(g) for g in query.groups]
        in_parts += [(f"NOT {p}", ps) for p, ps in (anywhere(t) for t in query.exclude)]
        in_text = (
            "(" + " AND ".join(p for p, _ in in_parts) + ")" if in_parts else "(1 = 1)",
            [x for _, ps in in_parts for x in ps],
        )
        conditions = [in_text]
        if any(by_name):
            name_parts = []
            for g, ids in zip(query.groups, by_name, strict=True):
                said, ws = either(g)
                owned = (
                    f"{table}.client_id IN ({', '.join(str(int(i)) for i in sorted(ids))})"
                    if ids
                    else "1 = 0"
                )
                name_parts.append((f"({said} OR {owned})", ws))
            name_parts += [(f"NOT {p}", ps) for p, ps in (anywhere(t) for t in query.exclude)]
            name_parts.append((f"NOT {in_text[0]}", in_text[1]))
            conditions.append(
                (" AND ".join(p for p, _ in name_parts), [x for _, ps in name_parts for x in ps])
            )
        scoped, more = db.scope(f"{table}.client_id")
        for tier, (cond, params) in zip(tiers, conditions, strict=False):
            where = f"{cond}{scoped}"
            args = [*params, *more]
            if client is not None:
                where += f" AND {table}.client_id = ?"
                args.append(client.id)
            total += int(db.value(f"SELECT COUNT(*) FROM {table} WHERE {where}", args, 0))
            sql = (
                f"SELECT {columns(row_class)} FROM {table} WHERE {where}"
                f" ORDER BY {table}.{ORDER[kind]} DESC LIMIT ?"
            )
            rows = [build(row_class, r) for r in db.rows(sql, [*args, limit])]
            tier += [(getattr(r, ORDER[kind]), kind, r) for r in rows]
    words = [t.text for t in query.terms]
    chosen = [
        (kind, r.id, record_pieces(kind, r, words), None)
        for tier in tiers
        for _, kind, r in sorted(tier, key=lambda f: f[0], reverse=True)
    ][:limit]
    return Results(_hits(db, chosen), total)


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
