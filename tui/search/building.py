"""Building a :class:`~tui.search.index.SearchIndex` from papers, a chunk at a time.

Papers are read in chunks of a few thousand. Each field of a whole chunk is cut into
words at once: the texts are joined with a separator word, case-folded and split in one
call (ASCII texts, most of them; others go through :data:`tui.query.WORD_RE` one by
one), and the words become provisional int32 ids through one dict lookup each (in C, a new word alone calling back). The
separators give each paper's words; a paper's repeated words are left in and removed
when the postings are filled, which sorts them anyway. So the work per paper is a few
attribute reads, never a set or a list of its own.

Postings are filled with a counting sort, chunk by chunk, a paper's repeated words
dropped as each chunk is sorted, so peak memory is about the final postings and one
chunk: a big stream (abstracts, and titles and authors of a big store) spills its chunks
to a temporary file as they are made, and each is freed once it is filled in.
"""

from __future__ import annotations

import logging
import tempfile
from array import array
from collections.abc import Iterator
from typing import IO, Callable, Iterable, Sized

import numpy as np

from tui.model import Paper
from tui.store.base import PaperText
from tui.query import STOPWORDS, WORD_RE, normalise_word
from tui.search.index import Postings, SearchIndex, compounds, date_number, split_words
from tui.search.vocab import Vocabulary

__all__ = ["build_index", "chunk_words", "SEPARATOR"]

log = logging.getLogger(__name__)

_CHUNK = 4096
SEPARATOR = "\x01"
"""The word put after each paper's words of a chunk (provisional id 0)."""
_KEEP_ASCII_WORDS = bytes(c if (chr(c).isalnum() and c < 128) or c == 1 else 32 for c in range(256))
"""Translation table turning every ASCII byte but letters, digits and the separator into
a space."""


def _ascii_words(texts: list[str]) -> list[str]:
    joined = f" {SEPARATOR} ".join(texts) + f" {SEPARATOR}"
    if joined.count(SEPARATOR) != len(texts):  # a text holds the separator itself
        return [w for text in texts for w in (*WORD_RE.findall(text.casefold()), SEPARATOR)]
    return joined.lower().encode("ascii").translate(_KEEP_ASCII_WORDS).decode("ascii").split()


def chunk_words(texts: Iterable[str]) -> list[str]:
    """The words of each text, case-folded, as :func:`tui.search.index.split_words`
    finds them, each text's followed by :data:`SEPARATOR`."""
    words: list[str] = []
    run: list[str] = []
    for text in texts:
        if text.isascii():
            run.append(text)
            continue
        if run:
            words += _ascii_words(run)
            run = []
        words += split_words(text.casefold())
        words.append(SEPARATOR)
    if run:
        words += _ascii_words(run)
    return words


class _WordIds(dict[str, int]):
    """Provisional word ids: a word not yet seen gets the next id as it is looked up."""

    __slots__ = ()

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        return number


