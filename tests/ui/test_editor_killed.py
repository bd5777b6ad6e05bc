"""`N`, then papertray is killed while the person's editor is open: what they typed and
saved in the editor comes back as a draft at the next start, as the built-in editor's
drafts do. It used to stay in /tmp/papertray-*/note.md, where nothing offered it back."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea

from tests.ui.conftest import PAPERS, SIZE, settle
from tui.cli import make_app as make_reader
from tui.settings import Settings
from tui.store import open_store
from tui.userdata import UserData

TYPED = "typed in my own editor, saved, then papertray was killed\n"

EDITOR = """
import os, shutil, sys
open(sys.argv[1], "a", encoding="utf-8").write({typed!r})
# papertray is killed now, with this editor still open: the disk stays as it is here.
os.makedirs({left!r})
if os.path.isdir({profile!r}):
    shutil.copytree({profile!r}, {left!r}, dirs_exist_ok=True)
"""


@pytest.fixture
def editor_then_kill(tmp_path: Path, profile_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An $EDITOR that saves a line, then keeps the profile folder as a kill -9 of the
    reader would leave it at that moment, in the folder returned."""
    left = tmp_path / "left-by-the-kill"
    script = tmp_path / "editor.py"
    script.write_text(EDITOR.format(typed=TYPED, profile=str(profile_dir), left=str(left)),
                      encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return left


async def test_the_text_of_an_editor_open_when_papertray_was_killed_is_a_draft_next_time(
        make_app, editor_then_kill: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.userdata import drafts as drafts_module

    # The window that wrote the editor's file is gone (killed), as in a real next start;
    # here it is this very process.
    monkeypatch.setattr(drafts_module, "_writer_alive", lambda record: False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("N")
        await settle(pilot)
        assert app.userdata.get(key).note == TYPED, "the editor closing saves the note"

    again = make_reader(store=open_store(PAPERS), userdata=UserData(editor_then_kill, "tester"),
                        settings=Settings(theme="textual-dark"))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.main_screen.paper_list.current.key == key
        assert again.userdata.get(key) is None, "the kill came before the note was saved"
        head = str(again.main_screen.detail.query_one("#detail-head").render())
        assert "unsaved draft · n reopens it" in head, head
        await pilot.press("n")
        await pilot.pause()
        assert again.screen.query_one("#note-text", TextArea).text == TYPED
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert again.userdata.get(key).note == TYPED
        assert key not in again.userdata.drafts
    assert list((editor_then_kill / "drafts").iterdir()) == [], "nothing left over"


async def test_an_editor_closed_normally_leaves_no_draft_behind(make_app, editor_then_kill,
                                                                  profile_dir) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert len(app.userdata.drafts) == 0
    drafts = profile_dir / "drafts"
    assert not drafts.exists() or list(drafts.iterdir()) == []
