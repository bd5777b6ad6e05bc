"""The footer lists the keys that work where the focus is, and a click on one presses it."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle
from tests.ui.test_hostile import visible_text
from tui.widgets.footer import ReaderFooter


async def test_a_click_on_a_key_in_the_footer_presses_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.main_screen.query_one(ReaderFooter)
        line = footer.render().plain
        star_at = line.index(" s Star")
        paper = app.main_screen.paper_list.current
        await pilot.click(ReaderFooter, offset=(star_at + 1, 0))
        await pilot.pause()
        assert app.userdata.get(paper.key).starred, "s was pressed on the paper under the cursor"


async def test_the_footer_follows_the_focus(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.main_screen.query_one(ReaderFooter)
        assert "Back to list" not in footer.render().plain
        await pilot.press("enter")  # to the detail pane
        await pilot.pause()
        assert "esc Back to list" in footer.render().plain
        assert footer.palette is not None and "^p Commands" in footer.render().plain


async def test_keys_that_would_not_fit_are_drawn_tight_never_cut(app):
    """At 100 columns with the detail focused the keys were cut to "? H"."""
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        line = app.main_screen.query_one(ReaderFooter).render().plain.rstrip()
        assert line.startswith("? Help q Quit"), line
        assert len(line) <= 100 and line.endswith("Undo"), "every key whole"


def _footer_line(app) -> str:
    """The bottom line of the terminal, as the person sees it (whichever screen is on top)."""
    return visible_text(app).splitlines()[-1]


async def test_the_command_palette_has_its_own_keys_in_the_footer(app):
    """With ctrl+p open, the footer kept listing the paper list's keys (s Star…), which do
    nothing there."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        line = _footer_line(app)
        assert "esc Exit the command palette" in line, line
        assert "Star" not in line and "Quit" not in line, line
        await pilot.press("escape")
        await pilot.pause()
        assert "s Star" in _footer_line(app), "the list's keys are back"


async def test_the_export_dialog_footer_says_how_to_switch_format_and_export(app, tmp_path,
                                                                            monkeypatch):
    """The export dialog's footer said only "esc Cancel"."""
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", str(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        line = _footer_line(app)
        for shown in ("↓ Next format", "Export", "esc Cancel"):
            assert shown in line, line
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / "papertray-inbox.bib").exists(), "enter exports, as the footer says"


async def test_marked_papers_put_esc_clear_marks_in_the_footer(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Clear marks" not in _footer_line(app), "nothing marked, nothing to clear"
        await pilot.press("space")
        await pilot.pause()
        assert "esc Clear marks" in _footer_line(app), _footer_line(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.main_screen.paper_list.marked
        assert "Clear marks" not in _footer_line(app)
