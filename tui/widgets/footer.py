"""The reader's footer: on a narrow terminal, help and quit come first.

Textual's footer lists the focused widget's keys, then the screen's, then the app's, and
cuts what does not fit at the right: at 80 columns, with the detail pane focused, that was
``? Help`` and ``q Quit``, the two keys a lost person needs, and the palette key docked on
the right was drawn over the cut. Narrow, this footer puts help and quit first (as nano
does) and leaves the palette key out (``ctrl+p`` still works, and help lists it).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["ReaderFooter", "FIRST_WHEN_NARROW"]

FIRST_WHEN_NARROW = ("help", "quit")
"""Actions shown first on a narrow terminal, whatever else has keys there."""


class ReaderFooter(Footer):
    """The footer, with help and quit first when ``compact`` (narrow terminals)."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())  # no key groups here, so a flat list of widgets
        if not self.compact:
            yield from keys
            return
        first = [key for action in FIRST_WHEN_NARROW for key in keys
                 if isinstance(key, FooterKey) and key.action == action]
        yield from first + [key for key in keys if key not in first]

    def watch_compact(self, compact: bool) -> None:
        """Narrow: no palette key at the right edge (it would cover the last key)."""
        self.show_command_palette = not compact
