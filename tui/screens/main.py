"""The main screen: search bar, filter pane, paper list and detail, and the triage keys.

Data flows one way (STYLE.md §3): the search bar and the filter pane post what changed,
the screen runs the search in a thread worker and hands the ResultSet to the list; the
list posts which paper is highlighted and the screen fills the detail. Triage keys change
annotations through ``Triage`` (UserData plus undo) on the UI thread and refresh rows.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import get_current_worker

from tui.messages import AnnotationsChanged, EngineReady, SearchFailed, SearchFinished
from tui.model import Paper
from tui.screens.main_actions import PaperActions
from tui.screens.main_loading import StoreLoading
from tui.search import SearchCancelled
from tui.triage import Triage
from tui.widgets.filter_pane import FilterPane
from tui.widgets.paper_detail import ABSTRACT_LIMIT, AUTHORS_LIMIT, TITLE_LIMIT, PaperDetail
from tui.widgets.paper_list import PaperList
from tui.widgets.search_bar import SearchBar
from tui.widgets.text import one_line

__all__ = ["MainScreen", "SORTS"]

log = logging.getLogger(__name__)

SORTS = ("relevance", "date", "title", "annotated")

FACETS_DELAY = 0.3
"""Seconds of quiet typing before the filter pane's year and category counts are redone."""
"""Sort orders the engine knows, in the order ``O`` cycles through them."""


def shown_part(paper: Paper) -> Paper:
    """``paper`` cut to what the detail pane can show, so highlighting a 10 MB abstract
    costs no more than highlighting the part on screen (the spans there are the same)."""
    if (len(paper.title) <= TITLE_LIMIT and len(paper.abstract) <= ABSTRACT_LIMIT
            and len(paper.authors) <= AUTHORS_LIMIT
            and sum(map(len, paper.authors)) <= AUTHORS_LIMIT * 40):
        return paper
    return replace(paper, title=paper.title[: TITLE_LIMIT + 1],
                   abstract=paper.abstract[: ABSTRACT_LIMIT + 1],
                   authors=tuple(name[:200] for name in paper.authors[:AUTHORS_LIMIT]))


