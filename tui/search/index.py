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

Building streams the papers in chunks: words get provisional ids in a dict, each chunk
keeps only int32 arrays, and the postings are filled chunk by chunk with a counting
sort, so peak memory is about twice the final postings, never a dict of lists per word.
Everything is exposed by :meth:`SearchIndex.to_arrays` so a cache can ``np.save`` it.
"""

from __future__ import annotations

import logging
import re
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Callable, Iterable, Sized

import numpy as np

from tui.model import Paper
from tui.query import STOPWORDS, WORD_RE, normalise_word
from tui.search.vocab import Vocabulary

__all__ = ["Postings", "SearchIndex", "Segment", "build_index", "field_words", "FIELD_WEIGHTS"]

log = logging.getLogger(__name__)

FIELD_WEIGHTS = {"title": 3, "authors": 2, "abstract": 1}
"""How much a match in each field counts when ranking (title most)."""

COMPOUND_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
"""Hyphenated words ("pre-trained"), also indexed joined ("pretrained")."""
_CHUNK = 4096


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


def split_words(folded: str) -> list[str]:
    """The words of case-folded text, as :data:`tui.query.WORD_RE` finds them (accents are
    folded later, once per distinct word). ASCII text, most of it, takes a path about
    twice as fast as the regular expression."""
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return WORD_RE.findall(folded)


def field_words(paper: Paper, title_sequence: list[str] | None = None
                ) -> tuple[set[str], set[str], set[str]]:
    """The words a paper is indexed under in its title, authors and abstract, case-folded
    (accents are folded later): what the postings of each field hold for it. Anything
    that reads a paper's words the way the index does (similar papers, a model of a
    person's interest) uses this, so the two never disagree."""
    title = paper.title.casefold()
    title_words = set(split_words(title) if title_sequence is None else title_sequence)
    if "-" in title:
        # "Pre-trained" is also indexed as "pretrained", the way people often type it.
        # (The expression runs on the hyphenated pieces only: on a whole title it is slow.)
        for piece in title.split():
            if "-" in piece:
                title_words.update(c.replace("-", "") for c in COMPOUND_RE.findall(piece))
    authors = set(split_words(" ".join(paper.authors).casefold()))
    return title_words, authors, set(split_words(paper.abstract.casefold())) - STOPWORDS


def _date_number(paper: Paper) -> int:
    """YYYYMMDD for sorting (missing month or day count as 0), or 0 when unknown."""
    digits = paper.date[:10].replace("-", "")
    if len(digits) >= 4 and digits.isdigit():
        return int(digits[:8].ljust(8, "0"))
    return paper.year * 10000 if paper.year else 0


