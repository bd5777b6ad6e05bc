"""How the main screen opens its store: papers shown as they are read, a query typed
meanwhile answered by a scan, then the engine's answer, the annotations following their
papers and the problems said once.

The load status widget runs the :class:`tui.loader.StoreLoader` (or builds the index) in
a worker and posts ``PapersRead``, ``LoadProgress``, ``LoadFailed`` and ``EngineReady``;
the screen hands each to :class:`StoreOpening`, which decides what the list shows. Not a
widget: a helper the screen owns, as it owns its note keeper and outbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from tui.loader import BrowseResults, StoreLoader
from tui.model import Fingerprint
from tui.messages import EngineReady, LoadFailed, LoadProgress, PapersRead
from tui.query import QueryError, parse_query
from tui.screens.follow_notice import follow_in_background
from tui.search.scan import ANNOTATION_QUALIFIERS, SCAN_QUALIFIERS, ScanResults, scan
from tui.status import loading_message
from tui.store.problems import problems_notice, store_problems
from tui.widgets.load_status import LoadStatus

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["StoreOpening", "SHOWN_AT_ONCE"]

SHOWN_AT_ONCE = 20_000
"""A store handed over in memory with up to this many papers shows its view at once,
checked paper by paper (milliseconds for a daily listing), while the engine is built;
the engine's answer then takes over, the cursor staying on its paper."""


class StoreOpening:
    """The screen's store from the first papers read to the engine ready."""

    def __init__(self, screen: MainScreen, on_loaded: Callable[[], object] | None) -> None:
        """``on_loaded``: called once, when the store and its index are both in memory."""
        self._screen = screen
        self._on_loaded = on_loaded
        self._marked_before: dict[str, Fingerprint] = {}
        """The marked papers as they were before ctrl+r read the files again, by key."""

    def start(self) -> None:
        """Read the store (or index it, or search it at once when the engine is given)."""
        screen = self._screen
        status = screen.query_one(LoadStatus)
        if screen.loader is not None:
            screen.paper_list.empty_message = f"Opening {screen.store.label}…"
            status.open(screen.loader)
        elif screen.engine is None:
            screen.paper_list.empty_message = f"Indexing {len(screen.store):,} papers…"
            self.show_at_once()
            # After the first paint: loading the engine would hold the interpreter while
            # the first screen is drawn.
            screen.call_after_refresh(status.index, screen.store)
        else:
            screen.for_you.start(screen.engine)
            screen.start_search()
            self.tell_problems()
        if screen.loader is None:
            # The files as they are now: ctrl+r reads them again once they change.
            screen.loader = StoreLoader.of(screen.store)

    def show_at_once(self) -> None:
        """The view of a small store, before its index exists: the first screen has its
        rows without waiting for the engine (nor for numpy to load)."""
        screen = self._screen
        text = screen.query_text
        try:
            query = parse_query(text)
        except QueryError:
            return  # the engine says what is wrong with it
        checked = SCAN_QUALIFIERS | ANNOTATION_QUALIFIERS
        if len(screen.store) > SHOWN_AT_ONCE or any(t.kind not in checked for t in query.terms):
            return
        annotations = screen.scope.annotations(screen.userdata.annotations())
        positions = scan(screen.store, query, annotations=annotations)
        # Qualifiers alone are checked exactly; free words only crudely (no typos).
        crude = any(term.kind in ("word", "phrase") for term in query.terms)
        screen.result = ScanResults(screen.store, positions, text, partial=crude)
        screen.paper_list.show(screen.result, 0)
        # Its details in the same first frame, not one message later.
        screen.detail.follow(screen.paper_list.current)
        screen.refresh_header()
        if screen.has_paper():
            screen.release_held_keys()

    def papers_read(self, message: PapersRead) -> None:
        """More papers (or all of them): browse them in order until the engine can search,
        the cursor staying where it was."""
        screen = self._screen
        screen.store = message.store
        # The same Triage, recounted: changes made while loading can still be undone.
        screen.triage.store = message.store
        screen.triage.recount()
        if screen.engine is None and screen.search_bar.value.strip():
            # Never the whole store under a typed query: scan the papers read so far.
            screen.view_search.early.more_papers(
                lambda: screen.start_search(keep_paper=True))
        elif screen.engine is None:
            self.browse()
        screen.refresh_counts()

    def browse(self) -> None:
        """Show the store in reading order (nothing typed, the index not ready)."""
        screen = self._screen
        screen.result = BrowseResults(screen.store)
        screen.paper_list.show(screen.result, screen.paper_list.cursor)
        if screen.has_paper():
            screen.release_held_keys()

    def progress(self, message: LoadProgress) -> None:
        """How far reading and indexing got: in the header, and in the empty list."""
        screen = self._screen
        if message.step.phase == "ready":
            return
        if not len(screen.paper_list):
            screen.paper_list.empty_message = loading_message(message.step, screen.store.label)
        screen.refresh_header()

    def failed(self, message: LoadFailed) -> None:
        """The index could not be built: say why, in the list and once as a message."""
        screen = self._screen
        screen.paper_list.empty_message = f"Could not index the papers: {message.reason}"
        screen.paper_list.refresh()
        screen.release_held_keys()
        screen.app.notify(f"Could not index the papers: {message.reason}", severity="error",
                          markup=False)

    def engine_ready(self, message: EngineReady) -> None:
        """The index is ready: search for real, let annotations find their papers, and
        say what the store skipped (once, the first time)."""
        screen = self._screen
        first = screen.engine is None
        screen.engine = message.engine
        if first and self._on_loaded is not None:
            self._on_loaded()
        screen.for_you.start(message.engine)
        screen.start_search(keep_paper=True)  # browsing while it indexed: stay put
        # Every paper is known now: annotations, and marks made before ctrl+r, find theirs.
        follow_in_background(screen, self._marked_before)
        self._marked_before = {}
        self.tell_problems(notify=first)

    def tell_problems(self, notify: bool = True) -> None:
        """How many records the store skipped or merged: counted in the filter pane
        (again after ctrl+r reads the files), said once when the store opens."""
        screen = self._screen
        problems = store_problems(screen.store)
        screen.filter_pane.show_problems(len(problems))
        if notify and (notice := problems_notice(problems)):
            screen.app.notify(notice, title="Problems", severity="warning", markup=False)

    def reread(self) -> bool:
        """Read the store's files again if they changed since they were read (only the
        changed files are parsed and indexed; the search reruns on the new index).
        False when nothing changed, or the store is still opening."""
        screen = self._screen
        status = screen.query_one(LoadStatus)
        if screen.loader is None or screen.engine is None or status.in_progress:
            return False
        reopened = screen.loader.reopened()
        if reopened is None:
            return False
        self._marked_before = {key: Fingerprint.of(paper) for key in screen.paper_list.marked
                               if (paper := screen.store.get(key)) is not None}
        screen.loader = reopened
        status.reopen(reopened)
        return True
