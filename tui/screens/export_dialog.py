"""The export dialog: which format, which file; the main screen does the writing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Select, Static

__all__ = ["ExportDialog", "ExportRequest", "EXTENSIONS"]

EXTENSIONS = {"bibtex": ".bib", "csl-json": ".csl.json", "ris": ".ris", "markdown": ".md",
              "csv": ".csv", "json": ".json"}
"""The file extension each export format gets by default."""


@dataclass(frozen=True)
class ExportRequest:
    """Write the papers in ``fmt`` to ``path``."""

    fmt: str
    path: Path


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Ask for a format and a file name for exporting the papers in view."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel", tooltip="Close without exporting"),
    ]

    def __init__(self, what: str, formats: tuple[str, ...], folder: Path) -> None:
        super().__init__()
        self.what = what
        """What will be exported, e.g. "37 papers in view"."""
        self.formats = formats
        self.folder = folder
        """Where the file goes unless the person types another path."""

    def compose(self) -> ComposeResult:
        fmt = self.formats[0]
        yield Footer()
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Text(f"Export {self.what}", end=""), classes="dialog-title")
            yield Select([(name, name) for name in self.formats], value=fmt, allow_blank=False,
                         id="export-format")
            yield Input(str(self._default_path(fmt)), id="export-path")
            yield Static(Text("enter exports · esc cancels", end=""), classes="dialog-hint",
                         id="export-hint")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _default_path(self, fmt: str) -> Path:
        return self.folder / f"papertray-export{EXTENSIONS.get(fmt, '.txt')}"

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        # Only follow the format if the person kept one of ours (longest first: .csl.json).
        ours = next((ext for ext in sorted(EXTENSIONS.values(), key=len, reverse=True)
                     if path.name.endswith(ext)), None)
        if ours is not None:
            new = EXTENSIONS.get(str(event.value), ours)
            field.value = str(path.with_name(path.name[:-len(ours)] + new))

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        hint = self.query_one("#export-hint", Static)
        if not event.value.strip():
            hint.update(Text("Type a file name to export to.", end=""))
            return
        if not path.parent.is_dir():
            hint.update(Text(f"The folder {path.parent} does not exist.", end=""))
            return
        self.dismiss(ExportRequest(str(self.query_one("#export-format", Select).value), path))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
