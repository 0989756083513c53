"""The search box's little query language, parsed once and compiled safely for each database.

What a person may type:

- words: all must match (AND); stemming is the database's job (FTS5's porter tokenizer,
  PostgreSQL's 'english' configuration), so nothing is stemmed here;
- "a quoted phrase": its words must appear together, in order (typographic quotes count);
- -word and -"a phrase": rows with it are left out;
- while typing, the last word is a prefix ("coa" finds "coach"), unless the text ends
  in whitespace or punctuation, or the word is a single character.

Everything else is text, never syntax: a word is a run of letters, digits and combining
marks of any script (Hebrew, Arabic, accented Latin, ...), after NFKC normalisation and
lower-casing; all other characters (punctuation, emoji, FTS5 and tsquery operators such as
NEAR( * ^ : ! & | <->) separate words. So `title:foo` is the words "title" and "foo", and
`NEAR(a b)` the words "near", "a", "b". An opening quote without a closing one is ignored
and what follows it is read as bare words (so results keep coming while a phrase is being
typed). A hyphen inside a word ("K-8", "data-driven") only separates; it excludes only when
no letter or digit stands right before it.

The compiled expressions quote every word, so they can never be a syntax error in FTS5's
MATCH or in PostgreSQL's to_tsquery; quoting does not defeat stemming in either.

This module is pure (no Flask, no models) so the search service and its tests can call it
anywhere.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from nic.errors import ValidationError

QUERY_MAX = 500
QUERY_MAX_WORDS = 32

_QUOTES = frozenset('"\u201c\u201d\u201e\u201f')  # " “ ” „ ‟: phones and word processors
_KEPT_CONTROLS = frozenset("\t\n\r")


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: every field lower-cased and NFKC-normalised, without duplicates.

    `terms` must all match; each of `phrases` must match as words in order; rows matching
    any of `excluded` (single words) or `excluded_phrases` are left out; `prefix` is the
    word still being typed, matched as the start of a word. A quoted single word is a term
    (or an excluded word), not a phrase.
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    prefix: str | None = None
    excluded_phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing positive to search for (nothing at all, or only exclusions)."""
        return not (self.terms or self.phrases or self.prefix)


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def _words(text: str) -> list[str]:
    """The words of `text`: runs of letters, digits and marks holding a letter or digit."""
    words, current = [], []
    for char in [*text, " "]:
        if _is_word_char(char):
            current.append(char)
            continue
        if current:
            word = "".join(current)
            if any(unicodedata.category(c)[0] in "LN" for c in word):
                words.append(word.lower())
            current = []
    return words


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise ValidationError("q", "Search for text.")
    # The same characters nic.services.validation.check_characters refuses (that module
    # needs Flask): control characters other than tab and line breaks, and lone surrogates.
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in _KEPT_CONTROLS) or category == "Cs":
            name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
            raise ValidationError("q", f"Remove the invisible character ({name}) from the search.")
    if len(text.strip()) > QUERY_MAX:
        raise ValidationError("q", f"Search for at most {QUERY_MAX} characters.")
    return unicodedata.normalize("NFKC", text)


def _closing_quote(text: str, start: int) -> int:
    return next((i for i in range(start + 1, len(text)) if text[i] in _QUOTES), -1)


def _pieces(text: str) -> tuple[list[tuple[list[str], bool, bool]], bool]:
    """(words, excluded, quoted) pieces in order, and whether the last one is a bare word
    that runs to the very end of the text (a word still being typed)."""
    pieces: list[tuple[list[str], bool, bool]] = []
    last_end = -1
    pos, length = 0, len(text)
    while pos < length:
        char = text[pos]
        negated = (
            char == "-"
            and (pos == 0 or not _is_word_char(text[pos - 1]))
            and pos + 1 < length
            and (_is_word_char(text[pos + 1]) or text[pos + 1] in _QUOTES)
        )
        if negated:
            pos += 1
            char = text[pos]
        if char in _QUOTES:
            close = _closing_quote(text, pos)
            if close < 0:  # unbalanced: ignore the quote, read the rest as bare words
                pos += 1
                continue
            words, quoted, end = _words(text[pos + 1 : close]), True, close + 1
        elif _is_word_char(char):
            end = pos
            while end < length and _is_word_char(text[end]):
                end += 1
            words, quoted = _words(text[pos:end]), False
        else:
            pos += 1
            continue
        if words:
            pieces.append((words, negated, quoted))
            last_end = end if not quoted else -1
        pos = end
    return pieces, last_end == length


def _unique(items: list) -> tuple:
    return tuple(dict.fromkeys(items))


