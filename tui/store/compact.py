"""CompactStore: the Store interface over cached shards, for stores of any size.

Nothing per paper lives in Python objects: the merge of the files (which record is which
paper, and which later records fill its gaps) is a few numpy arrays worked out from the
key hashes, and a Paper is made from its shard each time it is asked for. A million
papers cost about 40 bytes each in memory; their text stays in the cache files.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tui.cache.container import CacheDamaged
from tui.model import Paper, Problem
from tui.store.base import merge_papers
from tui.store.shard import Shard, key_hash

__all__ = ["CompactStore", "MergeMap", "KeyCollision"]

_CHUNK = 4096
"""Papers read in one go when walking the store."""


class KeyCollision(Exception):
    """Two different keys share a 64-bit hash (never seen; the store opens uncached)."""


@dataclass(frozen=True)
class MergeMap:
    """Which records (numbered across the shards in reading order) make which paper.

    A paper is its first record with its empty fields filled from its later records, as
    :func:`tui.store.merge_papers` does; papers are in order of first appearance."""

    n_docs: int
    doc_record: np.ndarray | None
    """First record of each paper; None when every record is its own paper."""
    extra_docs: np.ndarray
    """Papers with later records (ascending, repeated per record)..."""
    extra_records: np.ndarray
    """...and those records, in reading order per paper."""
    sorted_hashes: np.ndarray
    """Key hashes of the papers, ascending, for lookups by key..."""
    sorted_docs: np.ndarray
    """...and the paper each belongs to."""

    @classmethod
    def build(cls, sorted_runs: list[tuple[np.ndarray, np.ndarray]]) -> "MergeMap":
        """From each shard's ``(hashes sorted, rows in that order)``, in reading order."""
        starts = np.cumsum([0] + [len(h) for h, _ in sorted_runs])
        hashes = np.concatenate([h for h, _ in sorted_runs] or [np.zeros(0, np.uint64)])
        records = np.concatenate([rows.astype(np.int64) + start
                                  for (_, rows), start in zip(sorted_runs, starts)]
                                 or [np.zeros(0, np.int64)])
        if len(sorted_runs) > 1:
            # Each run is sorted already; a stable sort merges them and keeps equal keys
            # in reading order, so the first of each group is where the paper first appears.
            order = np.argsort(hashes, kind="stable")
            hashes, records = hashes[order], records[order]
            del order
        if len(hashes) > 1 and np.any(hashes[1:] < hashes[:-1]):
            raise CacheDamaged("key hashes out of order")
        first = np.ones(len(hashes), dtype=bool)
        first[1:] = hashes[1:] != hashes[:-1]
        if first.all():  # no key twice: every record is a paper, in the same order
            return cls(len(hashes), None, np.zeros(0, np.int64), np.zeros(0, np.int64),
                       hashes, records)
        group = np.cumsum(first) - 1
        primary = records[first]
        # Papers are numbered in order of their first record: a running count over the
        # records marked as first does it without sorting.
        is_primary = np.zeros(len(records), dtype=bool)
        is_primary[primary] = True
        doc_record = np.flatnonzero(is_primary)
        group_doc = (np.cumsum(is_primary) - 1)[primary]
        del is_primary
        extra = np.flatnonzero(~first)
        extra_records = records[extra]
        extra_docs = group_doc[group[extra]]
        order = np.lexsort((extra_records, extra_docs))
        return cls(len(doc_record), doc_record, extra_docs[order], extra_records[order],
                   hashes[first], group_doc)


class CompactPapers(Sequence[Paper]):
    """The papers of a CompactStore, made on access."""

    def __init__(self, store: "CompactStore") -> None:
        self._store = store

    def __len__(self) -> int:
        return self._store.merge.n_docs

    def __getitem__(self, index: int | slice) -> Any:  # one paper, or a list for a slice
        if isinstance(index, slice):
            return [self._store.paper(i) for i in range(*index.indices(len(self)))]
        return self._store.paper(index)

    def __iter__(self) -> Iterator[Paper]:
        return self._store.walk()


