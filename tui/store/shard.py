"""One file's papers in compact form: the cache of a parsed file.

A shard holds the papers of one file as read, before merging, in reading order:

- ``keys``: every stable key in one UTF-8 blob with offsets, kept in memory (lookups by
  key check it), and ``key_hash``, a 64-bit hash of each key for sorting and merging;
- ``doi_hash`` and ``title_hash``: 64-bit hashes of each record's DOI and normalised
  title (0 for none), so the store finds the few records that may be one paper with
  another (:mod:`tui.store.identity`) without reading any row;
- ``rows``: the other short fields of each paper (title, authors, year, venue, ids,
  categories, date, citekey, type, source, other bibliographic fields) as one encoded
  row, read on demand;
- ``abstracts``: read on demand, for the detail pane and phrase checks.

Problems found while reading the file are kept in the header, so a cached file reports
the same problems as a parsed one.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from hashlib import blake2b
from pathlib import Path
from typing import Any

import numpy as np

from tui.cache.container import CacheDamaged, Container
from tui.cache.pages import track
from tui.cache.helpers import map_on_cores, spare_cores
from tui.cache.writer import ContainerWriter
from tui.model import Paper, Problem
from tui.store.base import PaperText
from tui.store.identity import title_hash_input

__all__ = ["ShardWriter", "Shard", "key_hash", "value_hash", "KIND"]

KIND = "shard"
_FIELD = "\x1f"
_ITEM = "\x1e"
_JSON_ROW = "\x00"
"""Marks a row stored as JSON because a field holds a separator (never seen in cleaned
text, but the cache must give back exactly what was read, whatever it was)."""
_ENCODING = ("utf-8", "surrogatepass")
_COPY_BYTES = 16 << 20
"""Abstracts copied at a time from a part of a file (see :meth:`ShardWriter.extend`)."""
_SPLIT_BYTES = 32 << 20
"""A blob from this size is checked on every core (a single big file's shard is most of a
big store's warm open otherwise)."""


def key_hash(key: str) -> int:
    """The 64-bit hash of a stable key used for sorting and merging (same on every run)."""
    return int.from_bytes(blake2b(key.encode(*_ENCODING), digest_size=8).digest(), "little")


def value_hash(value: str) -> int:
    """The 64-bit hash of a DOI or normalised title; 0 stands for none (never a hash)."""
    return (key_hash(value) or 1) if value else 0


def _encode_row(paper: Paper, name: str) -> bytes:
    """The short fields of ``paper`` as one row (the source relative to the file name)."""
    source = paper.source
    relative = source.startswith(name) and source[len(name):len(name) + 1] == ":"
    source = ("r" + source[len(name):]) if relative else ("a" + source)
    year = "" if paper.year is None else str(paper.year)
    authors, categories, extra = paper.authors, paper.categories, paper.fields
    fields = (paper.title, year, paper.venue, paper.doi, paper.arxiv, paper.url,
              paper.date, paper.citekey, paper.entry_type, source)
    text = _FIELD.join((fields[0], _ITEM.join(authors), *fields[1:], _ITEM.join(categories),
                        _ITEM.join(f"{name}={value}" for name, value in extra)))
    # Counting the separators in the joined row tells in one pass whether any field holds
    # one (checking each field apart was a sixth of parsing a big store).
    items = max(len(authors) - 1, 0) + max(len(categories) - 1, 0) + max(len(extra) - 1, 0)
    simple = (text.count(_FIELD) == 12 and text.count(_ITEM) == items
              and not text.startswith(_JSON_ROW) and isinstance(paper.year, (int, type(None)))
              and "" not in authors and "" not in categories
              and all(name and "=" not in name for name, _ in extra))
    if not simple:
        text = _JSON_ROW + json.dumps([fields[0], list(authors), *fields[1:], list(categories),
                                       [list(pair) for pair in extra]], ensure_ascii=False)
    return text.encode(*_ENCODING)


def _decode_row(key: str, row: bytes, abstract: str, name: str) -> Paper:
    text = row.decode(*_ENCODING)
    if text.startswith(_JSON_ROW):
        parts: list[Any] = json.loads(text[1:])
        if len(parts) != 13:
            raise CacheDamaged("a cached paper has the wrong number of fields")
        authors, categories = tuple(parts[1]), tuple(parts[11])
        extra = tuple((str(n), str(v)) for n, v in parts[12])
    else:
        parts = text.split(_FIELD)
        if len(parts) != 13:
            raise CacheDamaged("a cached paper has the wrong number of fields")
        authors = tuple(parts[1].split(_ITEM)) if parts[1] else ()
        categories = tuple(parts[11].split(_ITEM)) if parts[11] else ()
        extra = tuple((name, value) for name, _, value in
                      (item.partition("=") for item in parts[12].split(_ITEM))) if parts[12] else ()
    title, _, year, venue, doi, arxiv, url, date, citekey, entry_type, source, _, _ = parts
    source = (name + source[1:]) if source[:1] == "r" else source[1:]
    return Paper(key=key, title=title, authors=authors, year=int(year) if year else None,
                 venue=venue, abstract=abstract, doi=doi, arxiv=arxiv, url=url,
                 categories=categories, date=date, citekey=citekey, entry_type=entry_type,
                 source=source, fields=extra)


def _decode_text(row: bytes, abstract: str) -> PaperText:
    """What indexing reads of a row: :func:`_decode_row` without the key, the links or
    the other fields, and no Paper made."""
    text = row.decode(*_ENCODING)
    if text.startswith(_JSON_ROW):
        return PaperText.of(_decode_row("", row, abstract, ""))
    parts = text.split(_FIELD)
    if len(parts) != 13:
        raise CacheDamaged("a cached paper has the wrong number of fields")
    authors, year, categories = parts[1], parts[2], parts[11]
    return PaperText(parts[0], tuple(authors.split(_ITEM)) if authors else (), abstract,
                     parts[3], int(year) if year else None, parts[7],
                     tuple(categories.split(_ITEM)) if categories else ())


class ShardWriter:
    """Collects a file's papers and problems as they are read, then writes the shard.

    Rows and keys are kept in memory (about 250 bytes a paper); abstracts, the bulk,
    stream straight into the cache file."""

    def __init__(self, path: Path, name: str, meta: dict[str, Any]) -> None:
        self.name = name
        self._out = ContainerWriter(path, KIND)
        self._out.meta.update(meta, name=name)
        self._abstracts = self._out.blob("abstracts")
        # bytearrays and arrays of ints, not lists of objects: a million small bytes
        # objects would cost 40 bytes each on top of their text.
        self._abstract_ends = array("Q")
        self._rows = bytearray()
        self._row_ends = array("Q")
        self._keys = bytearray()
        self._key_ends = array("Q")
        self._hashes = array("Q")
        self._doi_hashes = array("Q")
        self._title_hashes = array("Q")

    def add(self, paper: Paper) -> None:
        """Append one paper, as read."""
        key = paper.key.encode(*_ENCODING)
        self._keys += key
        self._key_ends.append(len(self._keys))
        self._hashes.append(int.from_bytes(blake2b(key, digest_size=8).digest(), "little"))
        self._doi_hashes.append(value_hash(paper.doi.lower()))
        self._title_hashes.append(value_hash(title_hash_input(paper)))
        self._rows += _encode_row(paper, self.name)
        self._row_ends.append(len(self._rows))
        self._abstracts.write(paper.abstract.encode(*_ENCODING))
        self._abstract_ends.append(self._abstracts.length)

    def __len__(self) -> int:
        return len(self._key_ends)

    def extend(self, part: "Shard") -> None:
        """Append every paper of ``part``, a shard of the rest of the same file (read by
        another process under the same name, see :mod:`tui.store.split_parse`), as they
        are: rows, keys, hashes and abstracts are copied, never decoded."""
        def ends(offsets: np.ndarray, base: int) -> bytes:
            return (offsets[1:].astype(np.uint64) + np.uint64(base)).tobytes()

        self._key_ends.frombytes(ends(part._key_offsets, len(self._keys)))
        self._keys += part._keys
        for mine, theirs in ((self._hashes, part.key_hash), (self._doi_hashes, part.doi_hash),
                             (self._title_hashes, part.title_hash)):
            mine.frombytes(theirs.astype(np.uint64).tobytes())
        self._row_ends.frombytes(ends(part._row_offsets, len(self._rows)))
        for start in range(0, part._rows.length, _COPY_BYTES):
            self._rows += part._rows.read(start, min(start + _COPY_BYTES, part._rows.length))
        self._abstract_ends.frombytes(ends(part._abstract_offsets, self._abstracts.length))
        for start in range(0, part._abstracts.length, _COPY_BYTES):
            self._abstracts.write(part._abstracts.read(
                start, min(start + _COPY_BYTES, part._abstracts.length)))

    def commit(self, complete: bool, problems: list[Problem], unlisted: int = 0) -> None:
        """Write everything out and move the file into place; ``complete`` is False when
        the read was cut short by the system (the shard is then not reused); ``unlisted``:
        problems counted but not in ``problems`` (a part of a file, see :meth:`extend`)."""
        out = self._out
        out.meta.update(count=len(self), complete=complete,
                        problems=[[p.line, p.message] for p in problems])
        if unlisted:
            out.meta["unlisted"] = unlisted
        out.array("abstract_offsets", _offsets(self._abstract_ends))
        out.blob("rows").write(self._rows)
        out.array("row_offsets", _offsets(self._row_ends))
        out.array("keys", np.frombuffer(self._keys, dtype=np.uint8))
        out.array("key_offsets", _offsets(self._key_ends))
        hashes = np.frombuffer(self._hashes, dtype=np.uint64)
        out.array("key_hash", hashes)
        out.array("key_order", np.argsort(hashes, kind="stable").astype(np.uint32))
        out.array("doi_hash", np.frombuffer(self._doi_hashes, dtype=np.uint64))
        out.array("title_hash", np.frombuffer(self._title_hashes, dtype=np.uint64))
        out.commit()
        self._rows, self._keys = bytearray(), bytearray()

    def abort(self) -> None:
        """Drop the shard being written."""
        self._out.abort()


def _offsets(ends: array[int]) -> np.ndarray:
    """``[0, *ends]`` in the smallest unsigned type that holds them."""
    last = ends[-1] if ends else 0
    dtype = np.uint32 if last < 2**32 else np.uint64
    offsets = np.zeros(len(ends) + 1, dtype=dtype)
    offsets[1:] = np.frombuffer(ends, dtype=np.uint64)
    return offsets


class Shard:
    """A cached file's papers, read on demand."""

    def __init__(self, path: Path, name: str, *, checked: bool = True) -> None:
        """Open the shard at ``path``; ``name`` is the file name to use in sources and
        problems (the file may have been opened under another name before). ``checked``:
        every byte of its texts is checked now (see :meth:`check_texts`); unchecked, each
        paper read checks the blocks it touches, and :meth:`close` lets the file go."""
        box = Container(path, KIND)
        self.path = path
        self.meta = box.meta
        self.name = name
        self.count = int(self.meta.get("count", -1))
        self.key_hash = box.array("key_hash")
        """The 64-bit hash of each paper's key, in reading order..."""
        self.key_order = box.array("key_order").astype(np.int64)
        """...and the rows in ascending hash order (stable), for merging and lookups."""
        self.doi_hash = box.array("doi_hash")
        """The hash of each record's DOI (0: none)..."""
        self.title_hash = box.array("title_hash")
        """...and of its normalised title (0: untitled), to find records that may be one."""
        self._keys = box.array("keys").tobytes()
        self._key_offsets = box.array("key_offsets").astype(np.int64)
        self._row_offsets = box.array("row_offsets").astype(np.int64)
        self._abstract_offsets = box.array("abstract_offsets").astype(np.int64)
        self._rows = box.blob("rows")
        self._abstracts = box.blob("abstracts")
        self._box: Container | None = box
        track(box)  # pages read (details, a walk) are given back with the index's
        if checked:
            try:
                self.check_texts()
            finally:
                self.close()  # from now on everything comes from the mapping, no descriptor held
        n = self.count
        if not (len(self.key_hash) == len(self.key_order) == len(self.doi_hash)
                == len(self.title_hash) == n and len(self._key_offsets) == len(self._row_offsets)
                == len(self._abstract_offsets) == n + 1):
            raise CacheDamaged(f"{path.name}: column lengths disagree")
        for offsets, length in ((self._key_offsets, len(self._keys)),
                                (self._row_offsets, self._rows.length),
                                (self._abstract_offsets, self._abstracts.length)):
            if offsets[0] != 0 or offsets[-1] != length or np.any(np.diff(offsets) < 0):
                raise CacheDamaged(f"{path.name}: offsets out of order")
        if n and (self.key_order.min() < 0 or self.key_order.max() >= n):
            raise CacheDamaged(f"{path.name}: key order out of range")
        # Memoryviews give plain ints, several times cheaper per paper than numpy scalars.
        self._key_ends = memoryview(self._key_offsets)  # type: ignore[arg-type]  # numpy arrays are buffers
        self._row_ends = memoryview(self._row_offsets)  # type: ignore[arg-type]
        self._abstract_ends = memoryview(self._abstract_offsets)  # type: ignore[arg-type]

    def check_texts(self) -> None:
        """Check every block of the records and abstracts now (CRC-32 of every byte, on all
        cores): damage anywhere means parsing the file again at open, never a failure
        later, while someone reads. Raises CacheDamaged."""
        blobs = (self._rows, self._abstracts)
        cores = spare_cores() + 1
        parts = [(blob, *part) for blob in blobs
                 for part in blob.parts(cores if blob.length >= _SPLIT_BYTES else 1)]
        map_on_cores(lambda part: part[0].check_blocks(part[1], part[2]), parts)

    def close(self) -> None:
        """Let go of the file's descriptor (papers already read stay usable)."""
        if self._box is not None:
            self._box.close()
            self._box = None

    @property
    def problems(self) -> list[Problem]:
        """The problems found when the file was read."""
        return [Problem(self.name, line, message) for line, message in self.meta.get("problems", [])]

    def key(self, row: int) -> str:
        """The stable key of the paper at ``row``."""
        return self._keys[self._key_ends[row]:self._key_ends[row + 1]].decode(*_ENCODING)

    def paper(self, row: int, *, once: bool = False) -> Paper:
        """The paper at ``row``, with its abstract; ``once``: for a pass over many papers,
        which gives the file's pages back as it goes (see :meth:`papers`)."""
        rows, abstracts = self._row_ends, self._abstract_ends
        read_row = self._rows.read_once if once else self._rows.read
        read_abstract = self._abstracts.read_once if once else self._abstracts.read
        return _decode_row(
            self.key(row), read_row(rows[row], rows[row + 1]),
            read_abstract(abstracts[row], abstracts[row + 1]).decode(*_ENCODING), self.name)

    def paper_without_abstract(self, row: int) -> Paper:
        """The paper at ``row`` but its abstract: what deciding identity needs of a titled
        paper, read without touching the abstracts (most of a store's bytes)."""
        rows = self._row_ends
        return _decode_row(self.key(row), self._rows.read(rows[row], rows[row + 1]), "", self.name)

    def papers(self, start: int, stop: int, rows: np.ndarray | None = None) -> Iterator[Paper]:
        """Papers ``start..stop`` (or only ``rows``, ascending within that range), read in
        one go per field: the way to walk many papers. The file's pages are given back
        once read, so a walk over the whole store keeps no more of it resident than this
        range's copy."""
        for row, data, abstract in self._rows_between(start, stop, rows):
            yield _decode_row(self.key(row), data, abstract, self.name)

    def texts(self, start: int, stop: int, rows: np.ndarray | None = None) -> Iterator[PaperText]:
        """What indexing reads of the papers :meth:`papers` gives."""
        for _, data, abstract in self._rows_between(start, stop, rows):
            yield _decode_text(data, abstract)

    def _rows_between(self, start: int, stop: int, rows: np.ndarray | None
                      ) -> Iterator[tuple[int, bytes, str]]:
        """Each row number, its row's bytes and its abstract, as :meth:`papers` reads them."""
        if start >= stop:
            return
        row_base, abstract_base = int(self._row_offsets[start]), int(self._abstract_offsets[start])
        row_data = self._rows.read_once(row_base, int(self._row_offsets[stop]))
        abstract_data = self._abstracts.read_once(abstract_base, int(self._abstract_offsets[stop]))
        row_ends = (self._row_offsets[start:stop + 1] - row_base).tolist()
        abstract_ends = (self._abstract_offsets[start:stop + 1] - abstract_base).tolist()
        wanted = range(start, stop) if rows is None else rows.tolist()
        for row in wanted:
            i = row - start
            abstract = abstract_data[abstract_ends[i]:abstract_ends[i + 1]].decode(*_ENCODING)
            yield row, row_data[row_ends[i]:row_ends[i + 1]], abstract