class _Stream:
    """One field's words as int32 provisional ids, a chunk at a time. A big stream moves
    its finished chunks to a temporary file, read back once while the postings are
    filled, so they never sit in memory next to the postings they become."""

    SPILL_BYTES = 4 << 20
    """Bytes of ids from which a stream that may spill does (about 7,000 abstracts)."""

    def __init__(self, spill: bool = False) -> None:
        self.chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self.word_counts = np.zeros(0, dtype=np.int64)
        """Postings per provisional word id, so the fill needs no counting pass."""
        self._spill_ok = spill
        self._file: IO[bytes] | None = None
        self._sizes: list[int] = []
        self._bytes = 0

    def add(self, words: list[str], ids: _WordIds, dropped: int = 0) -> None:
        """Add one chunk's words (separated per paper); ids up to ``dropped`` are left out."""
        # Every word looked up in C straight into the array; only a word never seen calls
        # back into Python (a set of the chunk's words first cost as much as the lookups).
        found = np.fromiter(map(ids.__getitem__, words), dtype=np.int32, count=len(words))
        ends = found == 0
        paper_of = np.cumsum(ends) - ends
        keep = found > dropped
        chunk = found[keep]
        counts = np.bincount(paper_of[keep], minlength=int(np.count_nonzero(ends))).astype(np.int32)
        if len(self.word_counts) < len(ids):
            self.word_counts = np.concatenate(
                [self.word_counts, np.zeros(len(ids) - len(self.word_counts), np.int64)])
        self.word_counts[: len(ids)] += np.bincount(chunk, minlength=len(ids))
        self._bytes += chunk.nbytes
        if self._file is None and self._spill_ok and self._bytes > self.SPILL_BYTES:
            self._start_spilling()
        if self._file is not None:
            self._write(chunk)
            chunk = np.zeros(0, np.int32)
        self.chunks.append((chunk, counts))

    def _start_spilling(self) -> None:
        """Move the chunks so far to a temporary file, where the next ones go too (they
        stay in memory when no temporary file can be made)."""
        try:
            self._file = tempfile.TemporaryFile(prefix="papertray-index-")
        except OSError as error:
            log.info("index chunks kept in memory: %s", error)
            self._spill_ok = False
            return
        for earlier, _ in self.chunks:
            self._write(earlier)
        self.chunks = [(np.zeros(0, np.int32), c) for _, c in self.chunks]

    def _write(self, chunk: np.ndarray) -> None:
        assert self._file is not None
        chunk.tofile(self._file)
        self._sizes.append(len(chunk))

    def drain(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield each chunk's ``(provisional ids, words per paper)`` once, freeing as it goes."""
        if self._file is not None:
            self._file.seek(0)
        empty = np.zeros(0, np.int32)
        for i in range(len(self.chunks)):
            chunk, counts = self.chunks[i]
            # Not a slice of the chunk, which would keep all of it alive.
            self.chunks[i] = (empty, empty)
            if self._file is not None:
                chunk = np.fromfile(self._file, dtype=np.int32, count=self._sizes[i])
            yield chunk, counts
            del chunk, counts
        self.chunks = []
        if self._file is not None:
            self._file.close()
            self._file = None


class _Builder:
    """Accumulates papers chunk by chunk; :meth:`finish` turns them into a SearchIndex."""

    def __init__(self) -> None:
        # The separator is id 0; stop words come next, so abstracts drop them by id.
        self.ids = _WordIds({SEPARATOR: 0})
        for word in sorted(STOPWORDS):
            self.ids[word] = len(self.ids)
        self.stop_ids = len(self.ids) - 1
        # The title sequence is needed whole at the end (as title_tokens): never spilled.
        self.streams = {name: _Stream(spill=name != "title_seq")
                        for name in ("title_seq", "title", "authors", "abstract")}
        # array.array, not lists: a million Python ints or tuples would cost hundreds of MB.
        self.years = array("i")
        self.dates = array("i")
        self.venue_ids = array("i")
        self.venues: dict[str, int] = {"": 0}
        self.category_docs = array("i")
        self.category_ids = array("i")
        self.categories: dict[str, int] = {}

    def add_chunk(self, first: int, papers: list[Paper | PaperText]) -> None:
        """Index papers ``first, first + 1, ...``."""
        titles = [p.title for p in papers]
        ids, streams = self.ids, self.streams
        streams["title_seq"].add(chunk_words(titles), ids)
        streams["title"].add(chunk_words(
            [t + " " + " ".join(compounds(t.casefold())) if "-" in t else t for t in titles]), ids)
        streams["authors"].add(chunk_words(" ".join(p.authors) for p in papers), ids)
        streams["abstract"].add(chunk_words(p.abstract for p in papers), ids, self.stop_ids)
        venues, categories = self.venues, self.categories
        for doc, paper in enumerate(papers, start=first):
            self.years.append(paper.year or 0)
            self.dates.append(date_number(paper))
            self.venue_ids.append(venues.setdefault(paper.venue.strip(), len(venues)))
            for category in paper.categories:
                self.category_docs.append(doc)
                self.category_ids.append(categories.setdefault(category.strip(), len(categories)))

    def finish(self, n_docs: int) -> SearchIndex:
        """Sort the vocabulary, renumber words and fill the postings."""
        provisional = list(self.ids)
        self.ids = _WordIds()
        used = np.zeros(len(provisional), dtype=bool)
        for stream in self.streams.values():
            used[: len(stream.word_counts)] |= stream.word_counts > 0
        normalised = [normalise_word(w) if u else "" for w, u in zip(provisional, used.tolist())]
        words = sorted({w for w, u in zip(normalised, used.tolist()) if u})
        final_id = {w: i for i, w in enumerate(words)}
        remap = np.fromiter((final_id.get(w, 0) for w in normalised), np.int32, count=len(normalised))
        del provisional, normalised, final_id
        postings = {name: _fill_postings(self.streams[name], remap, len(words))
                    for name in ("title", "authors", "abstract")}
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


def _fill_postings(stream: _Stream, remap: np.ndarray, n_words: int) -> Postings:
    """Counting sort of (word, paper) pairs into CSR, one chunk at a time; a paper listed
    twice under a word (a repeated word, or two spellings folded into one) is kept once.
    Memory: the postings, plus one chunk's sort (the stream's chunks are freed as they go)."""
    counts = np.bincount(remap[: len(stream.word_counts)], weights=stream.word_counts,
                         minlength=n_words).astype(np.int64)
    offsets = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    docs = np.empty(int(offsets[-1]), dtype=np.int32)
    cursor = offsets[:-1].copy()
    first_doc = 0
    for chunk, chunk_counts in stream.drain():
        chunk_words = remap[chunk]
        del chunk
        base, first_doc = first_doc, first_doc + len(chunk_counts)
        narrow = n_words < _NARROW_WORDS and len(chunk_counts) <= _NARROW_DOCS
        # Narrow pairs count the paper within its chunk; wide ones count it in the store.
        chunk_docs = np.repeat(np.arange(0 if narrow else base, first_doc - (base if narrow else 0),
                                         dtype=np.int32), chunk_counts)
        if not len(chunk_words):
            continue
        # (word, paper) pairs as one number each, sorted: by word, each word's papers
        # ascending (a plain sort of 32-bit numbers, the paper counted within its chunk,
        # is a third quicker than a stable argsort and two gathers). A paper's repeats
        # are neighbours (a paper lies in one chunk), so they are dropped here, before
        # they are stored.
        shift = _DOC_BITS if narrow else 32
        pairs = chunk_words.astype(np.int32 if narrow else np.int64)
        pairs <<= shift
        pairs |= chunk_docs
        del chunk_words, chunk_docs
        pairs.sort()
        fresh = np.empty(len(pairs), dtype=bool)
        fresh[0] = True
        np.not_equal(pairs[1:], pairs[:-1], out=fresh[1:])
        if not fresh.all():
            pairs = pairs[fresh]
        del fresh
        words = (pairs >> shift).astype(np.int32)
        chunk_docs = pairs.astype(np.int32)
        if narrow:
            chunk_docs &= _NARROW_DOCS - 1
            chunk_docs += base
        del pairs
        starts = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])
        sizes = np.diff(np.append(starts, len(words)))
        rank = np.arange(len(words)) - np.repeat(starts, sizes)
        docs[cursor[words] + rank] = chunk_docs
        cursor[words[starts]] += sizes
    filled = cursor - offsets[:-1]
    del cursor
    if int(filled.sum()) != len(docs):  # repeats were dropped: close the gaps they left
        docs, offsets = _close_gaps(docs, offsets, filled)
    return Postings(offsets, docs)


