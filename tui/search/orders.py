"""Whole-store orders the result can be sorted in: date, title, first author, venue.

Each is computed once per engine (a permutation of every paper) and a result is put in
order by keeping the papers of the order that are in it. Dates, titles and venues come
from the index arrays; first authors are read from the store once, the first time a
person sorts by them.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from tui.model import Paper
from tui.query import words_of
from tui.search.segments import AnyIndex

__all__ = ["global_order", "surname"]

_TITLE_WIDTH = 8
"""Title words compared when sorting by title."""


def global_order(index: AnyIndex, papers: Sequence[Paper], sort: str) -> np.ndarray:
    """Every paper's position in ``sort`` order: date (newest first), title, author (first
    author's surname, then title) or venue (then newest first); unknown values last."""
    if sort == "date":
        return np.argsort(-index.dates.astype(np.int64), kind="stable")
    titles = _title_order(index)
    if sort == "title":
        return titles
    if sort == "venue":
        names = [" ".join(words_of(v)) for v in index.venues]
        ranks = _ranks(names)
        by_venue = ranks[index.venue_ids] if len(ranks) else np.zeros(index.n_docs, np.int64)
        newest = np.argsort(-index.dates.astype(np.int64), kind="stable")
        return newest[np.argsort(by_venue[newest], kind="stable")]
    names = [surname(papers[i].first_author) for i in range(index.n_docs)]
    ranks = _ranks(names)
    return titles[np.argsort(ranks[titles], kind="stable")]


def surname(name: str) -> str:
    """The family name of an author as written ("Gao, Tianyu" or "Tianyu Gao"), folded."""
    family = name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]
    return " ".join(words_of(family))


def _ranks(names: list[str]) -> np.ndarray:
    """Each name's rank in alphabetical order; empty names after every other."""
    order = sorted(set(names) - {""})
    rank = {name: i for i, name in enumerate(order)}
    rank[""] = len(order)
    return np.fromiter((rank[n] for n in names), np.int64, count=len(names))


def _title_order(index: AnyIndex) -> np.ndarray:
    """Every paper in title order (by its first words)."""
    columns = np.full((index.n_docs, _TITLE_WIDTH), -1, dtype=np.int32)
    for segment, ranks in zip(index.segments, _title_ranks(index)):
        offsets, tokens = segment.index.title_offsets, segment.index.title_tokens
        lengths = np.diff(offsets)
        rows = columns[segment.start:segment.stop]
        for col in range(_TITLE_WIDTH):
            has = lengths > col
            found = tokens[offsets[:-1][has] + col]
            rows[has, col] = found if ranks is None else ranks[found]
    return np.lexsort([columns[:, c] for c in range(_TITLE_WIDTH - 1, -1, -1)])


def _title_ranks(index: AnyIndex) -> list[np.ndarray | None]:
    """For each segment, its word ids' ranks among all the store's words (None: the same,
    for an index of one segment), so titles of different segments sort together."""
    if len(index.segments) == 1:
        return [None]
    vocabs = [s.index.vocab.words for s in index.segments]
    rank = {word: i for i, word in enumerate(sorted(set().union(*vocabs)))}
    return [np.fromiter(map(rank.__getitem__, words), np.int32, count=len(words)) for words in vocabs]
