"""A search result: the matching papers in order, with hits and spans made on demand.

A result over a million papers is mostly never looked at, so it keeps a fully ranked head
(the best few hundred) and an unordered tail with ranking keys; the tail is sorted the
first time someone reads past the head. Hits (with highlighted spans) are built one at a
time for the rows on screen.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from tui.model import Hit, Paper
from tui.query import Query
from tui.search.highlight import LazySpans
from tui.search.ranking import Tail

if TYPE_CHECKING:
    from tui.search import SearchEngine

__all__ = ["ResultSet"]


class ResultSet:
    """Ranked paper indices into ``store.papers`` for one query."""

    def __init__(
        self,
        engine: "SearchEngine",
        query: Query,
        head: np.ndarray,
        head_scores: np.ndarray | None = None,
        tail: Tail | None = None,
        matched_all: int | None = None,
        sort: str = "relevance",
    ) -> None:
        self.engine = engine
        self.query = query
        """The parsed query this is the result of."""
        self.sort = sort
        """The order: one of :data:`tui.search.SORTS`."""
        self.reverse = False
        """Whether the order is backwards."""
        self.elsewhere: dict[str, int] = {}
        """Papers the query also matches outside the view's triage state, by state
        (``{"later": 1, "read": 2}``): see :meth:`tui.search.SearchEngine.run`."""
        self._head = head
        self._head_scores = head_scores
        self._tail = tail if tail is not None and len(tail) else None
        self.matched_all = self.total if matched_all is None else matched_all
        """How many papers matched every word (the rest matched fewer, ranked below)."""
        self._indices: np.ndarray | None = head if self._tail is None else None
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        """How many papers are in the result."""
        return len(self._head) + (len(self._tail) if self._tail is not None else 0)

    def __len__(self) -> int:
        return self.total

    @property
    def indices(self) -> np.ndarray:
        """All paper indices in order (the tail is sorted on first use)."""
        if self._indices is None:
            with self._lock:
                if self._indices is None:
                    tail = self._tail.ordered()[0] if self._tail is not None else self._head[:0]
                    self._indices = np.concatenate([self._head, tail])
        return self._indices

    def doc_array(self) -> np.ndarray:
        """The papers in the result in no guaranteed order (no sorting)."""
        if self._tail is None:
            return self._head
        return np.concatenate([self._head, self._tail.arrays()[0]])

    def top(self, count: int) -> np.ndarray:
        """The first ``count`` paper indices, without sorting the tail when not needed."""
        if count <= len(self._head):
            return self._head[:count]
        return self.indices[:count]

    def rank_of(self, index: int) -> int | None:
        """The rank of the paper at store position ``index``, or None when it is not in
        the result (looks at the head first, so it is cheap for papers on screen)."""
        found = np.flatnonzero(self._head == index)
        if len(found):
            return int(found[0])
        if self._tail is None:
            return None
        found = np.flatnonzero(self.indices == index)
        return int(found[0]) if len(found) else None

    def score(self, rank: int) -> float:
        """The score of the paper at ``rank`` in this order (higher is better): relevance,
        likeness for ``similar:``/``like:`` without words, the for-you score; 0 when the
        order has no score (date, title)."""
        if self._head_scores is None:
            return 0.0
        if rank < len(self._head):
            return float(self._head_scores[rank])
        assert self._tail is not None, "a rank past the head is in the tail"
        return float(self._tail.ordered()[1][rank - len(self._head)])

    def index(self, rank: int) -> int:
        """The store position of the paper at ``rank``."""
        return int(self.top(rank + 1)[rank])

    def paper(self, rank: int) -> Paper:
        """The paper at ``rank``."""
        return self.engine.papers[self.index(rank)]

    def hit(self, rank: int) -> Hit:
        """The paper at ``rank`` with its score and matched spans (each field's spans
        worked out when first looked at: a list row needs only the title's)."""
        paper = self.paper(rank)
        return Hit(paper, self.score(rank), LazySpans(paper, self.query))

    def hits(self, limit: int | None = 50) -> list[Hit]:
        """The first ``limit`` hits (all when None)."""
        count = self.total if limit is None else min(limit, self.total)
        return [self.hit(rank) for rank in range(count)]

    def reordered(self, indices: np.ndarray, sort: str, scores: np.ndarray | None = None
                  ) -> "ResultSet":
        """The same papers in another order, with the scores of that order (for-you) or
        none (date, title: relevance scores are dropped, as the order is not relevance)."""
        return ResultSet(self.engine, self.query, indices, scores, None, self.matched_all, sort)
