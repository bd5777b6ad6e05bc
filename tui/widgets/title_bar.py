"""The title bar: what is open for whom on the left, the view's counts on the right.

It is redrawn after every key typed, so it does as little as it can: a side whose text is
unchanged is left alone, and a new text costs a layout pass only when its width changed
(a layout redraws the whole screen, too slow to do on every key).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.status import Emphasis, ViewSummary
from tui.widgets.text import one_line

__all__ = ["TitleBar"]

EMPHASIS_STYLES: dict[Emphasis, str] = {"": "", "strong": "bold", "status": "italic"}
"""How each kind of piece of the summary is drawn."""


class TitleBar(Horizontal):
    """``papertray · store · profile`` then ``shown of total · inbox · marked``."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: dict[str, Text] = {}
        """The text on show on each side, by the id of its Static."""

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="title-left")
        yield Static(Text(""), id="title-right")

    def show(self, store_label: str, profile: str, summary: ViewSummary) -> None:
        """Say which store is open for which profile, and the counts of ``summary``.
        The store label and profile come from files and the command line: cleaned here."""
        left = Text(no_wrap=True, end="")
        left.append("papertray", "bold")
        left.append(f" · {one_line(store_label, 60)}")
        left.append(f" · {one_line(profile, 40)}")
        right = Text(no_wrap=True, end="", justify="right")
        for piece, emphasis in summary.pieces():
            right.append(piece, EMPHASIS_STYLES[emphasis])
        self._update("title-left", left)
        self._update("title-right", right)

    def _update(self, side: str, text: Text) -> None:
        old = self._shown.get(side)
        if old is not None and old == text:
            return
        static = self.query_one(f"#{side}", Static)
        same_width = old is not None and old.cell_len == text.cell_len
        auto_width = static.styles.width is not None and static.styles.width.is_auto
        self._shown[side] = text.copy()
        static.update(text, layout=auto_width and not same_width)
