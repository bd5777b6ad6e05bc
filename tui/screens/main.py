"""The main screen: search bar, filter pane, paper list and detail, and the triage keys.

Data flows one way (STYLE.md §3). Opening: the load status runs the StoreLoader (or builds
the index) in a worker and posts ``PapersRead`` / ``LoadProgress`` / ``EngineReady``.
Searching: the search bar and the filter pane post what changed, a worker runs the query
and posts ``SearchFinished``, the list shows the result and posts which paper is
highlighted, and the detail pane follows. Keys change annotations through ``TriageKeys``
(Triage: UserData plus undo) on the UI thread, then the screen refreshes what shows them.
The screen only orchestrates: widgets own their state (title bar, load status, facet
counts, the detail), plain objects own the decisions (``TriageKeys``, ``ViewSummary``,
``ExportJob``, ``run_editor``), and two helpers take the notes (``NoteKeeper``) and send
papers out (``Outbox``).
"""

from __future__ import annotations

import logging
from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from tui.loader import BrowseResults, StoreLoader
from tui.messages import (AnnotationsChanged, EngineReady, LoadFailed, LoadProgress,
                          PapersRead, SearchFailed, SearchFinished)
from tui.model import Paper
from tui.screens.early_search import EarlySearch
from tui.screens.follow_notice import follow_in_background
from tui.screens.for_you import ForYouOrder
from tui.screens.main_keys import MAIN_BINDINGS, PAPER_ACTIONS, HeldKeys, needs_paper
from tui.screens.note_keeper import NoteKeeper
from tui.screens.outbox import Outbox
from tui.screens.problems import ProblemsScreen
from tui.screens.search_runner import SearchRunner
from tui.screens.tag_picker import TagChange, TagPicker
from tui.search import ResultSet, SearchEngine, Sort, next_sort
from tui.search.scan import ScanResults
from tui.settings import Settings
from tui.status import ViewSummary, empty_list_message, loading_message
from tui.store import PaperStore
from tui.store.problems import problems_notice, store_problems
from tui.triage import Triage
from tui.triage_keys import Outcome, TriageKeys
from tui.userdata import UserData
from tui.view_scope import ViewScope
from tui.widgets.filter_pane import FilterPane
from tui.widgets.footer import ReaderFooter
from tui.widgets.load_status import LoadStatus
from tui.widgets.paper_detail import PaperDetail, Spans
from tui.widgets.paper_list import PaperList
from tui.widgets.search_bar import SearchBar
from tui.widgets.text import one_line
from tui.widgets.title_bar import TitleBar

__all__ = ["MainScreen"]

log = logging.getLogger(__name__)