_DOC_BITS = 12
_NARROW_DOCS = 1 << _DOC_BITS
"""Papers of a chunk whose (word, paper) pairs fit 32 bits with a word id under..."""
_NARROW_WORDS = 1 << (31 - _DOC_BITS)
"""...this (a vocabulary of half a million words); bigger ones sort 64-bit pairs."""
assert _CHUNK <= _NARROW_DOCS

_MOVE = 1 << 18
"""Postings moved at once when gaps are closed (bounds the temporary memory: 5 MB)."""


def _close_gaps(docs: np.ndarray, offsets: np.ndarray, filled: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Postings whose word ``w`` holds only the first ``filled[w]`` papers of its run
    ``docs[offsets[w]:offsets[w + 1]]``, moved together in place, a block of words at a
    time: each run moves left, behind the runs of the blocks not moved yet."""
    new_offsets = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(filled, out=new_offsets[1:])
    n_words = len(filled)
    first = int(np.argmax(new_offsets[1:] != offsets[1:]))  # runs before it are in place
    bounds = np.searchsorted(offsets, np.arange(int(offsets[first]), int(offsets[-1]), _MOVE))
    edges = np.unique(np.concatenate([[first], bounds, [n_words]]).clip(first, n_words))
    for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist()):
        a, b = int(new_offsets[lo]), int(new_offsets[hi])
        if a == b:
            continue
        sizes = filled[lo:hi]
        shift = offsets[lo:hi] - (new_offsets[lo:hi] - a)
        where = np.repeat(shift, sizes)
        where += np.arange(b - a, dtype=np.int64)
        docs[a:b] = docs[where]  # gathered first, then written: safe in place
    total = int(new_offsets[-1])
    try:
        docs.resize(total)  # the unused end given back, no copy
    except ValueError:  # referenced elsewhere (a debugger, a tracer): copied instead
        docs = docs[:total].copy()
    return docs, new_offsets


def build_index(
    papers: Iterable[Paper] | Iterable[PaperText],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SearchIndex:
    """Index papers in one pass; ``progress(done, total)`` is called after each chunk of
    a few thousand papers (``total`` is 0 when ``papers`` has no length)."""
    total = len(papers) if isinstance(papers, Sized) else 0
    builder = _Builder()
    n_docs = 0
    chunk: list[Paper | PaperText] = []
    for paper in papers:
        chunk.append(paper)
        if len(chunk) == _CHUNK:
            builder.add_chunk(n_docs, chunk)
            n_docs += len(chunk)
            chunk = []
            if progress is not None:
                progress(n_docs, total)
    if chunk:
        builder.add_chunk(n_docs, chunk)
        n_docs += len(chunk)
    index = builder.finish(n_docs)
    if progress is not None:
        progress(n_docs, n_docs)
    log.debug("indexed %d papers, %d words, %d bytes", n_docs, len(index.vocab), index.nbytes())
    return index
