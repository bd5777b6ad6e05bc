"""Snapshots of the remaining screens: export dialog, command palette, filter pane in use."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle, type_text


def test_export_dialog(snap_compare, app, monkeypatch):
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", "/exports")  # the same picture on every machine

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("space", "space", "e")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_command_palette(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "star")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_starred_view_from_the_filter_pane(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("s", "j", "s")
        await pilot.press("slash", "escape", "escape")
        pilot.app.main_screen.query_one("FilterPane").focus()
        await pilot.pause()
        await pilot.press("j", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
