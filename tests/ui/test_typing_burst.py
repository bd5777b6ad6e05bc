"""Keys that arrive together (a fast typist, a busy machine, a slow connection) go where the
person meant: after `/` every letter is in the query, none reaches the list as a triage key
(`r` would mark a paper read, `e` open the export dialog)."""

from __future__ import annotations

from textual import events

from tests.ui.conftest import SIZE, settle


def burst(app, text: str) -> None:
    """Queue every key at once, before the app has handled the first."""
    for char in text:
        key = "slash" if char == "/" else char
        app.post_message(events.Key(key, char))


async def test_letters_right_after_slash_are_all_in_the_query(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main_screen.paper_list.current
        burst(app, "/read")
        await settle(pilot)
        assert app.main_screen.search_bar.value == "read"
        assert app.userdata.get(first.key) is None, "no letter was taken as a triage key"
        assert app.screen is app.main_screen, "no dialog was opened by a letter"


async def test_a_slash_inside_the_query_is_typed_not_taken_as_the_search_key(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/10.1145/3")
        await settle(pilot)
        assert app.main_screen.search_bar.value == "10.1145/3"


async def test_keys_right_after_enter_act_on_the_results_not_the_query(app) -> None:
    """``/colbert``, Enter, ``s`` typed as one burst: the query stays "colbert" and the
    paper it found is starred (the ``s`` was meant for the list, not the search bar)."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/colbert")
        await settle(pilot)
        found = app.main_screen.paper_list.current
        assert found.title.startswith("ColBERT")
        app.post_message(events.Key("enter", None))
        burst(app, "sj")
        await settle(pilot)
        assert app.main_screen.search_bar.value == "colbert", "no letter went into the query"
        assert app.userdata.get(found.key) is not None and app.userdata.get(found.key).starred


async def test_keys_right_after_down_arrow_move_in_the_list(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/retrieval")
        await settle(pilot)
        app.post_message(events.Key("down", None))
        burst(app, "j")
        await settle(pilot)
        assert app.main_screen.search_bar.value == "retrieval"
        assert app.main_screen.paper_list.cursor == 1
