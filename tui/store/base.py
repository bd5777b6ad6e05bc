"""What every paper store is: the :class:`PaperStore` protocol, the in-memory
:class:`Store`, and how two records of one paper are merged.

Two stores implement the protocol: :class:`Store`, a list in memory for small stores, and
:class:`tui.store.compact.CompactStore` over the on-disk cache for big ones. The search
engine, the reader and the command line see only the protocol.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

# typing_extensions' Protocol checks isinstance as Python 3.12 does, without calling the
# properties it declares: on 3.11 a check would work out a big store's merges (a second).
from typing_extensions import Protocol, runtime_checkable

from tui.model import Paper, Problem, with_key
from tui.store.identity import Merge, resolve, shared_records, title_hash_input

if TYPE_CHECKING:  # numpy loads only where arrays are made: a small store never needs it
    import numpy as np
    import numpy.typing as npt

__all__ = ["PaperStore", "CachedPaperStore", "Store", "docs_of_keys", "merge_papers", "combine_records",
           "merge_records", "ProgressCallback"]

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read so far, total bytes of all files)."""


@runtime_checkable
class PaperStore(Protocol):
    """Papers read from one or more files, merged by key, in reading order; read-only."""

    paths: tuple[Path, ...]
    """What was opened: the files and folders as given."""
    label: str
    """A short human name: "sample", a file or folder name."""
    problems: list[Problem]
    """Everything wrong in the input, each with file and line."""
    source_counts: dict[str, int]
    """File to the number of papers read from it, before merging."""
    @property
    def merges(self) -> list[Merge]:
        """Every record taken into a paper read before it, and why (same DOI, same title...)."""
        ...

    signature: str | None
    """Names the exact contents when the store came through the cache (the key of its
    cached search index); None for a store read into memory."""

    @property
    def papers(self) -> Sequence[Paper]:
        """All papers, merged, in reading order."""
        ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Paper]: ...

    def __getitem__(self, index: int) -> Paper: ...

    def get(self, key: str) -> Paper | None:
        """The paper with this stable key, or None."""
        ...

    def index_of(self, key: str) -> int | None:
        """The position of the paper with this stable key, or None."""
        ...

    def indices_of(self, keys: Sequence[str]) -> npt.NDArray[np.int64]:
        """Positions of many keys at once (-1 for a key not in the store)."""
        ...



class PaperText(NamedTuple):
    """What the search index reads of a paper (:mod:`tui.search.building`): a cached
    store's walk for indexing gives these, a third of the cost of whole papers."""

    title: str
    authors: tuple[str, ...]
    abstract: str
    venue: str
    year: int | None
    date: str
    categories: tuple[str, ...]

    @classmethod
    def of(cls, paper: Paper) -> PaperText:
        """The text of a whole paper."""
        return cls(paper.title, paper.authors, paper.abstract, paper.venue, paper.year,
                   paper.date, paper.categories)


@runtime_checkable
class CachedPaperStore(PaperStore, Protocol):
    """A store read through the cache (:class:`tui.store.compact.CompactStore`): what the
    search index's segments need besides the papers. Declared here so the engine asks
    ``isinstance(store, CachedPaperStore)`` rather than probing for attributes."""

    def file_of(self, doc: int) -> str:
        """The resolved path of the file where paper ``doc`` was first read."""
        ...

    def walk(self, start: int = 0, stop: int | None = None) -> Iterator[Paper]:
        """Papers ``start..stop`` in order, read a chunk at a time."""
        ...

    def walk_texts(self, start: int = 0, stop: int | None = None) -> Iterator[PaperText]:
        """What indexing reads of papers ``start..stop``, in order."""
        ...

    def segment_plan(self, most: int | None = None) -> list[tuple[int, int, str]]:
        """``(start, stop, digest)`` of each segment of the search index, in order."""
        ...


