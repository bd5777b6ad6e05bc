"""Help: scrolls with the list's keys, explains the query language and the row marks;
ctrl+c quits like q."""

from __future__ import annotations

import io

from rich.console import Console
from textual.containers import VerticalScroll

from tests.ui.conftest import settle
from tui.screens.help import HelpScreen


def _shown(app) -> str:
    """The text of help's tables as a 100-column terminal shows them."""
    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    for static in app.screen.query(".help-table"):
        console.print(static.content)
    return console.export_text()


async def test_help_scrolls_with_j_k_g_G_and_pages(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        dialog = app.screen.query_one("#help-dialog", VerticalScroll)
        assert dialog.max_scroll_y > 10, "help is longer than an 80x24 terminal"
        await pilot.press("j", "j", "j")
        assert dialog.scroll_y == 3
        await pilot.press("k")
        assert dialog.scroll_y == 2
        await pilot.press("G")
        assert dialog.scroll_y == dialog.max_scroll_y
        await pilot.press("g")
        assert dialog.scroll_y == 0
        await pilot.press("pagedown")
        assert dialog.scroll_y > 5
        await pilot.press("pageup")
        assert dialog.scroll_y == 0


async def test_help_explains_the_query_language_and_every_row_mark(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = _shown(app)
        for example in ("year:2019..2022", "is:starred", "-author:smith", '"exact phrase"'):
            assert example in shown
        for mark, meaning in (("★", "starred"), ("◷", "later"), ("✓", "read"),
                              ("✗", "skipped"), ("▌", "marked")):
            line = next(line for line in shown.splitlines() if line.strip().startswith(mark))
            assert meaning in line


async def test_ctrl_c_quits_like_q(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app._exit, "ctrl+c quit papertray"
        assert not any("ctrl+q" in str(n.message) for n in app._notifications)
