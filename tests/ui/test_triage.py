"""Triage keys: star, states, marks and bulk changes, undo and redo, counts."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, settle
from tui.screens.main import MainScreen
from tui.triage import count_states
from tui.widgets import PaperList


def screen_of(app) -> MainScreen:
    return app.main_screen


def header(app) -> str:
    return str(app.main_screen.query_one("#title-right").render())


async def test_star_toggles_and_is_saved_at_once(app, profile_dir):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await pilot.press("s")
        assert app.userdata.get(paper.key).starred
        assert app.main_screen.paper_list.current == paper, "star does not move the cursor"
        await pilot.press("s")
        assert app.userdata.get(paper.key) is None, "unstarred, the paper has no annotation left"
    from tui.userdata import UserData

    with UserData(profile_dir, "tester") as again:  # another process would see it
        assert again.get(paper.key) is None or not again.get(paper.key).starred


@pytest.mark.parametrize("key,state", [("l", "later"), ("r", "read"), ("x", "skipped")])
async def test_triage_key_sets_state_moves_on_and_counts_down(app, key, state):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        first = papers.current
        assert "inbox 12" in header(app)
        await pilot.press(key)
        assert app.userdata.get(first.key).state == state
        assert papers.cursor == 1, "a triage key moves to the next paper"
        assert "inbox 11" in header(app)


async def test_u_puts_a_paper_back_in_the_inbox(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main_screen.paper_list.current
        await pilot.press("r", "k", "u")
        assert app.userdata.get(first.key) is None, "back in the inbox, nothing is left on it"
        assert "inbox 12" in header(app)


async def test_one_key_per_paper_empties_the_inbox(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(12):
            await pilot.press("r")
        assert "inbox 0" in header(app)
        assert count_states(app.userdata.annotations(), app.store)["read"] == 12


async def test_space_marks_and_the_next_key_applies_to_all_marked(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        keys = [papers.paper_at(rank).key for rank in range(3)]
        await pilot.press("space", "space", "space")
        assert papers.marked == set(keys)
        assert "3 marked" in header(app)
        await pilot.press("r")
        assert all(app.userdata.get(key).state == "read" for key in keys)
        assert not papers.marked, "marks are used up by the bulk change"
        assert "inbox 9" in header(app)


async def test_escape_clears_marks(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "escape")
        assert not app.main_screen.paper_list.marked


async def test_undo_puts_a_bulk_change_back_in_one_step_and_redo_reapplies(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        keys = [papers.paper_at(rank).key for rank in range(4)]
        await pilot.press("s")  # an earlier, separate step
        await pilot.press("space", "space", "space", "space", "r")
        assert "inbox 8" in header(app)
        await pilot.press("z")
        assert all(app.userdata.get(key) is None or app.userdata.get(key).state == "inbox"
                   for key in keys)
        assert app.userdata.get(keys[0]).starred, "only the last step was undone"
        assert "inbox 12" in header(app)
        await pilot.press("Z")
        assert all(app.userdata.get(key).state == "read" for key in keys)
        assert "inbox 8" in header(app)
        await pilot.press("z", "z")
        assert app.userdata.get(keys[0]) is None or not app.userdata.get(keys[0]).starred


async def test_undo_returns_the_cursor_to_the_paper(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        await pilot.press("j", "j", "r")
        assert papers.cursor == 3
        await pilot.press("z")
        assert papers.cursor == 2


async def test_undo_with_nothing_to_undo_says_so(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await pilot.pause()
        assert any("Nothing to undo" in str(n.message) for n in app._notifications)


async def test_list_rows_show_star_state_and_marks(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers: PaperList = app.main_screen.paper_list
        await pilot.press("s", "r", "space")
        await pilot.pause()
        first = "".join(segment.text for segment in papers.render_line(0))
        second = "".join(segment.text for segment in papers.render_line(1))
        assert first.startswith(" ★ ✓"), first
        assert second.startswith("▌"), second


async def test_save_error_is_shown_and_the_app_keeps_going(app, monkeypatch):
    import errno

    from tui.userdata import storage as userdata_storage

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def no_space(path, data, **options):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

        monkeypatch.setattr(userdata_storage, "atomic_write", no_space)
        await pilot.press("s")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("No space left on device" in m for m in messages), messages
        await pilot.press("j")
        assert app.main_screen.paper_list.cursor == 1, "still responsive"


async def test_userdata_warnings_are_shown_at_start(app):
    app.userdata.warnings.append("Your file tags.json could not be read; it was moved aside.")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("moved aside" in n.message for n in app._notifications)


async def test_changes_from_another_instance_show_up(app, profile_dir):
    from tui.userdata import UserData

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        with UserData(profile_dir, "tester") as other:
            other.update(paper.key, title=paper.title, starred=True, tags=["elsewhere"])
        app.check_userdata()
        await settle(pilot)
        row = "".join(segment.text for segment in app.main_screen.paper_list.render_line(0))
        assert "★" in row and "#elsewhe" in row  # beside the first author at 120 columns
        assert "#elsewhere" in str(app.main_screen.query_one("#detail-head").render())


async def test_triaged_papers_stay_until_the_view_is_refreshed(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        await pilot.press("r", "r")
        assert len(papers) == 12, "the list does not jump while triaging"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(papers) == 10
        assert "10 of 12" in header(app)
