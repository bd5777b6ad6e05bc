"""Layout at several terminal sizes, the filter pane toggle, mouse, and the virtual list."""

from __future__ import annotations

import time

import numpy
import pytest
from textual.app import App, ComposeResult

from tests.ui.conftest import SIZE, settle
from tui.model import Hit, Paper
from tui.widgets import FilterPane, PaperDetail, PaperList


async def test_three_panes_side_by_side_at_120_by_36(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        pane, papers, detail = screen.filter_pane, screen.paper_list, screen.detail
        assert pane.display and pane.region.width > 0
        assert pane.region.right <= papers.region.x < detail.region.x
        assert papers.region.height == detail.region.height > 25
        header = str(screen.query_one("#title-right").render())
        assert header.startswith("12 of 12") and "inbox 12" in header
        assert "papers.jsonl" in str(screen.query_one("#title-left").render())
        assert "tester" in str(screen.query_one("#title-left").render())


async def test_narrow_terminal_stacks_list_over_detail_and_hides_filters(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.has_class("-narrow")
        assert not screen.filter_pane.display
        assert screen.paper_list.region.width == screen.detail.region.width
        assert screen.paper_list.region.bottom <= screen.detail.region.y
        assert screen.paper_list.region.height >= 8 and screen.detail.region.height >= 8
        await pilot.press("f")
        await pilot.pause()
        assert screen.filter_pane.display and screen.filter_pane.region.width >= 20
        assert isinstance(app.focused, FilterPane)
        await pilot.press("f")
        await pilot.pause()
        assert not screen.filter_pane.display


async def test_medium_terminal_keeps_three_columns_for_list_and_detail(app):
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert not screen.filter_pane.display, "filters wait for f below 120 columns"
        assert screen.paper_list.region.y == screen.detail.region.y
        await pilot.press("f")
        await pilot.pause()
        assert screen.filter_pane.display
        assert screen.filter_pane.region.right <= screen.paper_list.region.x


async def test_f_goes_to_the_filter_pane_on_wide_terminals_and_back(app):
    """Issue 12: at 120 columns the first f shows and focuses the pane, never hides it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("f")
        await pilot.pause()
        assert screen.filter_pane.display and isinstance(app.focused, FilterPane)
        await pilot.press("f")
        await pilot.pause()
        assert screen.filter_pane.display and isinstance(app.focused, PaperList)
        await pilot.press("f", "escape")
        await pilot.pause()
        assert screen.filter_pane.display and isinstance(app.focused, PaperList)


async def test_tab_cycling_is_a_documented_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bindings = {b.id: b for b in app.main_screen.BINDINGS}
        assert bindings["next-pane"].description and bindings["next-pane"].key == "tab"
        assert "filters" in bindings["next-pane"].tooltip


async def test_first_author_shows_at_120_columns(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = ["".join(s.text for s in app.main_screen.paper_list.render_line(y))
                for y in range(12)]
        assert any("Tsukagoshi" in row for row in rows), rows


async def test_large_terminal_uses_the_space(app):
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.paper_list.region.width >= 80
        assert screen.detail.region.width >= 60
        row = "".join(s.text for s in screen.paper_list.render_line(0))
        assert "Tsukagoshi" in row and "2023" in row, "author and year columns appear"


async def test_tab_moves_between_panes(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, PaperDetail)


async def test_clicking_a_row_selects_it_and_double_click_opens_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        await pilot.click(PaperList, offset=(10, 3))
        assert papers.cursor == 3
        assert app.main_screen.detail.paper == papers.paper_at(3)
        await pilot.double_click(PaperList, offset=(10, 4))
        await pilot.pause()
        assert papers.cursor == 4
        assert isinstance(app.focused, PaperDetail)


async def test_list_movement_keys(app):
    async with app.run_test(size=(120, 12)) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        await pilot.press("j", "down")
        assert papers.cursor == 2
        await pilot.press("k")
        assert papers.cursor == 1
        await pilot.press("G")
        assert papers.cursor == 11
        assert papers.scroll_y > 0, "the cursor stays in view"
        await pilot.press("g")
        assert papers.cursor == 0 and papers.scroll_y == 0
        await pilot.press("pagedown")
        assert papers.cursor > 3
        await pilot.press("pageup")
        assert papers.cursor == 0


class _MillionResults:
    """A ResultSet stand-in over a million papers that counts how many hits were built."""

    def __init__(self, count: int) -> None:
        self.indices = numpy.arange(count)
        self.built = 0

    def __len__(self) -> int:
        return len(self.indices)

    def hit(self, rank: int) -> Hit:
        self.built += 1
        return Hit(Paper(key=f"title:{rank}", title=f"Paper number {rank}", year=2000 + rank % 25,
                         authors=("A. Author",)), 1.0, {"title": ((0, 5),)})


class _ListApp(App):
    def compose(self) -> ComposeResult:
        yield PaperList(id="paper-list")


async def test_virtual_list_shows_a_million_rows_fetching_only_visible_hits():
    app = _ListApp()
    results = _MillionResults(1_000_000)
    async with app.run_test(size=(100, 30)) as pilot:
        papers = app.query_one(PaperList)
        started = time.perf_counter()
        papers.show(results)
        await pilot.pause()
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, f"showing a million rows took {elapsed:.2f}s"
        assert results.built <= 60, "only the rows on screen are built"
        await pilot.press("G")
        await pilot.pause()
        assert papers.cursor == 999_999
        last_line = papers.cursor - round(papers.scroll_y)
        assert 0 <= last_line < papers.size.height
        assert "Paper number 999999" in "".join(s.text for s in papers.render_line(last_line))
        assert results.built <= 120


@pytest.mark.parametrize("width", [30, 50, 70, 120])
def test_row_columns_fit_any_width(width):
    from tui.widgets.paper_list import _columns

    paper = Paper(key="k", title="T", authors=("A",), year=2020)
    cols = _columns(width, paper)
    assert 5 + cols.title + cols.author + cols.year <= max(width, 5 + 8)
