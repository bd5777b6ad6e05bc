"""Runs the view's query in a thread worker and posts what it found.

Only the latest search counts: each one gets a generation number, a newer search cancels
the running one (the engine checks between steps), and the screen ignores an answer whose
generation is not the latest, so stale results never flash under a person's typing.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Literal, Mapping

from textual.dom import DOMNode
from textual.worker import get_current_worker

from tui.messages import SearchFailed, SearchFinished
from tui.model import Annotation

if TYPE_CHECKING:
    import numpy as np
    from textual.timer import Timer
    import numpy.typing as npt

    from tui.search import SearchEngine, Sort

__all__ = ["GIVE_BACK_ABOVE", "GIVE_BACK_AFTER", "Keep", "SearchRunner"]

GIVE_BACK_AFTER = 2.0
"""Seconds without a new search after which the index pages it read are given back."""
GIVE_BACK_ABOVE = 512 << 20
"""Bytes of file pages past which they are given back as soon as an answer lands."""

Keep = Literal["top", "paper", "paper-once-touched"]
"""Where the cursor goes when a search's answer lands: on the first paper; on the paper
under the cursor *when the answer lands* (the person may have moved, or a key moved on,
while the search ran); or on that paper only once the person has pressed a key or put the
cursor off the first row (before that, an order that arrives by itself opens at its top)."""


class SearchRunner:
    """The screen's searches: one worker at a time, the latest answer only."""

    def __init__(self, host: DOMNode) -> None:
        """``host``: the screen that runs the worker and hears the messages."""
        self._host = host
        self.generation = 0
        """Counts searches started; only the latest one's answer is shown."""
        self._keep: Keep | None = None
        """Where the cursor goes when the running search's answer arrives (None: it did)."""
        self._give_back: Timer | None = None
        """Gives back the pages searching read once it has paused (None: nothing to do)."""

    def begin(self, keep: Keep) -> int:
        """A new search (or a wait for the engine): older answers are stale from now on."""
        self.generation += 1
        if self._give_back is not None:
            self._give_back.stop()
            self._give_back = None
        if keep == "paper" and self._keep == "paper-once-touched":
            keep = self._keep  # the order that arrives by itself has not landed yet
        self._keep = keep
        return self.generation

    def landed(self) -> Keep:
        """The latest search's answer is shown: where its cursor goes."""
        keep, self._keep = self._keep or "top", None
        # The index pages searching read are given back once it pauses, and at once when
        # they pass a budget (typing on, over millions of papers).
        self._give_back_pages(above=GIVE_BACK_ABOVE)
        if self._give_back is None:
            self._give_back = self._host.set_timer(GIVE_BACK_AFTER, self._give_back_pages)
        return keep

    def _give_back_pages(self, above: int = 0) -> None:
        """Give back the pages of the index files searching read (see
        :func:`tui.cache.pages.release_mapped_pages`), off the interface's thread."""
        if not above:
            self._give_back = None
        pages = sys.modules.get("tui.cache.pages")
        if pages is None:  # no cache file was ever mapped (a small store)
            return
        if above and pages.resident_file_bytes() <= above:
            return  # under the budget: no worker for each answer while typing
        self._host.run_worker(pages.release_mapped_pages, thread=True, group="give-back",
                              exclusive=True, exit_on_error=False)

    def is_latest(self, generation: int) -> bool:
        """True when an answer with ``generation`` belongs to the latest search."""
        return generation == self.generation

    def run(self, engine: SearchEngine, query: str, annotations: Mapping[str, Annotation],
            sort: Sort, for_you: npt.NDArray[np.float64] | None, reverse: bool = False) -> None:
        """Search in a worker; the host hears ``SearchFinished`` or ``SearchFailed``."""
        generation = self.generation
        self._host.run_worker(
            lambda: self._search(engine, generation, query, annotations, sort, for_you, reverse),
            thread=True, exclusive=True, group="search", exit_on_error=False)

    def _search(self, engine: SearchEngine, generation: int, query: str,
                annotations: Mapping[str, Annotation], sort: Sort,
                for_you: npt.NDArray[np.float64] | None, reverse: bool) -> None:
        from tui.search import SearchCancelled  # noqa: PLC0415 - loaded with the engine

        worker = get_current_worker()
        started = time.perf_counter()
        try:
            # cancel: the engine gives up as soon as a newer search makes this one stale
            result = engine.run(query, annotations=annotations, sort=sort,
                                cancel=lambda: worker.is_cancelled, for_you=for_you,
                                reverse=reverse)
        except SearchCancelled:
            return
        except Exception as exc:  # a QueryError is one sentence; anything else is shown too
            if not worker.is_cancelled:
                self._host.post_message(SearchFailed(generation, str(exc) or type(exc).__name__))
            return
        if not worker.is_cancelled:
            self._host.post_message(SearchFinished(generation, query, result,
                                                   time.perf_counter() - started))
