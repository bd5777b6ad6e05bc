"""CompactStore: the Store interface over cached shards, for stores of any size.

Nothing per paper lives in Python objects: the merge of the files (which record is which
paper, and which later records fill its gaps) is a few numpy arrays worked out from the
key hashes, and a Paper is made from its shard each time it is asked for. A million
papers cost about 40 bytes each in memory; their text stays in the cache files.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from tui.model import Paper, Problem
from tui.store.base import PaperText, combine_records
from tui.store.identity import Merge, merge_order
from tui.store.merge_map import KeyCollision, MergeMap
from tui.store.shard import Shard, key_hash

T = TypeVar("T")

__all__ = ["CompactStore", "MergeMap", "KeyCollision", "KeptResolution", "Resolved", "SEGMENT_PAPERS"]

Resolved = tuple[list[list[int]], list[str], list[Merge]]
"""Groups of records that are one paper (ascending record numbers), each group's key, and
the merges that made them."""


@dataclass(frozen=True)
class KeptResolution:
    """A store's resolution as the cache keeps it: the merge map ready to use, the groups
    and merges read on demand (at a few million papers, making them Python objects costs
    most of a second that a warm open does not need)."""

    merge: MergeMap
    resolved: Callable[[], Resolved]

_CHUNK = 4096
"""Papers read in one go when walking the store."""
SEGMENT_PAPERS = 1 << 17
"""Most papers in one search index segment: a big file is indexed in several, so both
cores can index it and a segment stays quick to merge."""


def _linked(shared: np.ndarray, seeds: np.ndarray, columns: list[tuple[np.ndarray, bool]]
            ) -> np.ndarray:
    """Which of the ``shared`` records are linked to a ``seeds`` one through equal values
    of any column, however indirectly (``(values, skip_zero)``: 0 may mean none)."""
    reached = seeds.copy()
    while True:
        grown = reached.copy()
        for values, skip_zero in columns:
            mine = values[shared]
            found = mine[reached]
            grown |= np.isin(mine, found[found != 0] if skip_zero else found)
        if np.count_nonzero(grown) == np.count_nonzero(reached):
            return reached
        reached = grown


def _repeated(values: np.ndarray, *, skip_zero: bool) -> np.ndarray:
    """Positions of the values that occur more than once (0 ignored when ``skip_zero``)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    repeated = np.zeros(len(values), dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    if skip_zero:
        repeated &= ordered != 0
    return order[repeated]


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
    """Papers of cached shards merged by identity, in reading order: a
    :class:`tui.store.base.PaperStore` whose papers are made from the cache on access."""

    def __init__(self, shards: list[Shard], *, paths: tuple[Path, ...], label: str,
                 problems: list[Problem], source_counts: dict[str, int],
                 signature: str, resolved: "Resolved | KeptResolution | None" = None,
                 earlier: "tuple[Resolved, int] | None" = None) -> None:
        """``resolved`` is this store's resolution when known (cached, perhaps as kept with
        its merge map ready); else ``earlier``,
        the resolution of its first files alone and how many records those hold, lets
        only the records linked to the later files be resolved again."""
        self.paths = paths
        self.label = label
        self.problems = problems
        self.source_counts = source_counts
        self.signature: str | None = signature
        """Names the exact contents (each file's path, size and time): the index cache key."""
        self.shards = shards
        self._starts = np.cumsum([0] + [s.count for s in shards]).tolist()
        self._resolved: Resolved | None = None
        self._kept: Callable[[], Resolved] | None = None
        if isinstance(resolved, KeptResolution):
            self.merge = resolved.merge
            self._kept = resolved.resolved
        else:
            self._resolved = resolved if resolved is not None else self._resolve(earlier)
            groups, keys, _ = self._resolved
            self.merge = MergeMap.build(self._key_hashes(), groups, keys)
        self._papers: CompactPapers = CompactPapers(self)

    @property
    def resolved(self) -> Resolved:
        """Which records are one paper: the same for the same shards, so it is cached."""
        if self._resolved is None:
            assert self._kept is not None
            self._resolved = self._kept()
        return self._resolved

    @property
    def merges(self) -> list[Merge]:
        """Every record taken into a paper read before it (see :class:`Store`)."""
        return self.resolved[2]

    def _key_hashes(self) -> np.ndarray:
        return np.concatenate([s.key_hash for s in self.shards] or [np.zeros(0, np.uint64)])

    def _resolve(self, earlier: "tuple[Resolved, int] | None" = None) -> "Resolved":
        """Which records are one paper: only records sharing a key, a DOI or a title with
        another are read (a few, even in a big store) and put to the identity rule. With
        ``earlier`` (see :meth:`__init__`), only those linked to a later record are: the
        rule joins records through shared values only, so the others stay as they were."""
        empty = np.zeros(0, np.uint64)
        columns = [(self._key_hashes(), False),
                   (np.concatenate([s.doi_hash for s in self.shards] or [empty]), True),
                   (np.concatenate([s.title_hash for s in self.shards] or [empty]), True)]
        shared = np.unique(np.concatenate([_repeated(v, skip_zero=skip) for v, skip in columns]))
        if not len(shared):
            return [], [], []
        kept: list[tuple[list[int], str]] = []
        kept_merges: list[Merge] = []
        if earlier is not None:
            (old_groups, old_keys, old_merges), old_records = earlier
            linked = _linked(shared, shared >= old_records, columns)
            again = set(shared[linked].tolist())
            kept = [(g, k) for g, k in zip(old_groups, old_keys) if g[0] not in again]
            kept_merges = old_merges
            shared = shared[linked]
        from tui.store import resolve_parallel  # noqa: PLC0415 - only when records are shared

        if earlier is None:  # on both cores for a big store; the same answer either way
            return resolve_parallel.resolve_on_cores(self.shards, self._starts, shared, columns)
        records = resolve_parallel.read_records(self.shards, self._starts, shared.tolist())
        groups, keys, new_merges = resolve_parallel.resolved(records)
        sources = {paper.source for paper in records.values()}
        pairs = sorted(kept + list(zip(groups, keys)))
        merges = [m for m in kept_merges if m.merged not in sources] + new_merges
        return [g for g, _ in pairs], [k for _, k in pairs], sorted(merges, key=merge_order)

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

    def file_of(self, doc: int) -> str:
        """The resolved path of the file where paper ``doc`` was first read."""
        shard, _ = self._locate(self._record_of(doc))
        return str((shard.meta.get("source") or {}).get("path", shard.name))

    def _record_of(self, doc: int) -> int:
        doc_record = self.merge.doc_record
        return doc if doc_record is None else int(doc_record[doc])

    def _key_of_record(self, record: int) -> str:
        shard, row = self._locate(record)
        return shard.key(row)

    def _key_of_doc(self, doc: int) -> str:
        key = self.merge.doc_keys.get(doc)
        return key if key is not None else self._key_of_record(self._record_of(doc))

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
        return self._merged_paper(index, self._extras(index))

    def _merged_paper(self, index: int, extras: list[int], once: bool = False) -> Paper:
        """The paper at position ``index``, the records ``extras`` merged into it."""
        paper = self._record_paper(self._record_of(index), once)
        if extras:
            paper = combine_records([paper, *(self._record_paper(r, once) for r in extras)])
        return paper

    def _record_paper(self, record: int, once: bool = False) -> Paper:
        shard, row = self._locate(record)
        return shard.paper(row, once=once)

    def walk(self, start: int = 0, stop: int | None = None) -> Iterator[Paper]:
        """Papers ``start..stop`` in order, read a few thousand at a time."""
        for lo, papers in self._chunks(start, stop, Shard.papers):
            for doc, records in self._merged_between(lo, lo + len(papers)).items():
                papers[doc - lo] = combine_records(
                    [papers[doc - lo], *(self._record_paper(r, once=True) for r in records)])
            yield from papers
            del papers  # before the next chunk is read: one chunk in memory, not two

    def walk_texts(self, start: int = 0, stop: int | None = None) -> Iterator[PaperText]:
        """What indexing reads of papers ``start..stop``, in order, a third of the cost
        of :meth:`walk` (no whole papers are made)."""
        for lo, texts in self._chunks(start, stop, Shard.texts):
            for doc, records in self._merged_between(lo, lo + len(texts)).items():
                texts[doc - lo] = PaperText.of(self._merged_paper(doc, records, once=True))
            yield from texts
            del texts  # before the next chunk is read: one chunk in memory, not two

    def _chunks(self, start: int, stop: int | None,
                read: Callable[[Shard, int, int, np.ndarray | None], Iterator[T]]
                ) -> Iterator[tuple[int, list[T]]]:
        """``(first position, what read gives of each record)`` for the records first
        read of positions ``start..stop``, a few thousand at a time."""
        n = self.merge.n_docs
        stop = n if stop is None else min(stop, n)
        doc_record = self.merge.doc_record
        for lo in range(start, stop, _CHUNK):
            hi = min(lo + _CHUNK, stop)
            records = np.arange(lo, hi) if doc_record is None else doc_record[lo:hi]
            items: list[T] = []
            for shard_no, shard in enumerate(self.shards):
                base = self._starts[shard_no]
                inside = records[(records >= base) & (records < base + shard.count)] - base
                if len(inside):
                    first, last = int(inside[0]), int(inside[-1]) + 1
                    contiguous = last - first == len(inside)
                    items.extend(read(shard, first, last, None if contiguous else inside))
            yield lo, items

    def _merged_between(self, lo: int, hi: int) -> dict[int, list[int]]:
        """Positions ``lo..hi`` that other records were merged into, with those records."""
        extra_docs, extra_records = self.merge.extra_docs, self.merge.extra_records
        if not len(extra_docs):
            return {}
        first, last = np.searchsorted(extra_docs, [lo, hi])
        later: dict[int, list[int]] = {}
        for doc, record in zip(extra_docs[first:last].tolist(), extra_records[first:last].tolist()):
            later.setdefault(doc, []).append(record)
        return later

    def segment_plan(self, most: int | None = None) -> list[tuple[int, int, str]]:
        """How the search index is cut into segments: ``(start, stop, digest)`` per run of
        papers first read in one file (at most ``most`` papers each, a file's of equal size). The digest names
        exactly what the papers are: the file's version, which of its records start a
        paper, and every record merged into one of them from anywhere; a segment whose
        digest is unchanged needs no indexing again (see :mod:`tui.search.cached`)."""
        most = most or SEGMENT_PAPERS
        doc_record = self.merge.doc_record
        extra_docs, extra_records = self.merge.extra_docs, self.merge.extra_records
        sources = [json.dumps(s.meta.get("source"), sort_keys=True) for s in self.shards]
        plan: list[tuple[int, int, str]] = []
        for number, shard in enumerate(self.shards):
            base = self._starts[number]
            if doc_record is None:
                first, last = base, base + shard.count
            else:
                first, last = np.searchsorted(doc_record, [base, base + shard.count]).tolist()
            # As few segments as fit, of equal size: the last of a big file is not a
            # small remainder, so two cores indexing its segments end together.
            count = -(-(last - first) // most)  # none for a file all of whose papers merged
            cuts = [first + (last - first) * part // count for part in range(count + 1)] if count else []
            for lo, hi in zip(cuts, cuts[1:]):
                digest = blake2b(sources[number].encode("utf-8", "surrogatepass"), digest_size=16)
                records = np.arange(lo, hi) if doc_record is None else doc_record[lo:hi]
                digest.update((records - base).astype(np.int64).tobytes())
                a, b = np.searchsorted(extra_docs, [lo, hi]).tolist()
                for doc, record in zip(extra_docs[a:b].tolist(), extra_records[a:b].tolist()):
                    owner = bisect_right(self._starts, record) - 1
                    digest.update(f"{doc - lo}:{record - self._starts[owner]}:{sources[owner]}"
                                  .encode("utf-8", "surrogatepass"))
                plan.append((lo, hi, digest.hexdigest()))
        return plan

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
        return doc if self._key_of_doc(doc) == key else None

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
            if self._key_of_doc(doc) == keys[i]:
                found[i] = doc
        return found

    def get(self, key: str) -> Paper | None:
        """The paper with this stable key, or None."""
        index = self.index_of(key)
        return None if index is None else self.paper(index)

    def __repr__(self) -> str:
        return (f"CompactStore({self.label!r}, {len(self)} papers, {len(self.shards)} files, "
                f"{len(self.problems)} problems)")
