"""``similar:KEY`` and ``like:TAG``: the papers most like one paper, or like the papers a
person tagged, by the cosine of their word vectors (:mod:`tui.search.features`).

Each positive term keeps the :data:`SIMILAR_LIMIT` papers most alike (after the other
filters), most alike first; a negated one drops them.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from tui.query import Query, Term
from tui.search.features import Features, SparseVector

__all__ = ["SIMILAR_LIMIT", "narrow_by_likeness"]

SIMILAR_LIMIT = 50
"""Papers a ``similar:`` or ``like:`` term keeps: the most alike (after the other filters)."""


def narrow_by_likeness(query: Query, allowed: np.ndarray | None, n_docs: int,
                       features: Callable[[], Features], doc_of: Callable[[str], int | None],
                       tagged: Callable[[Term], np.ndarray]
                       ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Narrow ``allowed`` by the query's ``similar:`` and ``like:`` terms: each keeps
    the :data:`SIMILAR_LIMIT` papers most like its paper or tag (not counting those),
    or drops them when negated. Returns the new mask and how alike each paper is
    (summed over the terms), or None when the query has no such term.

    ``features()`` gives the word vectors (built on first use), ``doc_of`` a paper's
    position by key, ``tagged(term)`` the mask of the papers a ``like:`` term names."""
    terms = [t for t in query.terms if t.kind in ("similar", "like")]
    if not terms:
        return allowed, None
    vectors = features()
    alike: np.ndarray | None = None
    given = np.zeros(n_docs, dtype=bool)
    for term in terms:
        vector, sources = _likeness_vector(term, n_docs, vectors, doc_of, tagged)
        cosines = vectors.cosines(vector)
        if term.negated:
            drop = np.zeros(n_docs, dtype=bool)
            drop[_most_alike(cosines, ~sources)] = True
            allowed = ~drop if allowed is None else allowed & ~drop
        else:
            alike = cosines if alike is None else alike + cosines
            given |= sources
    if alike is None:
        return allowed, None
    candidates = ~given if allowed is None else allowed & ~given
    keep = np.zeros(n_docs, dtype=bool)
    keep[_most_alike(alike, candidates)] = True
    return keep, alike


def _likeness_vector(term: Term, n_docs: int, features: Features,
                     doc_of: Callable[[str], int | None], tagged: Callable[[Term], np.ndarray]
                     ) -> tuple[SparseVector, np.ndarray]:
    """The vector a ``similar:`` or ``like:`` term compares papers with, and the
    papers it was made of (a paper is not shown as like itself)."""
    sources = np.zeros(n_docs, dtype=bool)
    if term.kind == "similar":
        doc = doc_of(term.value)
        if doc is None:
            return SparseVector.empty(), sources
        sources[doc] = True
        return features.vector(doc), sources
    mask = tagged(Term("tag", term.value, open=term.open))
    docs = np.flatnonzero(mask)
    if not len(docs):
        return SparseVector.empty(), mask
    _, feature_ids, values = features.vectors(docs.tolist())
    return SparseVector.total(feature_ids, values).scaled(1.0 / len(docs)), mask


def _most_alike(alike: np.ndarray, candidates: np.ndarray, limit: int = SIMILAR_LIMIT) -> np.ndarray:
    """The (at most) ``limit`` candidate papers most alike, with something in common."""
    docs = np.flatnonzero(candidates & (alike > 0))
    if len(docs) > limit:
        docs = docs[np.argpartition(-alike[docs], limit - 1)[:limit]]
    return docs
