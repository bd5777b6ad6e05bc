"""Messages that travel between several parts of the reader.

A message that only one widget emits lives on that widget (``PaperList.Highlighted``,
``SearchBar.Changed``); the ones here cross from workers or screens to the main screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

__all__ = ["SearchFinished", "SearchFailed", "AnnotationsChanged", "EngineReady", "PapersRead",
           "LoadProgress"]


@dataclass
class SearchFinished(Message):
    """A search worker finished; the screen shows ``result`` if it is still the latest."""

    generation: int
    """Which search this answers; older generations are dropped as stale."""
    query: str
    """The full query that ran (filters and typed text together)."""
    result: Any
    """The engine's ResultSet."""
    seconds: float
    """How long the engine took, shown in the log for people chasing slowness."""


@dataclass
class SearchFailed(Message):
    """The query could not be run; ``reason`` is one sentence for the person."""

    generation: int
    reason: str


@dataclass
class EngineReady(Message):
    """The search engine finished building its index in a worker."""

    engine: Any


@dataclass
class PapersRead(Message):
    """A store being opened has papers to show: the first ones read, or all of them."""

    store: Any
    """A Store: the first papers while reading, then the whole store."""


@dataclass
class LoadProgress(Message):
    """How far opening the store is (a ``tui.loader.LoadStep``)."""

    step: Any


@dataclass
class AnnotationsChanged(Message):
    """Stars, tags, notes or states of these papers changed (here or in another instance)."""

    keys: tuple[str, ...]
    """Stable keys of the papers that changed; empty means "anything may have changed"."""
