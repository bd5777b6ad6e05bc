"""Snapshots of issue 12's views: help's legend, 80x24 with the detail focused, the export
dialog asking before it overwrites a file."""

from __future__ import annotations



from tests.ui.conftest import SIZE, settle


def test_help_query_language_and_legend(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark", "G")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
