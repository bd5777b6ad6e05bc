"""The order changing under a person's hands as the reader opens: the inbox shows first in
file order, then the engine's answer replaces it and, a moment later, the for-you order.
The cursor keeps its paper (wherever that paper moved in the new order), and a key acts on
the paper that was highlighted when it was pressed.

Before, the paper to keep was decided when the search started (none at all when the
for-you order took over with the cursor still on the first row), not when its answer
landed: a person who moved, starred or skipped meanwhile found the cursor on another
paper, and their next key acted on it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from tests.ui.conftest import SIZE, settle
from tui.interest import ForYou
from tui.search import SearchEngine
from tui.search.scan import ScanResults
from tui.store import open_store
from tui.userdata import UserData

STARRED = (8, 17, 19, 46, 54, 63, 80, 97, 117, 7)
SKIPPED = (0, 16, 34, 41, 99, 100, 109, 3, 23, 24)
"""Papers of the sample chosen and skipped: enough for the inbox to open for you."""


class Held:
    """The for-you model's first learning, its learning from each key since and the
    for-you search, each held until let go; other searches are held once ``searching``
    is cleared."""

    def __init__(self) -> None:
        self.learning = threading.Event()
        self.relearning = threading.Event()
        self.sorting = threading.Event()
        self.searching = threading.Event()
        self.searching.set()

    def release(self) -> None:
        for event in (self.learning, self.relearning, self.sorting, self.searching):
            event.set()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Held:
    held = Held()
    learn, run = ForYou.learn, SearchEngine.run

    def held_learn(self, annotations, keys=None):
        (held.learning if keys is None else held.relearning).wait(10)
        return learn(self, annotations, keys)

    def held_run(self, *args, **kwargs):
        (held.sorting if kwargs.get("sort") == "for-you" else held.searching).wait(10)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(ForYou, "learn", held_learn)
    monkeypatch.setattr(SearchEngine, "run", held_run)
    yield held
    held.release()


@pytest.fixture
def chosen_enough(profile_dir: Path) -> None:
    """A profile with 10 papers of the sample starred and 10 skipped."""
    store = open_store(None)
    with UserData(profile_dir, "tester") as profile:
        profile.update_many(((store[d].key, store[d].title) for d in STARRED), starred=True)
        profile.update_many(((store[d].key, store[d].title) for d in SKIPPED), state="skipped")


async def until(pilot, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"waited 10 s for {what}"
        await pilot.pause(0.01)


def engine_answer_shown(screen) -> bool:
    return (screen.engine is not None and screen.result is not None
            and not isinstance(screen.result, ScanResults))


def starred(app, paper) -> bool:
    note = app.userdata.get(paper.key)
    return note is not None and note.starred


def keys_shown(screen, count: int) -> list[str]:
    return [screen.result.paper(rank).key for rank in range(count)]


def for_you_shown(screen) -> bool:
    return engine_answer_shown(screen) and screen.result.sort == "for-you"


async def test_a_paper_moved_to_while_the_for_you_order_arrives_stays_highlighted(
        make_app, chosen_enough, held):
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await until(pilot, lambda: engine_answer_shown(screen), "the engine's answer")
        before = keys_shown(screen, 6)
        await pilot.press("j")
        held.learning.set()  # the model learned: the for-you search starts
        held.relearning.set()
        await until(pilot, lambda: screen.sort == "for-you", "the inbox to switch to for-you")
        await pilot.press("j", "j")  # while the for-you search runs
        chosen = screen.paper_list.current
        assert screen.paper_list.cursor == 3
        held.sorting.set()
        await until(pilot, lambda: for_you_shown(screen), "the for-you order")
        await settle(pilot)
        assert keys_shown(screen, 6) != before, "the order changed under the cursor"
        assert screen.paper_list.current == chosen, "the cursor keeps its paper"
        assert not starred(app, chosen)
        await pilot.press("s")
        assert starred(app, chosen), "s stars the highlighted paper"


async def test_a_paper_starred_at_the_top_stays_highlighted_when_the_for_you_order_arrives(
        make_app, chosen_enough, held):
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await until(pilot, lambda: engine_answer_shown(screen), "the engine's answer")
        first = screen.paper_list.current
        assert screen.paper_list.cursor == 0
        assert not starred(app, first)
        await pilot.press("s")
        assert starred(app, first)
        held.learning.set()  # the for-you order lands before the star is learned
        held.sorting.set()
        await until(pilot, lambda: for_you_shown(screen), "the for-you order")
        await pilot.pause()
        assert screen.result.paper(0).key != first.key, "the first paper moved in the new order"
        assert screen.paper_list.current == first, "the cursor keeps the paper just starred"
        held.relearning.set()
        await settle(pilot)
        assert screen.paper_list.current == first
        await pilot.press("x")
        assert app.userdata.get(first.key).state == "skipped", "x skips the highlighted paper"


async def test_a_person_who_has_not_moved_still_opens_at_the_top_of_the_for_you_order(
        make_app, chosen_enough, held):
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await until(pilot, lambda: engine_answer_shown(screen), "the engine's answer")
        held.release()
        await until(pilot, lambda: for_you_shown(screen), "the for-you order")
        await settle(pilot)
        assert screen.paper_list.cursor == 0
        assert screen.paper_list.current.key == screen.result.paper(0).key


async def test_a_paper_skipped_while_the_engine_searches_moves_on_as_its_answer_lands(
        make_app, held):
    held.searching.clear()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await until(pilot, lambda: screen.engine is not None, "the engine")
        skipped = screen.paper_list.current
        await pilot.press("x")  # while the engine's first search runs
        following = screen.paper_list.current
        assert following != skipped
        held.searching.set()
        await until(pilot, lambda: engine_answer_shown(screen), "the engine's answer")
        await settle(pilot)
        assert app.userdata.get(skipped.key).state == "skipped"
        assert screen.paper_list.current == following, "the cursor stays where x moved it"
        await pilot.press("l")
        assert app.userdata.get(following.key).state == "later", "l acts on the highlighted paper"
