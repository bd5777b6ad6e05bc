"""Which panes show at which width, and going to the filter pane and back.

At 120 columns and more the filter pane stands beside the list; below, it is put away and
``f`` brings it over the list (the screen's ``-filters-toggled`` class, styled in
``app.tcss``) until the person goes back to the list. A helper the main screen owns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.widgets.footer import ReaderFooter

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["PaneLayout", "COMPACT_FOOTER_BELOW"]

COMPACT_FOOTER_BELOW = 100
"""Columns under which the footer shortens its labels, so help and quit still fit."""


class PaneLayout:
    """The main screen's panes as the terminal's width allows them."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen

    def resized(self) -> None:
        """Tighter footer on narrow terminals."""
        self._screen.query_one(ReaderFooter).compact = self._screen.size.width < COMPACT_FOOTER_BELOW

    def toggle_filters(self) -> None:
        """Show the filter pane and go to it; from the pane, go back to the list (and put
        the pane away where it covers or squeezes the list, below 120 columns)."""
        screen = self._screen
        pane = screen.filter_pane
        if screen.focused is pane:
            self.back_to_list()
            return
        if not (pane.display and pane.region.width):
            screen.add_class("-filters-toggled")
        screen.call_after_refresh(self._filters_shown)

    def back_to_list(self) -> None:
        """Leave the filter pane for the list; below 120 columns the pane covers or
        squeezes the list, so it is put away."""
        self._screen.remove_class("-filters-toggled")
        self._screen.paper_list.focus()

    def _filters_shown(self) -> None:
        screen = self._screen
        pane = screen.filter_pane
        if pane.display and pane.region.width:
            pane.focus()
            if screen.engine is not None:
                pane.recount_facets(screen.engine, screen.search_bar.value,
                                    screen.userdata.annotations())
