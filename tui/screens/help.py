"""The help screen: every key, generated from the bindings themselves.

Nothing here is a hand-written key table: each section lists the ``BINDINGS`` of one
part of the reader after the person's key remapping is applied, so help cannot drift
from what the keys really do.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

__all__ = ["HelpScreen", "KeyRow", "key_rows"]

KeyRow = tuple[str, str, str, str]
"""(keys as displayed, description, tooltip, binding id for remapping)."""


def key_rows(app: App[Any], owner: type[DOMNode], keymap: Mapping[str, str]) -> list[KeyRow]:
    """The keys of ``owner``'s own BINDINGS after ``keymap``, one row per action."""
    bindings = BindingsMap(owner.BINDINGS)
    if keymap:
        bindings.apply_keymap(dict(keymap))
    rows: dict[str, list[Any]] = {}
    for _key, binding in bindings:
        if not binding.description:
            continue
        entry = rows.setdefault(binding.id or binding.action, [[], binding])
        display = app.get_key_display(binding)
        if display not in entry[0]:
            entry[0].append(display)
    return [(" ".join(keys), b.description, b.tooltip, b.id or "") for keys, b in rows.values()]


class HelpScreen(ModalScreen[None]):
    """All keys, by where they work. Any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close",
                tooltip="Close help"),
        Binding("j", "scroll('down')", "Scroll down", show=False, id="help.down",
                tooltip="Scroll the keys down"),
        Binding("k", "scroll('up')", "Scroll up", show=False, id="help.up",
                tooltip="Scroll the keys up"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Iterable[KeyRow]]]) -> None:
        super().__init__()
        self.sections = [(title, list(rows)) for title, rows in sections]
        """(section title, key rows) in the order shown."""

    def compose(self) -> ComposeResult:
        yield Footer()
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("Keys", end=""), classes="dialog-title")
            for title, rows in self.sections:
                if not rows:
                    continue
                yield Static(Text(title, end=""), classes="section-label")
                table = Table.grid(padding=(0, 2), expand=True)
                table.add_column(min_width=12, no_wrap=True, style="bold")
                table.add_column(min_width=18, no_wrap=True)
                table.add_column(ratio=1, style="dim")
                for keys, description, tooltip, _id in rows:
                    table.add_row(Text(keys), Text(description), Text(tooltip))
                yield Static(table, classes="help-table")
            yield Static(Text("esc closes · keys can be remapped in config.toml [keys]", end=""),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()

    def action_scroll(self, direction: str) -> None:
        """Scroll the list of keys."""
        dialog = self.query_one("#help-dialog", VerticalScroll)
        dialog.scroll_relative(y=1 if direction == "down" else -1, animate=False)

    def action_close(self) -> None:
        """Close help."""
        self.dismiss(None)
