"""`N` with a broken $EDITOR says what is wrong in one message and the reader goes on."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, settle
from tui.external_editor import EditorError, editor_command


@pytest.mark.parametrize("command, message", [
    ('vim "my notes', "$EDITOR (vim \"my notes) cannot be read: No closing quotation; "
                      "n opens the built-in editor."),
    ("no-such-editor-here --wait", "The editor no-such-editor-here (from $EDITOR) was not "
                                   "found; n opens the built-in editor."),
])
async def test_a_broken_editor_gives_one_message_and_the_reader_goes_on(
        app, monkeypatch: pytest.MonkeyPatch, command: str, message: str) -> None:
    monkeypatch.setenv("EDITOR", command)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [message]
        assert app.is_running
        await pilot.press("s")  # keys still work
        assert app.userdata.get(app.main_screen.paper_list.current.key).starred


def test_visual_comes_before_editor_and_is_named_in_its_message() -> None:
    with pytest.raises(EditorError, match=r"\(from \$VISUAL\)"):
        editor_command({"VISUAL": "missing-visual-editor", "EDITOR": "vi"})
    assert editor_command({"EDITOR": "sh -c 'exit 0'"}) == ["sh", "-c", "exit 0"]
