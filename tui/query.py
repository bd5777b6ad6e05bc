"""The query language: what a person types in the search bar, parsed into a :class:`Query`.

Free words are matched fuzzily by the search engine; qualifiers narrow the result::

    dense retrievl                     two free words (typos allowed)
    "exact phrase"                     the words in this order
    title:bert  author:smith  abs:x    a word (or field:"phrase") in one field
    venue:acl  cat:cs.CL  tag:thesis   venue words, category prefix, a tag
    year:2021  year:2019..2022  year:>=2020   a year or a range (also > < <=)
    is:starred is:later is:read is:skipped is:inbox   by what you decided
    has:note  has:tag                  papers you wrote a note on or tagged
    note:zebra  note:"zebra crossing"   words of your own note (free words find notes and tags too)
    key:arxiv:2104.08821               one paper by its stable key
    similar:arxiv:2104.08821           the papers most like that one, most alike first
    like:thesis                        the papers most like those tagged thesis
    -word  -author:smith  -is:read     negation

Parsing is lenient because it runs on every keystroke: an unknown qualifier, a bad year or
an unclosed quote never raises; the text is searched as words and :attr:`Query.warnings`
says what was not understood. This module is pure (no I/O, no Textual) and also owns what
counts as a *word*, so the index, the query and the highlighter agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Iterator, Literal

__all__ = [
    "Query",
    "QueryError",
    "Term",
    "STOPWORDS",
    "parse_query",
    "parse_complete_query",
    "normalise_word",
    "iter_words",
    "words_of",
]

WORD_RE = re.compile(r"[^\W_]+")
"""A word: a run of letters and digits."""

STOPWORDS = frozenset(
    "a an and are as at be been but by can do does for from has have how in into is it its "
    "of on or our that the their this to towards via vs was we were what when which who why "
    "with without you your".split()
)
"""Words too common to narrow a search: optional in queries, not indexed in abstracts."""

FieldName = Literal["", "title", "author", "abs"]
TermKind = Literal["word", "phrase", "venue", "cat", "tag", "key", "year", "is", "has", "similar",
                   "like", "note"]

_TEXT_FIELDS: dict[str, FieldName] = {
    "title": "title", "ti": "title",
    "author": "author", "authors": "author", "au": "author",
    "abs": "abs", "abstract": "abs",
}
_VALUE_FIELDS: dict[str, TermKind] = {
    "venue": "venue", "journal": "venue", "cat": "cat", "category": "cat",
    "tag": "tag", "key": "key", "similar": "similar", "like": "like", "note": "note",
}
IS_VALUES = ("starred", "read", "later", "skipped", "inbox")
HAS_VALUES = {"note": "note", "notes": "note", "tag": "tag", "tags": "tag"}

_TOKEN_RE = re.compile(
    r'(?P<neg>-*)(?:(?P<name>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)(?P<close>"?)|(?P<bare>\S*))'
)
_YEAR_RE = re.compile(
    r"^(?:(?P<op>>=|<=|>|<)?(?P<y>\d{4})|(?P<lo>\d{4})?(?:\.\.|-)(?P<hi>\d{4})?)$"
)


class QueryError(ValueError):
    """A query that cannot be used as it is: raised by :func:`parse_complete_query` only
    (:func:`parse_query` never raises: typing is never an error)."""


def normalise_word(word: str) -> str:
    """Fold a word for matching: case-folded, accents removed (``Café`` -> ``cafe``)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def iter_words(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(normalised word, start, end)`` for each word of ``text``, in order."""
    for match in WORD_RE.finditer(text):
        yield normalise_word(match.group()), match.start(), match.end()


def words_of(text: str) -> list[str]:
    """The normalised words of ``text``, in order."""
    return [normalise_word(w) for w in WORD_RE.findall(text)]


@dataclass(frozen=True, slots=True)
class Term:
    """One piece of a query: a word, a phrase, or a qualifier with its value."""

    kind: TermKind
    value: str = ""
    """Normalised word (``word``), normalised words joined by spaces (``phrase``),
    the lower-cased value (``venue``/``cat``/``tag``/``is``/``has``/``like``) or the raw
    key (``key``/``similar``)."""
    field: FieldName = ""
    """For words and phrases: the one field they must be in, or "" for title/authors/abstract."""
    negated: bool = False
    open: bool = False
    """The word still being typed (last in the query, no space after it): matched as a prefix."""
    year_min: int | None = None
    year_max: int | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """The normalised words of a word or phrase term."""
        return tuple(self.value.split()) if self.kind in ("word", "phrase") else ()


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Build it with :func:`parse_query`."""

    text: str
    terms: tuple[Term, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    """One sentence per piece of the text that was not understood and was searched as words."""

    @property
    def is_empty(self) -> bool:
        """True when the query narrows nothing: every paper matches."""
        return not self.terms

    @property
    def has_text(self) -> bool:
        """True when the query has positive words or phrases, so relevance order means something."""
        return any(t.kind in ("word", "phrase") and not t.negated for t in self.terms)

    @property
    def highlight_words(self) -> tuple[tuple[str, FieldName, bool], ...]:
        """``(word, field, is_prefix)`` for every positive word the UI should highlight;
        phrase words are listed too (field "" means any text field)."""
        out: list[tuple[str, FieldName, bool]] = []
        for term in self.terms:
            if term.negated or term.kind not in ("word", "phrase"):
                continue
            words = term.words
            for i, word in enumerate(words):
                out.append((word, term.field, term.open and i == len(words) - 1))
        return tuple(out)


def parse_query(text: str) -> Query:
    """Parse what a person typed. Never raises: anything not understood becomes words."""
    terms: list[Term] = []
    warnings: list[str] = []
    tokens = [m for m in _TOKEN_RE.finditer(text) if m.group()]
    ends_open = bool(text) and not text[-1].isspace()
    for index, match in enumerate(tokens):
        is_last = index == len(tokens) - 1
        negated = len(match.group("neg")) % 2 == 1
        name = (match.group("name") or "").lower()
        quoted = match.group("quoted")
        value = quoted if quoted is not None else match.group("bare")
        still_typing = is_last and ends_open and (quoted is None or not match.group("close"))
        if name and match.group("name") is not None:
            parsed = _qualifier(name, value, quoted is not None, negated, still_typing, warnings)
            if parsed is not None:
                terms.extend(parsed)
                continue
            # Unknown qualifier or bad value: search the whole token as words.
            value = f"{name} {value}"
        if quoted is not None:
            terms.extend(_phrase_terms(value, "", negated, still_typing))
        else:
            terms.extend(_word_terms(value, "", negated, still_typing))
    return Query(text=text, terms=tuple(terms), warnings=tuple(warnings))


def parse_complete_query(text: str) -> Query:
    """Parse a query that is not being typed, for a change to many papers at once.

    Nothing is guessed: the last word is a whole word (not the start of longer ones),
    and a qualifier that is unknown, has no value or one it cannot read (``is:rea``,
    ``year:202``, ``has:n``, ``author:``) raises QueryError naming it.
    """
    for match in _TOKEN_RE.finditer(text):
        name = match.group("name")
        if not name:
            continue
        quoted, bare = match.group("quoted"), match.group("bare")
        known = name.lower() in _TEXT_FIELDS or name.lower() in _VALUE_FIELDS or \
            name.lower() in ("year", "is", "has")
        if known and not (quoted if quoted is not None else bare).strip():
            raise QueryError(f"“{match.group().lstrip('-')}” has no value.")
    query = parse_query(text + " ")  # a space after the last word: nothing is still being typed
    if query.warnings:
        raise QueryError(query.warnings[0].replace(", so it was searched as words", ""))
    # Nor is a typo guessed: each word is matched as written, like a one-word phrase
    # ("author:knuth" is not Knvth, "imagen" is not "image").
    return replace(query, terms=tuple(replace(t, kind="phrase") if t.kind == "word" else t
                                      for t in query.terms))


def _word_terms(value: str, field_name: FieldName, negated: bool, typing: bool) -> list[Term]:
    """Bare text: one fuzzy term per word; a negated hyphenated word becomes a phrase."""
    words = words_of(value)
    if negated and len(words) > 1:
        return [Term("phrase", " ".join(words), field_name, negated=True)]
    open_last = typing and bool(value) and value[-1].isalnum()
    return [
        Term("word", w, field_name, negated=negated, open=open_last and i == len(words) - 1)
        for i, w in enumerate(words)
    ]


def _phrase_terms(value: str, field_name: FieldName, negated: bool, typing: bool) -> list[Term]:
    """Quoted text: one phrase term (a single quoted word is an exact word, no typos)."""
    words = words_of(value)
    if not words:
        return []
    return [Term("phrase", " ".join(words), field_name, negated=negated, open=typing)]


def _qualifier(
    name: str, value: str, quoted: bool, negated: bool, typing: bool, warnings: list[str]
) -> list[Term] | None:
    """Terms for ``name:value``, ``[]`` for a known qualifier still empty, or None when
    the qualifier is unknown or its value bad (the caller then searches it as words)."""
    if name in _TEXT_FIELDS:
        builder = _phrase_terms if quoted else _word_terms
        return builder(value, _TEXT_FIELDS[name], negated, typing)
    if not value.strip():
        # "author:" with nothing yet: the person is still typing, so narrow nothing.
        known = name in _VALUE_FIELDS or name in ("year", "is", "has")
        return [] if known else None
    if name in _VALUE_FIELDS:
        kind = _VALUE_FIELDS[name]
        folded = value.strip() if kind in ("key", "similar") else value.strip().casefold()
        return [Term(kind, folded, negated=negated, open=typing)]
    if name == "year":
        years = _year_range(value)
        if years is None:
            if typing:
                return []  # "year:20" is a year on its way: narrow nothing yet
            warnings.append(f"“year:{value}” is not a year or range like 2021, 2019..2022 or >=2020.")
            return None
        return [Term("year", value, negated=negated, year_min=years[0], year_max=years[1])]
    if name == "is":
        if value.lower() in IS_VALUES:
            return [Term("is", value.lower(), negated=negated)]
        if typing and any(v.startswith(value.lower()) for v in IS_VALUES):
            return []
        warnings.append(f"“is:{value}” is not one of is:{', is:'.join(IS_VALUES)}.")
        return None
    if name == "has":
        if value.lower() in HAS_VALUES:
            return [Term("has", HAS_VALUES[value.lower()], negated=negated)]
        if typing and any(v.startswith(value.lower()) for v in HAS_VALUES):
            return []
        warnings.append(f"“has:{value}” is not has:note or has:tag.")
        return None
    if name.isalpha() and not value.startswith("/"):
        warnings.append(f"“{name}:” is not a known qualifier, so it was searched as words.")
    return None


def _year_range(value: str) -> tuple[int | None, int | None] | None:
    """``(min, max)`` inclusive for a year value, or None when it is not one."""
    match = _YEAR_RE.match(value.strip())
    if match is None:
        return None
    if match.group("y"):
        year = int(match.group("y"))
        op = match.group("op") or "="
        return {
            "=": (year, year), ">=": (year, None), ">": (year + 1, None),
            "<=": (None, year), "<": (None, year - 1),
        }[op]
    lo, hi = match.group("lo"), match.group("hi")
    if lo is None and hi is None:
        return None
    low, high = (int(lo) if lo else None), (int(hi) if hi else None)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high
