"""The search index: plain numpy arrays plus a word list, built once per store.

Layout (n papers, V words):

- ``title``, ``authors``, ``abstract`` postings: for each word id, the ascending ids of
  the papers whose field contains it (CSR: ``offsets[V + 1]`` int64, ``docs`` int32).
  Abstracts are indexed without stop words, hyphen compounds and positions (they rank
  below title and author matches anyway), which keeps them the only large array.
- ``title_tokens``: each title as its sequence of word ids (CSR by paper), for proximity
  and exactness of the few top candidates, and for sorting by title.
- per paper: ``years`` int16 (0 unknown), ``dates`` int32 (YYYYMMDD, 0 unknown),
  ``venue_ids`` int32 into ``venues``; categories as (paper, category id) pairs.

Built by :func:`tui.search.building.build_index`. Everything is exposed by
:meth:`SearchIndex.to_arrays` so a cache can ``np.save`` it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import numpy as np

from tui.model import Paper
from tui.query import STOPWORDS, WORD_RE
from tui.search.vocab import Vocabulary

if TYPE_CHECKING:
    from tui.store.base import PaperText

__all__ = ["Postings", "SearchIndex", "Segment", "field_words", "split_words", "compounds",
           "date_number", "FIELD_WEIGHTS"]

FIELD_WEIGHTS = {"title": 3, "authors": 2, "abstract": 1}
"""How much a match in each field counts when ranking (title most)."""

COMPOUND_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
"""Hyphenated words ("pre-trained"), also indexed joined ("pretrained")."""


@dataclass(frozen=True, slots=True)
class Postings:
    """Paper ids per word id, CSR: the papers of word ``w`` are ``docs[offsets[w]:offsets[w+1]]``."""

    offsets: np.ndarray
    docs: np.ndarray

    def of(self, word_id: int) -> np.ndarray:
        """Papers containing one word (ascending)."""
        return self.docs[self.offsets[word_id]:self.offsets[word_id + 1]]

    def of_range(self, lo: int, hi: int) -> np.ndarray:
        """Papers containing any word with id in ``[lo, hi)`` (may repeat a paper)."""
        return self.docs[self.offsets[lo]:self.offsets[hi]]

    def of_many(self, word_ids: Iterable[int]) -> np.ndarray:
        """Papers containing any of ``word_ids`` (may repeat a paper)."""
        parts = [self.docs[self.offsets[w]:self.offsets[w + 1]] for w in word_ids]
        return np.concatenate(parts) if parts else self.docs[:0]

    def size(self, lo: int, hi: int) -> int:
        """How many postings the words ``[lo, hi)`` have."""
        return int(self.offsets[hi] - self.offsets[lo])


@dataclass(slots=True)
class SearchIndex:
    """Everything the engine needs about the papers, as compact arrays."""

    n_docs: int
    vocab: Vocabulary
    title: Postings
    authors: Postings
    abstract: Postings
    title_offsets: np.ndarray
    title_tokens: np.ndarray
    years: np.ndarray
    dates: np.ndarray
    venue_ids: np.ndarray
    venues: list[str]
    category_docs: np.ndarray
    category_ids: np.ndarray
    categories: list[str]

    def field(self, name: str) -> Postings:
        """The postings of ``title``, ``authors`` or ``abstract``."""
        postings: Postings = getattr(self, name)
        return postings

    def title_of(self, doc: int) -> list[int]:
        """The word ids of one paper's title, in order."""
        tokens: list[int] = self.title_tokens[self.title_offsets[doc]:self.title_offsets[doc + 1]].tolist()
        return tokens

    def title_words(self, doc: int) -> list[str]:
        """One paper's title as its indexed words, in order."""
        words = self.vocab.words
        return [words[t] for t in self.title_of(doc)]

    def title_lengths(self) -> np.ndarray:
        """Words in each paper's title."""
        lengths: np.ndarray = np.diff(self.title_offsets)
        return lengths

    @property
    def segments(self) -> tuple["Segment", ...]:
        """The index as the one segment of its store (see :mod:`tui.search.segments`)."""
        return (Segment(0, self),)

    def merged(self) -> "SearchIndex":
        """The index itself: it is already one (a segmented index merges its segments)."""
        return self

    def nbytes(self) -> int:
        """Bytes held by the arrays (not counting the Python word list)."""
        return sum(a.nbytes for a in self.to_arrays().values())

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain numpy arrays holding the whole index, for saving with ``np.save``."""
        arrays = self.vocab.to_arrays()
        for name in ("title", "authors", "abstract"):
            postings = self.field(name)
            arrays[f"{name}_offsets"] = postings.offsets
            arrays[f"{name}_docs"] = postings.docs
        arrays.update(
            title_token_offsets=self.title_offsets, title_tokens=self.title_tokens,
            years=self.years, dates=self.dates, venue_ids=self.venue_ids,
            category_docs=self.category_docs, category_ids=self.category_ids,
            venues_blob=_blob(self.venues), categories_blob=_blob(self.categories),
            n_docs=np.array([self.n_docs], dtype=np.int64),
        )
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "SearchIndex":
        """Rebuild an index from :meth:`to_arrays` output (arrays may be memory-mapped)."""
        return cls(
            n_docs=int(arrays["n_docs"][0]),
            vocab=Vocabulary.from_arrays(arrays),
            title=Postings(arrays["title_offsets"], arrays["title_docs"]),
            authors=Postings(arrays["authors_offsets"], arrays["authors_docs"]),
            abstract=Postings(arrays["abstract_offsets"], arrays["abstract_docs"]),
            title_offsets=arrays["title_token_offsets"], title_tokens=arrays["title_tokens"],
            years=arrays["years"], dates=arrays["dates"], venue_ids=arrays["venue_ids"],
            venues=_unblob(arrays["venues_blob"]) or [""],  # "no venue" alone is an empty blob
            category_docs=arrays["category_docs"], category_ids=arrays["category_ids"],
            categories=_unblob(arrays["categories_blob"]),
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """One index over papers ``start .. start + index.n_docs`` of a store."""

    start: int
    index: SearchIndex

    @property
    def stop(self) -> int:
        """One past the segment's last paper."""
        return self.start + self.index.n_docs


