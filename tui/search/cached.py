"""The search index of a cached store: one segment per file, saved and reused.

Indexing a million papers takes about a minute; loading them back takes well under a
second. A cached store is indexed in segments (see
:meth:`tui.store.compact.CompactStore.segment_plan`): one per file, or per chunk of a big
file, each named after a digest of exactly the papers it holds (the file's version, which
records start a paper, what merged into them) and the indexing code, and each recording
that digest, so a segment made for other papers is never used and a damaged one is
rebuilt (see :mod:`tui.cache.container`). Adding, changing or removing a file indexes only
the segments whose papers changed: the first search after adding a day's listing to a
million papers indexes that listing alone. Missing segments of a big store are indexed
on both cores (:mod:`tui.search.parallel`); runs of small segments (daily listings) are
merged in the background (:func:`merge_small_segments`). Stores that are not cached
(small ones) are indexed in memory each time: that takes well under a second for them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from tui.cache import prune, segment_path_for
from tui.cache.helpers import map_on_cores
from tui.search import SearchEngine
from tui.search.building import build_index
from tui.search.index import SearchIndex, Segment
from tui.search.parallel import build_segments
from tui.search.segment_cache import files_of, load_segment, save_segment
from tui.search.segments import AnyIndex, SegmentedIndex, merge_indexes
from tui.store.base import CachedPaperStore, PaperStore

__all__ = ["open_engine", "load_index", "segment_paths", "merge_small_segments", "tiers", "Plan",
           "SMALL"]

Plan = list[tuple[int, int, str]]
"""``(start, stop, digest)`` of each segment of a store, in order."""


def _plan(store: PaperStore) -> Plan | None:
    """The store's segments, or None when it is not a cached store."""
    if not isinstance(store, CachedPaperStore) or not store.signature:
        return None
    return store.segment_plan()


def segment_paths(store: PaperStore) -> list[Path]:
    """Where the segments of ``store``'s index are cached (none: not a cached store)."""
    return [segment_path_for(digest) for _, _, digest in _plan(store) or []]


def load_index(store: PaperStore) -> AnyIndex | None:
    """The cached index of ``store`` when every segment of it is cached, else None."""
    plan = _plan(store)
    if plan is None:
        return None
    segments = []
    for start, stop, digest in plan:
        index = load_segment(digest, stop - start)
        if index is None:
            return None
        segments.append(Segment(start, index))
    return _joined(segments)


def _joined(segments: list[Segment]) -> AnyIndex:
    if len(segments) == 1:
        return segments[0].index
    return SegmentedIndex(segments) if segments else build_index([])


SMALL = 16_384
"""Segments with fewer papers than this (a day's listing) are merged with their
neighbours in the background, so a year of daily files stays a few dozen segments."""
TIER = 8
"""About how many small segments are merged into one."""


def tiers(plan: Plan) -> list[Plan]:
    """The plan in runs merged together: a big segment alone, consecutive small ones in
    runs ending after a segment whose digest says so (one in :data:`TIER`). Decided by
    content, not position, so a file added at the end changes only the last run."""
    runs: list[Plan] = []
    run: Plan = []
    for entry in plan:
        start, stop, digest = entry
        if stop - start >= SMALL:
            runs += [run, [entry]] if run else [[entry]]
            run = []
            continue
        run.append(entry)
        if int(digest[:8], 16) % TIER == 0:
            runs.append(run)
            run = []
    return runs + [run] if run else runs


def _merged_digest(run: Plan) -> str:
    return hashlib.sha1("+".join(digest for _, _, digest in run).encode()).hexdigest()[:32]


def merge_small_segments(store: PaperStore) -> int:
    """Merge each run of small cached segments (see :func:`tiers`) into one cached
    segment, used by the next open instead of them. Meant for a background thread once
    the store is searchable; returns how many merged segments were written."""
    written = 0
    for run in tiers(_plan(store) or []):
        start, digest = run[0][0], _merged_digest(run)
        if len(run) < 2 or segment_path_for(digest).exists():
            continue
        members = [load_segment(d, b - a) for a, b, d in run]
        if all(m is not None for m in members):
            merged = merge_indexes([Segment(a - start, m) for (a, _, _), m in zip(run, members)
                                    if m is not None])
            written += save_segment(digest, merged, files_of(store, [a for a, _, _ in run]))
    return written


def open_engine(store: PaperStore, *, progress: Callable[[int, int], None] | None = None) -> SearchEngine:
    """A search engine over ``store``: its cached segments where there are (a run of
    small ones merged when it has been), new segments for the rest (saved for next time
    when the store is cached)."""
    plan = _plan(store)
    if plan is None:
        return SearchEngine(store, progress=progress)
    total = plan[-1][1] if plan else 0
    units: Plan = []
    found: dict[int, SearchIndex] = {}
    for run in tiers(plan):
        if len(run) > 1:
            start, stop = run[0][0], run[-1][1]
            merged = load_segment(_merged_digest(run), stop - start)
            if merged is not None:
                found[len(units)] = merged
                units.append((start, stop, ""))
                continue
        units.extend(run)
    missing = []
    wanted = [number for number in range(len(units)) if number not in found]
    # Loading a segment is mostly reading and checking its arrays: on all cores.
    loaded = map_on_cores(lambda n: load_segment(units[n][2], units[n][1] - units[n][0]), wanted)
    for number, index in zip(wanted, loaded):
        if index is None:
            missing.append(number)
        else:
            found[number] = index
    if missing:
        found.update(build_segments(store, [(n, *units[n]) for n in missing], total, progress))
        prune()
    segments = [Segment(units[n][0], found[n]) for n in range(len(units))]
    return SearchEngine(store, index=_joined(segments))
