"""The export dialog: a sensible file offered, the cursor at its end, one key per format,
and a question before an existing file is replaced."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select

from tests.ui.conftest import SIZE, settle, type_text
from tui.screens.export_dialog import ExportDialog


async def _open(pilot) -> Input:
    await settle(pilot)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportDialog)
    return pilot.app.screen.query_one("#export-path", Input)


async def test_the_file_offered_is_in_documents_named_after_the_view_and_typing_extends_it(
        app, tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERTRAY_EXPORT_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Documents").mkdir()
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    monkeypatch.chdir("/")
    async with app.run_test(size=SIZE) as pilot:
        field = await _open(pilot)
        assert field.value == "~/Documents/papertray-inbox.bib"
        await pilot.press("left", "left", "left", "left")
        await type_text(pilot, "-2025")
        assert field.value == "~/Documents/papertray-inbox-2025.bib", "not wiped by a key"
        await pilot.press("enter")
        await settle(pilot)
    assert "@" in (tmp_path / "Documents" / "papertray-inbox-2025.bib").read_text()


async def test_down_switches_the_format_and_the_extension_follows_and_back(app, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", str(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        field = await _open(pilot)
        select = app.screen.query_one("#export-format", Select)
        await pilot.press("down")
        assert (select.value, Path(field.value).name) == ("csl-json", "papertray-inbox.csl.json")
        await pilot.press("down")
        assert (select.value, Path(field.value).name) == ("ris", "papertray-inbox.ris")
        await pilot.press("up", "up")
        assert (select.value, Path(field.value).name) == ("bibtex", "papertray-inbox.bib")
        for _ in "bib":
            await pilot.press("backspace")
        await type_text(pilot, "md")
        assert select.value == "markdown", "the typed extension chose the format"


async def test_an_existing_file_is_replaced_only_after_a_second_enter(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", str(tmp_path))
    existing = tmp_path / "papertray-inbox.bib"
    existing.write_text("my thesis bibliography\n")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog), "still asking"
        assert "exists" in str(app.screen.query_one("#export-hint").render())
        assert existing.read_text() == "my thesis bibliography\n"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    assert existing.read_text().startswith("@")
