"""One index segment in the cache: saved, checked when loaded, built from the store.

See :mod:`tui.search.cached` for how a store's index is cut into segments.
"""

from __future__ import annotations

import logging
import os
from typing import Callable

from tui.cache import CacheDamaged, Container, ContainerWriter, segment_path_for
from tui.cache.pages import track
from tui.search.building import build_index
from tui.search.index import SearchIndex
from tui.store.base import CachedPaperStore, PaperStore

__all__ = ["load_segment", "save_segment", "build_segment", "index_segment", "files_of"]

log = logging.getLogger(__name__)

KIND = "segment"


def load_segment(digest: str, n_docs: int) -> SearchIndex | None:
    """The cached segment named ``digest``, checked to hold ``n_docs`` papers, or None."""
    where = segment_path_for(digest)
    try:
        box = Container(where, KIND)
        if box.meta.get("digest") != digest:
            # Another segment under this name (files swapped or copied in).
            raise CacheDamaged("made for other papers")
        if box.meta.get("n_docs") != n_docs:
            raise CacheDamaged("paper count differs from the store's")
        try:
            index = SearchIndex.from_arrays(box.arrays())
        finally:
            box.close()
        track(box)  # its pages are given back once searching pauses
        if index.n_docs != n_docs or len(index.title_offsets) != n_docs + 1:
            raise CacheDamaged("index arrays do not fit the store")
        for name in ("title", "authors", "abstract"):
            if len(index.field(name).offsets) != len(index.vocab) + 1:
                raise CacheDamaged(f"{name} postings do not fit the vocabulary")
    except FileNotFoundError:
        return None
    except (CacheDamaged, OSError, ValueError, KeyError, UnicodeDecodeError) as error:
        log.info("index segment %s not used: %s", where.name, error)
        return None
    try:
        os.utime(where)  # remembered as recently used, so pruning keeps it
    except OSError:
        pass
    return index


def save_segment(digest: str, index: SearchIndex, files: list[str]) -> bool:
    """Cache one segment; False when it could not be written (disk full, read-only cache
    folder): the next start then indexes it again, nothing worse."""
    try:
        with ContainerWriter(segment_path_for(digest), KIND) as out:
            out.meta.update(n_docs=index.n_docs, digest=digest, files=files)
            for name, values in index.to_arrays().items():
                out.array(name, values)
    except OSError as error:
        log.warning("the search index could not be cached: %s", error)
        return False
    return True


def files_of(store: PaperStore, starts: list[int]) -> list[str]:
    """The files the segments starting at papers ``starts`` come from (recorded in a
    segment, so that forgetting a file forgets its segments)."""
    if not isinstance(store, CachedPaperStore):
        return []
    return sorted({store.file_of(doc) for doc in starts if doc < len(store)})


def index_segment(store: PaperStore, start: int, stop: int, digest: str,
                  progress: Callable[[int, int], None] | None = None) -> tuple[SearchIndex, bool]:
    """Index papers ``start..stop`` of ``store`` and cache them as the segment ``digest``:
    the index built, and whether it was saved."""
    papers = (store.walk_texts(start, stop) if isinstance(store, CachedPaperStore)
              else store.papers[start:stop])
    index = build_index(papers, progress=progress)
    return index, save_segment(digest, index, files_of(store, [start]))


def build_segment(store: PaperStore, start: int, stop: int, digest: str,
                  progress: Callable[[int, int], None] | None = None) -> SearchIndex:
    """Index papers ``start..stop`` of ``store``, cache them as the segment ``digest``, and
    return the segment as saved, memory-mapped from the cache as a warm open has it (the
    built one if it could not be saved or read back). The arrays just built are let go:
    a first open ends holding what a later open holds, not the built index as well as
    the cache's pages that searching touches."""
    index, saved = index_segment(store, start, stop, digest, progress)
    reopened = load_segment(digest, index.n_docs) if saved else None
    return index if reopened is None else reopened
