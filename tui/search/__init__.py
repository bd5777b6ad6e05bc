"""Search: :class:`SearchEngine` (in :mod:`tui.search.engine`) and what goes with it.

The engine, the index and numpy load on first use, not with the package: the reader's
first screen, the early scan (:mod:`tui.search.scan`) and the sort orders
(:mod:`tui.search.sorts`) need none of them, and numpy alone is a tenth of a second of
every start. ``from tui.search import SearchEngine`` works as ever.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tui.search.sorts import SORT_HELP, SORTS, Sort, next_sort

if TYPE_CHECKING:
    from tui.search.building import build_index
    from tui.search.engine import SearchCancelled, SearchEngine
    from tui.search.index import SearchIndex
    from tui.search.likeness import SIMILAR_LIMIT
    from tui.search.result import ResultSet
    from tui.search.segments import SegmentedIndex

__all__ = ["SearchEngine", "ResultSet", "SearchCancelled", "SearchIndex", "SegmentedIndex",
           "build_index", "SORTS", "SORT_HELP", "Sort", "next_sort", "SIMILAR_LIMIT"]

_LOADED_ON_USE = {
    "SearchEngine": "tui.search.engine", "SearchCancelled": "tui.search.engine",
    "ResultSet": "tui.search.result", "SearchIndex": "tui.search.index",
    "SegmentedIndex": "tui.search.segments", "build_index": "tui.search.building",
    "SIMILAR_LIMIT": "tui.search.likeness",
}


def __getattr__(name: str) -> Any:
    """Load the engine's names the first time one is asked for."""
    module = _LOADED_ON_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
