"""The search index of a cached store, saved next to its shards and reused.

Building the index of a million papers takes about a minute; loading it back takes well
under a second. The index file is named after the store's signature (each file's path,
size, times, inode and a hash of samples of its bytes, and the reader code) and the
indexing code, and records that signature, so any change to the files or the code makes a new index and an index
file swapped in from another store is never used; a damaged file is rebuilt (see
:mod:`tui.cache.container`). Stores that are not cached (small ones) are indexed in memory
each time: that takes well under a second for them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

from tui.cache import CacheDamaged, Container, ContainerWriter, index_path_for, prune
from tui.search import SearchEngine
from tui.search.index import SearchIndex

__all__ = ["open_engine", "load_index", "save_index", "index_path"]

log = logging.getLogger(__name__)

KIND = "index"


def index_path(store: Any) -> Path | None:
    """Where the index of ``store`` is cached (None: the store is not a cached one)."""
    signature = getattr(store, "signature", None)
    if not signature:
        return None
    return index_path_for(signature)


def load_index(store: Any) -> SearchIndex | None:
    """The cached index of ``store``, checked, or None when there is none usable."""
    where = index_path(store)
    if where is None:
        return None
    try:
        box = Container(where, KIND)
        if box.meta.get("signature") != store.signature:
            # Another store's index under this name (files swapped or copied in): its
            # paper count may even agree, so only the signature tells.
            raise CacheDamaged("made for other files")
        if box.meta.get("n_docs") != len(store):
            raise CacheDamaged("paper count differs from the store's")
        try:
            index = SearchIndex.from_arrays(box.arrays())
        finally:
            box.close()
        if index.n_docs != len(store) or len(index.title_offsets) != len(store) + 1:
            raise CacheDamaged("index arrays do not fit the store")
        for name in ("title", "authors", "abstract"):
            if len(index.field(name).offsets) != len(index.vocab) + 1:
                raise CacheDamaged(f"{name} postings do not fit the vocabulary")
    except FileNotFoundError:
        return None
    except (CacheDamaged, OSError, ValueError, KeyError, UnicodeDecodeError) as error:
        log.info("index cache of %s not used: %s", getattr(store, "label", store), error)
        return None
    try:
        os.utime(where)  # remembered as recently used, so pruning keeps it
    except OSError:
        pass
    return index


def save_index(store: Any, index: SearchIndex) -> bool:
    """Cache the index of ``store``; False when it could not be written (disk full,
    read-only cache folder): the next start then indexes again, nothing worse."""
    where = index_path(store)
    if where is None:
        return False
    try:
        with ContainerWriter(where, KIND) as out:
            out.meta["n_docs"] = index.n_docs
            out.meta["signature"] = store.signature
            for name, values in index.to_arrays().items():
                out.array(name, values)
    except OSError as error:
        log.warning("the search index could not be cached: %s", error)
        return False
    prune()
    return True


def open_engine(store: Any, *, progress: Callable[[int, int], None] | None = None) -> SearchEngine:
    """A search engine over ``store``: its cached index when there is one, else a new
    index (saved for next time when the store is cached)."""
    index = load_index(store)
    if index is not None:
        return SearchEngine(store, index=index)
    engine = SearchEngine(store, progress=progress)
    save_index(store, engine.index)
    return engine
