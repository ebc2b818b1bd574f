"""Full-text search: safe queries from any text, ranked hits, an index kept in step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from coachlog.errors import InvalidInput
from coachlog.models import Agreement, CoachingSession, Promise
from coachlog.queries.search import Query, Term, excerpt, fallback, parse_query, search
from coachlog.render.search import snippet
from coachlog.services.agreements import new_agreement
from coachlog.services.clients import add_client


def T(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- turning what was typed into a query ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("delegation", '("delegation"*)'),  # a bare word is a prefix: delegat finds it
        ("delegat", '("delegat"*)'),
        ("delegation trust", '("delegation"*) AND ("trust"*)'),
        ('"active listening" trust', '("active listening") AND ("trust"*)'),  # phrase as is
        ("deleg*", '("deleg"*)'),
        ("delegation OR boundaries trust", '("delegation"* OR "boundaries"*) AND ("trust"*)'),
        ("delegation NOT email", '(("delegation"*)) NOT "email"*'),
        ("delegation AND trust", '("delegation"*) AND ("trust"*)'),
        ("and or not", '("and"*) AND ("or"*) AND ("not"*)'),  # lowercase: plain words
        ('say "hi', '("say"*) AND ("hi"*)'),  # an unbalanced quote is dropped
        ('O"Brien', '("O""Brien"*)'),  # a quote inside a word is doubled
        ("(delegation)", '("delegation"*)'),
        ("OR trust", '("trust"*)'),  # an operator with nothing before it is dropped
        ("trust OR", '("trust"*)'),
        ("NEAR(a b) col:x", '("NEAR(a"*) AND ("b"*) AND ("col:x"*)'),
        ("reunião 日本語", '("reunião"*) AND ("日本語"*)'),
    ],
)
def test_typed_text_becomes_a_safe_query(typed, fts):
    assert parse_query(typed).fts == fts


@pytest.mark.parametrize("typed", ["", "   ", '"', "()", "*", "AND OR NOT", "-- ; '", "NOT trust"])
def test_nothing_to_search_for_is_a_clear_error(typed):
    with pytest.raises(InvalidInput, match="Nothing to search for"):
        parse_query(typed)


def test_too_many_words():
    with pytest.raises(InvalidInput, match="more than 64 words"):
        parse_query(" ".join(f"w{i}" for i in range(65)))


def test_excerpt_marks_every_match_in_the_window():
    text, spans = excerpt("We talked about Delegation.\nThen delegation again.", ["delegation"])
    assert text == "We talked about Delegation. Then delegation again."
    assert [text[a:b] for a, b in spans] == ["Delegation", "delegation"]
    long = "x " * 200 + "the delegation part" + " y" * 200
    text, spans = excerpt(long, ["delegation"])
    assert text.startswith("…") and text.endswith("…")
    assert [text[a:b] for a, b in spans] == ["delegation"]


# --- searching a store ------------------------------------------------------------------------


@pytest.fixture
def journal(store):
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=T(2026, 1, 1))
        bea = add_client(db, values={"name": "Bea Kaur"}, now=T(2026, 1, 1))
        new_agreement(
            db,
            ana,
            values={"goals": "Lead without rescuing; learn delegation"},
            now=T(2026, 1, 2),
            today=date(2026, 1, 2),
        )
        db.add_all(
            [
                CoachingSession(
                    client_id=ana.id,
                    held_at=T(2026, 3, 3, 15),
                    notes="We talked about delegation to her team lead.\nReunião com a equipa.",
                    themes=["delegation", "fear"],
                ),
                CoachingSession(
                    client_id=ana.id,
                    held_at=T(2026, 4, 3, 15),
                    notes="Health worries.",
                    reflection="I noticed my own fear of silence.",
                    private=True,
                ),
                CoachingSession(
                    client_id=bea.id, held_at=T(2026, 5, 3, 15), notes="Boundaries with email."
                ),
                Promise(
                    client_id=bea.id,
                    owner="coach",
                    text="Send the delegation article",
                    made_at=T(2026, 5, 3, 15),
                    due_at=T(2026, 5, 10, 15),
                ),
            ]
        )
    return store


@pytest.fixture
def fts_only(backend):
    if backend != "sqlite":
        pytest.skip("FTS5's own snippets; PostgreSQL's search is in the tests run on both")


def kinds(results) -> list[tuple[str, str]]:
    return [(h.kind, h.client) for h in results.hits]


def test_ranked_hits_with_snippets(journal, fts_only):
    with journal.read() as db:
        results = search(db, "delegation")
    assert results.total == 3
    assert sorted(kinds(results)) == [
        ("agreement", "Ana Lima"),
        ("promise", "Bea Kaur"),
        ("session", "Ana Lima"),
    ]
    session = next(h for h in results.hits if h.kind == "session")
    text, spans = snippet(session)
    assert text.startswith("We talked about delegation to her team lead.")
    assert text.endswith("themes: delegation, fear")
    assert [text[a:b] for a, b in spans] == ["delegation", "delegation"]
    assert [p.field for p in session.pieces] == ["notes", "themes"]
    assert (session.detail, session.private) == ("regular", False)


def test_accents_prefixes_phrases_and_private_sessions(journal):
    """On both databases: SQLite's FTS5 and PostgreSQL's GIN indexes (migration 0006)."""
    with journal.read() as db:
        assert kinds(search(db, "reuniao")) == [("session", "Ana Lima")]  # accents ignored
        assert len(search(db, "deleg*").hits) == 3
        assert kinds(search(db, '"team lead"')) == [("session", "Ana Lima")]
        assert search(db, '"lead team"').hits == []
        fear = search(db, "fear NOT delegation").hits  # reflections of private sessions too
        assert [(h.kind, h.private, snippet(h)[0]) for h in fear] == [
            ("session", True, "Health worries. reflection: I noticed my own fear of silence.")
        ]


def test_client_filter(journal, cli):
    r = cli("search", "delegation", "--client", "bea", "--json")
    assert r.code == 0, r.err
    assert [(h["kind"], h["client"]) for h in r.json["hits"]] == [("promise", "Bea Kaur")]
    assert (r.json["query"], r.json["total"], r.json["shown"]) == ("delegation", 1, 1)
    assert list(r.json["hits"][0]) == [
        "rank",
        "kind",
        "id",
        "uid",
        "client",
        "made_at",
        "record",
        "private",
        "snippet",
        "matches",
    ]
    hit = r.json["hits"][0]
    # the record's own key names (a promise's made_at, owner, status), never one joined string
    assert (hit["rank"], hit["made_at"], hit["record"], hit["private"]) == (
        1,
        "2026-05-03T15:00:00+00:00",
        {"owner": "coach", "status": "open"},
        False,
    )
    assert [hit["snippet"][a:b].lower() for a, b in hit["matches"]] == ["delegation"]


def test_json_says_the_total_when_the_limit_cuts_the_list(journal, cli):
    every = cli("search", "delegation", "--json").json
    assert every["total"] == every["shown"] == len(every["hits"]) >= 2
    cut = cli("search", "delegation", "--limit", "1", "--json").json
    assert (cut["total"], cut["shown"], len(cut["hits"])) == (every["total"], 1, 1)
    sessions = [h for h in every["hits"] if h["kind"] == "session"]
    assert sessions and all("held_at" in h and set(h["record"]) == {"kind"} for h in sessions)


def test_search_screen(journal, cli, backend):
    r = cli("search", "boundaries", env={"COLUMNS": "80"})
    assert r.code == 0
    assert r.out.splitlines() == [
        "1 match for boundaries",
        "",
        "Bea Kaur  session 3  Sun 3 May 2026 16:00  regular",
        "  Boundaries with email.",
    ]
    r = cli("search", "zebra")
    assert r.code == 0 and r.out.strip() == "No matches for zebra."


def test_index_stays_in_step_with_inserts_edits_and_deletes(journal):
    def found(word: str) -> list[str]:
        with journal.read() as db:
            return [h.kind for h in search(db, word).hits]

    assert found("courage") == []
    with journal.write() as db:
        s = db.exec(select(CoachingSession).where(CoachingSession.notes == "Health worries.")).one()
        s.notes = "Courage to say no."
        p = db.exec(select(Promise)).one()
        p.repair = "Courageous apology"
        a = db.exec(select(Agreement)).one()
        a.fees = "courage is free"
    assert sorted(found("courage*")) == ["agreement", "promise", "session"]
    assert found("health") == []
    with journal.write() as db:
        db.delete(db.exec(select(Promise)).one())
        db.delete(db.exec(select(Agreement)).one())
    assert found("courage*") == ["session"]


GARBAGE = [
    '"',
    "'",
    "(",
    ")",
    "((a",
    "a)))",
    "*",
    "**",
    "a*b*",
    "AND",
    "OR",
    "NOT",
    "a OR",
    "NOT a",
    "a NOT",
    "a AND AND b",
    "NEAR(a, b)",
    "body:x",
    "-x",
    "^x",
    "x:",
    '"unbalanced',
    'a "" b',
    "\\",
    "%_%",
    "\x00",
    "\x1b[31mred",
    "日本語",
    "emoji 🙂",
    "reunião",
    "a" * 5000,
    "{}[]",
]


@pytest.mark.parametrize("typed", GARBAGE)
def test_any_text_gives_results_or_a_clear_message(journal, cli, typed):
    for extra in ([], ["--json"]):
        r = cli("search", *extra, "--", typed)
        assert r.code in (0, 1), (typed, r.err)
        assert "Traceback" not in r.err and "unexpected problem" not in r.err
        if r.code:
            assert "Nothing to search for" in r.err


def test_the_portable_fallback_finds_the_same_records(journal):
    """What PostgreSQL uses, run here on the same data: substrings, every word required."""
    with journal.read() as db:
        q = parse_query("delegation")
        results = fallback(db, q, client=None, limit=20)
        assert results.total == 3
        assert sorted(kinds(results)) == [
            ("agreement", "Ana Lima"),
            ("promise", "Bea Kaur"),
            ("session", "Ana Lima"),
        ]
        q = Query(((Term("fear"),),), (Term("delegation"),))
        assert [(h.kind, h.private) for h in fallback(db, q, client=None, limit=5).hits] == [
            ("session", True)
        ]
        q = parse_query("100% _under")  # LIKE's wildcards are searched literally
        assert fallback(db, q, client=None, limit=5).hits == []
        hit = fallback(db, parse_query("email"), client=None, limit=5).hits[0]
        text, spans = snippet(hit)
        assert [text[a:b] for a, b in spans] == ["email"]


def test_non_ascii_theme_is_found(cli):
    """JSON columns are stored as UTF-8 text, so the index sees 'reunião', not an escape."""
    assert cli("client", "add", "Ana Lima").code == 0
    r = cli("session", "new", "ana", "--notes", "x", "--theme", "reunião", "--json")
    assert r.code == 0, r.err
    hits = cli("search", "reunião", "--json").json["hits"]
    assert [h["kind"] for h in hits] == ["session"], hits


# --- issue 13: a bare word is a prefix, client names are searched, fields are labelled ------


@pytest.fixture
def repaired(journal):
    with journal.write() as db:
        p = db.exec(select(Promise)).one()
        p.status = "broken"
        p.repair = "Apologised and sent it the next morning"
    return journal


def test_a_bare_word_finds_longer_words(journal, backend):
    with journal.read() as db:
        found = search(db, "delegat")
    assert sorted(kinds(found)) == [
        ("agreement", "Ana Lima"),
        ("promise", "Bea Kaur"),
        ("session", "Ana Lima"),
    ]
    with journal.read() as db:  # a phrase is matched as written, on both databases
        assert search(db, '"delegat"').hits == []


def test_client_names_are_searched(journal, backend):
    with journal.read() as db:
        everything_of_bea = search(db, "bea")
        bea_delegation = search(db, "kaur delegation")
        any_case = search(db, "LIMA team")
    assert sorted(kinds(everything_of_bea)) == [("promise", "Bea Kaur"), ("session", "Bea Kaur")]
    assert kinds(bea_delegation) == [("promise", "Bea Kaur")]
    assert kinds(any_case) == [("session", "Ana Lima")]


def test_a_promise_repair_is_labelled_as_such(repaired, cli):
    hits = cli("search", "apologised", "--json").json["hits"]
    assert [h["kind"] for h in hits] == ["promise"]
    snippet = hits[0]["snippet"]
    assert "repair: Apologised" in snippet and "themes" not in snippet
    r = cli("search", "apologised", env={"COLUMNS": "100"})
    assert "repair: Apologised and sent it the next morning" in r.out


# --- a word that is also a client's name: text hits first, ranked and marked ----------------


@pytest.fixture
def names_and_words(cli):
    """Clients whose names are also words of other records (the reviewer's cases on the
    demo: rui, sam, mere). Each name-only record is written after the text that mentions
    the word, so that newest-first would put it on top."""
    for name in ("Ana Lima", "Rui Costa", "Sam Ortiz", "Mere Henare"):
        assert cli("client", "add", name).code == 0
    for client, notes, at in (
        ("ana", "She will talk to Rui about the handover.", "2026-05-01 15:00"),
        ("ana", "It was a mere formality, she said.", "2026-05-02 15:00"),
        ("ana", "The same fear came back.", "2026-05-03 15:00"),
        ("rui", "Prepared the talk with the board.", "2026-06-01 15:00"),
        ("sam", "Career options.", "2026-06-02 15:00"),
        ("mere", "Values and whakapapa.", "2026-06-03 15:00"),
    ):
        r = cli("session", "new", client, "--notes", notes, "--at", at, "--minutes", "50")
        assert r.code == 0, r.err
    return cli


def found(proc, *words: str) -> list[tuple[str, str, list[str]]]:
    """(client, snippet, the words marked in it) for each hit, in order, from a real run.
    A marked word is cut to the length of what was typed: SQLite marks the whole word that
    starts with it (same), PostgreSQL the letters typed (sam)."""
    r = proc("search", *words, "--json")
    assert r.code == 0, r.err
    typed = {w.lower() for w in words}
    return [
        (
            h["client"],
            h["snippet"],
            [next((w for w in typed if m.lower().startswith(w)), m) for m in marked(h)],
        )
        for h in r.json["hits"]
    ]


def marked(hit: dict) -> list[str]:
    return [hit["snippet"][a:b] for a, b in hit["matches"]]


def test_text_hits_come_first_marked_then_the_records_of_a_named_client(names_and_words, proc):
    assert found(proc, "rui") == [
        ("Ana Lima", "She will talk to Rui about the handover.", ["rui"]),
        ("Rui Costa", "Prepared the talk with the board.", []),
    ]
    assert found(proc, "mere") == [
        ("Ana Lima", "It was a mere formality, she said.", ["mere"]),
        ("Mere Henare", "Values and whakapapa.", []),
    ]
    assert found(proc, "sam") == [
        ("Ana Lima", "The same fear came back.", ["sam"]),  # (same, on SQLite)
        ("Sam Ortiz", "Career options.", []),
    ]
    # a word of the text and a name together: the client's record with the word, marked
    assert found(proc, "ana", "fear") == [("Ana Lima", "The same fear came back.", ["fear"])]


def test_a_name_matches_on_a_whole_word_or_three_letters(names_and_words, proc):
    assert found(proc, "co") == []  # not "Rui Costa" for two letters
    assert [c for c, _, _ in found(proc, "cos")] == ["Rui Costa"]
    assert [c for c, _, _ in found(proc, "henare")] == ["Mere Henare"]
    r = proc("search", "rui")  # the screen: the text hit first
    assert r.code == 0, r.err
    assert r.out.splitlines()[2].startswith("Ana Lima  session 1")


@pytest.mark.parametrize(
    ("typed", "name", "matches"),
    [
        ("rui", "Rui Costa", True),
        ("ru", "Rui Costa", False),
        ("cos", "Rui Costa", True),
        ("co", "Rui Costa", False),
        ("bo", "Bo Chen", True),  # a whole word, however short
        ("josé", "Jose Rocha", True),
        ("o'bri", "O'Brien Shaw", True),
        ('"rui costa"', "Rui Costa", True),
        ('"rui cos"', "Rui Costa", False),  # a phrase is matched as written
        ("costa", "Rui Costa", True),
        ("ui", "Rui Costa", False),
    ],
)
def test_which_words_match_a_name(typed, name, matches):
    from coachlog.queries.search import name_matches

    (term,) = parse_query(typed).groups[0]
    assert name_matches(term, name) is matches


def test_whole_words_accents_and_rank_alike_on_both_databases(store):
    """SPEC §8: on PostgreSQL too, `cafe` finds "café", `trust` is a word (not a piece of
    "distrusts"), and hits are ranked: the record most about the words comes first."""
    with store.write() as db:
        ana = add_client(db, values={"name": "Ana Lima"}, now=T(2026, 1, 1))
        db.add_all(
            [
                CoachingSession(client_id=ana.id, held_at=T(2026, 3, 1), notes="Met at the café."),
                CoachingSession(
                    client_id=ana.id, held_at=T(2026, 3, 2), notes="She distrusts her manager."
                ),
                CoachingSession(
                    client_id=ana.id,
                    held_at=T(2026, 3, 3),
                    notes="A long session on many things: budgets, hiring, travel, the board, "
                    "her sister, the new office, and once, briefly, trust.",
                ),
                CoachingSession(
                    client_id=ana.id, held_at=T(2026, 3, 4), notes="Trust. Trust built on trust."
                ),
            ]
        )
    with store.read() as db:
        assert [h.pieces[0].text for h in search(db, "cafe").hits] == ["Met at the café."]
        trust = [h.pieces[0].text for h in search(db, "trust").hits]
    assert trust[0] == "Trust. Trust built on trust."  # ranked: the record about trust first
    assert len(trust) == 2 and not any("distrusts" in t for t in trust)


def test_a_record_with_no_text_found_by_name_is_its_heading_alone(cli):
    """A session planned (no notes yet) found by its client's name: the screen shows its
    heading and no empty excerpt line under it."""
    assert cli("client", "add", "Rui Costa").code == 0
    assert cli("session", "plan", "rui", "--at", "2026-12-01 10:00").code == 0
    r = cli("search", "rui", "--no-pager")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "1 match for rui" and lines[1] == ""
    assert lines[2].startswith("Rui Costa  session 1  Tue 1 Dec 2026 10:00  regular, planned")
    assert lines[3:] == []


def test_the_agreement_text_searched_is_every_designed_alliance_element():
    from coachlog.domain.agreements import ELEMENTS
    from coachlog.queries.search import TEXT_COLUMNS

    assert TEXT_COLUMNS["agreement"][1] == tuple(ELEMENTS)
