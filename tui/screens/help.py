"""The help screen: every key, the query language and what the row marks mean.

Nothing here is hand-written: each key section lists the ``BINDINGS`` of one part of the
reader after the person's key remapping is applied, the query language is the example
block of :mod:`tui.query`'s own description, and the legend is the paper list's
:data:`~tui.widgets.paper_list.ROW_LEGEND`, so help cannot drift from the reader.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui import query
from tui.widgets.paper_list import ROW_LEGEND

__all__ = ["HelpScreen", "KeyRow", "key_rows", "query_syntax"]

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


def query_syntax() -> list[tuple[str, str]]:
    """(example, meaning) rows of the query language, from :mod:`tui.query`'s docstring:
    its indented example block, each line examples, then three spaces or more and what
    they do."""
    doc = query.__doc__ or ""
    block = doc.split("::", 1)[1] if "::" in doc else ""
    rows: list[tuple[str, str]] = []
    for line in block.splitlines()[1:]:
        if not line.strip():
            if rows:
                break
            continue
        example, *meaning = re.split(r"\s{3,}", line.strip(), maxsplit=1)
        rows.append((example, meaning[0] if meaning else ""))
    return rows


class HelpScreen(ModalScreen[None]):
    """All keys, by where they work; the query language; the row marks. Escape, q or ?
    closes it; it scrolls with the list's own keys."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close",
                tooltip="Close help"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="help.down",
                tooltip="Scroll help down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="help.up",
                tooltip="Scroll help up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top",
                tooltip="Go to the top of help"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom",
                tooltip="Go to the end of help"),
        Binding("pageup,ctrl+b", "scroll('pageup')", "Page up", show=False, id="help.page-up",
                tooltip="Scroll help up a page"),
        Binding("pagedown,ctrl+f,space", "scroll('pagedown')", "Page down", show=False,
                id="help.page-down", tooltip="Scroll help down a page"),
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
            yield Static(Text("Searching", end=""), classes="section-label")
            yield Static(self._two_columns(query_syntax()), classes="help-table",
                         id="help-query")
            yield Static(Text("Marks in the list", end=""), classes="section-label")
            yield Static(self._two_columns(ROW_LEGEND), classes="help-table", id="help-legend")
            yield Static(Text("esc closes · keys can be remapped in config.toml [keys]", end=""),
                         classes="dialog-hint")

    @staticmethod
    def _two_columns(rows: Iterable[tuple[str, str]]) -> Table:
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(min_width=12, no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for left, right in rows:
            table.add_row(Text(left), Text(right))
        return table

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()

    def action_scroll(self, where: str) -> None:
        """Scroll help: ``down``/``up`` a line, ``pagedown``/``pageup``, ``home``/``end``."""
        dialog = self.query_one("#help-dialog", VerticalScroll)
        if where in ("down", "up"):
            dialog.scroll_relative(y=1 if where == "down" else -1, animate=False)
        elif where in ("pagedown", "pageup"):
            page = max(1, dialog.scrollable_content_region.height - 1)
            dialog.scroll_relative(y=page if where == "pagedown" else -page, animate=False)
        else:
            dialog.scroll_to(y=0 if where == "home" else dialog.max_scroll_y, animate=False)

    def action_close(self) -> None:
        """Close help."""
        self.dismiss(None)
