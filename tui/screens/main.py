"""The main screen: search bar, filter pane, paper list and detail, and the triage keys.

Data flows one way (STYLE.md §3). Opening: the load status runs the StoreLoader (or builds
the index) in a worker and posts ``PapersRead`` / ``LoadProgress`` / ``EngineReady``.
Searching: the search bar and the filter pane post what changed, a worker runs the query
and posts ``SearchFinished``, the list shows the result and posts which paper is
highlighted, and the detail pane follows. Keys change annotations through ``TriageKeys``
(Triage: UserData plus undo) on the UI thread, then the screen refreshes what shows them.
The screen only orchestrates: widgets own their state (title bar, load status, facet
counts, the detail), plain objects own the decisions (``TriageKeys``, ``ViewSummary``,
``ViewScope``, ``ExportJob``, ``run_editor``), and helpers own the moving parts: the
store opening (``StoreOpening``), the view's search (``ViewSearch``), the notes
(``NoteKeeper``), papers sent out (``Outbox``) and the for-you order (``ForYouOrder``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from tui.loader import BrowseResults, StoreLoader
from tui.messages import (AnnotationsChanged, EngineReady, LoadFailed, LoadProgress,
                          PapersRead, SearchFailed, SearchFinished)
from tui.model import Paper
from tui.screens.for_you import ForYouOrder
from tui.screens.main_keys import (MAIN_BINDINGS, PAPER_ACTIONS, HeldKeys, needs_paper,
                                   unused_keys_notice)
from tui.screens.note_keeper import NoteKeeper
from tui.screens.opening import StoreOpening
from tui.screens.outbox import Outbox
from tui.screens.panes import COMPACT_FOOTER_BELOW, PaneLayout
from tui.screens.view_search import ViewSearch
from tui.search import Sort, next_sort
from tui.search.scan import ScanResults
from tui.settings import Settings
from tui.status import ViewSummary
from tui.store import PaperStore
from tui.store.problems import store_problems
from tui.triage import Triage
from tui.triage_keys import Outcome, TriageKeys
from tui.userdata import UserData
from tui.view_scope import ViewScope
from tui.widgets.filter_pane import FilterPane
from tui.widgets.footer import ReaderFooter
from tui.widgets.load_status import LoadStatus
from tui.widgets.paper_detail import PaperDetail
from tui.widgets.paper_list import PaperList
from tui.widgets.search_bar import SearchBar
from tui.widgets.text import one_line
from tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:  # the engine loads in a worker, after the first screen
    from tui.search import ResultSet, SearchEngine

__all__ = ["MainScreen"]


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
        self.for_you = ForYouOrder(
            self, userdata, settings, on_explained=self._reason_ready,
            on_learned=lambda changed: self.view_search.interest_learned(changed))
        """The person's interest, learned in the background, for the for-you order."""
        self.opening = StoreOpening(self, on_loaded)
        """Reads the store into the view, then searches it once the engine is ready."""
        self.scope = ViewScope()
        """The papers triaged since the view opened: they stay in its searches too."""
        self.held_keys = HeldKeys()
        """Paper keys pressed while the reader opens, carried out on the first papers."""
        self.view_search = ViewSearch(self)
        """Runs the query and shows its answer on the list."""
        self.fresh_results = False
        """New results are on the list: the detail pane follows once it is painted."""
        self.panes = PaneLayout(self)
        """Which panes show at the terminal's width; going to the filters and back."""
        self.search_bar = SearchBar(id="search-bar")
        """The typed query."""
        self.filter_pane = FilterPane(id="filter-pane")
        """Views, tags, years, categories and saved searches."""
        self.paper_list = PaperList(id="paper-list")
        """The ranked papers of the view."""
        self.detail = PaperDetail(id="paper-detail")
        """The paper under the cursor, in full."""

    def compose(self) -> ComposeResult:
        # The width's classes before the panes mount, so they are styled once, for this
        # terminal, and the first frame already has the layout (Textual sets them on the
        # first resize, which may come after that frame).
        width = self.app.size.width
        for _, class_name in self.HORIZONTAL_BREAKPOINTS:
            self.set_class(False, class_name)
        self.add_class(*self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS))
        yield TitleBar(id="title-bar")
        yield self.search_bar
        yield LoadStatus(id="load-progress")
        with Horizontal(id="body"):
            yield self.filter_pane
            yield self.paper_list
            yield self.detail
        yield ReaderFooter(id="footer", compact=width < COMPACT_FOOTER_BELOW)


    def on_mount(self) -> None:
        self.paper_list.set_annotation_lookup(self.userdata.get)
        self.paper_list.hold_key = self.held_keys.offer  # moves wait with the paper keys
        self.search_bar.results = self.paper_list
        self.detail.set_sources(self.userdata.get, self.view_search.matches,
                                lambda paper: self.for_you.reason_of(paper, self.sort),
                                draft=self.notes.draft_text)
        self.refresh_counts()
        self.scope.reset(self.userdata.annotations())
        self.set_focus(self.paper_list)
        self.opening.start()

    def on_resize(self) -> None:
        self.panes.resized()

    def on_key(self) -> None:
        """A key the reader's panes did not take for themselves (the list's moves, the
        paper keys): the person is at work, an order arriving keeps their paper."""
        self.view_search.touched = True

    # -- opening the store (LoadStatus does the work, StoreOpening decides) ------------
    @on(PapersRead)
    def _papers_read(self, message: PapersRead) -> None:
        self.opening.papers_read(message)

    @on(LoadProgress)
    def _load_progress(self, message: LoadProgress) -> None:
        self.opening.progress(message)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.opening.failed(message)

    @on(EngineReady)
    def _engine_ready(self, message: EngineReady) -> None:
        self.opening.engine_ready(message)

    @on(FilterPane.ProblemsChosen)
    def _problems_chosen(self) -> None:
        from tui.screens.problems import ProblemsScreen  # noqa: PLC0415 - seldom opened

        self.app.push_screen(ProblemsScreen(store_problems(self.store)))

    # -- searching ------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        """The full query: the filter pane's qualifiers, then what was typed."""
        return self.view_search.query_text

    def start_search(self, keep_paper: bool = False) -> None:
        """Run the current query in a worker; ``keep_paper``: the cursor stays on its paper
        (the one under it when the answer lands), wherever the answer puts it."""
        self.view_search.start("paper" if keep_paper else "top")

    @on(SearchFinished)
    def _show_results(self, message: SearchFinished) -> None:
        self.view_search.show(message)

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        self.view_search.failed(message)

    def current_key(self) -> str | None:
        """The key of the paper under the cursor, if any."""
        current = self.paper_list.current
        return current.key if current is not None else None

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
        self.panes.back_to_list()

    # -- list -> detail -----------------------------------------------------------------
    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        # New results while typing: the list is painted first, the detail just after.
        fresh, self.fresh_results = self.fresh_results, False
        self.detail.follow(message.paper, after_paint=fresh)

    @on(PaperList.Selected)
    def _selected(self) -> None:
        self.detail.focus()

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
                              partial=isinstance(self.result, ScanResults) and self.result.partial)
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
        """Dim the paper keys when there is no paper to act on; hide Clear marks when
        nothing is marked."""
        if action == "focus_search" and self.focused is self.search_bar.input:
            return False  # typing a "/" in the query (a DOI, "TCP/IP")
        if action == "clear_marks":
            return bool(self.paper_list.marked)  # footer: "esc Clear marks" while marked
        if action in PAPER_ACTIONS and not self.has_paper():
            return True if self.held_keys.opening else None  # opening: held, not lost
        return True

    def release_held_keys(self) -> None:
        """Carry out the keys pressed while the reader opened, until one opens a dialog."""
        if dropped := self.held_keys.release(lambda: self.app.screen is self):
            self.app.notify(unused_keys_notice(dropped), markup=False)

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
        if outcome.cursor_key and (rank := self.view_search.rank_of(outcome.cursor_key)) is not None:
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
        if papers := self.targets():
            from tui.screens.tag_picker import ask_for_tags  # first use, not at start

            ask_for_tags(self.app, papers, self.triage_keys, self.userdata.all_tags(),
                         self.show_outcome)

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
        """Show the filter pane and go to it; from the pane, go back to the list."""
        self.panes.toggle_filters()

    def action_refresh_view(self) -> None:
        """Run the search again (triaged papers stay in view until then, so the cursor
        never jumps under a person's hands). If the store's files changed since they were
        read (today's listing dropped in its folder), read them again first: only the
        changed files are parsed and indexed, and the search reruns on the new index."""
        self.scope.reset(self.userdata.annotations())  # the papers triaged out leave now
        if not self.opening.reread():
            self.start_search(keep_paper=True)

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
        under the cursor."""
        self.view_search.sort_by(sort, reverse)

    # -- for you ---------------------------------------------------------------------------
    def learn_interest(self, keys: tuple[str, ...] | None) -> None:
        """Learn the person's decisions on ``keys`` (None: all) for the for-you order."""
        self.for_you.learn(keys)

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
