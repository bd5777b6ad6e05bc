"""The search engine (imported as :mod:`tui.search`): a parsed query, the papers and the annotations -> ranked results.

    engine = SearchEngine(store)                     # builds the index once
    hits = engine.search("japanes simcse", limit=10) # list[Hit]: paper, score, spans
    result = engine.run("author:smith year:>=2020", sort="date")   # ResultSet, lazy

Free words are matched per word with typo tolerance and ranked by words matched, typos,
proximity, field and exactness (see :mod:`tui.search.ranking`); qualifiers narrow (see
:mod:`tui.query`). A search touches the postings of the query's words and a few dense
numpy passes over the papers; it never scans the papers' text. Each query word's match is
cached, so while a person types only the word being typed is looked up again, and the
papers matching the other words are kept too: each keystroke narrows those papers by the
new word instead of combining over the whole store again.

``similar:KEY`` and ``like:TAG`` keep the papers most like one paper, or like the papers
a person tagged, by the cosine of their word vectors (:mod:`tui.search.features`), most
alike first. The ``for-you`` order takes every paper's score from a model of the person's
interest (:mod:`tui.interest`), passed as ``for_you``.

``run`` and ``search`` are safe to call from worker threads: caches are guarded by a
lock and hold immutable arrays. Pass ``cancel`` (a ``threading.Event`` or a callable
returning True) to abandon a stale search; it raises :class:`SearchCancelled`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np

from tui.model import Annotation, Hit, Paper, Span
from tui.query import STOPWORDS, Query, Term, parse_query
from tui.search.features import Features, LazyFeatures
from tui.search.filters import AnnotationTable, facet_counts, category_mask, phrase_mask, venue_mask, year_mask
from tui.search.highlight import highlight_spans
from tui.search.building import build_index
from tui.search.index import SearchIndex
from tui.search.matching import (FIELDS_OF, WordCandidates, best_code, exact_mask, has_word,
                                 match_codes, resolve_all)
from tui.search.orders import global_order
from tui.search.likeness import SIMILAR_LIMIT, narrow_by_likeness
from tui.search.elsewhere import is_view_term, matches_elsewhere
from tui.search.own_words import OwnWords, note_spans, own_word_matches
from tui.search.ranking import MAX_WORDS, Brevity, key_score, refine, select
from tui.search.result import ResultSet
from tui.search.segments import AnyIndex, SegmentedIndex
from tui.search.sorts import SORT_HELP, SORTS, Sort, next_sort
from tui.store.base import PaperStore, Store, docs_of_keys

__all__ = ["SearchEngine", "ResultSet", "SearchCancelled", "SearchIndex", "SegmentedIndex",
           "build_index", "SORTS", "SORT_HELP", "Sort", "next_sort", "SIMILAR_LIMIT"]

Matches = tuple[WordCandidates, ...]
"""A query word's candidates in each segment of the index."""

_WORD_CACHE = 16
"""Query words whose matches are kept (each is one byte per paper)."""


class SearchCancelled(Exception):
    """Raised inside :meth:`SearchEngine.run` when its ``cancel`` signal is set."""


