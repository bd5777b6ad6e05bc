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
on both cores (:mod:`tui.search.parallel`). Stores that are not cached (small ones) are
indexed in memory each time: that takes well under a second for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from tui.cache import prune, segment_path_for
from tui.search import SearchEngine
from tui.search.building import build_index
from tui.search.index import SearchIndex, Segment
from tui.search.parallel import build_segments
from tui.search.segment_cache import load_segment
from tui.search.segments import AnyIndex, SegmentedIndex

__all__ = ["open_engine", "load_index", "segment_paths", "Plan"]

Plan = list[tuple[int, int, str]]
"""``(start, stop, digest)`` of each segment of a store, in order."""


def _plan(store: Any) -> Plan | None:
    """The store's segments, or None when it is not a cached store."""
    make = getattr(store, "segment_plan", None)
    if make is None or not getattr(store, "signature", None):
        return None
    plan: Plan = make()
    return plan


def segment_paths(store: Any) -> list[Path]:
    """Where the segments of ``store``'s index are cached (none: not a cached store)."""
    return [segment_path_for(digest) for _, _, digest in _plan(store) or []]


def load_index(store: Any) -> AnyIndex | None:
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


def open_engine(store: Any, *, progress: Callable[[int, int], None] | None = None) -> SearchEngine:
    """A search engine over ``store``: its cached segments where there are, new segments
    for the rest (saved for next time when the store is cached)."""
    plan = _plan(store)
    if plan is None:
        return SearchEngine(store, progress=progress)
    total = plan[-1][1] if plan else 0
    found: dict[int, SearchIndex] = {}
    missing = []
    for number, (start, stop, digest) in enumerate(plan):
        index = load_segment(digest, stop - start)
        if index is None:
            missing.append(number)
        else:
            found[number] = index
    if missing:
        found.update(build_segments(store, [(n, *plan[n]) for n in missing], total, progress))
        prune()
    segments = [Segment(plan[n][0], found[n]) for n in range(len(plan))]
    return SearchEngine(store, index=_joined(segments))
