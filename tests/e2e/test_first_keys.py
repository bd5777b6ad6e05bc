"""In a real terminal, keys typed as papertray starts (before it has drawn anything) are
carried out in order on the list: `j j j s` stars the fourth paper. They used to land in
the search bar as "jjjs", or the moves were dropped and the star hit the first paper."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.e2e.test_tmux import TMUX, Terminal, papertray_command

pytestmark = pytest.mark.e2e


def test_keys_typed_at_launch_move_then_star_the_fourth_paper(env) -> None:
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    terminal = Terminal(papertray_command(), env, (120, 36))
    try:
        terminal.keys("j", "j", "j", "s")  # at once: the reader is still starting
        screen = terminal.wait_for(lambda s: "inbox 119" in s and "Starred            1" in s,
                                   "the star, counted in the filter pane")
        assert "/ Search titles" in screen, "nothing was typed into the search bar"
        terminal.keys("q")
        terminal.wait_for(lambda s: not terminal.alive(), "q to quit", timeout=10)
    finally:
        time.sleep(0.1)
        terminal.close()
    starred = subprocess.run([*papertray_command(), "search", "is:starred", "--json"], env=env,
                             capture_output=True, text=True, check=True).stdout
    shown = subprocess.run([*papertray_command(), "search", "", "--json"], env=env,
                           capture_output=True, text=True, check=True).stdout
    fourth = json.loads(shown.splitlines()[3])["title"]
    assert [json.loads(line)["title"] for line in starred.splitlines()] == [fourth]
