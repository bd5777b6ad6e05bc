"""The note editor: a Markdown text area in a modal.

``ctrl+s`` saves and closes. ``esc`` closes without saving but hands back what was typed,
so the main screen keeps it as a draft and the next ``n`` on that paper reopens it:
a stray escape never throws away a paragraph. Every change is also handed to ``keep``
as it happens, which writes the draft to disk, so a kill or a closed terminal loses
nothing either.

Both keys are priority bindings, handled as soon as they arrive, while keys typed or
pasted just before them may still wait in the text area's queue. So the editor closes
only once the text area has taken in everything queued before the key: every keystroke
is in the note.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from tui.sanitize import clean
from tui.widgets.text import one_line

__all__ = ["NoteEditor", "NoteResult"]


@dataclass(frozen=True)
class NoteResult:
    """What the editor closed with."""

    text: str
    saved: bool
    """True for ctrl+s (save the note); False for escape (keep ``text`` as a draft)."""


class NoteEditor(ModalScreen[NoteResult]):
    """Edit one paper's note in Markdown."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save",
                tooltip="Save the note and close"),
        Binding("escape", "close", "Close (keep draft)", priority=True, id="note.close",
                tooltip="Close without saving; what you typed is kept as a draft"),
    ]

    def __init__(self, title: str, text: str, *, is_draft: bool = False,
                 keep: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.keep = keep
        """Called with the text after every change (to write the draft as it is typed)."""
        self._leaving = False
        self._left = False
        self.paper_title = title
        """Title of the paper the note belongs to."""
        self.initial = text
        """The text the editor opened with (the saved note or the kept draft)."""
        self.is_draft = is_draft
        """True when ``initial`` is an unsaved draft from an earlier escape."""
        # A note may come from another machine's file: its controls are made visible
        # here, as everywhere else, rather than handed to the terminal by the TextArea.
        # What is shown may so differ from the note; a note only looked at is handed back
        # as it was, never as shown (no draft, no change to invisible marks or line ends).
        self._shown = clean(text, multiline=True, max_chars=None)

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Text(f"Note · {one_line(self.paper_title, 200)}", end=""),
                         classes="dialog-title")
            yield TextArea(self._shown, id="note-text",
                           soft_wrap=True, tab_behavior="indent")
            hint = "Markdown · ctrl+s saves · esc closes and keeps a draft"
            if self.is_draft:
                hint = "Unsaved draft restored · " + hint
            yield Static(Text(hint, end=""), classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        """The text in the editor now: the text it opened with while nothing is changed."""
        shown = self.query_one("#note-text", TextArea).text
        return self.initial if shown == self._shown else shown

    def on_text_area_changed(self, message: TextArea.Changed) -> None:
        """Hand every change to ``keep`` as it happens."""
        if self.keep is not None and not self._left:
            self.keep(self.text)

    async def action_save(self) -> None:
        """Save the note and close (once every key typed before is in)."""
        await self._close_after_queued_keys(saved=True)

    async def action_close(self) -> None:
        """Close without saving; the screen keeps the text as a draft."""
        await self._close_after_queued_keys(saved=False)

    async def _close_after_queued_keys(self, *, saved: bool) -> None:
        if self._leaving:
            return
        self._leaving = True
        area = self.query_one("#note-text", TextArea)
        # A callback joins the text area's queue behind the keys and pastes already there:
        # once it has run, the text holds all of them.
        caught_up = asyncio.Event()
        if area.call_later(caught_up.set):
            await caught_up.wait()
        self._left = True  # change messages still queued must not write the draft again
        self.dismiss(NoteResult(self.text, saved=saved))
