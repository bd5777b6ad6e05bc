"""The person's own words (notes and tags) in a search, and the matches outside the view.

Notes and tags are few next to the papers (hundreds, not millions), so they are searched
here separately, word by word, and merged into the papers' match codes: a paper whose
note or tag holds a free word of the query matches that word as well as a title would.
What the query matches outside the view is counted in :mod:`tui.search.elsewhere`.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import Levenshtein

from tui.model import Annotation, Span
from tui.query import WORD_RE, Query, normalise_word, words_of
from tui.search.own_terms import note_has

__all__ = ["OwnWords", "own_word_matches", "note_has", "note_spans", "VIEW_STATES"]

VIEW_STATES = ("inbox", "later", "read", "skipped")
"""The ``is:`` values that are a triage state: every paper is in exactly one of them."""

_TYPO_MIN = 5
"""Words this long or longer may match a note's word with one typo."""


class OwnWords:
    """The words of the person's notes and tags, each with the papers that have it: a
    query word is compared with each distinct word once, however many papers share it."""

    def __init__(self, papers_of: dict[str, np.ndarray]) -> None:
        self.papers_of = papers_of
        """Own word -> the papers (store positions) whose note or tags hold it."""

    @classmethod
    def build(cls, docs: np.ndarray, annotations: tuple[Annotation, ...]) -> OwnWords:
        """From the annotation table's papers and annotations (only those with words)."""
        found: dict[str, list[int]] = {}
        for doc, annotation in zip(docs.tolist(), annotations):
            if not annotation.note and not annotation.tags:
                continue
            words = set(words_of(annotation.note))
            for tag in annotation.tags:
                words.update(words_of(tag))
            for word in words:
                found.setdefault(word, []).append(doc)
        return cls({word: np.array(d, dtype=np.int64) for word, d in found.items()})

    def matching(self, word: str, open_: bool, typos: bool = True) -> np.ndarray:
        """The papers whose own words hold ``word`` (its beginning while it is typed,
        or with one typo when it is long and ``typos``)."""
        found = [docs for mine, docs in self.papers_of.items()
                 if _same(word, mine, open_, typos)]
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found))


def _same(word: str, mine: str, open_: bool, typos: bool = True) -> bool:
    if word == mine or (open_ and mine.startswith(word)):
        return True
    if not typos or len(word) < _TYPO_MIN:
        return False
    if open_ and len(mine) > len(word):
        mine = mine[:len(word) + 1]  # "zebr" typed: compare with the word's beginning
    return Levenshtein.distance(word, mine, score_cutoff=1) <= 1


def own_word_matches(codes: np.ndarray, docs: np.ndarray, best: int) -> np.ndarray:
    """``codes`` with the papers ``docs`` raised to ``best`` (a copy: codes are cached)."""
    if not len(docs):
        return codes
    raised = codes.copy()
    raised[docs] = np.maximum(raised[docs], best)
    return raised


def note_spans(note: str, query: Query) -> tuple[Span, ...]:
    """Where the query's free words and ``note:`` words match in ``note``: what a free
    word or a ``note:`` term found the paper by, to highlight in the note."""
    wanted: list[tuple[str, bool]] = []
    for term in query.terms:
        if term.negated:
            continue
        if term.kind == "word" and not term.field:
            wanted.append((term.value, term.open))
        elif term.kind == "note":
            found = words_of(term.value)
            wanted.extend((w, term.open and i == len(found) - 1) for i, w in enumerate(found))
    if not wanted or not note:
        return ()
    spans = []
    for match in WORD_RE.finditer(note):
        word = normalise_word(match.group())
        if any(_same(w, word, open_) for w, open_ in wanted):
            spans.append((match.start(), match.end()))
    return tuple(spans)

