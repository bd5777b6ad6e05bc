"""The problems view: every record the store skipped or merged, with where and why.

Opened from "Problems" in the filter pane. A table (count in the title, then one row per
record: kind, reason, file:line) that scrolls with the list keys; any of escape, q
closes it. File names and reasons come from the files read: shown as plain text, never
as markup.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from tui.sanitize import clean_line
from tui.store.problems import StoreProblem
from tui.widgets.text import one_line, shorten

__all__ = ["ProblemsScreen"]


def _middle(text: str, limit: int) -> str:
    """``text`` cut in the middle to ``limit`` characters: the line number at the end stays."""
    if len(text) <= limit:
        return text
    keep = limit - 1
    return text[:keep // 2] + "…" + text[len(text) - (keep - keep // 2):]


def _common_folder(wheres: list[str]) -> str:
    """The folder every record's file is in (shown once, so the reasons fit)."""
    try:
        folder = os.path.commonpath([os.path.dirname(w.rpartition(":")[0] or w) for w in wheres])
    except ValueError:  # none, or relative and absolute mixed
        return ""
    return folder if len(folder) > 1 else ""


class ProblemsScreen(ModalScreen[None]):
    """The store's skipped and merged records, one row each."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="problems.close", tooltip="Close the problems"),
        Binding("j", "cursor('down')", "Down", show=False, id="problems.down",
                tooltip="Next record"),
        Binding("k", "cursor('up')", "Up", show=False, id="problems.up",
                tooltip="Previous record"),
        Binding("g", "cursor('top')", "Top", show=False, id="problems.top",
                tooltip="First record"),
        Binding("G", "cursor('bottom')", "Bottom", show=False, id="problems.bottom",
                tooltip="Last record"),
    ]

    def __init__(self, problems: list[StoreProblem]) -> None:
        """``problems``: from :func:`tui.store.problems.store_problems`."""
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="problems-dialog", classes="dialog"):
            skipped = sum(1 for p in self.problems if p.kind == "skipped")
            title = (f"Problems: {len(self.problems):,} "
                     f"({skipped:,} skipped, {len(self.problems) - skipped:,} merged)")
            folder = _common_folder([p.where for p in self.problems])
            if folder:
                title += f" in {clean_line(folder, 200)}"
            yield Static(title, markup=False, classes="dialog-title")
            table: DataTable[Text] = DataTable(id="problems-table", cursor_type="row",
                                              zebra_stripes=True)
            table.add_columns("", "why", "where")
            for problem in self.problems:
                # Text, not str: a str cell would be read as markup
                where = problem.where[len(folder):].lstrip("/\\") if folder else problem.where
                reason = problem.reason.replace(folder + os.sep, "") if folder else problem.reason
                table.add_row(Text(problem.kind), Text(shorten(one_line(reason, 500), 50)),
                              Text(_middle(clean_line(where, 300), 34)))
            yield table
            yield Static("esc closes · papertray stats lists them too", markup=False,
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_cursor(self, where: str) -> None:
        """Move the row cursor (the list keys, as in the paper list)."""
        table = self.query_one(DataTable)
        if where == "top":
            table.move_cursor(row=0)
        elif where == "bottom":
            table.move_cursor(row=table.row_count - 1)
        else:
            table.move_cursor(row=table.cursor_row + (1 if where == "down" else -1))

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
