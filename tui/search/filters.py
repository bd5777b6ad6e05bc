"""Qualifiers as dense boolean masks over the papers: years, venues, categories, phrases
and the person's annotations. Every mask is built from the index arrays (or from the
annotations, whose size is the number of annotated papers), never by reading the store,
except phrases, which check the few papers that contain all their words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from tui.model import Annotation, Paper
from tui.query import STOPWORDS, Term, words_of
from tui.search.own_terms import annotation_test
from tui.search.segments import AnyIndex

__all__ = ["AnnotationTable", "year_mask", "venue_mask", "category_mask", "phrase_mask",
           "find_phrase", "facet_counts"]


def year_mask(index: AnyIndex, term: Term) -> np.ndarray:
    """Papers whose year is within the term's range (unknown years never are)."""
    years = index.years
    mask = years > 0
    if term.year_min is not None:
        mask &= years >= term.year_min
    if term.year_max is not None:
        mask &= years <= term.year_max
    return mask


def _lookup(table: np.ndarray, ids: np.ndarray) -> np.ndarray:
    return table[ids] if len(table) else np.zeros(len(ids), dtype=bool)


def venue_mask(index: AnyIndex, term: Term) -> np.ndarray:
    """Papers whose venue contains the term's words in order (case and accents ignored)."""
    wanted = " ".join(words_of(term.value))
    table = np.array([bool(wanted) and wanted in " ".join(words_of(v)) for v in index.venues],
                     dtype=bool)
    return _lookup(table, index.venue_ids)


def category_mask(index: AnyIndex, term: Term) -> np.ndarray:
    """Papers with a category starting with the term (``cat:cs`` takes cs.CL and cs.LG)."""
    table = np.array([c.casefold().startswith(term.value) for c in index.categories], dtype=bool)
    mask = np.zeros(index.n_docs, dtype=bool)
    mask[index.category_docs[_lookup(table, index.category_ids)]] = True
    return mask


def find_phrase(words: list[str], phrase: tuple[str, ...], open_last: bool) -> list[int]:
    """Start positions where ``phrase`` occurs in ``words`` (the last phrase word may be
    the beginning of a word when it is still being typed)."""
    found = []
    size = len(phrase)
    for start in range(len(words) - size + 1):
        if words[start:start + size - 1] != list(phrase[:-1]):
            continue
        last = words[start + size - 1]
        if last == phrase[-1] or (open_last and last.startswith(phrase[-1])):
            found.append(start)
    return found


def phrase_mask(
    index: AnyIndex,
    term: Term,
    fields: tuple[str, ...],
    paper_at: Callable[[int], Paper],
    within: np.ndarray | None,
    check: Callable[[], None] = lambda: None,
) -> np.ndarray:
    """Papers containing the phrase in one of ``fields``: papers with every word of it
    are found in the postings, then checked word by word (titles from the index; the
    store is read only for authors and abstracts). ``check`` may abandon the search."""
    phrase = term.words
    candidates = np.ones(index.n_docs, dtype=bool) if within is None else within.copy()
    # Abstracts do not index stop words, so those are left to the check below, unless the
    # phrase has nothing else ("of the"): then it is looked for in titles, which have them.
    only_stop_words = all(w in STOPWORDS for w in phrase)
    searched = tuple(f for f in fields if f == "title") if only_stop_words else fields
    for i, word in enumerate(phrase):
        if word in STOPWORDS and not only_stop_words:
            continue
        has_word = np.zeros(index.n_docs, dtype=bool)
        is_prefix = term.open and i == len(phrase) - 1
        for segment in index.segments:
            vocab = segment.index.vocab
            lo, hi = vocab.prefix_range(word) if is_prefix else (vocab.id_of(word), None)
            if lo is None:
                continue
            for name in searched:
                postings = segment.index.field(name)
                found = postings.of_range(lo, hi) if hi is not None else postings.of(lo)
                has_word[found + segment.start] = True
        candidates &= has_word
    if len(phrase) == 1:
        return candidates  # the postings already said it: one word needs no order check
    mask = np.zeros(index.n_docs, dtype=bool)
    for n, doc in enumerate(np.flatnonzero(candidates).tolist()):
        if n % 256 == 255:
            check()
        if "title" in fields and find_phrase(index.title_words(doc), phrase, term.open):
            mask[doc] = True
            continue
        if fields == ("title",):
            continue
        paper = paper_at(doc)
        texts = {"authors": paper.authors_text, "abstract": paper.abstract}
        if any(find_phrase(words_of(texts[name]), phrase, term.open) for name in fields if name in texts):
            mask[doc] = True
    return mask


@dataclass(frozen=True, slots=True)
class AnnotationTable:
    """The annotations of papers in the store, as arrays over those papers."""

    docs: np.ndarray
    annotations: tuple[Annotation, ...]

    @classmethod
    def build(cls, annotations: Mapping[str, Annotation],
              docs_of: Callable[[Sequence[str]], Mapping[str, int]]) -> AnnotationTable:
        """Keep the annotations whose paper is in the store; ``docs_of`` gives the position
        of each key that is a paper of the store, in order (:func:`tui.store.base.docs_of_keys`).
        Only those annotations are built (a profile's others stay summed up)."""
        found = docs_of(list(annotations))
        return cls(np.fromiter(found.values(), dtype=np.int64, count=len(found)),
                   tuple(annotations[key] for key in found))

    def mask(self, n_docs: int, term: Term) -> np.ndarray:
        """Papers matching an ``is:``, ``has:``, ``tag:`` or ``note:`` term (before negation)."""
        if term.kind == "is" and term.value == "inbox":
            # A paper nobody annotated is in the inbox, so start from all and remove.
            mask = np.ones(n_docs, dtype=bool)
            mask[self._docs_where(lambda a: a.state != "inbox")] = False
            return mask
        mask = np.zeros(n_docs, dtype=bool)
        mask[self._docs_where(annotation_test(term))] = True
        return mask

    def _docs_where(self, test: Callable[[Annotation], bool]) -> np.ndarray:
        picked = [doc for doc, a in zip(self.docs.tolist(), self.annotations) if test(a)]
        return np.array(picked, dtype=np.int64)

    def recently_updated(self) -> list[int]:
        """Annotated papers, most recently updated first."""
        pairs = sorted(zip(self.annotations, self.docs.tolist()),
                       key=lambda pair: pair[0].updated, reverse=True)
        return [doc for annotation, doc in pairs if not annotation.is_blank or annotation.updated]


def facet_counts(index: AnyIndex, docs: np.ndarray | None, kind: Literal["year", "category"],
                 limit: int = 30) -> list[tuple[str, int]]:
    """Counts over the papers ``docs`` (None: all): years newest first, categories most
    common first (ties by name)."""
    if kind == "year":
        years = index.years if docs is None else index.years[docs]
        counts = np.bincount(years[years > 0].astype(np.int64))
        found = np.flatnonzero(counts)[::-1][:limit]
        return [(str(y), int(counts[y])) for y in found.tolist()]
    ids = index.category_ids
    if docs is not None:
        member = np.zeros(index.n_docs, dtype=bool)
        member[docs] = True
        ids = ids[member[index.category_docs]]
    counts = np.bincount(ids, minlength=len(index.categories))
    pairs = [(index.categories[i], int(counts[i])) for i in np.flatnonzero(counts).tolist()]
    pairs.sort(key=lambda pair: (-pair[1], pair[0]))
    return pairs[:limit]
