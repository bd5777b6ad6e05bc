"""A query typed before the index is ready, answered from the papers read so far.

The engine takes seconds to index a new big store; a person who types meanwhile must
see matching papers, not the whole store under their query. Until the engine is ready
the screen hands each query (and each bigger batch of papers read) to
:class:`EarlySearch`, which scans the papers in a thread worker
(:func:`tui.search.scan.scan`) and posts ``SearchFinished`` with a
:class:`~tui.search.scan.ScanResults`, which the header marks as partial. The engine's
answer replaces it once indexing ends.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Callable

from textual.dom import DOMNode
from textual.timer import Timer
from textual.worker import get_current_worker

from tui.messages import SearchFinished
from tui.model import Annotation
from tui.query import parse_query
from tui.search.scan import ScanResults, scan
from tui.store import PaperStore

__all__ = ["EarlySearch", "RESCAN_EVERY"]

RESCAN_EVERY = 1.0
"""Seconds between two scans as more papers are read: each one reads every paper so far."""


class EarlySearch:
    """Scans for the screen's query while the store is read and indexed."""

    def __init__(self, host: DOMNode) -> None:
        """``host``: the screen that runs the worker and hears ``SearchFinished``."""
        self._host = host
        self._last = 0.0
        self._timer: Timer | None = None

    def run(self, store: PaperStore, text: str, generation: int,
            annotations: Mapping[str, Annotation] | None = None) -> None:
        """Scan ``store`` for ``text`` in a worker (cancelling a running scan); the host
        hears ``SearchFinished`` with ``generation``. ``annotations``: the view's, so that
        ``is:``, ``tag:``, ``has:`` and ``note:`` (the Inbox view's own) are checked."""
        self._last = time.monotonic()
        self._host.run_worker(lambda: self._scan(store, text, generation, annotations),
                              thread=True, exclusive=True, group="early-search",
                              exit_on_error=False)

    def more_papers(self, rescan: Callable[[], object]) -> None:
        """More papers were read: ``rescan`` now, or once :data:`RESCAN_EVERY` has passed
        since the last scan (so the last batch is always scanned)."""
        wait = RESCAN_EVERY - (time.monotonic() - self._last)
        if wait <= 0:
            rescan()
        elif self._timer is None:
            def later() -> None:
                self._timer = None
                rescan()
            self._timer = self._host.set_timer(wait, later)

    def _scan(self, store: PaperStore, text: str, generation: int,
              annotations: Mapping[str, Annotation] | None) -> None:
        worker = get_current_worker()
        started = time.perf_counter()
        positions = scan(store, parse_query(text), cancel=lambda: worker.is_cancelled,
                         annotations=annotations)
        if not worker.is_cancelled:
            self._host.post_message(SearchFinished(
                generation, text, ScanResults(store, positions, text),
                time.perf_counter() - started))