def parse(text: object, *, prefix_last: bool = True) -> SearchQuery:
    """Parse what was typed in the search box; never fails on syntax.

    At most QUERY_MAX_WORDS words are kept (the rest is ignored, and then nothing is a
    prefix). With `prefix_last`, a bare last word of two or more characters that runs to
    the very end of the text becomes `prefix` instead of a term.

    Raises ValidationError("q", ...) if `text` is not a str, holds a control character
    (other than tab and line breaks) or a lone surrogate, or is longer than QUERY_MAX
    characters after stripping.
    """
    pieces, at_end = _pieces(_check(text))
    budget = QUERY_MAX_WORDS
    kept = []
    for words, negated, quoted in pieces:
        if budget <= 0:
            at_end = False
            break
        kept.append((words[:budget], negated, quoted))
        if len(words) > budget:
            at_end = False
        budget -= len(words)
    prefix = None
    if prefix_last and at_end and kept:
        words, negated, quoted = kept[-1]
        if not negated and not quoted and len(words) == 1 and len(words[0]) > 1:
            prefix = words[0]
            kept.pop()
    terms, phrases, excluded, excluded_phrases = [], [], [], []
    for words, negated, _quoted in kept:
        if len(words) > 1:
            (excluded_phrases if negated else phrases).append(tuple(words))
        else:
            (excluded if negated else terms).append(words[0])
    return SearchQuery(
        terms=_unique(terms),
        phrases=_unique(phrases),
        excluded=_unique(excluded),
        prefix=prefix,
        excluded_phrases=_unique(excluded_phrases),
    )


def _fts5_string(words: tuple[str, ...] | list[str]) -> str:
    # Doubling " is FTS5's escape; words never hold one, this is defence in depth.
    return '"' + " ".join(words).replace('"', '""') + '"'


def to_fts5(query: SearchQuery) -> str:
    """A MATCH expression for SQLite FTS5 that is never a syntax error.

    Every word is a double-quoted string (a phrase is one string, which FTS5 matches in
    order; the prefix is `"word" *`), the positive parts are joined with AND, and each
    exclusion follows as `NOT "word"` (FTS5's NOT is binary: `(a AND b) NOT "c"`).
    Raises ValueError if the query is empty: the caller should not search at all.
    """
    if query.is_empty:
        raise ValueError("An empty search query has no FTS5 expression.")
    parts = [_fts5_string([term]) for term in query.terms]
    parts += [_fts5_string(phrase) for phrase in query.phrases]
    if query.prefix:
        parts.append(_fts5_string([query.prefix]) + " *")
    expression = " AND ".join(parts)
    negatives = [(word,) for word in query.excluded] + list(query.excluded_phrases)
    if negatives:
        expression = f"({expression})" + "".join(
            f" NOT {_fts5_string(words)}" for words in negatives
        )
    return expression


def _lexeme(word: str, suffix: str = "") -> str:
    """A quoted tsquery operand for `word`; a number also matches its signed form.

    PostgreSQL's parser reads the "-8" of "K-8" or "9-12" as a signed integer, so the
    document holds '-8' where the search has the word "8".
    """
    # Inside a tsquery quote, a quote is doubled and a backslash escapes; words hold
    # neither, this is defence in depth.
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + suffix
    if word.isascii() and word.isdigit():
        return f"({quoted} | '-{word}'{suffix})"
    return quoted


def _ts_phrase(words: tuple[str, ...]) -> str:
    return "(" + " <-> ".join(_lexeme(word) for word in words) + ")"


def to_tsquery(query: SearchQuery) -> str:
    """A string for PostgreSQL's to_tsquery('english', ...) that is never a syntax error.

    Words are quoted lexemes ('word', still stemmed by the configuration), phrases are
    ('w1' <-> 'w2'), the prefix is 'word':*, exclusions are !'word' and !('w1' <-> 'w2'),
    all joined with &; a number n is ('n' | '-n'). A stop word alone yields an empty
    tsquery (PostgreSQL notices and matches nothing), never an error.
    Raises ValueError if the query is empty.
    """
    if query.is_empty:
        raise ValueError("An empty search query has no tsquery.")
    parts = [_lexeme(term) for term in query.terms]
    parts += [_ts_phrase(phrase) for phrase in query.phrases]
    if query.prefix:
        parts.append(_lexeme(query.prefix, ":*"))
    parts += ["!" + _lexeme(word) for word in query.excluded]
    parts += ["!" + _ts_phrase(phrase) for phrase in query.excluded_phrases]
    return " & ".join(parts)


def highlight_terms(query: SearchQuery) -> list[str]:
    """The positive words (terms, phrase words, then the prefix), once each, for snippets."""
    words = [*query.terms, *(word for phrase in query.phrases for word in phrase)]
    if query.prefix:
        words.append(query.prefix)
    return list(dict.fromkeys(words))
