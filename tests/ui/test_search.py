"""Search as you type, the filter pane composing with it, sorting."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle, type_text
from tui.messages import SearchFinished
from tui.settings import Settings
from tui.widgets import FilterPane, PaperDetail, PaperList, SearchInput


async def test_slash_then_query_then_enter_puts_the_paper_under_the_cursor(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchInput)
        await type_text(pilot, "japanese simcse")
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, PaperList)
        assert app.main_screen.paper_list.current.title == "Japanese SimCSE Technical Report"


async def test_typing_narrows_the_list_and_the_header_counts(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "12 of 12" in str(app.main_screen.query_one("#title-right").render())
        await pilot.press("slash")
        await type_text(pilot, "colbert")
        await settle(pilot)
        papers = app.main_screen.paper_list
        assert len(papers) == 1
        assert papers.current.title.startswith("ColBERT")
        assert "1 of 12" in str(app.main_screen.query_one("#title-right").render())


async def test_matched_characters_are_highlighted_in_the_row_and_the_detail(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "passage")
        await settle(pilot)
        row = app.main_screen.paper_list.render_line(0)
        styled = [s.text for s in row if s.style and s.style.underline]
        assert any("Passage" in text for text in styled), styled
        abstract = app.main_screen.query_one("#detail-abstract").render()
        assert "passage" in str(abstract).lower()


async def test_stale_results_never_replace_newer_ones(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("slash")
        await type_text(pilot, "colbert")
        await settle(pilot)
        old = app.main_screen.engine.run("bert")
        screen.post_message(SearchFinished(screen.view_search.searches.generation - 1, "bert", old, 0.0))
        await pilot.pause()
        assert len(screen.paper_list) == 1


async def test_escape_clears_the_query_then_leaves_the_search_bar(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "colbert")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.main_screen.search_bar.value == ""
        assert len(app.main_screen.paper_list) == 12
        assert isinstance(app.focused, SearchInput)
        await pilot.press("escape")
        assert isinstance(app.focused, PaperList)


async def test_keys_typed_in_the_search_bar_are_text_not_commands(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "q s r")
        await settle(pilot)
        assert app.is_running
        assert app.main_screen.search_bar.value == "q s r"
        assert not any(a.starred for a in app.userdata.annotations().values())


async def test_down_arrow_leaves_the_search_bar_for_the_list(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "down")
        assert isinstance(app.focused, PaperList)


async def test_enter_reads_the_paper_and_j_k_scroll_the_detail(app):
    async with app.run_test(size=(120, 14)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        detail = app.main_screen.detail
        assert isinstance(app.focused, PaperDetail)
        assert detail.max_scroll_y > 0, "the detail must overflow for this test"
        await pilot.press("j", "j")
        assert detail.scroll_y == 2
        await pilot.press("k")
        assert detail.scroll_y == 1
        await pilot.press("G")
        assert detail.scroll_y == detail.max_scroll_y
        await pilot.press("g")
        assert detail.scroll_y == 0
        await pilot.press("escape")
        assert isinstance(app.focused, PaperList)


async def test_filter_views_compose_with_the_query(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("s")                     # star the first paper
        await pilot.press("j", "j", "s")           # and the third
        screen.filter_pane.choose_view("starred")
        await settle(pilot)
        assert len(screen.paper_list) == 2
        await pilot.press("slash")
        await type_text(pilot, screen.paper_list.paper_at(0).title.split()[0])
        await settle(pilot)
        assert len(screen.paper_list) == 1
        assert "is:starred" in screen.query_text


async def test_filter_pane_lists_views_tags_years_and_categories_with_counts(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await type_text(pilot, "thesis")
        await pilot.press("enter")
        await settle(pilot)
        pane: FilterPane = app.main_screen.filter_pane
        prompts = {pane.get_option_at_index(i).id: str(pane.get_option_at_index(i).prompt)
                   for i in range(pane.option_count)}
        assert prompts["view:inbox"].split()[-1] == "12"
        assert prompts["tag:thesis"].split()[-1] == "1"
        assert prompts["year:2020"].split()[-1] == "3"
        assert "cat:cs.CL" in prompts


async def test_choosing_a_tag_in_the_filter_pane_narrows_the_list(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "t")
        await type_text(pilot, "thesis")
        await pilot.press("enter")
        await settle(pilot)
        pane: FilterPane = app.main_screen.filter_pane
        pane.focus()
        pane.highlighted = pane.get_option_index("tag:thesis")
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.main_screen.paper_list) == 1
        assert "tag:thesis" in app.main_screen.query_text
        await pilot.press("space")  # toggles it off again
        await settle(pilot)
        assert len(app.main_screen.paper_list) == 12


async def test_year_facet_picks_one_year_at_a_time(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane: FilterPane = app.main_screen.filter_pane
        pane.focus()
        for year in ("2020", "2019"):
            pane.highlighted = pane.get_option_index(f"year:{year}")
            await pilot.press("enter")
            await settle(pilot)
        assert {p.year for p in map(app.main_screen.paper_list.paper_at, range(2))} == {2019}
        assert "year:2020" not in app.main_screen.query_text


async def test_saved_searches_from_settings_apply_from_the_filter_pane(make_app):
    app = make_app(settings=Settings(theme="textual-dark",
                                     saved_searches={"retrieval": "retrieval"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane: FilterPane = app.main_screen.filter_pane
        pane.focus()
        pane.highlighted = pane.get_option_index("saved:retrieval")
        await pilot.press("enter")
        await settle(pilot)
        titles = [app.main_screen.paper_list.paper_at(r).title
                  for r in range(len(app.main_screen.paper_list))]
        assert titles and all("retriev" in (t + app.main_screen.paper_list.paper_at(i).abstract)
                              .lower() for i, t in enumerate(titles))
        assert len(titles) < 12


async def test_sort_key_cycles_orders_and_keeps_the_paper(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("j", "j", "j")
        paper = screen.paper_list.current
        await pilot.press("O")
        await settle(pilot)
        assert screen.sort == "date"
        assert screen.paper_list.current == paper
        years = [screen.paper_list.paper_at(r).year for r in range(12)]
        assert years == sorted(years, reverse=True)
        await pilot.press("O")
        await settle(pilot)
        titles = [screen.paper_list.paper_at(r).title.lower() for r in range(12)]
        assert screen.sort == "title" and titles == sorted(titles)
        await pilot.press("O")
        assert screen.sort == "author"
        await pilot.press("O")
        assert screen.sort == "venue"
        await pilot.press("O")
        assert screen.sort == "annotated"
        await pilot.press("O")
        assert screen.sort == "for-you"
        await pilot.press("O")
        assert screen.sort == "relevance"


async def test_empty_result_says_so_and_dims_paper_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "zzzqqqxxx")
        await settle(pilot)
        await pilot.press("enter")
        screen = app.main_screen
        assert len(screen.paper_list) == 0
        line = "".join(s.text for s in screen.paper_list.render_line(1))
        assert "Nothing in Inbox matches" in line
        await pilot.press("s", "r", "t")
        assert not any(a.state == "read" for a in app.userdata.annotations().values())
        assert app.screen is screen, "no tag editor without a paper"
