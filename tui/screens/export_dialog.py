"""The export dialog: which format, which file; the outbox does the writing.

The file is offered in the person's documents folder (else downloads, else home), named
after the view, with the cursor at its end so typing extends the name instead of wiping
it. ↑/↓ switch the format and the extension follows; typing an extension switches the
format. An existing file is replaced only after a second enter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Select, Static

from tui.export import EXTENSIONS, format_of

__all__ = ["ExportDialog", "ExportRequest", "file_stem"]

HINT = "↑↓ format · enter exports · esc cancels"


def file_stem(view: str, query: str = "", marked: bool = False) -> str:
    """A file name (no extension) after what is exported: ``papertray-inbox-simcse``."""
    words = "marked" if marked else f"{view} {query}"
    slug = re.sub(r"[^\w.]+", "-", words.lower()).strip("-.")[:48].strip("-.")
    return f"papertray-{slug}" if slug else "papertray-export"


def _tilde(path: Path) -> str:
    """``path`` with the home folder written ``~``: shorter, and what people type."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except (ValueError, RuntimeError):  # not under home, or no home at all
        return str(path)


@dataclass(frozen=True)
class ExportRequest:
    """Write the papers in ``fmt`` to ``path``."""

    fmt: str
    path: Path


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Ask for a format and a file name for exporting the papers in view."""

    # Priority keys: the file name field's own up/down (scrolling it, which does nothing)
    # and enter came first, so the footer showed none of the dialog's keys but esc.
    # ``check_action`` hands them to the format list when it has the focus.
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel", tooltip="Close without exporting"),
        Binding("down", "cycle_format(1)", "Next format", id="export.next-format",
                priority=True, tooltip="Export in the next format (the file's extension follows)"),
        Binding("up", "cycle_format(-1)", "Previous format", show=False, priority=True,
                id="export.previous-format", tooltip="Export in the previous format"),
        Binding("enter", "export", "Export", id="export.confirm", priority=True,
                tooltip="Write the file (asks first before replacing one)"),
    ]

    def __init__(self, what: str, formats: tuple[str, ...], folder: Path,
                 stem: str = "papertray-export") -> None:
        super().__init__()
        self.what = what
        """What will be exported, e.g. "37 papers in view"."""
        self.formats = formats
        self.folder = folder
        """Where the file goes unless the person types another path."""
        self.stem = stem
        """The offered file's name without its extension."""
        self._confirmed: Path | None = None
        """The existing file the person was asked about (a second enter replaces it)."""

    def compose(self) -> ComposeResult:
        fmt = self.formats[0]
        yield Footer()
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Text(f"Export {self.what}", end=""), classes="dialog-title")
            yield Select([(name, name) for name in self.formats], value=fmt, allow_blank=False,
                         id="export-format")
            yield Input(_tilde(self.folder / f"{self.stem}{EXTENSIONS.get(fmt, '.txt')}"),
                        id="export-path", select_on_focus=False)
            yield Static(Text(HINT, end=""), classes="dialog-hint", id="export-hint")

    def on_mount(self) -> None:
        field = self.query_one("#export-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @property
    def fmt(self) -> str:
        """The chosen format."""
        return str(self.query_one("#export-format", Select).value)

    def action_cycle_format(self, step: int) -> None:
        """Choose the next (or previous) format; the extension follows."""
        index = self.formats.index(self.fmt) if self.fmt in self.formats else 0
        self.query_one("#export-format", Select).value = self.formats[(index + step) % len(self.formats)]

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        # Only follow the format if the person kept one of ours.
        if (found := format_of(path.name)) is not None and found[0] != event.value:
            new = EXTENSIONS.get(str(event.value), found[1])
            field.value = str(path.with_name(path.name[:-len(found[1])] + new))
            field.cursor_position = len(field.value)

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self._say(HINT)
        self._confirmed = None  # a new name: ask again before replacing
        if (found := format_of(Path(event.value).name)) is not None and found[0] != self.fmt \
                and found[0] in self.formats:
            self.query_one("#export-format", Select).value = found[0]

    def _say(self, hint: str, warning: bool = False) -> None:
        label = self.query_one("#export-hint", Static)
        label.update(Text(hint, end=""))
        label.set_class(warning, "-warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The format list, when focused, keeps its own arrows and enter."""
        if action in ("cycle_format", "export"):
            return not self.query_one("#export-format", Select).has_focus_within
        return True

    def action_export(self) -> None:
        """Export to the file named, once it is a file in a folder that exists."""
        typed = self.query_one("#export-path", Input).value.strip()
        path = Path(typed).expanduser()
        if not typed:
            self._say("Type a file name to export to.", warning=True)
        elif path.is_dir():
            self._say(f"{path} is a folder: add a file name.", warning=True)
        elif not path.parent.is_dir():
            self._say(f"The folder {path.parent} does not exist.", warning=True)
        elif path.exists() and self._confirmed != path:
            self._confirmed = path
            self._say(f"{path.name} exists. Enter replaces it; or change the name.", warning=True)
        else:
            self.dismiss(ExportRequest(self.fmt, path))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
