"""The search query language: parsing, and expressions both databases accept for any input.

The database tests run the compiled expressions for real: SQLite FTS5 in memory with the
tokenizer the search index uses, and PostgreSQL's to_tsquery('english', ...). PostgreSQL is
the server NIC_TEST_DATABASE_URL names when it is set (as for the rest of the suite; then
it must be reachable), otherwise the local test server, if one answers.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Iterator

import psycopg
import pytest

from nic.errors import ValidationError
from nic.services.search_query import (
    QUERY_MAX,
    QUERY_MAX_WORDS,
    SearchQuery,
    highlight_terms,
    parse,
    to_fts5,
    to_tsquery,
)

# --- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coaching cycles ", SearchQuery(terms=("coaching", "cycles"))),
        ("Coaching  CYCLES\t", SearchQuery(terms=("coaching", "cycles"))),
        ("coach coach ", SearchQuery(terms=("coach",))),
        ('"data driven" plc ', SearchQuery(terms=("plc",), phrases=(("data", "driven"),))),
        ('"plc"', SearchQuery(terms=("plc",))),
        ("“smart quotes” too ", SearchQuery(terms=("too",), phrases=(("smart", "quotes"),))),
        ("plc -math ", SearchQuery(terms=("plc",), excluded=("math",))),
        ('plc -"math block"', SearchQuery(terms=("plc",), excluded_phrases=(("math", "block"),))),
        ('plc -"math"', SearchQuery(terms=("plc",), excluded=("math",))),
        ("(-math plc)", SearchQuery(terms=("plc",), excluded=("math",))),
        ("k-8 data-driven ", SearchQuery(terms=("k", "8", "data", "driven"))),
        ("k 8 ", SearchQuery(terms=("k", "8"))),
        ("plc - math ", SearchQuery(terms=("plc", "math"))),
        ('"unbalanced phrase ', SearchQuery(terms=("unbalanced", "phrase"))),
        ('a"b"c"', SearchQuery(terms=("a", "b", "c"))),
        ("NEAR(a b) ", SearchQuery(terms=("near", "a", "b"))),
        ("title:foo ", SearchQuery(terms=("title", "foo"))),
        ("^x y* {a b} [c] ", SearchQuery(terms=("x", "y", "a", "b", "c"))),
        ("a AND b OR NOT c ", SearchQuery(terms=("a", "and", "b", "or", "not", "c"))),
        ("teacher's_notes ", SearchQuery(terms=("teacher", "s", "notes"))),
        (
            "\uff21\uff22\uff23 \ufb01le \u00bd ",  # fullwidth ABC, the fi ligature, 1/2
            SearchQuery(terms=("abc", "file", "1", "2")),
        ),
        ("ÉLÈVE ", SearchQuery(terms=("élève",))),
        ("e\u0301le\u0300ve ", SearchQuery(terms=("élève",))),  # NFKC composes the accents
        ("שלום עולם ", SearchQuery(terms=("שלום", "עולם"))),
        ("مرحبا بالعالم ", SearchQuery(terms=("مرحبا", "بالعالم"))),
        ("नमस्ते ", SearchQuery(terms=("नमस्ते",))),  # vowel signs are marks, not separators
        ("coach😀cycle ", SearchQuery(terms=("coach", "cycle"))),
    ],
)
def test_parse(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "terms", "prefix"),
    [
        ("coaching cyc", ("coaching",), "cyc"),
        ("coaching cyc ", ("coaching", "cyc"), None),
        ("coaching cyc\n", ("coaching", "cyc"), None),
        ("coaching cyc.", ("coaching", "cyc"), None),
        ("coaching c", ("coaching", "c"), None),  # one character is not a prefix
        ('"data dri', ("data",), "dri"),  # an unclosed phrase is bare words
        ("coa", (), "coa"),
        ("-coa", (), None),
        ('"coaching cycle"', (), None),
        ("title:foo", ("title",), "foo"),
    ],
)
def test_prefix_is_the_word_still_being_typed(text, terms, prefix):
    query = parse(text)
    assert (query.terms, query.prefix) == (terms, prefix)
    assert parse(text, prefix_last=False).prefix is None


def test_prefix_last_false_keeps_the_last_word_a_term():
    assert parse("coaching cyc", prefix_last=False) == SearchQuery(terms=("coaching", "cyc"))


@pytest.mark.parametrize(
    "text", ["", "   ", "😀🎉", "!?.,;:()[]{}*^&|<>\\'", "- -", "--a", "-a -b", '""', "_", "\u0301"]
)
def test_nothing_positive_is_empty(text):
    query = parse(text)
    assert query.is_empty
    with pytest.raises(ValueError):
        to_fts5(query)
    with pytest.raises(ValueError):
        to_tsquery(query)


def test_words_are_capped():
    query = parse(" ".join(f"w{i}" for i in range(100)))
    assert query.terms == tuple(f"w{i}" for i in range(QUERY_MAX_WORDS))
    assert query.prefix is None  # the word at the end was dropped, not still being typed
    phrase = parse("a " * 30 + '"b c d e"')
    assert phrase.phrases == (("b", "c"),)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 5000, f"Search for at most {QUERY_MAX} characters."),
        ("x" * (QUERY_MAX + 1), f"Search for at most {QUERY_MAX} characters."),
        ("coach\x00", "Remove the invisible character (NUL) from the search."),
        ("coach\x1b[0m", "Remove the invisible character (U+001B) from the search."),
        ("coach\x85", "Remove the invisible character (U+0085) from the search."),
        ("coach\ud800", "Remove the invisible character (U+D800) from the search."),
        (None, "Search for text."),
        (42, "Search for text."),
        (["coach"], "Search for text."),
        (b"coach", "Search for text."),
    ],
)
def test_refused_input(value, message):
    with pytest.raises(ValidationError) as caught:
        parse(value)
    assert caught.value.fields == {"q": message}


def test_length_is_counted_after_stripping():
    assert parse("  " + "x" * QUERY_MAX + "  \n").terms == ("x" * QUERY_MAX,)


def test_compiled_forms():
    query = parse('plan "data driven" -math -"block schedule" coa')
    assert to_fts5(query) == (
        '("plan" AND "data driven" AND "coa" *) NOT "math" NOT "block schedule"'
    )
    assert to_tsquery(query) == (
        "'plan' & ('data' <-> 'driven') & 'coa':* & !'math' & !('block' <-> 'schedule')"
    )
    assert highlight_terms(query) == ["plan", "data", "driven", "coa"]


def test_numbers_also_match_their_signed_form_in_postgresql():
    assert to_tsquery(parse('"grades 9 12" -8 k1')) == (
        "('grades' <-> ('9' | '-9') <-> ('12' | '-12')) & 'k1':* & !('8' | '-8')"
    )
    assert to_tsquery(parse("12")) == "('12':* | '-12':*)"
    assert to_fts5(parse("k-8 ")) == '"k" AND "8"'


def test_quotes_and_backslashes_are_escaped_in_depth():
    # parse never makes such words; a hand-built query is still quoted safely.
    query = SearchQuery(terms=('a"b', "c'd", "e\\f"))
    assert to_fts5(query) == '"a""b" AND "c\'d" AND "e\\f"'
    assert to_tsquery(query) == "'a\"b' & 'c''d' & 'e\\\\f'"


# --- both databases ----------------------------------------------------------------------

HOSTILE = [
    '"unbalanced',
    'a"b"c"',
    "NEAR(a b)",
    "NEAR(",
    "a*",
    "*",
    "^a",
    "title:foo",
    "body:coach",
    "a AND",
    "AND",
    "OR",
    "NOT",
    "a NOT",
    "(",
    ")",
    "{a b}",
    "[a]",
    "-",
    "--a",
    "- -",
    '"-a"',
    'a -"b c"',
    'a -"',
    "'",
    "''",
    "\\",
    "a\\'b",
    "'; DROP TABLE x; --",
    ":*",
    "a:*",
    "<->",
    "a <-> b",
    "a <2> b",
    "!a",
    "!",
    "&|",
    "a & b | c",
    "😀",
    "coach 😀",
    "שלום עולם",
    "مرحبا",
    "élève",
    "the",
    "the a of",
    '"the coach"',
    "-the coach",
    "x" * QUERY_MAX,
    "\ufdfa" * 20,  # NFKC makes each one 18 characters long
    " ".join(f"w{i}" for i in range(100)),
    '"' + " ".join(f"w{i}" for i in range(100)) + '"',
    "a" + "\u0301" * 50,
    "\u200f\u202eevil\u202c",
]

ROWS = {
    1: "The coach coached the team through a coaching cycle.",
    2: "A cycle coaching plan for new principals.",
    3: "Chaque élève lit chaque jour.",
    4: "שלום עולם from the Hebrew school",
    5: "Unrelated notes about the budget.",
    6: "K-8 schedule with a math block.",
}

SAMPLE = ROWS[1] + " " + ROWS[3] + " " + ROWS[4]


def compiled_or_none(text, compile_):
    """The compiled expression, or None where the parser refuses or finds nothing to search."""
    try:
        query = parse(text)
    except ValidationError:
        return None
    return None if query.is_empty else compile_(query)


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    conn.executemany("INSERT INTO t (rowid, body) VALUES (?, ?)", ROWS.items())
    yield conn
    conn.close()


def fts_rows(conn: sqlite3.Connection, text: str) -> set[int]:
    expression = to_fts5(parse(text))
    return {row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))}


@pytest.mark.parametrize("text", HOSTILE)
def test_fts5_accepts_any_input(fts, text):
    expression = compiled_or_none(text, to_fts5)
    if expression is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("coaching ", {1, 2}),  # porter stems the quoted word: coached, coaching, coach
        ("coached ", {1, 2}),
        ('"coaching cycle"', {1}),  # in order only
        ('"cycle coaching"', {2}),
        ("coaching -principals ", {1}),
        ('coaching -"coaching cycle"', {2}),
        ("coa", {1, 2}),
        ("coaching", {1, 2}),  # a whole word as prefix still stems
        ("élève ", {3}),
        ("eleve ", {3}),  # remove_diacritics folds both sides
        ("ELEVE ", {3}),
        ("שלום ", {4}),
        ("K-8 ", {6}),
        ("title:coach ", set()),  # no column filter, just words
        ("NEAR(coach cycle) ", set()),  # "near" is a word nothing holds
        ("coach cycle ", {1, 2}),
    ],
)
def test_fts5_behaviour(fts, text, rows):
    assert fts_rows(fts, text) == rows


def _pg_url() -> tuple[str, bool]:
    """A libpq address for PostgreSQL and whether the suite was told to use it."""
    url = os.environ.get("NIC_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url.replace("postgresql+psycopg://", "postgresql://", 1), True
    return "postgresql://postgres@127.0.0.1:5432/test", False


@pytest.fixture(scope="module")
def pg() -> Iterator[psycopg.Connection]:
    url, required = _pg_url()
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if required:
            raise
        pytest.skip(f"PostgreSQL not reachable at {url} and NIC_TEST_DATABASE_URL unset: {error}")
    yield conn
    conn.close()


def pg_matches(conn: psycopg.Connection, document: str, tsquery: str) -> bool:
    row = conn.execute(
        "SELECT to_tsvector('english', %s) @@ to_tsquery('english', %s)", (document, tsquery)
    ).fetchone()
    return row[0]


@pytest.mark.parametrize("text", HOSTILE)
def test_tsquery_accepts_any_input(pg, text):
    tsquery = compiled_or_none(text, to_tsquery)
    if tsquery is not None:
        pg_matches(pg, SAMPLE, tsquery)


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("coaching ", {1, 2}),  # the english configuration stems the quoted lexeme
        ("coached ", {1, 2}),
        ('"coaching cycle"', {1}),
        ('"cycle coaching"', {2}),
        ("coaching -principals ", {1}),
        ('coaching -"coaching cycle"', {2}),
        ("coa", {1, 2}),
        ("coaching", {1, 2}),
        ("élève ", {3}),  # 'english' keeps accents: "eleve" would not find it
        ("שלום ", {4}),
        ("K-8 ", {6}),  # PostgreSQL indexes "-8" here: numbers match both forms
        ("k 8 ", {6}),
        ('"k 8"', {6}),
        ("-8 k ", set()),
        ("title:coach ", set()),
        ("the coach ", {1, 2}),  # a stop word is dropped, not an error
        ("the ", set()),
        ("coach cycle ", {1, 2}),
    ],
)
def test_tsquery_behaviour(pg, text, rows):
    tsquery = to_tsquery(parse(text))
    assert {rowid for rowid, body in ROWS.items() if pg_matches(pg, body, tsquery)} == rows


# --- random input ----------------------------------------------------------------------

NASTY = [
    *"\"'()*^:-!&|<>\\{}[]~+., \t\nabcxyzAB019",
    *["😀", "\u200d", "ש", "ל", "é", "_", "\u201c", "\u201d", "\u0301"],
]


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        text = "".join(rng.choice(NASTY) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.02:
            text += rng.choice(["\x00", "\x07", "\ud801"])
        texts.append(text)
    return texts


def random_queries(count: int, seed: int) -> list[SearchQuery]:
    """The non-empty queries parsed from `count` random texts; only control characters
    (never syntax) may make the parser refuse a text."""
    queries = []
    for text in random_texts(count, seed):
        try:
            query = parse(text)
        except ValidationError:
            assert any(c in text for c in "\x00\x07\ud801")
            continue
        if not query.is_empty:
            queries.append(query)
    assert len(queries) > count // 2
    return queries


def test_random_input_never_breaks_fts5(fts):
    for query in random_queries(2000, seed=19):
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(query),)).fetchall()


def test_random_input_never_breaks_tsquery(pg):
    for query in random_queries(300, seed=20):
        pg_matches(pg, SAMPLE, to_tsquery(query))
