"""The reader survives another papertray rebuilding its cache: paging on shows the papers
it opened, and it keeps running."""

from __future__ import annotations

from tests.helpers.rebuild import stats_in_another_process, write_folder
from tests.ui.conftest import SIZE, settle
from tests.ui.test_hostile import visible_text
from tui.store.compact import CompactStore


async def test_the_reader_pages_on_after_its_cache_is_rebuilt(make_app, tmp_path):
    folder = write_folder(tmp_path / "papers", "first")
    app = make_app(folder)
    assert isinstance(app.store, CompactStore)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(20):
            await pilot.press("pagedown")
        await pilot.press("G")
        await settle(pilot)
        write_folder(folder, "second")
        assert stats_in_another_process(folder).returncode == 0
        await pilot.press("O")  # another order: every row is read from the store again
        await settle(pilot)
        await pilot.press("g")
        for _ in range(20):
            await pilot.press("pagedown")
            await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert "first paper" in visible_text(app)
        assert "second paper" not in visible_text(app)
