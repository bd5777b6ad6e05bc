"""Snapshots of issue 12's views: help's legend, 80x24 with the detail focused, the export
dialog asking before it overwrites a file."""

from __future__ import annotations



from pathlib import Path

from tests.ui.conftest import SIZE, settle


def test_help_query_language_and_legend(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark", "G")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_export_dialog_asks_before_replacing_a_file(snap_compare, app, monkeypatch):
    # A fixed folder (not tmp_path): the path is in the picture.
    folder = Path("/tmp/papertray-snapshot-exports")
    folder.mkdir(exist_ok=True)
    (folder / "papertray-inbox.bib").write_text("@misc{kept}\n")
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", str(folder))

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    assert (folder / "papertray-inbox.bib").read_text() == "@misc{kept}\n"


def test_80x24_with_the_detail_focused(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
