"""What a shard says, known without building it: the compact summary of a cache entry.

Opening 100,000 annotations builds 200,000 objects; a command about one paper, the
reader's counts and ``is:``/``tag:`` answers need far less. A read cache entry (see
:mod:`tui.userdata.readcache`) holds, besides the shard's records, a summary: the key,
star, triage state, tags and file of every annotation that says something, as columns
of plain tuples that load in a fraction of the time. A :class:`ShardSummary` keeps the
entry's records unbuilt until one of them is looked at, so the annotations a
:class:`ProfileView` hands out are always those of the very reading its summary came
from (never a mix of two readings of one file).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from tui.model import Annotation
from tui.userdata.format import shard_of
from tui.userdata.record import Record, new_annotation, new_record
from tui.userdata.storage import Signature

__all__ = ["Columns", "ProfileView", "ShardSummary", "columns_in", "columns_of", "summed_up"]

Columns = tuple[tuple[str, ...], bytes, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]
"""Keys, stars (one byte each), states, tags and sources, in the shard's order."""


def columns_of(records: Iterable[Record], share: Any = None) -> Columns:
    """The summary columns of a shard's records (blank ones are records, not annotations,
    and are left out). ``share(value)`` returns one object for equal values, so that
    marshal writes a repeated state, tag list or file name once."""
    keys, starred, states, tags, sources = _columns_of_annotations(r.annotation for r in records)
    one = share or (lambda value: value)
    return keys, starred, tuple(map(one, states)), tuple(map(one, tags)), tuple(map(one, sources))


def rows_to_records(rows: Iterable[tuple[Any, ...]]) -> dict[str, Record]:
    """The records of a cache entry's rows (see :meth:`ShardCache.store`)."""
    return {fields[0]: new_record(new_annotation(*fields), changed, {} if extra is None else extra)
            for fields, changed, extra in rows}


class ShardSummary:
    """One shard as a cache entry summed it up; its records are fetched when first wanted.

    ``signature`` is the shard file's as that reading saw it; ``fetch()`` returns that
    reading's records (from the cache entry, or from the file while it is still the
    same), or None when they are gone: :meth:`records` then raises LookupError. Safe to
    read from several threads: fetching twice at once gives two equal results.
    """

    __slots__ = ("stem", "signature", "keys", "starred", "states", "tags", "sources",
                 "_fetch", "_records", "_annotations", "_positions")

    def __init__(self, stem: str, signature: Signature, columns: Columns,
                 fetch: Callable[[], dict[str, Record] | None]) -> None:
        self.stem = stem
        self.signature = signature
        self.keys, self.starred, self.states, self.tags, self.sources = columns
        self._fetch = fetch
        self._records: dict[str, Record] | None = None
        self._annotations: dict[str, Annotation] | None = None
        self._positions: dict[str, int] | None = None

    def __contains__(self, key: object) -> bool:
        positions = self._positions
        if positions is None:
            positions = self._positions = dict(zip(self.keys, range(len(self.keys))))
        return key in positions

    def records(self) -> dict[str, Record]:
        """Every record of the shard (blank ones too), in its order, as that reading held."""
        records = self._records
        if records is None:
            records = self._fetch()
            if records is None:
                raise LookupError(f"the reading of shard {self.stem} that was summed up is gone")
            self._records = records
        return records

    def fetched(self) -> bool:
        """True when the records are at hand (fetched now if need be), False when gone."""
        try:
            self.records()
        except LookupError:
            return False
        return True

    def annotations(self) -> dict[str, Annotation]:
        """The annotations that say something, by key."""
        annotations = self._annotations
        if annotations is None:
            annotations = self._annotations = {
                key: record.annotation for key, record in self.records().items()
                if not record.annotation.is_blank}
        return annotations

    def columns(self) -> Columns:
        """Keys, stars, states, tags and sources of the shard's annotations."""
        return self.keys, self.starred, self.states, self.tags, self.sources


class ProfileView(Mapping[str, Annotation]):
    """Every annotation of a profile by key, read-only: the shards read so far as they are
    in memory, the others as their summaries have them. An annotation of a summed-up
    shard is built when first looked up; keys, stars, states, tags and files are known
    without building anything (:meth:`columns`)."""

    def __init__(self, read: Mapping[str, Annotation], summaries: Mapping[str, ShardSummary],
                 current: Callable[[str], Annotation | None] = lambda key: None) -> None:
        """``current(key)``: the annotation as it is now, for the rare one whose summed-up
        reading is gone (its file and its cache entry both changed since)."""
        self._read = read
        self._summaries = dict(summaries)
        self._current = current
        self._lock = threading.Lock()

    def _summary_of(self, key: str) -> ShardSummary | None:
        if not self._summaries:
            return None
        summary = self._summaries.get(shard_of(key))
        return summary if summary is not None and key in summary else None

    def __getitem__(self, key: str) -> Annotation:
        found = self._read.get(key)
        if found is not None:
            return found
        summary = self._summary_of(key)
        if summary is None:
            raise KeyError(key)
        try:
            with self._lock:  # built once, whichever thread asks first
                return summary.annotations()[key]
        except LookupError:  # as it is now; blank when it says nothing any more
            return self._current(key) or Annotation(key=key)

    def __contains__(self, key: object) -> bool:
        return key in self._read or (isinstance(key, str) and self._summary_of(key) is not None)

    def __iter__(self) -> Iterator[str]:
        return itertools.chain(self._read, *(s.keys for s in self._summaries.values()))

    def __len__(self) -> int:
        return len(self._read) + sum(len(s.keys) for s in self._summaries.values())

    def columns(self) -> Iterator[Columns]:
        """:data:`Columns` of every annotation, a part at a time, without building those
        not built yet."""
        if self._read:
            yield _columns_of_annotations(self._read.values())
        for summary in self._summaries.values():
            yield summary.columns()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]  # a mapping, compared by contents

    def __repr__(self) -> str:
        return f"ProfileView({len(self):,} annotations, {len(self._summaries)} shards summed up)"


def _columns_of_annotations(annotations: Iterable[Annotation]) -> Columns:
    said = [a for a in annotations if not a.is_blank]
    return (tuple(a.key for a in said), bytes(a.starred for a in said),
            tuple(a.state for a in said), tuple(a.tags for a in said),
            tuple(a.source for a in said))


def columns_in(annotations: Mapping[str, Annotation]) -> Iterator[Columns]:
    """:data:`Columns` of every annotation in ``annotations`` that says something, a part
    at a time: from the summaries for a :class:`ProfileView` (nothing built), else from
    the annotations."""
    if isinstance(annotations, ProfileView):
        return annotations.columns()
    return iter([_columns_of_annotations(annotations.values())])


def summed_up(annotations: Mapping[str, Annotation], *names: str) -> list[list[Any]]:
    """The columns ``names`` (``keys``, ``starred``, ``states``, ``tags``, ``sources``) of
    every annotation in ``annotations`` that says something, each as one list."""
    at = [_NAMES.index(name) for name in names]
    joined: list[list[Any]] = [[] for _ in names]
    for part in columns_in(annotations):
        for column, position in zip(joined, at):
            column.extend(part[position])
    return joined


_NAMES = ("keys", "starred", "states", "tags", "sources")
