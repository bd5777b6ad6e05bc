"""Notes as the main screen takes them: the built-in editor or the person's own, and drafts.

Not a screen: a helper the main screen owns for its ``n`` and ``N`` keys. What is typed is
kept as a draft on disk as it is typed (:class:`tui.userdata.drafts.Drafts`), so esc, a
quit, a kill or a closed terminal never throws away a paragraph; the next ``n`` (or ``N``)
reopens it. Saving goes through ``save``, the screen's one way of changing annotations
(undoable, refreshed everywhere), with the note the text was begun from, so a note
changed elsewhere meanwhile is kept too. The draft goes once the note is on disk.
"""

from __future__ import annotations

import os
from typing import Callable

from textual.app import SuspendNotSupported
from textual.dom import DOMNode

from tui.external_editor import EditorError, editor_command, run_editor
from tui.messages import AnnotationsChanged
from tui.model import Fingerprint, Paper
from tui.userdata import UserData
from tui.userdata.drafts import Draft

__all__ = ["NoteKeeper"]


class NoteKeeper:
    """Opens a paper's note for editing and hands a changed note to ``save``."""

    def __init__(self, host: DOMNode, userdata: UserData,
                 save: Callable[[Paper, str, str], object]) -> None:
        """``host``: the screen whose app shows the editor and the messages; ``save(paper,
        text, base)`` saves ``text`` as the note, begun from the note ``base``."""
        self._host = host
        self._userdata = userdata
        self._save = save
        self.drafts = userdata.drafts
        """Unsaved note drafts, on disk."""

    def draft_text(self, key: str) -> str | None:
        """The unsaved draft of the paper ``key``'s note, None when there is none."""
        draft = self.drafts.get(key)
        return draft.text if draft is not None else None

    def saved_note(self, paper: Paper) -> str:
        """The note as saved, "" when there is none."""
        annotation = self._userdata.get(paper.key)
        return annotation.note if annotation is not None else ""

    def edit(self, paper: Paper) -> None:
        """Edit the note in the built-in Markdown editor, reopening any kept draft."""
        draft = self.drafts.get(paper.key)
        base = draft.base if draft is not None else self.saved_note(paper)

        def keep(text: str, *, durable: bool = False, closing: bool = False) -> None:
            try:
                if text == base:  # back to the saved note: nothing to keep
                    self.drafts.discard(paper.key, draft if closing else None)
                else:
                    self.drafts.save(paper.key, text, base, paper.title, about=Fingerprint.of(paper),
                                     durable=durable)
                    if draft is not None:  # this window's draft now begins from it
                        self.drafts.supersede(draft)
            except OSError as exc:  # the text stays in the editor and in memory
                self._host.app.notify(f"Could not keep the note draft on disk: "
                                      f"{exc.strerror or exc}.", severity="warning", markup=False)

        from tui.screens.note_editor import NoteEditor, NoteResult  # not needed to start

        def done(result: NoteResult | None) -> None:
            if result is None:
                return
            if result.saved:
                self._keep(paper, base, result.text, draft)
                return
            if draft is not None and result.text == draft.text:
                return  # a kept draft only looked at: left as it is, whoever's it is
            keep(result.text, durable=True, closing=True)
            if result.text != base:
                self._host.app.notify("Note not saved; n reopens your draft.", markup=False)
            self._host.post_message(AnnotationsChanged((paper.key,)))  # shows the draft

        editor = NoteEditor(paper.title, draft.text if draft is not None else base,
                            is_draft=draft is not None, keep=keep)
        self._host.app.push_screen(editor, done)

    def edit_externally(self, paper: Paper) -> None:
        """Edit the note in $VISUAL / $EDITOR, handing the terminal over meanwhile."""
        app = self._host.app
        try:  # found out before the terminal is handed over, so the reader never is stuck
            words = editor_command(os.environ)
        except EditorError as exc:
            app.notify(str(exc), severity="warning", markup=False)
            return
        draft = self.drafts.get(paper.key)
        base = draft.base if draft is not None else self.saved_note(paper)
        try:  # with the drafts: a kill of the reader meanwhile loses nothing saved there
            path = self.drafts.open_in_editor(paper.key, draft.text if draft is not None else base,
                                              base, paper.title, about=Fingerprint.of(paper))
        except OSError as exc:
            app.notify(f"Could not write the note for your editor ({exc.strerror or exc}); "
                       "n opens the built-in editor.", severity="error", markup=False)
            return
        try:
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
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:  # removed or made unreadable while the editor had it
                app.notify(f"Could not read the note back from your editor "
                           f"({exc.strerror or exc}); note not changed.", severity="error",
                           markup=False)
                return
        finally:
            self.drafts.close_editor(path)
        if status != 0:
            app.notify(f"{words[0]} exited with status {status}; note not changed.",
                       severity="warning", markup=False)
        elif text != base or draft is not None:
            self._keep(paper, base, text, draft)

    def _keep(self, paper: Paper, base: str, text: str, opened: Draft | None) -> None:
        """Save ``text`` as the note; then the draft it was typed in, and ``opened``, the
        draft the editor began from, have done their work."""
        self._save(paper, text, base)
        if self._userdata.unsaved:  # a failed save was already reported: keep the draft too
            try:
                self.drafts.save(paper.key, text, base, paper.title, about=Fingerprint.of(paper),
                                     durable=True)
            except OSError as exc:  # still in memory: n reopens it, and quitting warns
                self._host.app.notify(
                    f"Could not keep the note as a draft on disk either ({exc.strerror or exc}); "
                    "it is kept while papertray runs: n reopens it.", severity="error",
                    markup=False)
            self._host.post_message(AnnotationsChanged((paper.key,)))
            return
        self.drafts.discard(paper.key, opened)
        self._host.post_message(AnnotationsChanged((paper.key,)))  # no draft shown any more
        saved = self.saved_note(paper)
        if saved != base:
            self._host.app.notify("Note saved." if saved == text else "Note saved, with the "
                                  "version written elsewhere meanwhile below it.", markup=False)
