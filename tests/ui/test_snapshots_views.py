"""Snapshots of issue 12's search views: the problems list, the "more in other views" hint."""

from __future__ import annotations


from tests.ui.conftest import SIZE, settle, type_text


def test_more_in_other_views_hint(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("s", "l", "ctrl+r")  # the queued paper leaves the inbox now
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "japanes simcse")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_problems_view(snap_compare, make_app, tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    path = folder / "mixed.bib"
    path.write_text(
        "@article{a, title={Zebra crossings}, author={Abel, Zed}, year={2020}, doi={10.1/z}}\n"
        "@article{b, title={Zebra crossings}, author={Abel, Zed}, year={2020}, doi={10.1/z}}\n"
        "@article{c, title={[bold]Broken, author={x}\n", encoding="utf-8")
    app = make_app(path)

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.clear_notifications()
        pilot.app.main_screen.filter_pane.post_message(
            type(pilot.app.main_screen.filter_pane).ProblemsChosen())
        await settle(pilot)
        # the temporary folder differs on every run: the title names it
        title = pilot.app.screen.query_one(".dialog-title")
        title.update(str(title.render()).replace(str(folder), "papers"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


