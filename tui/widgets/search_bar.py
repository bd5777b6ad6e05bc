"""The search bar: the query typed so far, plus what else narrows the view.

Typing posts ``SearchBar.Changed`` on every keystroke; the main screen runs the search in
a worker, so typing never waits for it.
"""

from __future__ import annotations

from typing import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from tui.widgets.text import one_line

__all__ = ["SearchBar", "SearchInput"]

PLACEHOLDER = "Search titles, authors, abstracts…  author:  tag:  year:2020..2023  is:starred"


class SearchInput(Input):
    """The query input; ``enter`` and ``down`` hand over to the list, ``esc`` clears or leaves."""

    BINDINGS = [
        # Priority keys: handled as they arrive, before the keys typed right after them
        # reach the input; those belong to the list ("s" stars the paper found).
        Binding("enter", "to_results", "Results", id="search.results",
                tooltip="Move to the paper list", priority=True),
        Binding("down", "to_results", "Results", show=False, id="search.down",
                tooltip="Move to the paper list", priority=True),
        Binding("escape", "clear_or_leave", "Clear / leave", id="search.escape",
                tooltip="Clear the query, or leave the search bar when it is empty"),
    ]

    def action_to_results(self) -> None:
        """Move to the paper list."""
        bar = self.parent
        if isinstance(bar, SearchBar) and bar.results is not None:
            self.screen.set_focus(bar.results)  # at once, not after the keys already queued
        self.post_message(SearchBar.Left())

    def action_clear_or_leave(self) -> None:
        """Clear the query; when it is already empty, leave the search bar."""
        if self.value:
            self.value = ""
        else:
            self.post_message(SearchBar.Left())


class SearchBar(Horizontal):
    """A search input and a short summary of the filters and sort order in force."""

    class Changed(Message):
        """The typed query changed (:attr:`SearchBar.value` is the new one)."""

    class Left(Message):
        """The person is done typing and wants the results."""

    _context_text: Text | None = None
    """The filters-and-sort summary on show."""

    results: Widget | None = None
    """Where ``enter`` and ``down`` take the keys (the paper list), set by the screen."""

    def compose(self) -> ComposeResult:
        yield Static(Text("/"), id="search-icon")
        yield SearchInput(placeholder=PLACEHOLDER, id="search-input", select_on_focus=False)
        yield Static(Text(""), id="search-context")

    @property
    def input(self) -> SearchInput:
        """The query input widget."""
        return self.query_one(SearchInput)

    @property
    def value(self) -> str:
        """The typed query."""
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def focus_input(self) -> None:
        """Put the cursor in the query, at its end. At once, not after the keys already
        queued: letters typed right after ``/`` belong in the query, not to the list."""
        self.screen.set_focus(self.input)
        self.input.cursor_position = len(self.input.value)

    def set_context(self, filters: str, sort: str, *, reverse: bool = False, typed: bool = True,
                    elsewhere: Mapping[str, int] | None = None) -> None:
        """Show which filters compose with the query, how results are sorted (not when
        that is relevance with nothing typed: there is nothing to be relevant to), and
        how many papers the query matches in other views (``elsewhere``, by state)."""
        parts: list[tuple[str, str]] = []
        if filters:
            parts.append((one_line(filters, 60), "bold"))
        if sort != "relevance" or typed or reverse:
            parts.append((f"sort: {sort}" + (", reversed" if reverse else ""), ""))
        if elsewhere:
            count = sum(elsewhere.values())
            where = ", ".join(state.capitalize() for state in elsewhere)
            parts.append((f"{count:,} more in {where} (a: all papers)", "bold"))
        text = Text(no_wrap=True, end="")
        for i, (part, style) in enumerate(parts):
            if i:
                text.append(" · ")
            text.append(part, style)
        if text != self._context_text:  # set on every key typed; a new text costs a layout
            self._context_text = text
            self.query_one("#search-context", Static).update(text)

    def set_error(self, reason: str) -> None:
        """Mark the query as not understood (``reason`` empty clears the mark)."""
        self.set_class(bool(reason), "-error")
        self.input.tooltip = Text(reason) if reason else None

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())
