"""Issue 12 in the reader: search finds a paper wherever it is, notes searched, sorting."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import SIZE, settle, type_text


def context(app) -> str:
    return str(app.main_screen.search_bar.query_one("#search-context").render())


async def search_after_ctrl_r(pilot, text: str) -> None:
    """ctrl+r (the papers triaged out of the view leave it), then ``/`` and ``text``."""
    await pilot.press("ctrl+r")
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, text)
    await settle(pilot)


async def star_and_queue_japanese_simcse(pilot) -> None:
    """The README's morning: the paper is first in the inbox; star it, queue it for later."""
    app = pilot.app
    await settle(pilot)
    assert app.main_screen.paper_list.current.title == "Japanese SimCSE Technical Report"
    await pilot.press("s", "l")
    await settle(pilot)


async def test_the_readme_morning_finds_the_paper_just_queued(app):
    """Triaged papers stay in the view until ctrl+r, in its searches too: the README's
    `/japanes simcse` finds the paper just sent to Later, marked as such."""
    async with app.run_test(size=SIZE) as pilot:
        await star_and_queue_japanese_simcse(pilot)
        await pilot.press("slash")
        await type_text(pilot, "japanes simcse")
        await settle(pilot)
        assert app.main_screen.paper_list.current.title == "Japanese SimCSE Technical Report"
        assert app.userdata.get(app.main_screen.paper_list.current.key).state == "later"


async def test_after_ctrl_r_the_search_says_where_the_paper_went_and_a_widens(app):
    async with app.run_test(size=SIZE) as pilot:
        await star_and_queue_japanese_simcse(pilot)
        await search_after_ctrl_r(pilot, "japanes simcse")
        titles = [app.main_screen.result.paper(i).title
                  for i in range(len(app.main_screen.paper_list))]
        assert "Japanese SimCSE Technical Report" not in titles
        assert "1 more in Later (a: all papers)" in context(app)
        await pilot.press("enter", "a")
        await settle(pilot)
        assert app.main_screen.filter_pane.view == "all"
        assert app.main_screen.search_bar.value == "japanes simcse"
        assert app.main_screen.paper_list.current.title == "Japanese SimCSE Technical Report"
        assert "more in" not in context(app)


async def test_no_sort_shown_without_a_query_and_reverse_is_shown(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "sort:" not in context(app)
        await pilot.press("O")
        await settle(pilot)
        assert "sort: date" in context(app)
        first = app.main_screen.paper_list.current.key
        await pilot.press("R")
        await settle(pilot)
        assert "sort: date, reversed" in context(app)
        papers = app.main_screen.paper_list
        assert app.main_screen.result.paper(len(papers) - 1).key != first or len(papers) == 1
        assert not app._notifications, "the order is in the search bar, no toasts pile up"


async def test_the_palette_describes_each_order(app):
    from tui.commands import PaperTrayCommands
    from tui.search import SORT_HELP
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = PaperTrayCommands(app.main_screen)
        helps = {name: help for name, help, _, _ in provider._commands()
                 if name.startswith("Sort by")}
        assert helps["Sort by author"] == SORT_HELP["author"]
        assert "Sort by venue, reversed" in helps
        assert len(set(helps.values())) == len(helps)


async def test_a_note_is_found_by_its_words_and_highlighted(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.result.paper(3)
        app.main_screen.userdata.update(paper.key, title=paper.title, note="remember the zebra crossing idea")
        await pilot.press("slash")
        await type_text(pilot, "zebra crossing")
        await settle(pilot)
        assert app.main_screen.paper_list.current.key == paper.key
        await settle(pilot)
        note = app.main_screen.detail.query_one("#detail-note")
        assert "**zebra**" in note.source and "**crossing**" in note.source


def bad_store(tmp_path: Path) -> Path:
    """A BibTeX file with one good record, one record the reader skips, one duplicate."""
    path = tmp_path / "mixed.bib"
    path.write_text(
        "@article{a, title={Zebra crossings}, author={Abel, Zed}, year={2020}, doi={10.1/z}}\n"
        "@article{b, title={Zebra crossings}, author={Abel, Zed}, year={2020}, doi={10.1/z}}\n"
        "@article{c, title={[bold]Broken, author={x}\n", encoding="utf-8")
    return path


async def test_problems_are_said_at_open_and_listed_from_the_filter_pane(make_app, tmp_path):
    from tui.screens.problems import ProblemsScreen
    app = make_app(bad_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any("skipped" in n and "see Problems in the filters" in n for n in notices), notices
        pane = app.main_screen.filter_pane
        assert pane.problems >= 2
        await pilot.press("f")
        await pilot.pause()
        ids = [pane.get_option_at_index(i).id for i in range(pane.option_count)]
        pane.highlighted = ids.index("problems:")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        table = app.screen.query_one("#problems-table")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert {r[0] for r in rows} == {"skipped", "merged"}
        assert any(r[2].endswith("mixed.bib:2") for r in rows), rows
        await pilot.press("escape")
        assert not isinstance(app.screen, ProblemsScreen)


async def test_the_empty_list_hint_key_does_what_it_says(app):
    async with app.run_test(size=SIZE) as pilot:
        await star_and_queue_japanese_simcse(pilot)
        await search_after_ctrl_r(pilot, '"japanese simcse technical"')
        screen = app.main_screen
        assert len(screen.paper_list) == 0
        assert "a shows All papers" in screen.paper_list.empty_message
        await pilot.press("enter", "a")
        await settle(pilot)
        assert screen.paper_list.current.title == "Japanese SimCSE Technical Report"
