"""Snapshots of every screen (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

from tests.ui.conftest import SIZE, hostile_papers, settle, type_text


async def _ready(pilot) -> None:
    await settle(pilot)


def test_main_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready)


def test_detail_focused_with_matches(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "sentence embedding")
        await settle(pilot)
        await pilot.press("enter", "s", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_tag_editor(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("t")
        await type_text(pilot, "thesis retrieval")
        await pilot.press("enter", "j", "t")
        await type_text(pilot, "the")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_note_editor(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "# Why it matters")
        await pilot.press("enter")
        await type_text(pilot, "Compare with **SimCSE** before the reading group.")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_narrow_terminal(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("s", "r")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_empty_result(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "zzzqqqxxx")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_hostile_titles(snap_compare, make_app):
    app = make_app(papers=hostile_papers())

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("j", "j")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