def _blob(strings: list[str]) -> np.ndarray:
    return np.frombuffer("\x00".join(strings).encode("utf-8"), dtype=np.uint8)


def _unblob(blob: np.ndarray) -> list[str]:
    text = np.asarray(blob).tobytes().decode("utf-8")
    return text.split("\x00") if text else []


_ASCII_WORDS = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
"""Translation table turning every ASCII byte that is not a letter or digit into a space."""


_ASCII_WORDS_AND_OTHERS = bytes(c if chr(c).isalnum() or c >= 128 else 32 for c in range(256))
"""The same, leaving every byte of a character beyond ASCII as it is."""
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]+")


def split_words(folded: str) -> list[str]:
    """The words of case-folded text, as :data:`tui.query.WORD_RE` finds them (accents are
    folded later, once per distinct word). ASCII text, most of it, takes a path about
    twice as fast as the regular expression."""
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return _mixed_words(folded)


def _mixed_words(folded: str) -> list[str]:
    """:func:`split_words` of text with characters beyond ASCII: ASCII punctuation made
    spaces as for ASCII text, the stretches without other characters split on spaces,
    and only the space-delimited pieces that hold some left to the regular expression
    (an abstract with a few accents: a third quicker than the expression on all of it)."""
    text = (folded.encode("utf-8", "surrogatepass").translate(_ASCII_WORDS_AND_OTHERS)
            .decode("utf-8", "surrogatepass"))
    words: list[str] = []
    done = 0  # the text before this is split
    for beyond in _BEYOND_ASCII.finditer(text):
        if beyond.end() <= done:  # inside the last piece given to the expression
            continue
        start = max(text.rfind(" ", done, beyond.start()) + 1, done)
        end = text.find(" ", beyond.end())
        end = len(text) if end < 0 else end
        words += text[done:start].split()
        words += WORD_RE.findall(text, start, end)
        done = end
    words += text[done:].split()
    return words


def compounds(folded: str) -> list[str]:
    """The hyphenated words of case-folded text joined ("pre-trained" -> "pretrained"):
    a title is also indexed under them, the way people often type them."""
    # The expression runs on the hyphenated pieces only: on a whole title it is slow.
    return [c.replace("-", "") for piece in folded.split() if "-" in piece
            for c in COMPOUND_RE.findall(piece)]


def field_words(paper: Paper, title_sequence: list[str] | None = None
                ) -> tuple[set[str], set[str], set[str]]:
    """The words a paper is indexed under in its title, authors and abstract, case-folded
    (accents are folded later): what the postings of each field hold for it. Anything
    that reads a paper's words the way the index does (similar papers, a model of a
    person's interest) uses this, so the two never disagree."""
    title = paper.title.casefold()
    title_words = set(split_words(title) if title_sequence is None else title_sequence)
    if "-" in title:
        title_words.update(compounds(title))
    authors = set(split_words(" ".join(paper.authors).casefold()))
    return title_words, authors, set(split_words(paper.abstract.casefold())) - STOPWORDS


def date_number(paper: Paper | PaperText) -> int:
    """YYYYMMDD for sorting (missing month or day count as 0), or 0 when unknown."""
    digits = paper.date[:10].replace("-", "")
    if len(digits) >= 4 and digits.isdigit():
        return int(digits[:8].ljust(8, "0"))
    return paper.year * 10000 if paper.year else 0
