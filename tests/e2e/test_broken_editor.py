"""In a real terminal, `N` with an $EDITOR that does not exist leaves the reader on
screen and working (it used to hand the terminal over and never take it back)."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_tmux import TMUX, Terminal, papertray_command

pytestmark = pytest.mark.e2e


def test_a_missing_editor_keeps_the_reader_working(env) -> None:
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    outer = f"EDITOR=no-such-editor-here {' '.join(papertray_command())}; echo papertray-exit-$?; sleep 60"
    terminal = Terminal(["sh", "-c", outer], env, (120, 36))
    try:
        terminal.wait_for(lambda s: "inbox 119" in s, "the sample to open")
        terminal.keys("N")
        terminal.wait_for(lambda s: "no-such-editor-here" in s and "inbox 119" in s,
                          "the message, over the reader")
        terminal.keys("q")
        screen = terminal.wait_for(lambda s: "papertray-exit-" in s, "q to quit", timeout=10)
        assert "papertray-exit-0" in screen
    finally:
        time.sleep(0.1)
        terminal.close()