class _Stream:
    """One field's words: those of the current chunk as strings, earlier chunks as int32
    provisional ids. A big stream (abstracts) moves its finished chunks to a temporary
    file, read back once while the postings are filled, so they never sit in memory
    next to the postings they become."""

    SPILL_BYTES = 32 << 20

    def __init__(self, spill: bool = False) -> None:
        self.words: list[str] = []
        self.counts: list[int] = []
        self.chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self.word_counts = np.zeros(0, dtype=np.int64)
        """Postings per provisional word id, so the fill needs no counting pass."""
        self._spill_ok = spill
        self._file: IO[bytes] | None = None
        self._sizes: list[int] = []
        self._bytes = 0

    def add(self, words: list[str] | set[str]) -> None:
        self.words.extend(words)
        self.counts.append(len(words))

    def end_chunk(self, ids: dict[str, int]) -> None:
        for word in set(self.words).difference(ids):
            ids[word] = len(ids)
        chunk = np.fromiter(map(ids.__getitem__, self.words), np.int32, count=len(self.words))
        counts = np.array(self.counts, dtype=np.int32)
        self.words, self.counts = [], []
        if len(self.word_counts) < len(ids):
            self.word_counts = np.concatenate(
                [self.word_counts, np.zeros(len(ids) - len(self.word_counts), np.int64)])
        self.word_counts[: len(ids)] += np.bincount(chunk, minlength=len(ids))
        self._bytes += chunk.nbytes
        if self._file is None and self._spill_ok and self._bytes > self.SPILL_BYTES:
            self._file = tempfile.TemporaryFile(prefix="papertray-index-")
            for earlier, _ in self.chunks:
                self._write(earlier)
            self.chunks = [(np.zeros(0, np.int32), c) for _, c in self.chunks]
        if self._file is not None:
            self._write(chunk)
            chunk = np.zeros(0, np.int32)
        self.chunks.append((chunk, counts))

    def _write(self, chunk: np.ndarray) -> None:
        assert self._file is not None
        chunk.tofile(self._file)
        self._sizes.append(len(chunk))

    def drain(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield each chunk's ``(provisional ids, words per paper)`` once, freeing as it goes."""
        if self._file is not None:
            self._file.seek(0)
        for i in range(len(self.chunks)):
            chunk, counts = self.chunks[i]
            self.chunks[i] = (chunk[:0], counts[:0])
            if self._file is not None:
                chunk = np.fromfile(self._file, dtype=np.int32, count=self._sizes[i])
            yield chunk, counts
        self.chunks = []
        if self._file is not None:
            self._file.close()
            self._file = None


class _Builder:
    """Accumulates papers chunk by chunk; :meth:`finish` turns them into a SearchIndex."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.streams = {name: _Stream(spill=name == "abstract")
                        for name in ("title_seq", "title", "authors", "abstract")}
        # array.array, not lists: a million Python ints or tuples would cost hundreds of MB.
        self.years = array("i")
        self.dates = array("i")
        self.venue_ids = array("i")
        self.venues: dict[str, int] = {"": 0}
        self.category_docs = array("i")
        self.category_ids = array("i")
        self.categories: dict[str, int] = {}

    def add(self, doc: int, paper: Paper) -> None:
        sequence = split_words(paper.title.casefold())
        self.streams["title_seq"].add(sequence)
        title_words, author_words, abstract_words = field_words(paper, sequence)
        self.streams["title"].add(title_words)
        self.streams["authors"].add(author_words)
        self.streams["abstract"].add(abstract_words)
        self.years.append(paper.year or 0)
        self.dates.append(_date_number(paper))
        self.venue_ids.append(self.venues.setdefault(paper.venue.strip(), len(self.venues)))
        for category in paper.categories:
            self.category_docs.append(doc)
            self.category_ids.append(self.categories.setdefault(category.strip(), len(self.categories)))

    def end_chunk(self) -> None:
        """Turn the chunk's words into int32 provisional ids (new words get new ids)."""
        for stream in self.streams.values():
            stream.end_chunk(self.ids)

    def finish(self, n_docs: int) -> SearchIndex:
        """Sort the vocabulary, renumber words and fill the postings."""
        provisional = list(self.ids)
        self.ids = {}
        normalised = [normalise_word(w) for w in provisional]
        words = sorted(set(normalised))
        final_id = {w: i for i, w in enumerate(words)}
        remap = np.fromiter((final_id[w] for w in normalised), np.int32, count=len(normalised))
        del provisional, normalised, final_id
        merged = len(words) < len(remap)  # accents folded two spellings into one word
        postings = {
            name: _fill_postings(self.streams[name], remap, len(words), dedupe=merged)
            for name in ("title", "authors", "abstract")
        }
        chunks = list(self.streams["title_seq"].drain())
        title_tokens = remap[np.concatenate([c for c, _ in chunks] or [np.zeros(0, np.int32)])]
        title_counts = np.concatenate([n for _, n in chunks] or [np.zeros(0, np.int32)])
        del chunks
        title_offsets = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(title_counts, out=title_offsets[1:])
        return SearchIndex(
            n_docs=n_docs,
            vocab=Vocabulary(words),
            title=postings["title"], authors=postings["authors"], abstract=postings["abstract"],
            title_offsets=title_offsets, title_tokens=title_tokens,
            years=np.clip(np.frombuffer(self.years, dtype=np.int32), 0, 32767).astype(np.int16),
            dates=np.frombuffer(self.dates, dtype=np.int32).copy(),
            venue_ids=np.frombuffer(self.venue_ids, dtype=np.int32).copy(),
            venues=list(self.venues),
            category_docs=np.frombuffer(self.category_docs, dtype=np.int32).copy(),
            category_ids=np.frombuffer(self.category_ids, dtype=np.int32).copy(),
            categories=list(self.categories),
        )


def _fill_postings(stream: _Stream, remap: np.ndarray, n_words: int, dedupe: bool) -> Postings:
    """Counting sort of (word, paper) pairs into CSR, one chunk at a time."""
    counts = np.bincount(remap[: len(stream.word_counts)], weights=stream.word_counts,
                         minlength=n_words).astype(np.int64)
    offsets = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    docs = np.empty(int(offsets[-1]), dtype=np.int32)
    cursor = offsets[:-1].copy()
    first_doc = 0
    for chunk, chunk_counts in stream.drain():
        chunk_words = remap[chunk]
        chunk_docs = np.repeat(np.arange(first_doc, first_doc + len(chunk_counts), dtype=np.int32),
                               chunk_counts)
        first_doc += len(chunk_counts)
        order = np.argsort(chunk_words, kind="stable")
        words, chunk_docs = chunk_words[order], chunk_docs[order]
        if not len(words):
            continue
        starts = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])
        sizes = np.diff(np.append(starts, len(words)))
        rank = np.arange(len(words)) - np.repeat(starts, sizes)
        docs[cursor[words] + rank] = chunk_docs
        cursor[words[starts]] += sizes
    if dedupe and len(docs):
        keep = np.ones(len(docs), dtype=bool)
        keep[1:] = docs[1:] != docs[:-1]
        keep[offsets[:-1][counts > 0]] = True  # the first paper of each word always stays
        new_counts = np.add.reduceat(keep.astype(np.int64), offsets[:-1][counts > 0])
        counts[counts > 0] = new_counts
        np.cumsum(counts, out=offsets[1:])
        docs = docs[keep]
    return Postings(offsets, docs)


def build_index(
    papers: Iterable[Paper],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SearchIndex:
    """Index papers in one pass; ``progress(done, total)`` is called after each chunk of
    a few thousand papers (``total`` is 0 when ``papers`` has no length)."""
    total = len(papers) if isinstance(papers, Sized) else 0
    builder = _Builder()
    n_docs = 0
    for n_docs, paper in enumerate(papers, start=1):
        builder.add(n_docs - 1, paper)
        if n_docs % _CHUNK == 0:
            builder.end_chunk()
            if progress is not None:
                progress(n_docs, total)
    builder.end_chunk()
    index = builder.finish(n_docs)
    if progress is not None:
        progress(n_docs, n_docs)
    log.debug("indexed %d papers, %d words, %d bytes", n_docs, len(index.vocab), index.nbytes())
    return index