class SearchEngine:
    """Searches one store. Build once; query from any thread."""

    def __init__(
        self,
        store: PaperStore | Sequence[Paper],
        *,
        index: AnyIndex | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Index ``store`` (a store, or any sequence of papers: made a store in memory),
        unless ``index`` is given (for instance loaded from a cache with
        :meth:`SearchIndex.from_arrays`, or segments as a :class:`SegmentedIndex`).
        ``progress(done, total)`` is called while
        indexing, every few thousand papers."""
        self.store: PaperStore = store if isinstance(store, PaperStore) else Store(list(store))
        self.papers: Sequence[Paper] = self.store.papers
        self.index: AnyIndex = index if index is not None else build_index(self.papers, progress=progress)
        self._brevity = Brevity.of(self.index)
        self._lock = threading.Lock()
        self._words: OrderedDict[tuple[str, bool, bool, str], tuple[Matches, np.ndarray]] = \
            OrderedDict()
        self._bases: OrderedDict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._orders: dict[str, np.ndarray] = {}
        self._annotations: tuple[object, AnnotationTable] | None = None
        self._own: tuple[AnnotationTable, OwnWords] | None = None
        self.features = LazyFeatures(lambda: Features(self.index, self.papers.__getitem__))
        """The papers' word vectors, built on first use (similar papers, for-you)."""

    def __len__(self) -> int:
        return self.index.n_docs

    # -- public API ---------------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        annotations: Mapping[str, Annotation] | None = None,
        limit: int | None = 50,
    ) -> list[Hit]:
        """The best ``limit`` hits (all when None), each with its matched spans."""
        result = self.run(query, annotations)
        count = len(result) if limit is None else min(limit, len(result))
        return [result.hit(rank) for rank in range(count)]

    def run(
        self,
        query: str | Query,
        annotations: Mapping[str, Annotation] | None = None,
        sort: Sort = "relevance",
        *,
        cancel: threading.Event | Callable[[], bool] | None = None,
        for_you: np.ndarray | None = None,
        reverse: bool = False,
    ) -> ResultSet:
        """Every matching paper, ordered by ``sort`` (backwards when ``reverse``); hits
        and spans are made on demand.

        ``for_you`` is every paper's for-you score (by store position), from
        :class:`tui.interest.InterestModel`; ``sort="for-you"`` orders by it (without it,
        the result stays in relevance order). Free words also match the person's notes
        and tags (given ``annotations``). When the query has a triage ``is:`` term and
        words, ``result.elsewhere`` counts the papers it matches in the other states."""
        query = parse_query(query) if isinstance(query, str) else query
        stop = cancel.is_set if isinstance(cancel, threading.Event) else cancel

        def check() -> None:
            if stop is not None and stop():
                raise SearchCancelled(query.text)

        table = self._annotation_table(annotations) if annotations is not None else None
        filtered, outside = self._filters(query, table, check)
        allowed, alike = self._likeness(query, table, filtered)
        required, optional, words, keys = self._word_matches(query, check, self._own_words(table))
        check()
        elsewhere = matches_elsewhere(query, table, required, outside, filtered)
        if not required:
            docs = np.arange(self.index.n_docs) if allowed is None else np.flatnonzero(allowed)
            if alike is not None:
                docs = docs[np.argsort(-alike[docs], kind="stable")]
            result = ResultSet(self, query, docs, None if alike is None else alike[docs])
        else:
            base = None
            if 2 <= len(required) <= MAX_WORDS:
                filters = tuple(t for t in query.terms if t.kind != "word" or t.negated)
                base = self._base((tuple(keys[:-1]), filters, id(table)), required[:-1], allowed)
            cands = select(self.index, required, optional, allowed, self._brevity, base)
            check()
            head, head_keys, tail = refine(self.index, words, cands)
            result = ResultSet(self, query, head, key_score(head_keys), tail, cands.matched_all)
        if sort == "for-you":
            if for_you is not None:
                docs = np.sort(result.doc_array())
                docs = docs[np.argsort(-for_you[docs], kind="stable")]
                result = result.reordered(docs, sort, for_you[docs])
        elif sort != "relevance":
            result = result.reordered(self._sorted(result, sort, table), sort)
        if reverse and len(result):
            result = result.reordered(result.indices[::-1].copy(), result.sort)
        result.reverse = reverse
        result.elsewhere = elsewhere
        return result

    def highlight(self, paper: Paper, query: str | Query, note: str = ""
                  ) -> dict[str, tuple[Span, ...]]:
        """Matched spans per field (title, authors, abstract, venue) of any paper, and in
        the person's ``note`` of it (as ``"note"``)."""
        query = parse_query(query) if isinstance(query, str) else query
        spans = highlight_spans(paper, query)
        if found := note_spans(note, query):
            spans = {**spans, "note": found}
        return spans

    def facets(self, result: ResultSet | None, kind: Literal["year", "category"],
               limit: int = 30) -> list[tuple[str, int]]:
        """Counts over a result (or the whole store): years newest first, categories most
        common first (ties by name)."""
        return facet_counts(self.index, None if result is None else result.doc_array(),
                            kind, limit)

    def clear_cache(self) -> None:
        """Forget cached word matches (benchmarks use it to time cold queries)."""
        with self._lock:
            self._words.clear()
            self._bases.clear()

    def doc_of(self, key: str) -> int | None:
        """The position of the paper with stable key ``key``, or None."""
        return self.store.index_of(key)

    # -- internals ----------------------------------------------------------------------

    def _docs_of(self, keys: Sequence[str]) -> dict[str, int]:
        """Positions of the annotated papers ``keys`` that are in the store, by key."""
        return docs_of_keys(self.store, keys)

    def _annotation_table(self, annotations: Mapping[str, Annotation]) -> AnnotationTable:
        """Annotations as arrays, cached while the same snapshot object is passed."""
        cached = self._annotations
        if cached is not None and cached[0] is annotations:
            return cached[1]
        table = AnnotationTable.build(annotations, self._docs_of)
        self._annotations = (annotations, table)
        return table

    def _filters(self, query: Query, table: AnnotationTable | None, check: Callable[[], None]
                 ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The qualifiers and negations of ``query`` as one mask (None: everything), and
        the mask of all but its triage ``is:`` terms (the view's), applied last for that."""
        allowed: np.ndarray | None = None
        outside: np.ndarray | None = None
        views = [t for t in query.terms if is_view_term(t)]
        for term in [t for t in query.terms if not is_view_term(t)] + views:
            check()
            if term is (views[0] if views else None):
                outside = allowed
            mask = self._term_mask(term, table, allowed, check)
            if mask is None:
                continue
            if term.negated:
                mask = ~mask
            allowed = mask if allowed is None else allowed & mask
        return allowed, outside

    def _term_mask(self, term: Term, table: AnnotationTable | None,
                   within: np.ndarray | None, check: Callable[[], None]) -> np.ndarray | None:
        index = self.index
        if term.kind == "word":
            # Positive words rank rather than filter; negated ones exclude exact matches.
            return exact_mask(index, term.value, FIELDS_OF[term.field]) if term.negated else None
        if term.kind == "phrase":
            mask = phrase_mask(index, term, FIELDS_OF[term.field], self.papers.__getitem__,
                               None if term.negated else within, check)
            if table is not None and not term.negated and not term.field and len(term.words) == 1:
                # One word as written (a bulk command's words): the person's notes and
                # tags hold it too, as the search bar finds it there.
                own = self._own_words(table)
                if own is not None:
                    mask = mask.copy()
                    mask[own.matching(term.words[0], term.open, typos=False)] = True
            return mask
        if term.kind == "year":
            return year_mask(index, term)
        if term.kind == "venue":
            return venue_mask(index, term)
        if term.kind == "cat":
            return category_mask(index, term)
        if term.kind in ("similar", "like"):
            return None  # ranked, then cut to the most alike: see _likeness
        if term.kind == "key":
            mask = np.zeros(index.n_docs, dtype=bool)
            doc = self.doc_of(term.value)
            if doc is not None:
                mask[doc] = True
            return mask
        return self._table(table).mask(index.n_docs, term)

    def _table(self, table: AnnotationTable | None) -> AnnotationTable:
        """``table``, or an empty one (no annotations given)."""
        return table or AnnotationTable.build({}, self._docs_of)

    def _likeness(self, query: Query, table: AnnotationTable | None, allowed: np.ndarray | None
                  ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``similar:`` and ``like:`` terms (see :mod:`tui.search.likeness`)."""
        return narrow_by_likeness(
            query, allowed, self.index.n_docs, self.features.get, self.doc_of,
            lambda term: self._table(table).mask(self.index.n_docs, term))

    def _word_matches(self, query: Query, check: Callable[[], None], own: OwnWords | None
                      ) -> tuple[
            list[np.ndarray], list[np.ndarray], list[Matches], list[tuple[Any, ...]]]:
        """Match codes of the words that rank: required ones, optional ones (stop words and
        a 1-2 letter word being typed after others), and the candidates of each."""
        ranked = [t for t in query.terms if not t.negated and t.kind in ("word", "phrase")]
        items: list[tuple[str, bool, bool, str]] = []  # word, open, fuzzy, field
        own_exact: set[int] = set()  # one-word phrases: a note's or tag's word as written
        for term in ranked:
            if term.kind == "word":
                items.append((term.value, term.open, True, term.field))
            else:
                phrase = term.words
                if len(phrase) == 1 and not term.field:
                    own_exact.add(len(items))
                items.extend((w, term.open and i == len(phrase) - 1, False, term.field)
                             for i, w in enumerate(phrase))
        # A pasted paragraph must not cost a byte per paper per word: the first words decide.
        items = items[:MAX_WORDS]
        required: list[np.ndarray] = []
        optional: list[np.ndarray] = []
        words: list[Matches] = []
        keys: list[tuple[Any, ...]] = []
        many = len(items) > 1
        joined = self._joined_pairs(items)
        for position, item in enumerate(items):
            check()
            cands, codes = self._match(*item)
            if own is not None and (item[2] or position in own_exact) and not item[3]:
                # A free word matches notes and tags too (as written when it is exact).
                codes = own_word_matches(codes, own.matching(item[0], item[1], item[2]),
                                         best_code())
            key: list[Any] = [item]
            for pair in (position - 1, position):
                if pair in joined:  # "sim cse" also matches "SimCSE", for both words
                    key.append(joined[pair][0])
                    codes = np.maximum(codes, joined[pair][1])
            word, open_ = item[0], item[1]
            if many and (word in STOPWORDS or (open_ and len(word) <= 2)):
                optional.append(codes)
            else:
                required.append(codes)
                keys.append(tuple(key))
            words.append(cands)
        if not required and optional:
            required, optional = optional, []
        return required, optional, words, keys

    def _joined_pairs(self, items: list[tuple[str, bool, bool, str]]
                      ) -> dict[int, tuple[tuple[str, bool], np.ndarray]]:
        """``((word, open), match codes)`` of two neighbouring query words written as one
        ("sim cse" -> "simcse"), by the position of the first, for pairs forming an indexed
        word."""
        joined: dict[int, tuple[tuple[str, bool], np.ndarray]] = {}
        for i, (left, right) in enumerate(zip(items, items[1:])):
            if not (left[2] and right[2]) or left[3] != right[3] or left[1]:
                continue  # only free words, in the same field, the first one finished
            word = left[0] + right[0]
            if has_word(self.index, word, prefix=right[1]):
                joined[i] = ((word, right[1]), self._match(word, right[1], False, left[3])[1])
        return joined

    def _base(self, key: tuple[Any, ...], others: list[np.ndarray], allowed: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray]:
        """``(count of the other words matched, papers matching all of them)`` for every
        required word but the last: while the last word is typed this stays the same, so
        each keystroke narrows these papers instead of scanning the store again."""
        with self._lock:
            cached = self._bases.get(key)
        if cached is not None:
            return cached
        matched = np.zeros(self.index.n_docs, dtype=np.uint8)
        for codes in others:
            matched += codes > 0
        every = matched == len(others)
        if allowed is not None:
            every &= allowed
        entry = (matched, np.flatnonzero(every))
        with self._lock:
            self._bases[key] = entry
            while len(self._bases) > 4:
                self._bases.popitem(last=False)
        return entry

    def _match(self, word: str, open_: bool, fuzzy: bool, field: str
               ) -> tuple[Matches, np.ndarray]:
        """Candidates and match codes of one query word, from the cache when possible."""
        key = (word, open_, fuzzy, field)
        with self._lock:
            cached = self._words.get(key)
            if cached is not None:
                self._words.move_to_end(key)
                return cached
        cands = resolve_all(self.index, word, open_, fuzzy)
        entry = (cands, match_codes(self.index, cands, FIELDS_OF[field]))
        with self._lock:
            self._words[key] = entry
            while len(self._words) > _WORD_CACHE:
                self._words.popitem(last=False)
        return entry

    def _own_words(self, table: AnnotationTable | None) -> OwnWords | None:
        """The words of the person's notes and tags, kept while the table is the same."""
        if table is None:
            return None
        cached = self._own
        if cached is not None and cached[0] is table:
            return cached[1]
        own = OwnWords.build(table.docs, table.annotations)
        self._own = (table, own)
        return own

    def _global_order(self, sort: str) -> np.ndarray:
        """All papers in date (newest first), title, first author or venue order,
        computed once."""
        with self._lock:
            order = self._orders.get(sort)
        if order is not None:
            return order
        order = global_order(self.index, self.papers, sort)
        with self._lock:
            self._orders[sort] = order
        return order

    def _sorted(self, result: ResultSet, sort: str, table: AnnotationTable | None) -> np.ndarray:
        """The result's papers in ``sort`` order."""
        docs = result.doc_array()
        if sort == "annotated":
            recent = table.recently_updated() if table is not None else []
            member = np.zeros(self.index.n_docs, dtype=bool)
            member[docs] = True
            first = [d for d in recent if member[d]]
            member[first] = False
            return np.concatenate([np.array(first, dtype=np.int32), docs[member[docs]]])
        order = self._global_order(sort)
        member = np.zeros(self.index.n_docs, dtype=bool)
        member[docs] = True
        ordered: np.ndarray = order[member[order]].astype(np.int32)
        return ordered
