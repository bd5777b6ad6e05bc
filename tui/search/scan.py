"""Answering a query before the index is ready, by reading the papers one by one.

A person who opens a new store and types at once must not see the app ignore them:
until the engine can search, the query is answered by a direct scan of the papers read
so far. The scan is cruder than the engine (substring matching, no stemming, no
ranking beyond title hits first) and the screen says the answer is partial; the engine's
answer replaces it as soon as indexing ends. Stars, triage states, tags and notes are
checked as the engine checks them, so the Inbox never shows papers triaged out of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from tui.model import Annotation, Hit, Paper
from tui.query import Query, Term, normalise_word, parse_query
from tui.search.own_terms import annotation_matches

__all__ = ["scan", "ScanResults", "SCAN_QUALIFIERS", "Papers"]

SCAN_QUALIFIERS = frozenset({"word", "phrase", "year", "venue", "cat", "key"})
"""The kinds of query terms a scan checks in the papers themselves."""
ANNOTATION_QUALIFIERS = frozenset({"is", "has", "tag", "note"})
"""The kinds it checks in the person's annotations, when it is given them; the others
(similar papers) need the engine and are left out of a partial answer."""


class Papers(Protocol):
    """What a scan reads: papers by position (a store, or a list)."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Paper: ...


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else normalise_word(text)


def _field_text(paper: Paper, field: str) -> str:
    if field == "title":
        return _fold(paper.title)
    if field == "author":
        return _fold(" ".join(paper.authors))
    if field == "abs":
        return _fold(paper.abstract)
    return _fold(f"{paper.title} {' '.join(paper.authors)} {paper.abstract}")


def _term_matches(term: Term, paper: Paper, texts: dict[str, str]) -> bool:
    """Whether ``paper`` has ``term`` (a kind in :data:`SCAN_QUALIFIERS`)."""
    if term.kind in ("word", "phrase"):
        text = texts.get(term.field)
        if text is None:
            text = texts[term.field] = _field_text(paper, term.field)
        return term.value in text
    if term.kind == "year":
        low = term.year_min if term.year_min is not None else -10_000
        high = term.year_max if term.year_max is not None else 10_000
        return paper.year is not None and low <= paper.year <= high
    if term.kind == "venue":
        return term.value in _fold(paper.venue)
    if term.kind == "cat":
        return any(_fold(category).startswith(term.value) for category in paper.categories)
    return paper.key == term.value  # key:


def scan(papers: Papers, query: Query,
         cancel: Callable[[], bool] = lambda: False,
         annotations: Mapping[str, Annotation] | None = None) -> list[int]:
    """The positions in ``papers`` of those matching every term of ``query`` the scan
    can check, those with more query words in their title first, else in store order.
    ``annotations`` (the view's, by paper key) let it check ``is:``, ``has:``, ``tag:``
    and ``note:`` too. Returns early (with what it found) once ``cancel()`` turns True."""
    terms = [term for term in query.terms if term.kind in SCAN_QUALIFIERS]
    own = [term for term in query.terms if term.kind in ANNOTATION_QUALIFIERS] \
        if annotations is not None else []
    annotated: Mapping[str, Annotation] = annotations or {}
    title_words = [term.value for term in terms
                   if term.kind == "word" and not term.negated and term.field in ("", "title")]
    found: list[tuple[int, int]] = []  # (query words in the title, position)
    for position in range(len(papers)):
        if position % 2048 == 0 and cancel():
            break
        paper = papers[position]
        texts: dict[str, str] = {}
        if all(_term_matches(term, paper, texts) != term.negated for term in terms) and all(
                annotation_matches(term, annotated.get(paper.key)) != term.negated for term in own):
            title = texts.get("title") or _fold(paper.title)
            found.append((sum(word in title for word in title_words), position))
    found.sort(key=lambda item: -item[0])  # stable: store order among equals
    return [position for _, position in found]


class ScanResults:
    """The papers a scan found, shaped like a search result (see
    :class:`tui.search.ResultSet`) so the list shows them; :attr:`partial` says whether
    the engine's answer may differ."""

    sort = "relevance"

    def __init__(self, papers: Papers, positions: list[int], text: str, *,
                 partial: bool = True) -> None:
        self.partial = partial
        """Not the engine's answer: the papers read so far, or words matched crudely
        (False when every paper was checked against qualifiers the scan checks exactly)."""
        self.papers = papers
        self.positions = positions
        self.query = parse_query(text)
        self._ranks: dict[int, int] | None = None

    @property
    def total(self) -> int:
        """How many papers were found."""
        return len(self.positions)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def matched_all(self) -> int:
        """How many papers were found (there is no cut-off)."""
        return len(self.positions)

    def index(self, rank: int) -> int:
        """The store position of the paper at ``rank``."""
        return self.positions[rank]

    def paper(self, rank: int) -> Paper:
        """The paper at ``rank``."""
        return self.papers[self.positions[rank]]

    def score(self, rank: int) -> float:
        """No scores: a scan does not rank."""
        return 0.0

    def hit(self, rank: int) -> Hit:
        """The paper at ``rank``, nothing highlighted."""
        return Hit(self.paper(rank), 0.0, {})

    def rank_of(self, index: int) -> int | None:
        """The rank of the paper at store position ``index``, or None if not found."""
        if self._ranks is None:
            self._ranks = {position: rank for rank, position in enumerate(self.positions)}
        return self._ranks.get(index)

    def top(self, count: int) -> list[int]:
        """The first ``count`` store positions."""
        return self.positions[:count]
