"""Keys pressed the moment the reader opens, before its first result is on screen, are
kept and carried out on the first paper, not dropped: a person who knows the paper at the
top reaches for `s` or `r` as soon as the header shows the counts."""

from __future__ import annotations

import threading

import pytest

from tests.ui.conftest import SIZE, settle
from tui.screens import opening
from tui.search import SearchEngine


@pytest.fixture
def first_search_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold every search until the test lets go, as a slow machine would, on a store too
    big to be shown before its index (a small one has its rows on the first screen)."""
    monkeypatch.setattr(opening, "SHOWN_AT_ONCE", 0)
    release = threading.Event()
    run = SearchEngine.run

    def held(self, *args, **kwargs):
        release.wait(10)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(SearchEngine, "run", held)
    return release


async def test_a_star_pressed_before_the_first_result_stars_the_first_paper(
        app, first_search_held):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main_screen.paper_list.current is None, "the first result is still on its way"
        await pilot.press("s")
        first_search_held.set()
        await settle(pilot)
        first = app.main_screen.paper_list.current
        assert first is not None
        assert app.userdata.get(first.key) is not None and app.userdata.get(first.key).starred


async def test_triage_keys_before_the_first_result_move_on_in_order(app, first_search_held):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", "l")
        first_search_held.set()
        await settle(pilot)
        rows = app.main_screen.result
        papers = [app.store.papers[rows.indices[rank]] for rank in (0, 1)]
        assert [app.userdata.get(p.key).state for p in papers] == ["read", "later"]
        assert app.main_screen.paper_list.cursor == 2


async def test_moves_before_the_first_result_count_before_the_star(app, first_search_held):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "s", "j")
        first_search_held.set()
        await settle(pilot)
        rows = app.main_screen.result
        fourth = app.store.papers[rows.indices[3]]
        assert app.userdata.get(fourth.key) is not None and app.userdata.get(fourth.key).starred
        assert [k for k, a in app.userdata.annotations().items() if a.starred] == [fourth.key]
        assert app.main_screen.paper_list.cursor == 4


async def test_a_note_typed_before_the_first_result_never_triages_papers(app, first_search_held):
    """`n` then "hello" before the papers show: the l's must not mark papers later, nor e
    open the export dialog; the note editor opens and says the letters went unused."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"hello", "t")
        first_search_held.set()
        await settle(pilot)
        assert type(app.screen).__name__ == "NoteEditor"
        assert app.userdata.annotations() == {}, "no letter triaged or tagged a paper"
        assert any("went unused" in n.message for n in app._notifications)
