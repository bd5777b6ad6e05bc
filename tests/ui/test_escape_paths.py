"""The reader's ways out (copy citation, export, the command palette) carry no string from
a paper file or the config raw: a citekey or saved-search name cannot drive the terminal."""

from __future__ import annotations

import json

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tests.helpers.hostile import EVIL, obeyable, write_evil_bibtex
from tests.ui.conftest import SIZE, settle, type_text
from tests.ui.test_hostile import visible_text
from tui.screens.export_dialog import ExportDialog
from tui.settings import Settings


async def test_y_copies_a_citation_with_its_citekey_cleaned(make_app, tmp_path):
    app = make_app(write_evil_bibtex(tmp_path / "evil.bib"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "y")
        await pilot.pause()
        assert app.clipboard.startswith("@article{ev\u241b]0;OWNED")
        assert obeyable(app.clipboard) == []


async def test_the_readers_export_obeys_nothing_in_any_format(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", str(tmp_path))
    app = make_app(write_evil_bibtex(tmp_path / "evil.bib"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for fmt in ("bibtex", "markdown", "csv", "json"):
            await pilot.press("e")
            assert isinstance(app.screen, ExportDialog)
            app.screen.query_one("#export-format").value = fmt
            await pilot.pause()
            target = app.screen.query_one("#export-path", Input).value
            await pilot.press("enter")
            await settle(pilot)
            text = (tmp_path / target).read_text(encoding="utf-8")
            assert obeyable(text) == [], fmt
    assert json.loads((tmp_path / "papertray-inbox.json").read_text())[0]["citekey"] == EVIL


async def test_a_saved_search_name_from_the_config_is_shown_cleaned_in_the_palette(make_app):
    app = make_app(settings=Settings(theme="textual-dark",
                                     saved_searches={f"mine{EVIL}": f"bert{EVIL}"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await type_text(pilot, "mine")
        await pilot.pause(0.5)
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("mine" in text for text in shown), shown
        assert all(obeyable(text) == [] for text in shown), shown
        assert obeyable(visible_text(app)) == []
