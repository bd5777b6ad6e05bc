"""The title bar redraws after every key typed, so it does as little as it can: an unchanged
side is left alone, and a new text costs a layout pass only when its width changed."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tui.status import ViewSummary
from tui.widgets.title_bar import TitleBar

from .conftest import SIZE, settle


async def test_the_title_bar_lays_out_again_only_when_its_width_changes(
        app, monkeypatch: pytest.MonkeyPatch) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main_screen.query_one(TitleBar)
        updates: list[tuple[str, str, bool]] = []
        real = Static.update

        def update(static: Static, content: object = "", *, layout: bool = True) -> None:
            updates.append((static.id or "", str(content), layout))
            real(static, content, layout=layout)

        monkeypatch.setattr(Static, "update", update)
        label, profile = app.store.label, app.userdata.profile
        bar.show(label, profile, ViewSummary(shown=12, total=12, inbox=12))
        assert updates == [], "the same text again: nothing to redraw"
        bar.show(label, profile, ViewSummary(shown=11, total=12, inbox=12))
        assert updates == [("title-right", "11 of 12 · inbox 12", False)]
        bar.show(label, profile, ViewSummary(shown=3, total=12, inbox=12, marked=2))
        assert updates[-1] == ("title-right", "3 of 12 · inbox 12 · 2 marked", True)
        await pilot.pause()
        assert str(app.main_screen.query_one("#title-right").render()).endswith("2 marked")


async def test_file_and_profile_names_are_shown_cleaned(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main_screen.query_one(TitleBar)
        bar.show("evil\x1b]0;owned\x07.bib", "[bold]me", ViewSummary(shown=1, total=1, inbox=1))
        await pilot.pause()
        left = str(app.main_screen.query_one("#title-left").render())
        assert "\x1b" not in left and "[bold]me" in left
