"""Issue 12 in a real terminal at 80x24: the footer keeps help and quit, the filter
overlay hides the list whole, ctrl+c quits; after an import the library says how to reach
the sample, o says plainly when nothing can open a link, and --sample opens the sample."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.e2e.test_tmux import TMUX, Terminal, papertray_command

pytestmark = pytest.mark.e2e


def _start(env: dict[str, str], *args: str) -> Terminal:
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    return Terminal([*papertray_command(), *args], {**env, "DISPLAY": ""}, (80, 24))


def test_at_80x24_help_and_quit_stay_in_the_footer_and_ctrl_c_quits(env):
    terminal = _start(env, "--sample")
    try:
        terminal.wait_for(lambda s: "119 of 119" in s, "the sample")
        terminal.keys("Enter")  # the detail pane takes the focus
        screen = terminal.wait_for(lambda s: "Back to list" in s.splitlines()[-1],
                                   "the detail pane's keys in the footer")
        footer = screen.splitlines()[-1]
        assert footer.startswith("? Help q Quit"), footer
        assert "Commands" not in footer, "no palette key drawn over the last key"

        terminal.keys("Escape")
        time.sleep(0.3)  # Escape and f sent together would read as alt+f
        terminal.keys("f")
        screen = terminal.wait_for(lambda s: "All papers" in s, "the filter overlay")
        for line in screen.splitlines()[2:-1]:
            assert "Captioning" not in line and "Report" not in line, line

        terminal.keys("Escape")
        terminal.keys("C-c")
        deadline = time.monotonic() + 10
        while terminal.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not terminal.alive(), "ctrl+c quits"
    finally:
        terminal.close()


def test_after_an_import_sample_still_opens_the_sample(env, tmp_path):
    store = tmp_path / "mine.jsonl"
    store.write_text('{"title": "My own paper", "authors": ["A. Person"], "year": 2024, '
                     '"url": "https://example.org/mine"}\n')
    done = subprocess.run([*papertray_command(), "import", str(store)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    terminal = _start(env)
    try:
        terminal.wait_for(lambda s: "1 of 1" in s and "--sample opens" in s,
                          "the library, saying how to reach the sample")
        terminal.keys("o")  # no display here: nothing can open the link
        screen = terminal.wait_for(lambda s: "Nothing here can open" in s, "o's message")
        assert "example.org/mine" in screen and "Opening" not in screen
    finally:
        terminal.close()
    terminal = _start(env, "--sample")
    try:
        terminal.wait_for(lambda s: "119 of 119" in s, "the sample")
    finally:
        terminal.close()
