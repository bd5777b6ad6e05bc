"""Opening the store while the main screen is already up (MainScreen's loading half).

A big store opened for the first time takes minutes to read and index. The screen shows
the first papers as soon as they are read, then the whole store (browsable, triageable),
then searches once the index is ready, with a progress bar throughout. The work happens
in :class:`tui.loader.StoreLoader` in a thread worker; this half turns its reports into
messages and the messages into what the screen shows.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from tui.loader import BrowseResults, LoadCancelled, LoadStep
from tui.messages import EngineReady, LoadProgress, PapersRead

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["StoreLoading"]

log = logging.getLogger(__name__)

_PHASES = {"reading": "Reading", "indexing": "Indexing", "ready": "Ready"}


class StoreLoading:
    """Mixin for MainScreen: runs a StoreLoader and shows what it has so far."""

    loading: bool = False
    """True while the store is being read or indexed."""

    def start_loading(self: "MainScreen", loader: Any) -> None:
        """Open the store of ``loader`` in a worker; papers appear as they are read."""
        self.loading = True
        self.add_class("-loading")
        self.paper_list.empty_message = f"Opening {self.store.label}…"
        self._load(loader)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self: "MainScreen", loader: Any) -> None:
        worker = get_current_worker()
        try:
            _, engine = loader.load(on_step=lambda step: self.post_message(LoadProgress(step)),
                                    on_papers=lambda store: self.post_message(PapersRead(store)),
                                    cancel=lambda: worker.is_cancelled)
        except LoadCancelled:
            return
        except Exception as exc:  # the reader stays open and says why
            log.exception("opening the store failed")
            self.app.call_from_thread(self._engine_failed, exc)
            return
        self.post_message(EngineReady(engine))

    # Handlers by name, not @on: Textual collects @on handlers only from its own classes.
    def on_papers_read(self: "MainScreen", message: PapersRead) -> None:
        """More papers (or all of them): browse them until the engine can search."""
        self.use_store(message.store)

    def use_store(self: "MainScreen", store: Any) -> None:
        """Show ``store``'s papers in order, the cursor staying where it was."""
        self.store = store
        # The same Triage, recounted: changes made while loading can still be undone.
        self.triage.store = store
        self.triage.recount()
        if self.engine is None:
            rank = self.paper_list.cursor
            self.result = BrowseResults(store)
            self.paper_list.show(self.result, rank)
        self.refresh_counts()

    def on_load_progress(self: "MainScreen", message: LoadProgress) -> None:
        """Progress bar and title bar follow the loading; hidden once it is done."""
        step: LoadStep = message.step
        bar = self.query_one("#load-progress", ProgressBar)
        if step.phase == "ready":
            self.loading = False
            self.remove_class("-loading")
            return
        bar.update(total=max(step.total, 1), progress=step.done)
        what = _PHASES[step.phase]
        self.load_status = f"{what} {step.fraction:.0%}"
        if not len(self.paper_list):
            self.paper_list.empty_message = f"{what} {self.store.label}… {step.fraction:.0%}"
        self.refresh_header()
