"""The reader's keys by section, generated from the bindings (help and the README use them).

Each section lists the ``BINDINGS`` of one part of the reader after the person's key
remapping, so neither help nor the README can drift from what the keys really do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.dom import DOMNode

from tui.screens.copy_menu import CopyMenu
from tui.screens.export_dialog import ExportDialog
from tui.screens.help import KeyRow, key_rows
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_picker import TagPicker
from tui.widgets import FilterPane, PaperDetail, PaperList, SearchInput

__all__ = ["help_sections", "key_scopes"]


def key_scopes(app_class: type[App[Any]]) -> list[tuple[str, list[type[DOMNode]]]]:
    """Each part of the reader and the classes whose BINDINGS work there, in help's order."""
    return [
        ("Anywhere", [app_class, MainScreen]),
        ("Paper list", [PaperList]),
        ("Reading a paper", [PaperDetail]),
        ("Search bar", [SearchInput]),
        ("Filter pane", [FilterPane]),
        ("Tag editor", [TagPicker]),
        ("Note editor", [NoteEditor]),
        ("Copy (y)", [CopyMenu]),
        ("Export", [ExportDialog]),
    ]


def help_sections(app: App[Any], keymap: Mapping[str, str]) -> list[tuple[str, list[KeyRow]]]:
    """Every part of the reader with its keys, in the order help shows them."""
    return [(name, [row for owner in owners for row in key_rows(app, owner, keymap)])
            for name, owners in key_scopes(type(app))]
