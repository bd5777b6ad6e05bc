"""Several index segments searched as one index, and their merge into one.

A big store is indexed one segment per source file (or per chunk of a big file, see
:meth:`tui.store.compact.CompactStore.segment_plan`): papers ``start..stop`` of the store
in one :class:`~tui.search.index.SearchIndex` with its own vocabulary and word ids. Adding
or changing a file then indexes only its papers; the other segments come back from the
cache. A query word is looked up in each segment's vocabulary and its postings are
scattered into one dense array over the whole store (see :mod:`tui.search.matching`), so
everything after the lookup (ranking, filters, sorting) is the same as for one index, and
so are the results: ranking uses no statistics of the whole store, and the few things that
do (similar papers, for-you) use :meth:`SegmentedIndex.merged`.

:func:`merge_indexes` turns segments into the one index they would have been built as,
exactly (same vocabulary, postings, venues and categories), with a counting sort of the
postings: no paper is read again.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from tui.search.index import Postings, SearchIndex, Segment
from tui.search.vocab import Vocabulary

__all__ = ["Segment", "SegmentedIndex", "AnyIndex", "merge_indexes"]


def _global_table(tables: Iterable[list[str]]) -> tuple[list[str], list[np.ndarray]]:
    """Names in order of first appearance over several tables, and each table's ids in it
    (what one index built over all the papers would have numbered them)."""
    ids: dict[str, int] = {}
    remaps = [np.array([ids.setdefault(name, len(ids)) for name in table], dtype=np.int32)
              for table in tables]
    return list(ids), remaps


class SegmentedIndex:
    """Segments over consecutive papers, searched together. Per paper arrays (years,
    dates, venues, categories, title lengths) are joined once, so filters and sorting
    work over the whole store as with one index."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments: tuple[Segment, ...] = tuple(segments)
        self.starts = np.array([s.start for s in self.segments], dtype=np.int64)
        self.n_docs = self.segments[-1].stop if self.segments else 0
        parts = [s.index for s in self.segments]
        empty32 = np.zeros(0, np.int32)
        self.years = np.concatenate([p.years for p in parts] or [np.zeros(0, np.int16)])
        self.dates = np.concatenate([p.dates for p in parts] or [empty32])
        self.venues, venue_maps = _global_table(p.venues for p in parts)
        self.venue_ids = np.concatenate(
            [m[p.venue_ids] for m, p in zip(venue_maps, parts)] or [empty32]).astype(np.int32)
        self.categories, category_maps = _global_table(p.categories for p in parts)
        self.category_docs = np.concatenate(
            [p.category_docs + s.start for p, s in zip(parts, self.segments)] or [empty32]
        ).astype(np.int32)
        self.category_ids = np.concatenate(
            [m[p.category_ids] for m, p in zip(category_maps, parts)] or [empty32]).astype(np.int32)
        self._title_lengths = np.concatenate([p.title_lengths() for p in parts] or [empty32])

    def segment_of(self, doc: int) -> Segment:
        """The segment holding paper ``doc``."""
        return self.segments[int(np.searchsorted(self.starts, doc, side="right")) - 1]

    def title_lengths(self) -> np.ndarray:
        """Words in each paper's title."""
        return self._title_lengths

    def title_words(self, doc: int) -> list[str]:
        """One paper's title as its indexed words, in order."""
        segment = self.segment_of(doc)
        return segment.index.title_words(doc - segment.start)

    def nbytes(self) -> int:
        """Bytes held by the segments' arrays."""
        return sum(s.index.nbytes() for s in self.segments)

    def vocabulary_sizes(self) -> list[int]:
        """Distinct words of each segment."""
        return [len(s.index.vocab) for s in self.segments]


AnyIndex = SearchIndex | SegmentedIndex
"""What the engine searches: one index, or segments searched as one."""


def _merge_postings(parts: list[tuple[int, Postings, np.ndarray]], n_words: int) -> Postings:
    """One CSR from segments' postings: ``(first paper, postings, local -> global word)``.
    Segments come in paper order, so each word's papers stay ascending."""
    counts = np.zeros(n_words, dtype=np.int64)
    for _, postings, remap in parts:
        counts[remap] += np.diff(postings.offsets)  # a segment's words are distinct
    offsets = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    docs = np.empty(int(offsets[-1]), dtype=np.int32)
    cursor = offsets[:-1].copy()
    for start, postings, remap in parts:
        sizes = np.diff(postings.offsets)
        shift = cursor[remap] - postings.offsets[:-1]
        where = np.repeat(shift, sizes) + np.arange(len(postings.docs), dtype=np.int64)
        docs[where] = postings.docs + start
        cursor[remap] += sizes
    return Postings(offsets, docs)


def shared_words(segments: Sequence[Segment]) -> tuple[list[str], list[np.ndarray]]:
    """Every word of the segments, sorted, and each segment's map of its word ids to
    theirs (ascending, as both are sorted)."""
    words = sorted(set().union(*(s.index.vocab.words for s in segments)))
    final = {word: i for i, word in enumerate(words)}
    remaps = [np.fromiter(map(final.__getitem__, s.index.vocab.words), np.int32,
                          count=len(s.index.vocab)) for s in segments]
    return words, remaps


def merge_indexes(segments: Sequence[Segment]) -> SearchIndex:
    """The index one build over all the segments' papers would make, from the segments."""
    if len(segments) == 1 and segments[0].start == 0:
        return segments[0].index
    joined = SegmentedIndex(segments)
    words, remaps = shared_words(segments)
    postings = {name: _merge_postings([(s.start, s.index.field(name), remap)
                                       for s, remap in zip(segments, remaps)], len(words))
                for name in ("title", "authors", "abstract")}
    title_tokens = np.concatenate([remap[s.index.title_tokens] for s, remap in zip(segments, remaps)]
                                  or [np.zeros(0, np.int32)]).astype(np.int32)
    title_offsets = np.zeros(joined.n_docs + 1, dtype=np.int64)
    np.cumsum(joined.title_lengths(), out=title_offsets[1:])
    return SearchIndex(
        n_docs=joined.n_docs, vocab=Vocabulary(words),
        title=postings["title"], authors=postings["authors"], abstract=postings["abstract"],
        title_offsets=title_offsets, title_tokens=title_tokens,
        years=joined.years, dates=joined.dates, venue_ids=joined.venue_ids, venues=joined.venues,
        category_docs=joined.category_docs, category_ids=joined.category_ids,
        categories=joined.categories,
    )
