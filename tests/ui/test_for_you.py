"""The for-you order in the reader: a sort order that learns from each key and re-sorts
keeping the cursor's paper, the reason in the detail pane, the inbox opening in for-you
order once there are enough decisions (with a way back), and similar papers on one key."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import SIZE, settle
from tui.search import SORTS
from tui.settings import Settings
from tui.store import open_store
from tui.userdata import UserData


def titles(app, count: int) -> list[str]:
    result = app.main_screen.result
    return [result.paper(rank).title for rank in range(min(count, len(result)))]


def detail_text(app) -> str:
    return str(app.main_screen.query_one("#detail-head").render())


async def sort_for_you(pilot) -> None:
    """Press O until the view is in for-you order."""
    for _ in range(len(SORTS)):
        if pilot.app.main_screen.sort == "for-you":
            break
        await pilot.press("O")
    await settle(pilot)
    assert pilot.app.main_screen.sort == "for-you"


async def like_simcse_not_video(pilot) -> None:
    """Star SimCSE (second paper), skip the video paper (fourth)."""
    await pilot.press("j", "s", "j", "j", "x", "g")
    await settle(pilot)


async def test_for_you_puts_papers_like_the_starred_one_first_and_says_why(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await like_simcse_not_video(pilot)
        await sort_for_you(pilot)
        top = titles(app, 3)
        assert all("SimCSE" in t or "Sentence" in t for t in top), top
        assert "Multimodal Pretraining for Dense Video Captioning" not in titles(app, 12)
        head = detail_text(app)
        assert "For you" in head
        assert "like “SimCSE: Simple Contrastive Learning of Sentence Embeddings”" in head
        assert "sort: for-you" in str(app.main_screen.search_bar.query_one("#search-context").render())


async def test_a_triage_key_re_sorts_for_you_keeping_the_paper_under_the_cursor(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await like_simcse_not_video(pilot)
        await sort_for_you(pilot)
        before = titles(app, 12)
        assert before.index("Attention Is All You Need") > 3
        await pilot.press("G")
        await pilot.press("s")  # star the last paper: the order changes under the cursor
        kept = app.main_screen.paper_list.current
        await settle(pilot)
        assert app.main_screen.paper_list.current == kept, "the cursor stays on its paper"
        assert titles(app, 12) != before


async def test_the_inbox_opens_for_you_once_there_are_enough_decisions(make_app, profile_dir: Path):
    store = open_store(None)
    with UserData(profile_dir, "tester") as profile:
        profile.update_many(((store[d].key, store[d].title) for d in (8, 17, 19, 46, 54, 63, 80,
                                                                         97, 117, 1)), starred=True)
        profile.update_many(((store[d].key, store[d].title) for d in (0, 16, 34, 41, 99, 100, 109,
                                                                         3, 23, 24)), state="skipped")
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert app.main_screen.sort == "for-you"
        assert "Retriev" in titles(app, 1)[0]
        assert app.main_screen.paper_list.cursor == 0, "the inbox opens at its top"
        assert "Retriev" in app.main_screen.paper_list.current.title
        await pilot.press("O")  # the way back: another order, and it stays
        await settle(pilot)
        assert app.main_screen.sort == "relevance"
        app.main_screen.learn_interest(None)
        await settle(pilot)
        assert app.main_screen.sort == "relevance"


async def test_the_setting_keeps_the_inbox_in_its_own_order(make_app, profile_dir: Path):
    store = open_store(None)
    with UserData(profile_dir, "tester") as profile:
        profile.update_many(((store[d].key, store[d].title) for d in range(10)), starred=True)
        profile.update_many(((store[d].key, store[d].title) for d in range(10, 20)), state="skipped")
    app = make_app(None, settings=Settings(theme="textual-dark", for_you=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert app.main_screen.sort == "relevance"
        assert titles(app, 1) == [store[0].title], "starred but still in the inbox, first in file order"


async def test_m_lists_the_papers_most_like_the_current_one(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current  # Japanese SimCSE Technical Report
        await pilot.press("m")
        await settle(pilot)
        assert app.main_screen.search_bar.value == f"similar:{paper.key}"
        top = titles(app, 3)
        assert paper.title not in titles(app, 12), "a paper is not listed as like itself"
        assert top[0].startswith("SimCSE") and any(t.startswith("ESimCSE") for t in top), top
        assert app.main_screen.sort == "relevance", "most alike first"


def test_snapshot_detail_pane_with_the_reason(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await like_simcse_not_video(pilot)
        await sort_for_you(pilot)
        await pilot.press("enter")
        pilot.app.clear_notifications()  # the "Sorted by" toasts of each O
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_leaving_the_similar_list_brings_back_the_for_you_order(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await like_simcse_not_video(pilot)
        await sort_for_you(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert app.main_screen.sort == "relevance"
        await pilot.press("slash", "escape")  # esc clears the search
        await settle(pilot)
        assert app.main_screen.search_bar.value == ""
        assert app.main_screen.sort == "for-you"
