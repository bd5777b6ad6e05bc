"""The reader's keys by section, generated from the bindings (help and the README use them).

Each section lists the ``BINDINGS`` of one part of the reader after the person's key
remapping, so neither help nor the README can drift from what the keys really do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import App

from tui.screens.export_dialog import ExportDialog
from tui.screens.help import KeyRow, key_rows
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_picker import TagPicker
from tui.widgets import FilterPane, PaperDetail, PaperList, SearchInput

__all__ = ["help_sections"]


def help_sections(app: App[Any], keymap: Mapping[str, str]) -> list[tuple[str, list[KeyRow]]]:
    """Every part of the reader with its keys, in the order help shows them."""
    return [
        ("Anywhere", key_rows(app, type(app), keymap) + key_rows(app, MainScreen, keymap)),
        ("Paper list", key_rows(app, PaperList, keymap)),
        ("Reading a paper", key_rows(app, PaperDetail, keymap)),
        ("Search bar", key_rows(app, SearchInput, keymap)),
        ("Filter pane", key_rows(app, FilterPane, keymap)),
        ("Tag editor", key_rows(app, TagPicker, keymap)),
        ("Note editor", key_rows(app, NoteEditor, keymap)),
        ("Export", key_rows(app, ExportDialog, keymap)),
    ]
