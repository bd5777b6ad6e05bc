"""MergeMap: which records of a store's files make which paper, as a few numpy arrays.

Worked out from the records' key hashes and the groups identity made (see
:mod:`tui.store.compact`), and kept in the cache with the store's resolution: at a few
million papers, building it again costs about a second of a warm open (sorting every key
hash), reading it back a few milliseconds. What is read back is checked as well as it
can be without the shards' text: a map that does not fit the store is never used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui.store.shard import key_hash

__all__ = ["MergeMap", "KeyCollision", "MAP_ARRAYS"]

MAP_ARRAYS = ("doc_record", "extra_docs", "extra_records", "sorted_hashes", "sorted_docs",
              "keyed_docs")
"""The arrays a map is kept as (``doc_record`` empty when every record is its own paper)."""


class KeyCollision(Exception):
    """Two different keys share a 64-bit hash (never seen; the store opens uncached)."""


@dataclass(frozen=True)
class MergeMap:
    """Which records (numbered across the shards in reading order) make which paper.

    A paper is its first record with its empty fields filled from its later records, as
    :func:`tui.store.combine_records` does; papers are in order of first appearance."""

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
    doc_keys: dict[int, str]
    """The key of each paper made of several records (it may be none of theirs: a record
    without a DOI merged into one with a DOI makes a ``doi:`` paper)."""

    @classmethod
    def build(cls, key_hashes: np.ndarray, groups: list[list[int]],
              group_keys: list[str]) -> "MergeMap":
        """From every record's key hash (reading order) and the groups of records that are
        one paper (ascending record numbers), with each group's key."""
        n = len(key_hashes)
        if not groups:
            order = np.argsort(key_hashes, kind="stable")
            return cls._checked(n, None, np.zeros(0, np.int64), np.zeros(0, np.int64),
                                key_hashes[order], order, {})
        owner = np.arange(n, dtype=np.int64)
        firsts = np.array([g[0] for g in groups], dtype=np.int64)
        for group in groups:
            owner[group[1:]] = group[0]
        is_primary = owner == np.arange(n)
        doc_record = np.flatnonzero(is_primary)
        doc_of_record = np.cumsum(is_primary) - 1  # valid at primary records
        extra_records = np.flatnonzero(~is_primary)
        extra_docs = doc_of_record[owner[extra_records]]
        order = np.lexsort((extra_records, extra_docs))
        doc_hashes = key_hashes[doc_record].copy()
        group_docs = doc_of_record[firsts].tolist()
        doc_keys = dict(zip(group_docs, group_keys))
        doc_hashes[group_docs] = [key_hash(key) for key in group_keys]
        by_hash = np.argsort(doc_hashes, kind="stable")
        return cls._checked(len(doc_record), doc_record, extra_docs[order], extra_records[order],
                            doc_hashes[by_hash], by_hash, doc_keys)

    @classmethod
    def _checked(cls, n_docs: int, doc_record: np.ndarray | None, extra_docs: np.ndarray,
                 extra_records: np.ndarray, sorted_hashes: np.ndarray, sorted_docs: np.ndarray,
                 doc_keys: dict[int, str]) -> "MergeMap":
        if len(sorted_hashes) > 1 and np.any(sorted_hashes[1:] == sorted_hashes[:-1]):
            # Identity gives each paper its own key, so two equal hashes are two keys
            # sharing a hash: lookups by key could not tell them apart.
            raise KeyCollision("two papers share a key hash")
        return cls(n_docs, doc_record, extra_docs, extra_records, sorted_hashes, sorted_docs,
                   doc_keys)

    def arrays(self) -> dict[str, np.ndarray]:
        """The map as arrays to keep (see :data:`MAP_ARRAYS`); the keys of the papers of
        several records go with them, in the order of ``keyed_docs``, as :meth:`kept_keys`."""
        return {
            "doc_record": (np.zeros(0, np.int64) if self.doc_record is None
                           else self.doc_record.astype(np.int64)),
            "extra_docs": self.extra_docs.astype(np.int64),
            "extra_records": self.extra_records.astype(np.int64),
            "sorted_hashes": self.sorted_hashes.astype(np.uint64),
            "sorted_docs": self.sorted_docs.astype(np.int64),
            "keyed_docs": np.fromiter(self.doc_keys, dtype=np.int64, count=len(self.doc_keys)),
        }

    def kept_keys(self) -> list[str]:
        """The keys of :attr:`doc_keys`, in the order :meth:`arrays` keeps their papers."""
        return list(self.doc_keys.values())

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], keys: list[str], records: int
                    ) -> "MergeMap | None":
        """The map kept as :meth:`arrays` and :meth:`kept_keys` for a store of ``records``
        records, or None when it cannot be this store's (wrong sizes, out of range, out of
        order): the caller then works it out again."""
        try:
            doc_record, extra_docs, extra_records, hashes, docs, keyed = (
                np.asarray(arrays[name]) for name in MAP_ARRAYS)
        except KeyError:
            return None
        n_docs = len(docs)
        every = not len(doc_record)
        if (len(hashes) != n_docs or len(extra_docs) != len(extra_records)
                or n_docs + len(extra_records) != records or len(keyed) != len(keys)
                or (every and (len(extra_records) or n_docs != records))
                or (not every and len(doc_record) != n_docs)):
            return None
        if n_docs:
            # Lookups bisect the hashes and trust the docs they give: both must hold.
            if np.any(hashes[1:] <= hashes[:-1]) or docs.min() < 0 or docs.max() >= n_docs:
                return None
            if np.count_nonzero(np.bincount(docs, minlength=n_docs)) != n_docs:
                return None
        if not every and n_docs and (doc_record[0] < 0 or doc_record[-1] >= records
                                     or np.any(np.diff(doc_record) <= 0)):
            return None
        if len(extra_docs) and (extra_docs.min() < 0 or extra_docs.max() >= n_docs
                                or extra_records.min() < 0 or extra_records.max() >= records
                                or np.any(np.diff(extra_docs) < 0)):
            return None
        if len(keyed) and (keyed.min() < 0 or keyed.max() >= n_docs):
            return None
        return cls(n_docs, None if every else doc_record.astype(np.int64),
                   extra_docs.astype(np.int64), extra_records.astype(np.int64),
                   hashes.astype(np.uint64), docs.astype(np.int64),
                   dict(zip(keyed.tolist(), keys)))
