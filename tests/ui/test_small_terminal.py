"""At 80x24 and in the filter pane: help and quit stay in the footer, counts read as in
the header, tags count this store's papers only, an empty store says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import SIZE, settle
from tui.model import Paper
from tui.userdata import UserData
from tui.widgets.footer import ReaderFooter


async def test_at_80x24_with_the_detail_focused_help_and_quit_come_first(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is app.main_screen.detail
        footer = app.screen.query_one(ReaderFooter)
        assert [item.action for item in footer.items[:2]] == ["help", "quit"]
        assert footer.palette is None, "no palette key drawn over the last key"
        line = footer.render().plain
        assert line.startswith("? Help q Quit") and "Commands" not in line


def _rows(app) -> list[str]:
    return [text for _, text in app.main_screen.filter_pane._shown]


async def test_counts_in_the_filter_pane_have_thousands_separators(make_app):
    papers = [Paper(key=f"ref:p{n}", title=f"Paper number {n}") for n in range(1_200)]
    app = make_app(papers=papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(row.startswith("○ All papers") and row.endswith(" 1,200")
                   for row in _rows(app)), _rows(app)


async def test_a_tag_on_no_paper_of_this_store_is_not_offered(make_app, profile_dir):
    other = UserData(profile_dir, "tester")
    other.update("ref:elsewhere-1", title="A paper of another store", add_tags=["thesis"])
    other.close()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        app.userdata.update(key, title="here", add_tags=["reading-group"])
        app.main_screen.refresh_counts()
        await pilot.pause()
        rows = _rows(app)
        assert any("#reading-group" in row and row.endswith(" 1") for row in rows), rows
        assert not any("#thesis" in row for row in rows), rows


async def test_an_empty_store_says_why_in_full_at_80_columns(make_app, tmp_path: Path):
    empty = tmp_path / "refs.bib"
    empty.write_text("")
    app = make_app(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        paper_list = app.main_screen.paper_list
        lines = [line.text for line in (paper_list.render_line(y) for y in range(1, 6))]
        shown = " ".join(" ".join(s.text for s in line) if not isinstance(line, str) else line
                         for line in lines)
        assert "the file is empty" in shown and "papertray stats" in shown


@pytest.mark.parametrize("key, field", [("t", "#tag-input"), ("n", "#note-text"),
                                        ("e", "#export-path")])
async def test_at_40x12_the_dialogs_field_is_on_screen_where_typing_goes(app, key: str,
                                                                          field: str) -> None:
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        widget = app.screen.query_one(field)
        assert app.focused is widget
        region = widget.content_region
        assert region.height >= 1 and 0 <= region.y and region.bottom <= 12, region
        under, _ = app.screen.get_widget_at(region.x + 1, region.y)
        assert under is widget, f"{field} is hidden under {under}"
