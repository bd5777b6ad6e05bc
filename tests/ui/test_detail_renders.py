"""The detail pane draws a paper once per change: the first screen used to lay out the first
paper's details twice (once as the rows were shown, again when the list said which paper
was highlighted), and a long abstract made that a second wait."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.ui.conftest import SIZE, settle
from tui.widgets.paper_detail import PaperDetail


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times the pane drew each paper's details (its head is drawn on each)."""
    drawn: Counter[str] = Counter()
    head = PaperDetail._head

    def counted(self, paper, *args, **kwargs):
        drawn[paper.key] += 1
        return head(self, paper, *args, **kwargs)

    monkeypatch.setattr(PaperDetail, "_head", counted)
    return drawn


async def test_the_first_paper_is_drawn_once_at_start(app, renders):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main_screen.paper_list.current
        assert app.main_screen.detail.paper is first
        assert renders[first.key] == 1, renders


async def test_a_star_a_new_query_and_a_new_theme_draw_it_again(app, renders):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main_screen.detail
        first = app.main_screen.paper_list.current
        before = renders[first.key]
        detail.follow(first)
        assert renders[first.key] == before, "the same inputs: nothing to draw"

        await pilot.press("s")
        await pilot.pause()
        assert renders[first.key] == before + 1, "the star changed the annotation"
        assert "★ starred" in str(detail.query_one("#detail-head").render())

        app.theme = "textual-light"
        await pilot.pause()
        assert renders[first.key] == before + 2, "a new theme: the match colour changes"

        key = first.key
        detail.show(first, app.userdata.get(key), {"title": ((0, 3),)})
        assert renders[key] == before + 3, "other matches highlighted"