class MainScreen(Screen[None]):
    """Where a person spends the morning: find papers, read them, triage them."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (120, "-wide"), (160, "-huge")]

    BINDINGS = MAIN_BINDINGS

    AUTO_FOCUS = "#paper-list"
    """The list has the keys from the first moment: keys typed as the reader starts are
    triage keys on its papers, never letters in the search bar."""

    def __init__(self, store: PaperStore, userdata: UserData, settings: Settings,
                 engine: SearchEngine | None = None, loader: StoreLoader | None = None,
                 on_loaded: Callable[[], object] | None = None) -> None:
        """``loader``: a StoreLoader still to run (``store`` then fills in as it reads);
        ``on_loaded``: called once, when the store and its index are both in memory."""
        super().__init__()
        self.store = store
        self.loader = loader
        self.userdata = userdata
        self.settings = settings
        self.engine = engine
        self.triage = Triage(store, userdata)
        self.sort: Sort = "relevance"
        """The sort order in force (one of tui.search.SORTS)."""
        self.reverse = False
        """Whether the order in force is backwards."""
        self.result: ResultSet | BrowseResults | ScanResults | None = None
        """The papers on screen: a search result, or the store in order while it indexes."""
        self.triage_keys = TriageKeys(self.triage, userdata)
        """What the triage keys do to the annotations (undoable steps)."""
        self.notes = NoteKeeper(self, userdata, lambda paper, text, base: self.show_outcome(
            self.triage_keys.write_note(paper, text, base)))
        """The ``n`` and ``N`` keys' editors, and the drafts they keep."""
        self.outbox = Outbox(self, userdata, lambda: self.store)
        """The ``o``, ``y`` and ``e`` keys: papers out of the reader."""
        self.for_you = ForYouOrder(self, userdata, settings, on_learned=self._interest_learned,
                                   on_explained=self._reason_ready)
        """The person's interest, learned in the background, for the for-you order."""
        self._on_loaded = on_loaded
        self.searches = SearchRunner(self)
        """The view's query, run in a worker; only the latest answer is shown."""
        self.early = EarlySearch(self)
        """The query answered by a scan of the papers read, until the engine is ready."""
        self.scope = ViewScope()
        """The papers triaged since the view opened: they stay in its searches too."""
        self.held_keys = HeldKeys()
        """Paper keys pressed while the reader opens, carried out on the first papers."""
        self._fresh_results = False
        self._had_paper = True

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        yield SearchBar(id="search-bar")
        yield LoadStatus(id="load-progress")
        with Horizontal(id="body"):
            yield FilterPane(id="filter-pane")
            yield PaperList(id="paper-list")
            yield PaperDetail(id="paper-detail")
        yield ReaderFooter(id="footer")

    @property
    def paper_list(self) -> PaperList:
        """The ranked papers of the view."""
        return self.query_one(PaperList)

    @property
    def detail(self) -> PaperDetail:
        """The paper under the cursor, in full."""
        return self.query_one(PaperDetail)

    @property
    def filter_pane(self) -> FilterPane:
        """Views, tags, years, categories and saved searches."""
        return self.query_one(FilterPane)

    @property
    def search_bar(self) -> SearchBar:
        """The typed query."""
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self.paper_list.set_annotation_lookup(self.userdata.get)
        self.paper_list.hold_key = self.held_keys.offer  # moves wait with the paper keys
        self.detail.set_sources(self.userdata.get, self._matches,
                                lambda paper: self.for_you.reason_of(paper, self.sort),
                                draft=self.notes.draft_text)
        self.refresh_counts()
        self.scope.reset(self.userdata.annotations())
        self.set_focus(self.paper_list)
        if self.loader is not None:
            self.paper_list.empty_message = f"Opening {self.store.label}…"
            self.query_one(LoadStatus).open(self.loader)
        elif self.engine is None:
            self.paper_list.empty_message = f"Indexing {len(self.store):,} papers…"
            self.query_one(LoadStatus).index(self.store)
        else:
            self.for_you.start(self.engine)
            self.start_search()
            self._tell_problems()
        if self.loader is None:
            # The files as they are now: ctrl+r reads them again once they change.
            self.loader = StoreLoader.of(self.store)

    def on_resize(self) -> None:
        """Tighter footer on narrow terminals, so help and quit still fit."""
        self.query_one(ReaderFooter).compact = self.size.width < 100

    # -- opening the store (LoadStatus does the work) ---------------------------------------
    @on(PapersRead)
    def _papers_read(self, message: PapersRead) -> None:
        """More papers (or all of them): browse them in order until the engine can search,
        the cursor staying where it was."""
        self.store = message.store
        # The same Triage, recounted: changes made while loading can still be undone.
        self.triage.store = message.store
        self.triage.recount()
        if self.engine is None and self.search_bar.value.strip():
            # Never the whole store under a typed query: scan the papers read so far.
            self.early.more_papers(lambda: self.start_search(keep_key=self._current_key()))
        elif self.engine is None:
            self._browse()
        self.refresh_counts()

    def _browse(self) -> None:
        """Show the store in reading order (nothing typed, the index not ready)."""
        self.result = BrowseResults(self.store)
        self.paper_list.show(self.result, self.paper_list.cursor)
        if self.has_paper():
            self._release_held_keys()

    @on(LoadProgress)
    def _load_progress(self, message: LoadProgress) -> None:
        if message.step.phase == "ready":
            return
        if not len(self.paper_list):
            self.paper_list.empty_message = loading_message(message.step, self.store.label)
        self.refresh_header()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.paper_list.empty_message = f"Could not index the papers: {message.reason}"
        self.paper_list.refresh()
        self._release_held_keys()
        self.app.notify(f"Could not index the papers: {message.reason}", severity="error",
                        markup=False)

    @on(EngineReady)
    def _engine_ready(self, message: EngineReady) -> None:
        first = self.engine is None
        self.engine = message.engine
        if first and self._on_loaded is not None:
            self._on_loaded()
        self.for_you.start(message.engine)
        self.start_search(keep_key=self._current_key())  # browsing while it indexed: stay put
        follow_in_background(self)  # every paper is known now: annotations find theirs
        self._tell_problems(notify=first)

    def _tell_problems(self, notify: bool = True) -> None:
        """How many records the store skipped or merged: counted in the filter pane
        (again after ctrl+r reads the files), said once when the store opens."""
        problems = store_problems(self.store)
        self.filter_pane.show_problems(len(problems))
        if notify and (notice := problems_notice(problems)):
            self.app.notify(notice, title="Problems", severity="warning", markup=False)

    @on(FilterPane.ProblemsChosen)
    def _problems_chosen(self) -> None:
        self.app.push_screen(ProblemsScreen(store_problems(self.store)))

    # -- searching ------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        """The full query: the filter pane's qualifiers, then what was typed."""
        return " ".join(p for p in (self.filter_pane.qualifiers, self.search_bar.value) if p)

    def start_search(self, keep_key: str | None = None) -> None:
        """Run the current query in a worker; ``keep_key`` keeps that paper under the cursor."""
        self.searches.begin(keep_key)
        self._show_context()
        if self.engine is not None:
            scores = self.for_you.scores() if self.sort == "for-you" else None
            self.searches.run(self.engine, self.query_text,
                              self.scope.annotations(self.userdata.annotations()),
                              self.sort, scores, self.reverse)
        elif self.search_bar.value.strip():
            self.early.run(self.store, self.query_text, self.searches.generation)
        elif isinstance(self.result, ScanResults):  # the query was cleared while indexing
            self._browse()
            self.refresh_header()

    def _show_context(self) -> None:
        """The search bar's line: filters, the order (none for relevance without a query)
        and the matches in other views."""
        elsewhere = self.result.elsewhere if isinstance(self.result, ResultSet) else {}
        self.search_bar.set_context(self.filter_pane.summary, self.sort, reverse=self.reverse,
                                    typed=bool(self.search_bar.value.strip()),
                                    elsewhere=elsewhere)

    @on(SearchFinished)
    def _show_results(self, message: SearchFinished) -> None:
        log.debug("search %r: %d papers in %.1f ms", message.query, len(message.result),
                  message.seconds * 1000)
        if not self.searches.is_latest(message.generation):
            return  # a newer search is on its way; never flash stale results
        self.result = message.result
        self.search_bar.set_error("")
        keep = self.searches.keep_key
        rank = self.rank_of(keep) if keep else 0
        filters = self.filter_pane.summary if self.filter_pane.qualifiers else ""
        self.paper_list.empty_message = empty_list_message(
            len(self.store), filters, label=self.store.label, problems=self.store.problems,
            all_papers=self.filter_pane.view == "all")
        self._fresh_results = True  # the detail pane follows after the list is painted
        self.paper_list.show(message.result, rank or 0)
        self._show_context()
        self._release_held_keys()
        self.refresh_header()
        if self.has_paper() != self._had_paper:
            # Only then do the paper keys change; refreshing the bindings rebuilds the
            # footer, too slow to do on every key typed.
            self._had_paper = not self._had_paper
            self.refresh_bindings()
        if self.filter_pane.display and self.engine is not None:
            self.filter_pane.recount_facets_soon(self.engine, self.search_bar.value,
                                                 self.userdata.annotations())

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if self.searches.is_latest(message.generation):
            self._release_held_keys()
            self.search_bar.set_error(message.reason)
            self.app.notify(message.reason, title="Search", severity="warning", markup=False)

    def _current_key(self) -> str | None:
        current = self.paper_list.current
        return current.key if current is not None else None

    def rank_of(self, key: str | None) -> int | None:
        """Where the paper ``key`` sits in the results, or None."""
        index = self.store.index_of(key) if key else None
        if index is None or self.result is None:
            return None
        return self.result.rank_of(index)

    @on(SearchBar.Changed)
    def _typed(self) -> None:
        self.sort = self.for_you.after_query(self.sort, self.search_bar.value)
        self.start_search()

    @on(FilterPane.Changed)
    def _filters_changed(self) -> None:
        self.scope.reset(self.userdata.annotations())  # a new view: only its own papers
        self.start_search()

    @on(SearchBar.Left)
    def _left_search(self) -> None:
        self.paper_list.focus()

    @on(FilterPane.Left)
    def _left_filters(self) -> None:
        # Below 120 columns the pane covers or squeezes the list: put it away.
        self.remove_class("-filters-toggled")
        self.paper_list.focus()

    # -- list -> detail -----------------------------------------------------------------
    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        # New results while typing: the list is painted first, the detail just after.
        fresh, self._fresh_results = self._fresh_results, False
        self.detail.follow(message.paper, after_paint=fresh)

    @on(PaperList.Selected)
    def _selected(self) -> None:
        self.detail.focus()

    def _matches(self, paper: Paper) -> Spans:
        """Where the query in force matches ``paper`` (for the detail pane)."""
        if self.engine is None or self.result is None:
            return {}
        note = self.userdata.get(paper.key)
        return self.engine.highlight(paper, self.result.query, note.note if note else "")

    # -- counts and refreshes --------------------------------------------------------------
    def refresh_counts(self) -> None:
        """Title bar and filter pane counts (after annotations changed)."""
        self.refresh_header()
        self.filter_pane.update_counts(counts=self.triage.counts, tags=self.triage.tag_counts(),
                                       saved=self.settings.saved_searches)

    def refresh_header(self) -> None:
        """The title bar: store, profile, papers shown of all, inbox, marks, loading."""
        counts = self.triage.counts
        summary = ViewSummary(shown=len(self.result) if self.result is not None else 0,
                              total=counts["total"], inbox=counts["inbox"],
                              marked=len(self.paper_list.marked),
                              status=self.query_one(LoadStatus).status,
                              partial=isinstance(self.result, ScanResults))
        self.query_one(TitleBar).show(self.store.label, self.userdata.profile, summary)

    @on(AnnotationsChanged)
    def _annotations_changed(self, message: AnnotationsChanged) -> None:
        if not message.keys:  # another instance wrote: recount and learn from the file
            self.triage.recount()
            self.learn_interest(None)
        self.after_change(message.keys)

    def after_change(self, keys: tuple[str, ...]) -> None:
        """Refresh rows, counts and the detail after the annotations of ``keys`` changed
        (empty: any paper's may have)."""
        if keys:
            self.learn_interest(keys)
            self.scope.touched(keys)  # triaged out of the view: kept in it until ctrl+r
        self.paper_list.refresh_rows()
        self.refresh_counts()
        current = self.paper_list.current
        if not keys or current is None or current.key in keys:
            self.detail.follow(current)

    # -- triage keys ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim the paper keys when there is no paper to act on."""
        if action == "focus_search" and self.focused is self.search_bar.input:
            return False  # typing a "/" in the query (a DOI, "TCP/IP")
        if action in PAPER_ACTIONS and not self.has_paper():
            return True if self.held_keys.opening else None  # opening: held, not lost
        return True

    def _release_held_keys(self) -> None:
        """Carry out the keys pressed while the reader opened, until one opens a dialog."""
        if dropped := self.held_keys.release(lambda: self.app.screen is self):
            self.app.notify(f"{dropped} key{'s' if dropped != 1 else ''} typed while papertray "
                            "opened went unused: this dialog opened first. Type "
                            f"{'them' if dropped != 1 else 'it'} again.", markup=False)

    def has_paper(self) -> bool:
        """True when a paper is under the cursor."""
        try:
            return self.paper_list.current is not None
        except Exception:  # before compose finished there is no list yet
            return False

    def targets(self) -> list[Paper]:
        """The marked papers, else the one under the cursor."""
        if marked := self.paper_list.marked:
            return [paper for key in sorted(marked) if (paper := self.store.get(key))]
        current = self.paper_list.current
        return [current] if current is not None else []

    def show_outcome(self, outcome: Outcome) -> None:
        """Carry out what a triage key decided: cursor, marks, rows, counts, messages."""
        if outcome.cursor_key and (rank := self.rank_of(outcome.cursor_key)) is not None:
            self.paper_list.cursor = rank
        if outcome.clear_marks:
            self.paper_list.clear_marks()
        if outcome.refresh:
            self.after_change(outcome.keys)
        for notice in outcome.notices:
            self.app.notify(notice.text, title=notice.title, severity=notice.severity,
                            markup=False)
        if outcome.move_on:
            self.paper_list.action_cursor_down()

    @needs_paper
    def action_toggle_star(self) -> None:
        """Star the paper (or every marked paper); unstar when all are starred."""
        self.show_outcome(self.triage_keys.toggle_star(self.targets()))

    @needs_paper
    def action_set_state(self, state: str) -> None:
        """Set later / read / skipped / inbox and move on to the next paper."""
        self.show_outcome(self.triage_keys.set_state(self.targets(), state))

    def action_undo(self) -> None:
        """Undo the last change (a bulk change is one step)."""
        self.show_outcome(self.triage_keys.undo())

    def action_redo(self) -> None:
        """Redo the last undone change."""
        self.show_outcome(self.triage_keys.redo())

    @needs_paper
    def action_toggle_mark(self) -> None:
        """Mark or unmark the paper for a bulk action and move down."""
        if (paper := self.paper_list.current) is not None:
            self.paper_list.toggle_mark(paper.key)
            self.paper_list.action_cursor_down()
            self.refresh_header()

    def action_clear_marks(self) -> None:
        """Forget the marks."""
        self.paper_list.clear_marks()
        self.refresh_header()

    # -- tags, notes and papers out of the reader -----------------------------------------
    @needs_paper
    def action_edit_tags(self) -> None:
        """Ask for tags to add or remove, then apply them to the paper(s)."""
        if not (papers := self.targets()):
            return
        what = papers[0].title if len(papers) == 1 else f"{len(papers)} marked papers"

        def done(change: TagChange | None) -> None:
            if change:
                self.show_outcome(self.triage_keys.change_tags(papers, change.add, change.remove,
                                                        change.describe()))

        picker = TagPicker(what, self.triage_keys.tags_on(papers), self.userdata.all_tags())
        self.app.push_screen(picker, done)

    @needs_paper
    def action_edit_note(self) -> None:
        """Edit the paper's note in the Markdown editor (reopening any kept draft)."""
        if (paper := self.paper_list.current) is not None:
            self.notes.edit(paper)

    @needs_paper
    def action_external_note(self) -> None:
        """Edit the note in $VISUAL / $EDITOR, suspending the app meanwhile."""
        if (paper := self.paper_list.current) is not None:
            self.notes.edit_externally(paper)

    @needs_paper
    def action_open_link(self) -> None:
        """Open the paper's link in the browser."""
        if (paper := self.paper_list.current) is not None:
            self.outbox.open_link(paper)

    @needs_paper
    def action_copy_citation(self) -> None:
        """Copy BibTeX for the paper (or the marked papers) to the clipboard."""
        self.outbox.copy_citation(self.targets())

    @needs_paper
    def action_export(self) -> None:
        """Export the papers in view (or the marked ones) to a file."""
        marked = self.targets() if self.paper_list.marked else None
        self.outbox.export(marked, lambda: self.result,
                           f"{self.filter_pane.summary} {self.search_bar.value}")

    # -- layout ----------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        """Put the cursor in the search bar."""
        self.search_bar.focus_input()

    def action_toggle_filters(self) -> None:
        """Show the filter pane and go to it; from the pane, go back to the list (and put
        the pane away where it covers or squeezes the list, below 120 columns)."""
        pane = self.filter_pane
        if self.focused is pane:
            self._left_filters()
            return
        if not (pane.display and pane.region.width):
            self.add_class("-filters-toggled")
        self.call_after_refresh(self._after_filters_toggled)

    def _after_filters_toggled(self) -> None:
        pane = self.filter_pane
        if pane.display and pane.region.width:
            pane.focus()
            if self.engine is not None:
                pane.recount_facets(self.engine, self.search_bar.value,
                                    self.userdata.annotations())

    def action_refresh_view(self) -> None:
        """Run the search again (triaged papers stay in view until then, so the cursor
        never jumps under a person's hands). If the store's files changed since they were
        read (today's listing dropped in its folder), read them again first: only the
        changed files are parsed and indexed, and the search reruns on the new index."""
        self.scope.reset(self.userdata.annotations())  # the papers triaged out leave now
        status = self.query_one(LoadStatus)
        if self.loader is not None and self.engine is not None and not status.in_progress:
            reopened = self.loader.reopened()
            if reopened is not None:
                self.loader = reopened
                status.reopen(reopened)
                return
        self.start_search(keep_key=self._current_key())

    def action_widen_view(self) -> None:
        """Show all papers, keeping the query: the papers it matched in other views too."""
        if self.filter_pane.view != "all":
            self.filter_pane.choose_view("all")

    def action_cycle_sort(self) -> None:
        """Sort by the next order: relevance, date, title, first author, venue, annotated."""
        self.sort_by(next_sort(self.sort))

    def action_reverse_sort(self) -> None:
        """Turn the order in force around, keeping the paper under the cursor."""
        self.sort_by(self.sort, reverse=not self.reverse)

    def sort_by(self, sort: Sort, reverse: bool = False) -> None:
        """Sort the view by ``sort`` (backwards when ``reverse``), keeping the paper
        under the cursor; the search bar shows the order (no toast to pile up)."""
        self.sort = sort
        self.reverse = reverse
        self.for_you.sort_chosen = True
        self.scope.reset(self.userdata.annotations())  # a new order of the view, as it is now
        self.start_search(keep_key=self._current_key())

    # -- for you ---------------------------------------------------------------------------
    def learn_interest(self, keys: tuple[str, ...] | None) -> None:
        """Learn the person's decisions on ``keys`` (None: all) for the for-you order."""
        self.for_you.learn(keys)

    def _interest_learned(self, changed: bool) -> None:
        keep = self._current_key()
        if self.for_you.takes_over(self.sort, self.filter_pane.view):
            self.sort = "for-you"
            self.app.notify("The inbox is sorted for you: by what you star, read and skip. "
                            "O changes the order.", markup=False)
            if self.paper_list.cursor == 0:
                keep = None  # not moved yet: start at the top of the new order
        elif not changed:
            return
        if self.sort == "for-you":
            self.start_search(keep_key=keep)

    def _reason_ready(self, key: str) -> None:
        if (current := self.paper_list.current) is not None and current.key == key:
            self.detail.follow(current)

    @needs_paper
    def action_similar(self) -> None:
        """List the papers most like the one under the cursor, most alike first."""
        if (paper := self.paper_list.current) is None:
            return
        self.sort = self.for_you.for_similar(self.sort)
        self.search_bar.value = f"similar:{paper.key}"
        self.app.notify(f"Papers like “{one_line(paper.title, 60)}” · esc goes back", markup=False)