class MainScreen(PaperActions, StoreLoading, Screen):
    """Where a person spends the morning: find papers, read them, triage them."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (120, "-wide"), (160, "-huge")]

    BINDINGS = [
        # Search is not in the footer: the search bar's own "/" says it, and the footer
        # needs the room on 80 columns for the triage keys, help and quit.
        Binding("slash", "focus_search", "Search", show=False, id="search",
                tooltip="Type a query"),
        Binding("s", "toggle_star", "Star", id="star", tooltip="Star or unstar the paper"),
        Binding("t", "edit_tags", "Tags", id="tags", tooltip="Add or remove tags"),
        Binding("n", "edit_note", "Note", id="note", tooltip="Write a Markdown note"),
        Binding("N", "external_note", "Note in $EDITOR", show=False, id="note-external",
                tooltip="Edit the note in your own editor ($VISUAL or $EDITOR)"),
        Binding("l", "set_state('later')", "Later", id="later",
                tooltip="Queue for later and move on"),
        Binding("r", "set_state('read')", "Read", id="read", tooltip="Mark read and move on"),
        Binding("x", "set_state('skipped')", "Skip", id="skip", tooltip="Skip and move on"),
        Binding("u", "set_state('inbox')", "To inbox", show=False, id="inbox",
                tooltip="Put back in the inbox and move on"),
        Binding("space", "toggle_mark", "Mark", show=False, id="mark",
                tooltip="Mark the paper; the next key applies to every marked paper"),
        Binding("z", "undo", "Undo", id="undo", tooltip="Undo the last change"),
        Binding("Z", "redo", "Redo", show=False, id="redo", tooltip="Redo what was undone"),
        Binding("o", "open_link", "Open link", show=False, id="open-link",
                tooltip="Open the paper's page in the browser"),
        Binding("y", "copy_citation", "Copy BibTeX", show=False, id="copy-citation",
                tooltip="Copy a BibTeX citation to the clipboard"),
        Binding("e", "export", "Export", show=False, id="export",
                tooltip="Export the papers in view (or the marked ones)"),
        Binding("f", "toggle_filters", "Filters", show=False, id="filters",
                tooltip="Show or hide the filter pane"),
        Binding("O", "cycle_sort", "Sort", show=False, id="sort",
                tooltip="Sort by relevance, date, title or recently annotated"),
        Binding("ctrl+r", "refresh_view", "Refresh", show=False, id="refresh",
                tooltip="Run the search again, so papers triaged out of the view leave it"),
        Binding("escape", "clear_marks", "Clear marks", show=False, id="clear-marks",
                tooltip="Forget the marks"),
    ]

    def __init__(self, store: Any, userdata: Any, settings: Any, engine: Any = None,
                 loader: Any = None) -> None:
        super().__init__()
        self.store = store
        self.loader = loader
        """A StoreLoader still to run (the store then arrives in parts), or None."""
        self.load_status = ""
        """Reading or indexing progress shown in the title bar while loading."""
        self.userdata = userdata
        self.settings = settings
        self.engine = engine
        self.triage = Triage(store, userdata)
        self.sort = "relevance"
        """The sort order in force (one of SORTS)."""
        self.result: Any = None
        """The ResultSet on screen."""
        self._generation = 0
        self._fresh_results = False
        self._had_paper = True
        self._detail_paper: Paper | None = None
        self._keep_key: str | None = None
        self._facets_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static(Text(""), id="title-left")
            yield Static(Text(""), id="title-right")
        yield SearchBar(id="search-bar")
        yield ProgressBar(id="load-progress", show_eta=False)
        with Horizontal(id="body"):
            yield FilterPane(id="filter-pane")
            yield PaperList(id="paper-list")
            yield PaperDetail(id="paper-detail")
        yield Footer(id="footer")

    # -- widgets ------------------------------------------------------------------------
    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def filter_pane(self) -> FilterPane:
        return self.query_one(FilterPane)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self.paper_list.set_annotation_lookup(self.userdata.get)
        self.refresh_counts()
        self.paper_list.focus()
        if self.loader is not None:
            self.start_loading(self.loader)
        elif self.engine is None:
            self.paper_list.empty_message = f"Indexing {len(self.store):,} papers…"
            self._build_engine()
        else:
            self.start_search()

    def on_resize(self) -> None:
        """Tighter footer on narrow terminals, so help and quit still fit."""
        self.query_one(Footer).compact = self.size.width < 100

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _build_engine(self) -> None:
        from tui.search import SearchEngine  # noqa: PLC0415 - only when none was given

        def progress(done: int, total: int) -> None:
            message = f"Indexing {done:,} of {total:,} papers…"
            self.app.call_from_thread(setattr, self.paper_list, "empty_message", message)

        try:
            engine = SearchEngine(self.store, progress=progress)
        except Exception as exc:  # the reader stays open and says why it cannot search
            log.exception("building the search index failed")
            self.app.call_from_thread(self._engine_failed, exc)
            return
        self.post_message(EngineReady(engine))

    def _engine_failed(self, exc: Exception) -> None:
        self.paper_list.empty_message = f"Could not index the papers: {exc}"
        self.paper_list.refresh()
        self.app.notify(f"Could not index the papers: {exc}", severity="error", markup=False)

    @on(EngineReady)
    def _engine_ready(self, message: EngineReady) -> None:
        self.engine = message.engine
        # Everything loaded so far lives as long as the app: leave it out of the garbage
        # collector's full passes, which otherwise stall a key typed by 50-90 ms.
        gc.freeze()
        current = self.paper_list.current  # someone browsing while it indexed stays put
        self.start_search(keep_key=current.key if current is not None else None)

    # -- searching ------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        """The full query: the filter pane's qualifiers, then what was typed."""
        return " ".join(p for p in (self.filter_pane.qualifiers, self.search_bar.value) if p)

    def start_search(self, keep_key: str | None = None) -> None:
        """Run the current query in a worker; ``keep_key`` keeps that paper under the cursor."""
        self._generation += 1
        self._keep_key = keep_key
        self.search_bar.set_context(self.filter_pane.summary, self.sort)
        if self.engine is not None:
            self._search(self._generation, self.query_text, self.userdata.annotations(),
                         self.sort)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, generation: int, query: str, annotations: Any, sort: str) -> None:
        worker = get_current_worker()
        started = time.perf_counter()
        try:
            # cancel: the engine gives up as soon as a newer search makes this one stale
            result = self.engine.run(query, annotations=annotations, sort=sort,
                                     cancel=lambda: worker.is_cancelled)
        except SearchCancelled:
            return
        except Exception as exc:  # a QueryError is one sentence; anything else is shown too
            if not worker.is_cancelled:
                self.post_message(SearchFailed(generation, str(exc) or type(exc).__name__))
            return
        if not worker.is_cancelled:
            self.post_message(SearchFinished(generation, query, result,
                                             time.perf_counter() - started))

    @on(SearchFinished)
    def _show_results(self, message: SearchFinished) -> None:
        if message.generation != self._generation:
            return  # a newer search is on its way; never flash stale results
        self.result = message.result
        self.search_bar.set_error("")
        rank = self.rank_of(self._keep_key) if self._keep_key else 0
        self.paper_list.empty_message = self._empty_message()
        self._fresh_results = True  # the detail pane follows after the list is painted
        self.paper_list.show(message.result, rank or 0)
        self.refresh_header()
        if self.has_paper() != self._had_paper:
            # Only then do the paper keys change; refreshing the bindings rebuilds the
            # footer, too slow to do on every key typed.
            self._had_paper = not self._had_paper
            self.refresh_bindings()
        if self.filter_pane.display:
            # Facet counts can wait until typing pauses; recounting on every key would
            # compete with the search itself for the CPU.
            if self._facets_timer is None:
                self.refresh_facets()  # the first counts right away, at start
            else:
                self._facets_timer.stop()
            self._facets_timer = self.set_timer(FACETS_DELAY, self.refresh_facets)

    def _empty_message(self) -> str:
        """What an empty list says: why, and the way out."""
        if not len(self.store):
            return "The store is empty: open a file or folder of papers (papertray PATH)."
        if self.filter_pane.qualifiers:
            return (f"  Nothing in {self.filter_pane.summary} matches.\n"
                    "  Try All papers in the filters (f).")
        return "  No papers match.\n  esc clears the search."

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.generation == self._generation:
            self.search_bar.set_error(message.reason)
            self.app.notify(message.reason, title="Search", severity="warning", markup=False)

    def refresh_facets(self) -> None:
        """Recount the year and category facets for the query in force, in a worker."""
        if self.engine is not None:
            query = " ".join(p for p in (self.filter_pane.facet_qualifiers,
                                         self.search_bar.value) if p)
            self._facets(query, self.userdata.annotations())

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _facets(self, query: str, annotations: Any) -> None:
        result = self.engine.run(query, annotations=annotations)
        years = self.engine.facets(result, "year", limit=30)
        categories = self.engine.facets(result, "category", limit=30)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.filter_pane.update_counts, years=years,
                                      categories=categories)

    def rank_of(self, key: str | None) -> int | None:
        """Where the paper ``key`` sits in the results, or None."""
        index = self.store.index_of(key) if key else None
        if index is None or self.result is None:
            return None
        return self.result.rank_of(index)

    @on(SearchBar.Changed)
    def _typed(self, message: SearchBar.Changed) -> None:
        self.start_search()

    @on(SearchBar.Left)
    def _left_search(self, message: SearchBar.Left) -> None:
        self.paper_list.focus()

    @on(FilterPane.Left)
    def _left_filters(self, message: FilterPane.Left) -> None:
        if self.has_class("-narrow"):  # there the pane covers the list: put it away
            self.remove_class("-filters-toggled")
        self.paper_list.focus()

    @on(FilterPane.Changed)
    def _filters_changed(self, message: FilterPane.Changed) -> None:
        self.start_search()

    # -- list -> detail -----------------------------------------------------------------
    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        fresh, self._fresh_results = self._fresh_results, False
        if fresh and message.paper is not None:
            # New results while typing: paint the list first, fill the detail pane just
            # after, so the list never waits for a long abstract to be laid out.
            self._detail_paper = message.paper
            self.call_after_refresh(self._show_pending_detail)
        else:
            self._detail_paper = None
            self.show_detail(message.paper)

    def _show_pending_detail(self) -> None:
        if self._detail_paper is not None:
            paper, self._detail_paper = self._detail_paper, None
            self.show_detail(paper)

    @on(PaperList.Selected)
    def _selected(self, message: PaperList.Selected) -> None:
        self.detail.focus()

    def show_detail(self, paper: Paper | None) -> None:
        """Fill the detail pane with ``paper`` and its matches for the current query."""
        spans = {}
        if paper is not None and self.engine is not None and self.result is not None:
            spans = self.engine.highlight(shown_part(paper), self.result.query)
        draft = self.userdata.drafts.get(paper.key) if paper else None
        self.detail.show(paper, self.userdata.get(paper.key) if paper else None, spans,
                         draft=draft.text if draft is not None else None)

    # -- counts and refreshes --------------------------------------------------------------
    def refresh_counts(self) -> None:
        """Header line and filter pane counts (after annotations changed)."""
        self.refresh_header()
        self.filter_pane.update_counts(counts=self.triage.counts, tags=self.userdata.all_tags(),
                                       saved=self.settings.saved_searches)

    def refresh_header(self) -> None:
        """The title bar: store, profile, papers shown of all, inbox, marks."""
        counts = self.triage.counts
        left = Text(no_wrap=True, end="")
        left.append("papertray", "bold")
        left.append(f" · {one_line(self.store.label, 60)}")
        left.append(f" · {one_line(self.userdata.profile, 40)}")
        right = Text(no_wrap=True, end="", justify="right")
        if self.loading and self.load_status:
            right.append(f"{self.load_status} · ", "italic")
        shown = len(self.result) if self.result is not None else 0
        right.append(f"{shown:,} of {counts['total']:,}", "bold")
        right.append(f" · inbox {counts['inbox']:,}")
        if marked := len(self.paper_list.marked):
            right.append(f" · {marked} marked", "bold")
        self._update_static("#title-left", left)
        self._update_static("#title-right", right)

    def _update_static(self, selector: str, text: Text) -> None:
        """Update a one-line Static only when its text changed, with a layout pass only
        when its width did (a layout redraws the whole screen: too slow for every key)."""
        static = self.query_one(selector, Static)
        old = getattr(static, "_shown_text", None)
        if old is not None and old == text:
            return
        same_width = old is not None and old.cell_len == text.cell_len
        auto_width = static.styles.width is not None and static.styles.width.is_auto
        static._shown_text = text.copy()  # type: ignore[attr-defined]
        static.update(text, layout=auto_width and not same_width)

    @on(AnnotationsChanged)
    def _annotations_changed(self, message: AnnotationsChanged) -> None:
        if not message.keys:  # another instance wrote: recount from the file
            self.triage.recount()
        self.paper_list.refresh_rows()
        self.refresh_counts()
        self.show_detail(self.paper_list.current)
