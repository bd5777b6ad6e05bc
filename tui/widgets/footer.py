"""The reader's footer: the keys of what has focus, one line, drawn as one widget.

Textual's footer is a container with a widget per key: on the main screen that was a tenth
of the first screen's time (each key styled three times), and rebuilding it when the keys
change was too slow to do as people type. This one draws the same line from the screen's
active bindings as text, so it is in the first frame and changing it costs a repaint.

At 80 columns, with the detail pane focused, Textual's footer cut ``? Help`` and ``q Quit``,
the two keys a lost person needs, and drew the palette key over the cut. Narrow, this footer
puts help and quit first (as nano does) and leaves the palette key out (``ctrl+p`` still
works, and help lists it).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["ReaderFooter", "FooterItem", "FIRST_WHEN_NARROW"]

FIRST_WHEN_NARROW = ("help", "quit")
"""Actions shown first on a narrow terminal, whatever else has keys there."""

DIM = Style(dim=True)
"""A key that does nothing here (no paper under the cursor) is drawn dim."""
NO_STYLE = Style()


@dataclass(frozen=True)
class FooterItem:
    """One key as the footer shows it."""

    key: str
    """The key pressed (the first of the binding's keys)."""
    display: str
    """The key as shown (``^p`` for ``ctrl+p``, or a remapped key)."""
    description: str
    action: str
    enabled: bool
    tooltip: str


class ReaderFooter(Widget):
    """The keys that work here, with help and quit first when ``compact`` (narrow)."""

    ALLOW_SELECT = False

    COMPONENT_CLASSES = {"reader-footer--key", "reader-footer--description",
                         "reader-footer--separator"}

    compact = reactive(False)
    """Narrow terminals: tighter spacing, help and quit first, no palette key."""

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ReaderFooter.compact, compact)
        self.items: list[FooterItem] = []
        """The keys shown, in order (the palette key, when shown, last)."""
        self.palette: FooterItem | None = None
        """The command palette's key, drawn at the right edge when wide."""
        self._spans: list[tuple[int, int, FooterItem]] = []
        self._natural: list[FooterItem] = []
        self._palette: FooterItem | None = None
        self._tight = compact

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._collect()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._collect()

    def watch_compact(self) -> None:
        if self.is_mounted:
            self._collect()

    def _collect(self) -> None:
        """The screen's active keys, one per action, as Textual's footer lists them."""
        items: dict[str, FooterItem] = {}
        palette: FooterItem | None = None
        app = self.app
        for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            item = self._item(key, binding, enabled, tooltip)
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = item
            if binding.show and binding.action not in items:
                items[binding.action] = item
        self._natural = list(items.values())
        self._palette = palette
        self._lay_out()
        self.refresh()

    def _lay_out(self) -> None:
        """Compact (help and quit first, tight, no palette key) when asked to, or when the
        keys would not fit the width: a key is never cut in the middle of its name."""
        natural = self._natural
        wide = sum(cell_len(f" {i.display} {i.description} ") for i in natural)
        if self._palette is not None:
            wide += cell_len(f"▏{self._palette.display} {self._palette.description} ")
        tight = self.compact or (self.size.width > 0 and wide > self.size.width)
        if tight:
            first = [item for action in FIRST_WHEN_NARROW for item in natural
                     if item.action == action]
            natural = first + [item for item in natural if item not in first]
        self.items = natural
        self.palette = None if tight else self._palette
        self._tight = tight

    def on_resize(self) -> None:
        self._lay_out()

    def _item(self, key: str, binding: Binding, enabled: bool, tooltip: str) -> FooterItem:
        return FooterItem(key=key, display=self.app.get_key_display(binding),
                          description=binding.description, action=binding.action,
                          enabled=enabled, tooltip=tooltip or binding.tooltip or binding.description)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("reader-footer--key")
        description_style = self.get_component_rich_style("reader-footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, FooterItem]] = []

        def add(item: FooterItem, key_text: str, description_text: str) -> None:
            start = line.cell_len
            dim = DIM if not item.enabled else NO_STYLE
            line.append(key_text, key_style + dim)
            line.append(description_text, description_style + dim)
            spans.append((start, line.cell_len, item))

        for item in self.items:
            if self._tight:
                add(item, item.display, f" {item.description} ")
            else:
                add(item, f" {item.display} ", f"{item.description} ")
        if self.palette is not None:
            palette = self.palette
            key_text, description_text = palette.display, f" {palette.description} "
            room = self.size.width - cell_len("▏" + key_text + description_text)
            if room > 0:
                line.truncate(room, pad=True)
                spans = [span for span in spans if span[1] <= room]
                line.append("▏", self.get_component_rich_style("reader-footer--separator"))
                add(palette, key_text, description_text)
        self._spans = spans
        return line

    def _item_at(self, x: int) -> FooterItem | None:
        return next((item for start, end, item in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it."""
        item = self._item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._item_at(event.x)
        self.tooltip = item.tooltip if item is not None else None
