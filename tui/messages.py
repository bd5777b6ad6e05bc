"""Messages that travel between several parts of the reader.

A message that only one widget emits lives on that widget (``PaperList.Highlighted``,
``SearchBar.Changed``); the ones here cross from workers or the app to the main screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the engine loads after the first screen, in a worker
    from tui.loader import LoadStep
    from tui.search import ResultSet, SearchEngine
    from tui.search.scan import ScanResults
    from tui.store import PaperStore

__all__ = ["SearchFinished", "SearchFailed", "AnnotationsChanged", "EngineReady", "PapersRead",
           "LoadProgress", "LoadFailed"]


@dataclass
class SearchFinished(Message):
    """A search worker finished; the screen shows ``result`` if it is still the latest."""

    generation: int
    """Which search this answers; older generations are dropped as stale."""
    query: str
    """The full query that ran (filters and typed text together), for the log."""
    result: ResultSet | ScanResults
    """The papers found, best first (a scan's partial answer before the index is ready)."""
    seconds: float
    """How long the engine took, logged for people chasing slowness."""


@dataclass
class SearchFailed(Message):
    """The query could not be run; ``reason`` is one sentence for the person."""

    generation: int
    """Which search failed; a failure of an older one is not shown."""
    reason: str


@dataclass
class EngineReady(Message):
    """The search engine finished building (or loading) its index in a worker."""

    engine: SearchEngine


@dataclass
class PapersRead(Message):
    """A store being opened has papers to show: the first ones read, or all of them."""

    store: PaperStore
    """The first papers while reading, then the whole store."""


@dataclass
class LoadProgress(Message):
    """How far opening the store is."""

    step: LoadStep


@dataclass
class LoadFailed(Message):
    """The store could not be read or indexed; the reader stays open and says why."""

    reason: str
    """What went wrong, in the words of the error."""


@dataclass
class AnnotationsChanged(Message):
    """Stars, tags, notes or states of these papers changed (here or in another instance)."""

    keys: tuple[str, ...]
    """Stable keys of the papers that changed; empty means "anything may have changed"."""
