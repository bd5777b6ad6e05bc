"""Notes as the main screen takes them: the built-in editor or the person's own, and drafts.

Not a screen: a helper the main screen owns for its ``n`` and ``N`` keys. What was typed
and closed with esc is kept as a draft per paper and reopened by the next ``n`` (or ``N``),
so a stray escape never throws away a paragraph. Saving goes through ``save``, the screen's
one way of changing annotations (undoable, refreshed everywhere).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from textual.app import SuspendNotSupported
from textual.dom import DOMNode

from tui.external_editor import EditorError, editor_command, run_editor
from tui.model import Paper
from tui.screens.note_editor import NoteEditor, NoteResult
from tui.userdata import UserData

__all__ = ["NoteKeeper"]


class NoteKeeper:
    """Opens a paper's note for editing and hands a changed note to ``save``."""

    def __init__(self, host: DOMNode, userdata: UserData,
                 save: Callable[[Paper, str], object]) -> None:
        """``host``: the screen whose app shows the editor and the messages."""
        self._host = host
        self._userdata = userdata
        self._save = save
        self.drafts: dict[str, str] = {}
        """Unsaved note text per paper key, kept when the note editor is closed with esc."""

    def saved_note(self, paper: Paper) -> str:
        """The note as saved, "" when there is none."""
        annotation = self._userdata.get(paper.key)
        return annotation.note if annotation is not None else ""

    def edit(self, paper: Paper) -> None:
        """Edit the note in the built-in Markdown editor, reopening any kept draft."""
        saved = self.saved_note(paper)
        draft = self.drafts.get(paper.key)

        def done(result: NoteResult | None) -> None:
            if result is None:
                return
            if result.text == saved:
                self.drafts.pop(paper.key, None)
            elif result.saved:
                self._keep(paper, result.text)
            else:
                self.drafts[paper.key] = result.text
                self._host.app.notify("Note not saved; n reopens your draft.", markup=False)

        editor = NoteEditor(paper.title, draft if draft is not None else saved,
                            is_draft=draft is not None)
        self._host.app.push_screen(editor, done)

    def edit_externally(self, paper: Paper) -> None:
        """Edit the note in $VISUAL / $EDITOR, handing the terminal over meanwhile."""
        app = self._host.app
        try:  # found out before the terminal is handed over, so the reader never is stuck
            words = editor_command(os.environ)
        except EditorError as exc:
            app.notify(str(exc), severity="warning", markup=False)
            return
        saved = self.saved_note(paper)
        with tempfile.TemporaryDirectory(prefix="papertray-") as folder:
            path = Path(folder) / "note.md"
            path.write_text(self.drafts.get(paper.key, saved), encoding="utf-8")
            try:
                with app.suspend():
                    status, problem = run_editor(words, path)
            except SuspendNotSupported:
                if not app.is_headless:
                    app.notify("This terminal cannot hand over to an editor; use n.",
                               severity="warning", markup=False)
                    return
                status, problem = run_editor(words, path)  # under test: nothing to hand over
            if problem:
                app.notify(problem, severity="error", markup=False)
                return
            text = path.read_text(encoding="utf-8", errors="replace")
        if status != 0:
            app.notify(f"{words[0]} exited with status {status}; note not changed.",
                       severity="warning", markup=False)
        elif text != saved:
            self._keep(paper, text)

    def _keep(self, paper: Paper, text: str) -> None:
        self.drafts.pop(paper.key, None)
        self._save(paper, text)
        if not self._userdata.unsaved:  # a failed save was already reported
            self._host.app.notify("Note saved.", markup=False)
