"""One query word against the index: which vocabulary words it matches, and how well
each paper matches it, as one byte per paper.

The byte (a *match code*) orders matches the way the ranking rules do, so the best match
of a paper is simply the largest code: fewer typos first, then the field (title, then
authors, then abstract), then whether the word was typed exactly (not a prefix)::

    code = (3 - typos) << 5 | field_weight << 3 | exact << 2        (0: no match)

Codes are filled by scattering the postings of each candidate word into a dense uint8
array, lowest code first so better matches overwrite worse ones; the cost is the number of
postings touched, never a pass over the papers' text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from tui.search.index import FIELD_WEIGHTS, SearchIndex
from tui.search.segments import AnyIndex
from tui.search.vocab import Vocabulary, max_typos

__all__ = ["WordCandidates", "resolve", "resolve_all", "match_codes", "has_word", "FIELDS_OF", "code_typos",
           "code_field", "code_exact"]

FIELDS_OF = {
    "": ("title", "authors", "abstract"),
    "title": ("title",),
    "author": ("authors",),
    "abs": ("abstract",),
}
"""Index fields a word may match in, by the field a query term is restricted to."""

_SHORT_PREFIX = 2
"""Open words this short match prefixes in titles and authors only: in abstracts they
would touch most of the index and say little."""


def code_typos(codes: np.ndarray) -> np.ndarray:
    """Typos of each match (meaningless where the code is 0)."""
    return 3 - (codes >> 5)


def code_field(codes: np.ndarray) -> np.ndarray:
    """Field weight of each match: 3 title, 2 authors, 1 abstract, 0 none."""
    return (codes >> 3) & 3


def code_exact(codes: np.ndarray) -> np.ndarray:
    """1 where the word matched exactly as typed."""
    return (codes >> 2) & 1


def _code(typos: int, field_weight: int, exact: bool) -> int:
    return ((3 - typos) << 5) | (field_weight << 3) | (int(exact) << 2)


def best_code() -> int:
    """The code of the best match there is (exact, no typo, in the weightiest field): a
    word of the person's own note or tag matches as well as that."""
    return _code(0, max(FIELD_WEIGHTS.values()), True)


@dataclass(frozen=True, slots=True)
class WordCandidates:
    """The vocabulary words one query word matches."""

    word: str
    open: bool
    exact_id: int | None
    prefix: tuple[int, int] | None
    """Ids ``[lo, hi)`` of words starting with the word (open words only)."""
    typos: dict[int, int] = field(default_factory=dict)
    """Id -> typos for words matched with typos."""

    def member(self, word_ids: np.ndarray) -> np.ndarray:
        """Bool per word id: does it match this query word?"""
        found = np.zeros(len(word_ids), dtype=bool)
        if self.exact_id is not None:
            found |= word_ids == self.exact_id
        if self.prefix is not None:
            found |= (word_ids >= self.prefix[0]) & (word_ids < self.prefix[1])
        if self.typos:
            found |= np.isin(word_ids, np.fromiter(self.typos, np.int64, len(self.typos)))
        return found

    @property
    def empty(self) -> bool:
        """True when no word of any paper matches."""
        return (self.exact_id is None and not self.typos
                and (self.prefix is None or self.prefix[0] == self.prefix[1]))


def resolve(vocab: Vocabulary, word: str, open_: bool, fuzzy: bool = True) -> WordCandidates:
    """Find the vocabulary words a query word matches: itself, words it begins (when still
    being typed) and words within its typo budget (when ``fuzzy``)."""
    exact = vocab.id_of(word)
    prefix = vocab.prefix_range(word) if open_ else None
    typos = vocab.typo_candidates(word, max_typos(word)) if fuzzy else {}
    return WordCandidates(word, open_, exact, prefix, typos)


def resolve_all(index: AnyIndex, word: str, open_: bool, fuzzy: bool = True
                ) -> tuple[WordCandidates, ...]:
    """:func:`resolve` in each segment's vocabulary (one for an unsegmented index)."""
    return tuple(resolve(s.index.vocab, word, open_, fuzzy) for s in index.segments)


def match_codes(index: AnyIndex, cands: Sequence[WordCandidates], fields: tuple[str, ...]
                ) -> np.ndarray:
    """Dense uint8 match codes (one per paper) for one query word in ``fields``, from its
    candidates in each segment (see :func:`resolve_all`)."""
    codes = np.zeros(index.n_docs, dtype=np.uint8)
    for segment, found in zip(index.segments, cands):
        _fill_codes(segment.index, found, fields, codes[segment.start:segment.stop])
    return codes


def _fill_codes(index: SearchIndex, cands: WordCandidates, fields: tuple[str, ...],
                codes: np.ndarray) -> None:
    """Scatter one segment's match codes into ``codes`` (that segment's papers)."""
    groups: list[tuple[int, np.ndarray]] = []
    by_cost: dict[int, list[int]] = {}
    for word_id, cost in cands.typos.items():
        by_cost.setdefault(cost, []).append(word_id)
    for name in fields:
        postings = index.field(name)
        weight = FIELD_WEIGHTS[name]
        for cost, ids in by_cost.items():
            groups.append((_code(cost, weight, False), postings.of_many(ids)))
        if cands.prefix is not None and (name != "abstract" or len(cands.word) > _SHORT_PREFIX):
            lo, hi = cands.prefix
            if cands.exact_id is not None:  # the word itself comes next, with a better code
                groups.append((_code(0, weight, False), postings.of_range(lo, cands.exact_id)))
                lo = cands.exact_id + 1
            groups.append((_code(0, weight, False), postings.of_range(lo, hi)))
        if cands.exact_id is not None:
            groups.append((_code(0, weight, True), postings.of(cands.exact_id)))
    groups.sort(key=lambda group: group[0])
    for code, docs in groups:
        if len(docs):
            codes[docs] = code


def exact_mask(index: AnyIndex, word: str, fields: tuple[str, ...]) -> np.ndarray:
    """Dense bool: papers containing ``word`` exactly in any of ``fields``."""
    mask = np.zeros(index.n_docs, dtype=bool)
    for segment in index.segments:
        word_id = segment.index.vocab.id_of(word)
        if word_id is not None:
            for name in fields:
                mask[segment.index.field(name).of(word_id) + segment.start] = True
    return mask


def has_word(index: AnyIndex, word: str, prefix: bool) -> bool:
    """Whether any paper has ``word`` (or, when ``prefix``, a word starting with it)."""
    for segment in index.segments:
        vocab = segment.index.vocab
        if prefix:
            lo, hi = vocab.prefix_range(word)
            if hi > lo:
                return True
        elif vocab.id_of(word) is not None:
            return True
    return False
