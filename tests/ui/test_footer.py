"""The footer lists the keys that work where the focus is, and a click on one presses it."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle
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
