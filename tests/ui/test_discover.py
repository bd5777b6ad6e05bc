"""Help, the command palette, key remapping, themes, and binding metadata."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.command import CommandPalette

from tests.ui.conftest import SIZE, settle, type_text
from tui.app import PaperTrayApp
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.settings import Settings, load_settings
from tui.widgets import FilterPane, PaperDetail, PaperList, SearchInput

OWNERS = (PaperTrayApp, MainScreen, PaperList, PaperDetail, SearchInput, FilterPane)


@pytest.mark.parametrize("owner", OWNERS, ids=lambda owner: owner.__name__)
def test_every_binding_has_a_description_a_tooltip_and_an_id(owner):
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding)
        assert binding.description, binding
        assert binding.id, binding
        if binding.show or owner in (MainScreen, PaperTrayApp):
            assert binding.tooltip, binding


def test_binding_ids_are_unique():
    ids = [binding.id for owner in OWNERS for binding in owner.BINDINGS]
    assert len(ids) == len(set(ids))


async def test_question_mark_shows_every_key_from_the_bindings(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(str(table.render()) for table in app.screen.query(".help-table"))
        rendered = "\n".join(" | ".join(row) for _, rows in app.screen.sections for row in rows)
        for owner in (MainScreen, PaperList, PaperDetail):
            for binding in owner.BINDINGS:
                assert binding.description in rendered, binding
        assert "Star or unstar the paper" in rendered
        assert shown
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_remapped_keys_work_and_help_shows_them(make_app):
    app = make_app(settings=Settings(theme="textual-dark", keys={"star": "S", "read": "w"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("s")
        assert app.userdata.get(key) is None, "s no longer stars"
        await pilot.press("S")
        assert app.userdata.get(key).starred
        await pilot.press("w")
        assert app.userdata.get(key).state == "read"
        await pilot.press("question_mark")
        rows = {row[1]: row[0] for _, rows in app.screen.sections for row in rows}
        assert rows["Star"] == "S"
        assert rows["Read"] == "w"


async def test_palette_offers_every_action_and_saved_searches(make_app):
    app = make_app(settings=Settings(theme="textual-dark",
                                     saved_searches={"[bold]odd[/]": "bert"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await type_text(pilot, "odd")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert "bert" in app.main_screen.query_text
        assert app.main_screen.filter_pane.chosen == {"saved:[bold]odd[/]": "bert"}


async def test_palette_runs_a_triage_action(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("ctrl+p")
        await type_text(pilot, "Star")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.userdata.get(key).starred


async def test_palette_lists_all_main_screen_actions(app):
    from tui.commands import PaperTrayCommands

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = PaperTrayCommands(app.main_screen)
        names = [name for name, *_ in provider._commands()]
        for binding in MainScreen.BINDINGS:
            assert binding.description in names
        assert "Sort by date" in names and "View: Starred" in names


async def test_theme_choice_is_remembered(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await pilot.pause()
    settings, problems = load_settings()
    assert settings.theme == "gruvbox"
    assert not problems


async def test_unknown_theme_falls_back_and_says_so(make_app):
    app = make_app(settings=Settings(theme="no-such-theme"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)


async def test_settings_warnings_are_shown_at_start(make_app):
    settings = Settings(theme="textual-dark")
    settings.warnings.append("config.toml:3: theme must be a string")
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("theme must be a string" in n.message for n in app._notifications)


async def test_q_quits(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
