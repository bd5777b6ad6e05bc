"""The command palette: every main-screen action, the views, sorts and saved searches.

The action list is generated from ``MainScreen.BINDINGS`` (description, tooltip, key), so a
new key shows up in the palette by itself. Names that come from the config file (saved
searches) are shown as plain Content, never parsed as markup.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterator

from textual.binding import Binding
from textual.app import ComposeResult
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from tui.sanitize import clean_line
from tui.screens.main import MainScreen
from tui.search import SORT_HELP, SORTS
from tui.widgets.filter_pane import VIEWS
from tui.widgets.footer import ReaderFooter

__all__ = ["PaperTrayCommands", "ReaderPalette"]

Command = tuple[str, str, Callable[[], object], bool]
"""(name, help, callback, trusted): trusted names may be highlighted with the matcher."""


class ReaderPalette(CommandPalette):
    """Textual's palette with a footer of its own keys: without one, the main screen's
    footer showed through with the paper list's keys, which do nothing here."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield ReaderFooter(id="palette-footer")


class PaperTrayCommands(Provider):
    """Offers the reader's actions, views, sort orders and saved searches."""

    def _commands(self) -> Iterator[Command]:
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        seen: set[str] = set()
        for binding in MainScreen.BINDINGS:
            if not isinstance(binding, Binding):
                continue  # the screen declares every key as a Binding (with a tooltip)
            if binding.description and binding.action not in seen:
                seen.add(binding.action)
                help_text = f"{binding.tooltip}  ({self.app.get_key_display(binding)})"
                yield (binding.description, help_text,
                       partial(screen.run_action, binding.action), True)
        for view, (label, qualifier) in VIEWS.items():
            yield (f"View: {label}", qualifier or "every paper",
                   partial(screen.filter_pane.choose_view, view), True)
        for sort in SORTS:
            yield f"Sort by {sort}", SORT_HELP[sort], partial(screen.sort_by, sort), True
            yield (f"Sort by {sort}, reversed", f"{SORT_HELP[sort]}, turned around",
                   partial(screen.sort_by, sort, True), True)
        for name, query in screen.settings.saved_searches.items():
            # Both come from config.toml: cleaned, so they cannot drive the terminal.
            yield (f"Saved search: {clean_line(name, 200)}", clean_line(query, 500),
                   partial(screen.filter_pane.choose_saved, name, query), False)
        yield ("Show keys", "Every key and what it does", partial(self.app.run_action, "help"),
               True)

    async def discover(self) -> Hits:
        """Everything, for browsing the palette before typing."""
        for name, help_text, callback, _trusted in self._commands():
            yield DiscoveryHit(Content(name), callback, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        """Commands whose name fuzzily matches what was typed."""
        matcher = self.matcher(query)
        for name, help_text, callback, trusted in self._commands():
            score = matcher.match(name)
            if score > 0:
                shown = matcher.highlight(name) if trusted else Content(name)
                yield Hit(score, shown, callback, help=escape(help_text))
