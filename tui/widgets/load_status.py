"""Opening the store for the reader, and how far it is: a progress bar while it lasts.

A big store is opened by a :class:`tui.loader.StoreLoader` in a worker: the first papers
show while the rest are read, then the whole store, then searches work once the index is
ready. A store already in memory only needs its index built. Either way this widget runs
the work, shows the progress (the bar only while a loader reads and indexes) and posts
what arrives, ``PapersRead``, ``LoadProgress``, ``EngineReady`` or ``LoadFailed``, for the
screen to show. :attr:`LoadStatus.status` is the progress in words for the title bar.
"""

from __future__ import annotations

import logging

from textual import on, work
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from tui.loader import LoadCancelled, LoadStep, StoreLoader
from tui.messages import EngineReady, LoadFailed, LoadProgress, PapersRead
from tui.status import loading_status
from tui.store import PaperStore

__all__ = ["LoadStatus"]

log = logging.getLogger(__name__)


class LoadStatus(ProgressBar):
    """Reading, then indexing progress; hidden before and after."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(show_eta=False, id=id, classes=classes)
        self._status = ""

    @property
    def in_progress(self) -> bool:
        """True while a loader reads and indexes the store."""
        return self.has_class("-loading")

    @property
    def status(self) -> str:
        """The progress in words (``Reading 40%``), or "" when nothing is loading."""
        return self._status if self.in_progress else ""

    def open(self, loader: StoreLoader) -> None:
        """Read and index the store of ``loader`` in a worker, showing the bar meanwhile."""
        self.add_class("-loading")
        self._load(loader)

    def reopen(self, loader: StoreLoader) -> None:
        """Read the store again (its files changed on disk): the view keeps its papers
        until the new store and its index are both ready, then takes them at once."""
        self.add_class("-loading")
        self._load(loader, partial=False)

    def index(self, store: PaperStore) -> None:
        """Build the search index of a store already in memory, in a worker."""
        self._index(store)

    @on(LoadProgress)
    def _advance(self, message: LoadProgress) -> None:
        """Follow the loader (the message then goes on to the screen)."""
        step = message.step
        if step.phase == "ready":
            self.remove_class("-loading")
        elif self.in_progress:
            self.update(total=max(step.total, 1), progress=step.done)
            self._status = loading_status(step)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, loader: StoreLoader, partial: bool = True) -> None:
        worker = get_current_worker()

        def on_step(step: LoadStep) -> None:
            self.post_message(LoadProgress(step))

        def on_papers(store: PaperStore) -> None:
            if partial:
                self.post_message(PapersRead(store))

        try:
            store, engine = loader.load(on_step=on_step, on_papers=on_papers,
                                        cancel=lambda: worker.is_cancelled)
        except LoadCancelled:
            return
        except Exception as exc:  # the reader stays open and says why
            log.exception("opening the store failed")
            self.post_message(LoadFailed(str(exc)))
            return
        if not partial:
            self.post_message(PapersRead(store))
        self.post_message(EngineReady(engine))

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _index(self, store: PaperStore) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(LoadProgress(LoadStep("indexing", done, total, len(store))))

        try:
            # Here, in the worker: the engine and numpy load after the first screen.
            from tui.search import SearchEngine  # noqa: PLC0415

            engine = SearchEngine(store, progress=progress)
        except Exception as exc:  # the reader stays open and says why it cannot search
            log.exception("building the search index failed")
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(EngineReady(engine))
