"""The view's search: the filter pane's qualifiers and the typed words, in the order in
force, run in a worker and shown on the list (or, while the store indexes, answered by a
scan of the papers read so far).

A helper the main screen owns: the screen hears the widgets' messages and hands the
search's part to :class:`ViewSearch`, which starts the search, puts its answer on the
list and says in the search bar which order is in force and what matched elsewhere.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tui.messages import SearchFailed, SearchFinished
from tui.loader import BrowseResults
from tui.model import Paper
from tui.screens.early_search import EarlySearch
from tui.screens.search_runner import Keep, SearchRunner
from tui.search.scan import ScanResults
from tui.search.sorts import Sort
from tui.status import empty_list_message
from tui.widgets.paper_detail import Spans

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["ViewSearch"]

log = logging.getLogger(__name__)


class ViewSearch:
    """Runs the screen's query and shows its latest answer."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self._had_paper = True
        self.touched = False
        """The person has pressed a key in the reader: from then on an order that arrives
        by itself keeps the paper under the cursor instead of opening at its top."""
        self.searches = SearchRunner(screen)
        """The view's query, run in a worker; only the latest answer is shown."""
        self.early = EarlySearch(screen)
        """The query answered by a scan of the papers read, until the engine is ready."""

    @property
    def query_text(self) -> str:
        """The full query: the filter pane's qualifiers, then what was typed."""
        screen = self._screen
        return " ".join(p for p in (screen.filter_pane.qualifiers, screen.search_bar.value) if p)

    def start(self, keep: Keep = "top") -> None:
        """Run the current query in a worker; ``keep``: where the cursor goes when the
        answer lands (see :data:`~tui.screens.search_runner.Keep`)."""
        screen = self._screen
        self.searches.begin(keep)
        self.show_context()
        if screen.engine is not None:
            scores = screen.for_you.scores() if screen.sort == "for-you" else None
            self.searches.run(screen.engine, self.query_text,
                                screen.scope.annotations(screen.userdata.annotations()),
                                screen.sort, scores, screen.reverse)
        elif screen.search_bar.value.strip():
            self.early.run(screen.store, self.query_text, self.searches.generation,
                           screen.scope.annotations(screen.userdata.annotations()))
        elif isinstance(screen.result, ScanResults):  # the query was cleared while indexing
            screen.opening.browse()
            screen.refresh_header()

    def show_context(self) -> None:
        """The search bar's line: filters, the order (none for relevance without a query)
        and the matches in other views."""
        screen = self._screen
        result = screen.result  # only the engine's answer knows the other views
        elsewhere = ({} if result is None or isinstance(result, (BrowseResults, ScanResults))
                     else result.elsewhere)
        screen.search_bar.set_context(screen.filter_pane.summary, screen.sort,
                                      reverse=screen.reverse,
                                      typed=bool(screen.search_bar.value.strip()),
                                      elsewhere=elsewhere)

    def show(self, message: SearchFinished) -> None:
        """Put the latest answer on the list (a stale one never flashes)."""
        screen = self._screen
        log.debug("search %r: %d papers in %.1f ms", message.query, len(message.result),
                  message.seconds * 1000)
        if not self.searches.is_latest(message.generation):
            return  # a newer search is on its way; never flash stale results
        # The paper under the cursor now, on the list being replaced: the one the person
        # sees highlighted, and the one their next key acts on.
        keep = self._kept_key()
        screen.result = message.result
        screen.search_bar.set_error("")
        rank = self.rank_of(keep) if keep else 0
        pane = screen.filter_pane
        screen.paper_list.empty_message = empty_list_message(
            len(screen.store), pane.summary if pane.qualifiers else "", label=screen.store.label,
            problems=screen.store.problems, all_papers=pane.view == "all")
        screen.fresh_results = True  # the detail pane follows after the list is painted
        screen.paper_list.show(message.result, rank or 0)
        self.show_context()
        screen.release_held_keys()
        screen.refresh_header()
        if screen.has_paper() != self._had_paper:
            # Only then do the paper keys change; refreshing the bindings rebuilds the
            # footer, too slow to do on every key typed.
            self._had_paper = not self._had_paper
            screen.refresh_bindings()
        if pane.display and screen.engine is not None:
            pane.recount_facets_soon(screen.engine, screen.search_bar.value,
                                     screen.userdata.annotations())

    def _kept_key(self) -> str | None:
        """The paper the cursor keeps as the latest answer lands, if any."""
        keep = self.searches.landed()
        if keep == "top" or (keep == "paper-once-touched" and not self.touched
                             and self._screen.paper_list.cursor == 0):
            return None
        return self._screen.current_key()

    def failed(self, message: SearchFailed) -> None:
        """The query cannot run (a broken qualifier): say why, in the bar and once."""
        screen = self._screen
        if self.searches.is_latest(message.generation):
            screen.release_held_keys()
            screen.search_bar.set_error(message.reason)
            screen.app.notify(message.reason, title="Search", severity="warning", markup=False)

    def sort_by(self, sort: Sort, reverse: bool = False) -> None:
        """Sort the view by ``sort`` (backwards when ``reverse``), keeping the paper
        under the cursor; the search bar shows the order (no toast to pile up)."""
        screen = self._screen
        screen.sort = sort
        screen.reverse = reverse
        screen.for_you.sort_chosen = True
        screen.scope.reset(screen.userdata.annotations())  # a new order of the view, as it is now
        self.start(keep="paper")

    def rank_of(self, key: str | None) -> int | None:
        """Where the paper ``key`` sits in the results on the list, or None."""
        screen = self._screen
        index = screen.store.index_of(key) if key else None
        if index is None or screen.result is None:
            return None
        return screen.result.rank_of(index)

    def matches(self, paper: Paper) -> Spans:
        """Where the query in force matches ``paper`` (for the detail pane)."""
        screen = self._screen
        if screen.engine is None or screen.result is None:
            return {}
        note = screen.userdata.get(paper.key)
        return screen.engine.highlight(paper, screen.result.query, note.note if note else "")

    def interest_learned(self, changed: bool) -> None:
        """The for-you model learned (``changed``: its scores moved): the inbox may now
        open in for-you order by itself, and a for-you view is sorted again."""
        screen = self._screen
        keep: Keep = "paper"
        if screen.for_you.takes_over(screen.sort, screen.filter_pane.view):
            screen.sort = "for-you"
            screen.app.notify("The inbox is sorted for you: by what you star, read and skip. "
                              "O changes the order.", markup=False)
            keep = "paper-once-touched"  # nothing pressed yet: the top of the new order
        elif not changed:
            return
        if screen.sort == "for-you":
            self.start(keep=keep)