class CompactStore:
    """Papers of cached shards merged by key, in reading order: a
    :class:`tui.store.base.PaperStore` whose papers are made from the cache on access."""

    def __init__(self, shards: list[Shard], *, paths: tuple[Path, ...], label: str,
                 problems: list[Problem], source_counts: dict[str, int],
                 signature: str) -> None:
        self.paths = paths
        self.label = label
        self.problems = problems
        self.source_counts = source_counts
        self.signature: str | None = signature
        """Names the exact contents (each file's path, size and time): the index cache key."""
        self.shards = shards
        self._starts = np.cumsum([0] + [s.count for s in shards]).tolist()
        self.merge = MergeMap.build([(s.key_hash[s.key_order], s.key_order) for s in shards])
        self._check_merged_keys()
        self._papers: CompactPapers = CompactPapers(self)

    def _check_merged_keys(self) -> None:
        """Records merged into one paper must really share the key, not just its hash."""
        merge = self.merge
        for doc, record in zip(merge.extra_docs.tolist(), merge.extra_records.tolist()):
            if self._key_of_record(record) != self._key_of_record(self._record_of(doc)):
                raise KeyCollision(self._key_of_record(record))

    # -- records ------------------------------------------------------------------------

    def _locate(self, record: int) -> tuple[Shard, int]:
        if len(self.shards) == 1:
            return self.shards[0], record
        starts = self._starts
        lo, hi = 0, len(self.shards)
        while hi - lo > 1:  # bisect without importing it per call
            mid = (lo + hi) // 2
            if starts[mid] <= record:
                lo = mid
            else:
                hi = mid
        return self.shards[lo], record - starts[lo]

    def _record_of(self, doc: int) -> int:
        doc_record = self.merge.doc_record
        return doc if doc_record is None else int(doc_record[doc])

    def _key_of_record(self, record: int) -> str:
        shard, row = self._locate(record)
        return shard.key(row)

    def _extras(self, doc: int) -> list[int]:
        docs = self.merge.extra_docs
        if not len(docs):
            return []
        lo, hi = np.searchsorted(docs, [doc, doc + 1])
        records: list[int] = self.merge.extra_records[lo:hi].tolist()
        return records

    def paper(self, index: int) -> Paper:
        """The paper at position ``index`` (negative counts from the end)."""
        n = self.merge.n_docs
        index = int(index)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("paper index out of range")
        shard, row = self._locate(self._record_of(index))
        paper = shard.paper(row)
        for record in self._extras(index):
            later, later_row = self._locate(record)
            paper = merge_papers(paper, later.paper(later_row))
        return paper

    def walk(self, start: int = 0, stop: int | None = None) -> Iterator[Paper]:
        """Papers ``start..stop`` in order, read a few thousand at a time."""
        n = self.merge.n_docs
        stop = n if stop is None else min(stop, n)
        doc_record = self.merge.doc_record
        merged = len(self.merge.extra_docs) > 0
        for lo in range(start, stop, _CHUNK):
            hi = min(lo + _CHUNK, stop)
            records = np.arange(lo, hi) if doc_record is None else doc_record[lo:hi]
            papers: list[Paper] = []
            for shard_no, shard in enumerate(self.shards):
                base = self._starts[shard_no]
                inside = records[(records >= base) & (records < base + shard.count)] - base
                if len(inside):
                    first, last = int(inside[0]), int(inside[-1]) + 1
                    contiguous = last - first == len(inside)
                    papers.extend(shard.papers(first, last, None if contiguous else inside))
            if merged:
                extra_docs, extra_records = self.merge.extra_docs, self.merge.extra_records
                first, last = np.searchsorted(extra_docs, [lo, hi])
                for doc, record in zip(extra_docs[first:last].tolist(),
                                       extra_records[first:last].tolist()):
                    later, row = self._locate(record)
                    papers[doc - lo] = merge_papers(papers[doc - lo], later.paper(row))
            yield from papers

    # -- the PaperStore protocol ------------------------------------------------------------

    @property
    def papers(self) -> Sequence[Paper]:
        """All papers, merged, in reading order (made on access)."""
        return self._papers

    def __len__(self) -> int:
        return self.merge.n_docs

    def __iter__(self) -> Iterator[Paper]:
        return self.walk()

    def __getitem__(self, index: int) -> Paper:
        return self.paper(index)

    def index_of(self, key: str) -> int | None:
        """The position of the paper with this stable key, or None."""
        hashes = self.merge.sorted_hashes
        value = np.uint64(key_hash(key))
        pos = int(np.searchsorted(hashes, value))
        if pos == len(hashes) or hashes[pos] != value:
            return None
        doc = int(self.merge.sorted_docs[pos])
        return doc if self._key_of_record(self._record_of(doc)) == key else None

    def indices_of(self, keys: Sequence[str]) -> np.ndarray:
        """Positions of many keys at once (-1 for a key not in the store)."""
        hashes = self.merge.sorted_hashes
        wanted = np.fromiter((key_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
        pos = np.minimum(np.searchsorted(hashes, wanted), max(len(hashes) - 1, 0))
        found = np.full(len(keys), -1, dtype=np.int64)
        if not len(hashes):
            return found
        hit = np.flatnonzero(hashes[pos] == wanted)
        docs = self.merge.sorted_docs[pos[hit]]
        for i, doc in zip(hit.tolist(), docs.tolist()):
            if self._key_of_record(self._record_of(doc)) == keys[i]:
                found[i] = doc
        return found

    def get(self, key: str) -> Paper | None:
        """The paper with this stable key, or None."""
        index = self.index_of(key)
        return None if index is None else self.paper(index)

    def __repr__(self) -> str:
        return (f"CompactStore({self.label!r}, {len(self)} papers, {len(self.shards)} files, "
                f"{len(self.problems)} problems)")
