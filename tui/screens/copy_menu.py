"""The copy menu: one key copies BibTeX, ``\\cite{key}``, the DOI or the link (as lazygit's
``y`` offers what to copy). ``y y`` copies BibTeX, so the old habit still works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.widgets.text import one_line

__all__ = ["CopyChoice", "CopyMenu"]


@dataclass(frozen=True)
class CopyChoice:
    """One thing to copy: its ``kind``, what to call it, and the text (empty: none)."""

    kind: str
    """``bibtex``, ``cite``, ``doi`` or ``url`` (the menu's actions take it)."""
    label: str
    text: str


class CopyMenu(ModalScreen[CopyChoice | None]):
    """Ask what to copy; dismissed with the choice, or None."""

    BINDINGS = [
        Binding("y,b", "choose('bibtex')", "BibTeX", id="copy.bibtex",
                tooltip="Copy a BibTeX entry (no abstract)"),
        Binding("c", "choose('cite')", "\\cite{key}", id="copy.cite",
                tooltip="Copy \\cite{key} for LaTeX"),
        Binding("d", "choose('doi')", "DOI", id="copy.doi", tooltip="Copy the DOI"),
        Binding("u", "choose('url')", "Link", id="copy.url", tooltip="Copy the web link"),
        Binding("escape,q", "cancel", "Cancel", id="copy.cancel", tooltip="Copy nothing"),
    ]

    def __init__(self, what: str, choices: Sequence[CopyChoice]) -> None:
        super().__init__()
        self.what = what
        """What is copied from ("Attention Is All You Need", "3 marked papers")."""
        self.choices = {choice.kind: choice for choice in choices}

    def compose(self) -> ComposeResult:
        keys = {"bibtex": "y", "cite": "c", "doi": "d", "url": "u"}
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(style="dim", no_wrap=True, max_width=48)
        for kind, choice in self.choices.items():
            preview = one_line(choice.text.splitlines()[0], 48) if choice.text else "none"
            table.add_row(Text(keys.get(kind, "")), Text(choice.label), Text(preview))
        yield Footer()
        with Vertical(id="copy-dialog", classes="dialog"):
            yield Static(Text(f"Copy from {self.what}", end=""), classes="dialog-title")
            yield Static(table, id="copy-choices")
            yield Static(Text("esc copies nothing", end=""), classes="dialog-hint",
                         id="copy-hint")

    def action_choose(self, kind: str) -> None:
        """Copy ``kind``, or say there is none to copy."""
        choice = self.choices.get(kind)
        if choice is None or not choice.text:
            hint = self.query_one("#copy-hint", Static)
            hint.update(Text(f"No {choice.label if choice else kind} to copy here.", end=""))
            hint.add_class("-warning")
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        """Copy nothing."""
        self.dismiss(None)
