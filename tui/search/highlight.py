"""Matched character spans for highlighting, for any paper and query.

The rules are the engine's (same words, same typo budget, prefixes for the word being
typed), applied to the paper's own text, so the list and the detail pane highlight what
made the paper match, and it works for papers outside the index too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tui.model import Paper, Span
from tui.query import Query, Term, iter_words, normalise_word
from tui.sanitize import DEFAULT_MAX_CHARS
from tui.search.filters import find_phrase
from tui.search.index import COMPOUND_RE
from tui.search.matching import FIELDS_OF
from tui.search.vocab import max_typos, typo_cost

__all__ = ["highlight_spans", "field_spans", "LazySpans", "FIELD_NAMES", "HIGHLIGHT_CHARS"]

HIGHLIGHT_CHARS = DEFAULT_MAX_CHARS
"""Only this much of a field is looked at: the reader never shows more of it, and a
megabyte-long field would otherwise cost seconds every time its row is drawn."""


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def _word_spans(text: str, tokens: list[tuple[str, int, int]], terms: list[Term]) -> list[Span]:
    """Spans of tokens matching word terms (exactly, as a prefix, or within the typo budget)."""
    spans: list[Span] = []
    compounds = [(normalise_word(m.group().replace("-", "")), m.start(), m.end())
                 for m in COMPOUND_RE.finditer(text)]
    for term in terms:
        word, budget = term.value, max_typos(term.value)
        matches: dict[str, bool] = {}  # abstracts repeat their words
        for token, start, end in tokens + compounds:
            matched = matches.get(token)
            if matched is None:
                matched = matches[token] = typo_cost(word, token, budget) is not None
            if matched:
                spans.append((start, end))
            elif term.open and token.startswith(word):
                # Only the typed part, when folding did not change the token's length.
                spans.append((start, start + len(word) if end - start == len(token) else end))
    return spans


FIELD_NAMES = ("title", "authors", "abstract", "venue")
"""The fields spans are found in; ``authors`` spans index into :attr:`Paper.authors_text`."""


def _field_text(paper: Paper, name: str) -> str:
    return paper.authors_text if name == "authors" else getattr(paper, name)


def field_spans(paper: Paper, query: Query, name: str) -> tuple[Span, ...]:
    """The matched spans of one field (one of :data:`FIELD_NAMES`), maybe none."""
    text = _field_text(paper, name)
    if not text:
        return ()
    positive = [t for t in query.terms if not t.negated]
    text = text[:HIGHLIGHT_CHARS]
    tokens = list(iter_words(text))
    words = [t for t in positive if t.kind == "word" and name in FIELDS_OF[t.field]]
    spans = _word_spans(text, tokens, words)
    phrases = [t for t in positive if t.kind == "phrase" and name in FIELDS_OF[t.field]]
    if name == "venue":
        phrases = [t for t in positive if t.kind == "venue"]
    plain = [token for token, _, _ in tokens]
    for term in phrases:
        phrase = tuple(term.value.split()) if term.kind == "phrase" else tuple(
            w for w, _, _ in iter_words(term.value))
        if not phrase:
            continue
        for start in find_phrase(plain, phrase, term.open or term.kind == "venue"):
            spans.append((tokens[start][1], tokens[start + len(phrase) - 1][2]))
    return _merge(spans) if spans else ()


def highlight_spans(paper: Paper, query: Query) -> dict[str, tuple[Span, ...]]:
    """``{field: spans}`` for ``title``, ``authors`` (into :attr:`Paper.authors_text`),
    ``abstract`` and ``venue``; fields without a match are left out."""
    result: dict[str, tuple[Span, ...]] = {}
    for name in FIELD_NAMES:
        spans = field_spans(paper, query, name)
        if spans:
            result[name] = spans
    return result


class LazySpans(Mapping[str, tuple[Span, ...]]):
    """:func:`highlight_spans` worked out one field at a time, when a field is asked for:
    a list row only shows the title, so it need not search a long abstract."""

    def __init__(self, paper: Paper, query: Query) -> None:
        self._paper = paper
        self._query = query
        self._found: dict[str, tuple[Span, ...]] = {}

    def _spans(self, name: str) -> tuple[Span, ...]:
        spans = self._found.get(name)
        if spans is None:
            spans = self._found[name] = field_spans(self._paper, self._query, name)
        return spans

    def __getitem__(self, name: str) -> tuple[Span, ...]:
        spans = self._spans(name) if name in FIELD_NAMES else ()
        if not spans:
            raise KeyError(name)
        return spans

    def __iter__(self) -> Iterator[str]:
        return (name for name in FIELD_NAMES if self._spans(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)
