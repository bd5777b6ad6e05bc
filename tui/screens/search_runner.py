"""Runs the view's query in a thread worker and posts what it found.

Only the latest search counts: each one gets a generation number, a newer search cancels
the running one (the engine checks between steps), and the screen ignores an answer whose
generation is not the latest, so stale results never flash under a person's typing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal, Mapping

from textual.dom import DOMNode
from textual.worker import get_current_worker

from tui.messages import SearchFailed, SearchFinished
from tui.model import Annotation

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from tui.search import SearchEngine, Sort

__all__ = ["Keep", "SearchRunner"]

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

    def begin(self, keep: Keep) -> int:
        """A new search (or a wait for the engine): older answers are stale from now on."""
        self.generation += 1
        if keep == "paper" and self._keep == "paper-once-touched":
            keep = self._keep  # the order that arrives by itself has not landed yet
        self._keep = keep
        return self.generation

    def landed(self) -> Keep:
        """The latest search's answer is shown: where its cursor goes."""
        keep, self._keep = self._keep or "top", None
        return keep

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
