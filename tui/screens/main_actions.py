"""The main screen's actions: triage, tags, notes, marks, undo, links, citations, export.

Kept apart from ``main.py`` (layout and the search data flow) so each stays readable;
``MainScreen`` mixes this class in and owns the BINDINGS that call these actions.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import SuspendNotSupported

from tui.model import Paper
from tui.screens.export_dialog import ExportDialog, ExportRequest
from tui.screens.note_editor import NoteEditor, NoteResult
from tui.screens.tag_picker import TagChange, TagPicker
from tui.triage import Step
from tui.widgets.text import one_line

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["PaperActions", "STATE_LABELS"]

STATE_LABELS = {"later": "later", "read": "read", "skipped": "skip", "inbox": "back to inbox"}

PAPER_ACTIONS = {"toggle_star", "edit_tags", "edit_note", "external_note", "set_state",
                 "toggle_mark", "open_link", "copy_citation", "export"}
"""Actions that need a paper under the cursor; disabled (dimmed) in an empty view."""


class PaperActions:
    """Actions of the main screen (a mixin: ``self`` is the MainScreen)."""

    def check_action(self: "MainScreen", action: str, parameters: tuple) -> bool | None:
        """Dim the paper keys when there is no paper to act on."""
        if action in PAPER_ACTIONS and not self.has_paper():
            return None
        return True

    def has_paper(self: "MainScreen") -> bool:
        """True when a paper is under the cursor."""
        try:
            return self.paper_list.current is not None
        except Exception:  # before compose finished there is no list yet
            return False

    # -- which papers ------------------------------------------------------------------
    def targets(self: "MainScreen") -> list[Paper]:
        """The marked papers, else the one under the cursor."""
        marked = self.paper_list.marked
        if marked:
            papers = [self.store.get(key) for key in sorted(marked)]
            return [paper for paper in papers if paper is not None]
        current = self.paper_list.current
        return [current] if current is not None else []

    def apply(self: "MainScreen", label: str, papers: list[Paper], *, move: bool = False,
              **changes: Any) -> Step | None:
        """Change ``papers`` as one undoable step, then refresh what shows them."""
        step, error = self.triage.apply(label, [(p.key, p.title) for p in papers], **changes)
        if error:
            self.app.notify(error, title="Not saved yet", severity="error", markup=False)
        bulk = len(papers) > 1
        if bulk:
            self.paper_list.clear_marks()
        self.after_change(step.keys if step else ())
        if bulk and step:
            self.app.notify(f"{step.describe().capitalize()} · z undoes", markup=False)
        elif move:
            self.paper_list.action_cursor_down()
        return step

    def after_change(self: "MainScreen", keys: tuple[str, ...]) -> None:
        """Refresh rows, counts and the detail after annotations changed."""
        self.paper_list.refresh_rows()
        self.refresh_counts()
        self.show_detail(self.paper_list.current)

    # -- triage ------------------------------------------------------------------------
    def action_toggle_star(self: "MainScreen") -> None:
        """Star the paper (or every marked paper); unstar when all are starred."""
        papers = self.targets()
        notes = [self.userdata.get(p.key) for p in papers]
        star = not all(note is not None and note.starred for note in notes)
        self.apply("star" if star else "unstar", papers, starred=star)

    def action_set_state(self: "MainScreen", state: str) -> None:
        """Set later / read / skipped / inbox and move on to the next paper."""
        papers = self.targets()
        self.apply(STATE_LABELS.get(state, state), papers, move=len(papers) == 1, state=state)

    def action_toggle_mark(self: "MainScreen") -> None:
        """Mark or unmark the paper for a bulk action and move down."""
        if (paper := self.paper_list.current) is not None:
            self.paper_list.toggle_mark(paper.key)
            self.paper_list.action_cursor_down()
            self.refresh_header()

    def action_clear_marks(self: "MainScreen") -> None:
        """Forget the marks."""
        self.paper_list.clear_marks()
        self.refresh_header()

    def action_edit_tags(self: "MainScreen") -> None:
        """Ask for tags to add or remove, then apply them to the paper(s)."""
        papers = self.targets()
        if not papers:
            return
        current = sorted({tag for p in papers for tag in
                          (getattr(self.userdata.get(p.key), "tags", ()) or ())})
        what = papers[0].title if len(papers) == 1 else f"{len(papers)} marked papers"

        def done(change: TagChange | None) -> None:
            if change:
                self.apply(f"tag {change.describe()}", papers, add_tags=change.add,
                           remove_tags=change.remove)

        self.app.push_screen(TagPicker(what, current, self.userdata.all_tags()), done)

    def action_edit_note(self: "MainScreen") -> None:
        """Edit the paper's note in the Markdown editor (reopening any kept draft)."""
        paper = self.paper_list.current
        if paper is None:
            return
        drafts = self.userdata.drafts
        draft = drafts.get(paper.key)
        base = draft.base if draft is not None else getattr(self.userdata.get(paper.key), "note", "")

        def keep(text: str, *, durable: bool = False) -> None:
            try:
                if text == base:
                    drafts.discard(paper.key)
                else:
                    drafts.save(paper.key, text, base, paper.title, durable=durable)
            except OSError as exc:  # the text stays in the editor and in memory
                self.app.notify(f"Could not keep the note draft on disk: {exc.strerror or exc}.",
                                severity="warning", markup=False)

        def done(result: NoteResult | None) -> None:
            if result is None:
                return
            if not result.saved:
                keep(result.text, durable=True)
                if result.text != base:
                    self.app.notify("Note not saved; n reopens your draft.", markup=False)
            else:
                self.save_note(paper, base, result.text)
            self.after_change((paper.key,))

        editor = NoteEditor(paper.title, draft.text if draft is not None else base,
                            is_draft=draft is not None, keep=keep)
        self.app.push_screen(editor, done)

    def save_note(self: "MainScreen", paper: Paper, base: str, text: str) -> None:
        """Save ``text`` as the note (begun from ``base``); a note someone changed
        meanwhile is kept too. The draft goes once the note is on disk."""
        step = self.apply("note", [paper], note=text, note_base=base)
        if self.userdata.unsaved:  # a failed save was already reported: keep the draft too
            self.userdata.drafts.save(paper.key, text, base, paper.title, durable=True)
            return
        self.userdata.drafts.discard(paper.key)
        if step is not None:
            merged = getattr(self.userdata.get(paper.key), "note", "") != text
            self.app.notify("Note saved, with the version written elsewhere meanwhile below it."
                            if merged else "Note saved.", markup=False)

    def action_external_note(self: "MainScreen") -> None:
        """Edit the note in $VISUAL / $EDITOR, suspending the app meanwhile."""
        paper = self.paper_list.current
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if paper is None:
            return
        if not command:
            self.app.notify("Set $EDITOR (or $VISUAL) to edit notes in your own editor; "
                            "n opens the built-in editor.", severity="warning", markup=False)
            return
        saved = getattr(self.userdata.get(paper.key), "note", "")
        draft = self.userdata.drafts.get(paper.key)
        base = draft.base if draft is not None else saved
        with tempfile.TemporaryDirectory(prefix="papertray-") as folder:
            path = Path(folder) / "note.md"
            path.write_text(draft.text if draft is not None else saved, encoding="utf-8")
            try:
                with self.app.suspend():
                    status = subprocess.call([*shlex.split(command), str(path)])
            except SuspendNotSupported:
                if not self.app.is_headless:
                    self.app.notify("This terminal cannot hand over to an editor; use n.",
                                    severity="warning", markup=False)
                    return
                status = subprocess.call([*shlex.split(command), str(path)])
            except OSError as exc:
                self.app.notify(f"Could not run {command}: {exc.strerror}.", severity="error",
                                markup=False)
                return
            text = path.read_text(encoding="utf-8", errors="replace")
        if status != 0:
            self.app.notify(f"{command} exited with status {status}; note not changed.",
                            severity="warning", markup=False)
        elif text != base or draft is not None:
            self.save_note(paper, base, text)
            self.after_change((paper.key,))

    # -- undo ------------------------------------------------------------------------------
    def action_undo(self: "MainScreen") -> None:
        """Undo the last change (a bulk change is one step)."""
        self._history(self.triage.undo(), "Undid", "Nothing to undo.")

    def action_redo(self: "MainScreen") -> None:
        """Redo the last undone change."""
        self._history(self.triage.redo(), "Redid", "Nothing to redo.")

    def _history(self: "MainScreen", outcome: tuple[Step | None, str], verb: str,
                 nothing: str) -> None:
        step, error = outcome
        if step is None:
            self.app.notify(nothing, markup=False)
            return
        if error:
            self.app.notify(error, title="Not saved yet", severity="error", markup=False)
        rank = self.rank_of(step.keys[0])
        if rank is not None and len(step.keys) == 1:
            self.paper_list.cursor = rank
        self.after_change(step.keys)
        kept = len(self.triage.left_alone)
        also = (f" {kept} field{'s' if kept != 1 else ''} changed elsewhere since kept as "
                f"{'they are' if kept != 1 else 'it is'}." if kept else "")
        self.app.notify(f"{verb} {step.describe()}.{also}", markup=False)

    # -- out into the world ----------------------------------------------------------------
    def action_open_link(self: "MainScreen") -> None:
        """Open the paper's link in the browser."""
        paper = self.paper_list.current
        if paper is None:
            return
        if not paper.link.lower().startswith(("http://", "https://")):
            self.app.notify("This paper has no web link.", severity="warning", markup=False)
            return
        self.app.open_url(paper.link)
        self.app.notify(f"Opening {one_line(paper.link, 120)}", markup=False)

    def action_copy_citation(self: "MainScreen") -> None:
        """Copy BibTeX for the paper (or the marked papers) to the clipboard."""
        from tui.export import bibtex_entry

        papers = self.targets()
        if not papers:
            return
        text = "\n".join(bibtex_entry(p, self.userdata.get(p.key)) for p in papers)
        self.app.copy_to_clipboard(text)
        what = one_line(papers[0].title, 60) if len(papers) == 1 else f"{len(papers)} papers"
        self.app.notify(f"Copied BibTeX for {what}", markup=False)

    def action_export(self: "MainScreen") -> None:
        """Export the papers in view (or the marked ones) to a file."""
        from tui.export import FORMATS

        marked = bool(self.paper_list.marked)
        count = len(self.paper_list.marked) if marked else len(self.paper_list)
        what = f"{count:,} marked papers" if marked else f"{count:,} papers in view"

        def done(request: ExportRequest | None) -> None:
            if request is not None:
                papers = self.targets() if marked else None
                self._write_export(request, papers, self.result, self.userdata.annotations())

        self.app.push_screen(ExportDialog(what, FORMATS, Path.cwd()), done)

    @work(thread=True, group="export", exit_on_error=False)
    def _write_export(self: "MainScreen", request: ExportRequest, papers: list[Paper] | None,
                      result: Any, annotations: Any) -> None:
        from tui.export import atomic_output, write_papers

        if papers is None:
            papers = (result.paper(rank) for rank in range(len(result)))
        try:
            with atomic_output(request.path) as out:
                write_papers(papers, request.fmt, out, annotations)
        except OSError as exc:
            self.app.call_from_thread(
                self.app.notify, f"Could not write {request.path}: {exc.strerror or exc}.",
                severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.notify, f"Exported to {request.path}", markup=False)

    # -- layout ----------------------------------------------------------------------------
    def action_focus_search(self: "MainScreen") -> None:
        """Put the cursor in the search bar."""
        self.search_bar.focus_input()

    def action_toggle_filters(self: "MainScreen") -> None:
        """Show or hide the filter pane (hidden by default on narrow terminals)."""
        self.toggle_class("-filters-toggled")
        pane = self.filter_pane
        self.call_after_refresh(self._after_filters_toggled, pane)

    def _after_filters_toggled(self: "MainScreen", pane: Any) -> None:
        if pane.display and pane.region.width:
            pane.focus()
            self.refresh_facets()
        elif self.focused is pane or self.focused is None:
            self.paper_list.focus()

    def action_refresh_view(self: "MainScreen") -> None:
        """Run the search again (triaged papers stay in view until then, so the cursor
        never jumps under a person's hands)."""
        current = self.paper_list.current
        self.start_search(keep_key=current.key if current else None)

    def action_cycle_sort(self: "MainScreen") -> None:
        """Sort by the next order: relevance, date, title, recently annotated."""
        from tui.screens.main import SORTS

        self.sort_by(SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def sort_by(self: "MainScreen", sort: str) -> None:
        """Sort the view by ``sort``, keeping the paper under the cursor."""
        self.sort = sort
        current = self.paper_list.current
        self.start_search(keep_key=current.key if current else None)
        self.app.notify(f"Sorted by {sort}", markup=False)