class Store:
    """Papers read from one or more files, merged, in reading order.

    A plain list inside; :class:`tui.store.compact.CompactStore` implements the same
    :class:`PaperStore` protocol over the on-disk cache for big stores."""

    def __init__(self, papers: list[Paper], *, paths: tuple[Path, ...] = (), label: str = "",
                 problems: list[Problem] | None = None,
                 source_counts: dict[str, int] | None = None,
                 merges: list[Merge] | None = None) -> None:
        self.paths = paths
        """What was opened: the files and folders as given."""
        self.label = label
        """A short human name: "sample", a file or folder name."""
        self.problems: list[Problem] = problems if problems is not None else []
        """Everything wrong in the input, each with file and line."""
        self.source_counts: dict[str, int] = source_counts if source_counts is not None else {}
        """File to the number of papers read from it, before merging."""
        self.merges: list[Merge] = merges if merges is not None else []
        """Every record taken into a paper read before it (same DOI, same title...)."""
        self.signature: str | None = None
        """Always None: a store in memory has no cached index."""
        self._papers = papers
        self._index = {paper.key: i for i, paper in enumerate(papers)}

    @property
    def papers(self) -> Sequence[Paper]:
        """All papers, merged, in reading order."""
        return self._papers

    def __len__(self) -> int:
        return len(self._papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._papers)

    def __getitem__(self, index: int) -> Paper:
        return self._papers[index]

    def get(self, key: str) -> Paper | None:
        """The paper with this stable key, or None."""
        index = self._index.get(key)
        return None if index is None else self._papers[index]

    def index_of(self, key: str) -> int | None:
        """The position of the paper with this stable key, or None."""
        return self._index.get(key)

    def indices_of(self, keys: Sequence[str]) -> npt.NDArray[np.int64]:
        """Positions of many keys at once (-1 for a key not in the store)."""
        import numpy as np  # noqa: PLC0415

        index = self._index
        return np.fromiter((index.get(key, -1) for key in keys), dtype=np.int64, count=len(keys))

    def positions(self, keys: Sequence[str]) -> dict[str, int]:
        """The position of each of ``keys`` that is a paper here, in the order of ``keys``
        (without numpy: a year of annotations of other papers costs one set of keys)."""
        index = self._index
        if len(keys) > len(index):
            present = set(keys).intersection(index)
            if len(present) <= 4:  # put in order by a few scans at C speed, not a loop over all
                return {key: index[key] for key in sorted(present, key=keys.index)}
            return {key: index[key] for key in keys if key in present}
        return {key: index[key] for key in keys if key in index}

    def __repr__(self) -> str:
        return f"Store({self.label!r}, {len(self)} papers, {len(self.problems)} problems)"


def docs_of_keys(store: PaperStore, keys: Sequence[str]) -> dict[str, int]:
    """The position of each of ``keys`` that is a paper of ``store``, in the order of
    ``keys``: a store in memory looks them up in its own dict, another all at once."""
    if isinstance(store, Store):
        return store.positions(keys)
    found = store.indices_of(keys).tolist()
    return {key: doc for key, doc in zip(keys, found) if doc >= 0}



_FIELDS = [f.name for f in dataclasses.fields(Paper) if f.name not in ("key", "source", "fields")]


def merge_papers(first: Paper, later: Paper) -> Paper:
    """``first`` with its empty fields filled from ``later`` (the same paper); its key
    is still ``first``'s (:func:`combine_records` gives the merged paper its own)."""
    gaps = {name: getattr(later, name) for name in _FIELDS
            if not getattr(first, name) and getattr(later, name)}
    if later.fields:
        have = {name for name, _ in first.fields}
        extra = tuple((name, value) for name, value in later.fields if name not in have)
        if extra:
            gaps["fields"] = first.fields + extra
    return dataclasses.replace(first, **gaps) if gaps else first


def combine_records(records: list[Paper]) -> Paper:
    """One paper from the records of one paper, in reading order, keyed by what it holds."""
    paper = records[0]
    for later in records[1:]:
        paper = merge_papers(paper, later)
    return with_key(paper)


def merge_records(records: list[Paper]) -> tuple[list[Paper], list[Merge]]:
    """The papers that ``records`` (in reading order) make, in order of first appearance,
    and the merges that made them."""
    shared = shared_records([p.key for p in records], [p.doi.lower() for p in records],
                            [title_hash_input(p) for p in records])
    if not shared:
        return records, []
    resolution = resolve({r: records[r] for r in shared}, combine_records)
    papers: list[Paper | None] = list(records)
    for group in resolution.groups:
        papers[group[0]] = combine_records([records[r] for r in group])
        for record in group[1:]:
            papers[record] = None
    return [p for p in papers if p is not None], resolution.merges
