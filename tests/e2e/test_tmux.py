"""End to end: the real ``papertray`` command in a real terminal (tmux), as a new user.

Opens the bundled sample, searches, stars, tags, writes a note, quits, and then checks
with ``papertray search --json`` that everything was saved.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")
TITLE = "Japanese SimCSE Technical Report"


def papertray_command() -> list[str]:
    """The installed ``papertray`` script next to this Python, else ``python -m tui``."""
    script = Path(sys.executable).with_name("papertray")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


class Terminal:
    """A detached tmux session on a private server, driven with send-keys."""

    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.socket = f"papertray-test-{uuid.uuid4().hex[:8]}"
        self.name = "papertray"
        assignments = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        # env -i: only what is given reaches the app (a COLUMNS=80 left in the test
        # process's environment would override the real terminal size).
        shell = f"env -i {assignments} {shlex.join(command)}"
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                  shell)

    def tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=20)

    def keys(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``C-s``, ``/``)."""
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        """Type text literally."""
        self.tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.2)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.name).returncode == 0

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Where this run keeps its data, config and cache: fresh folders, a fresh user."""
    return {
        "PAPERTRAY_DATA_DIR": str(tmp_path / "data"),
        "PAPERTRAY_CONFIG_DIR": str(tmp_path / "config"),
        "PAPERTRAY_CACHE_DIR": str(tmp_path / "cache"),
        "PAPERTRAY_USER": "newcomer",
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        # The checkout under test, when it is not the installed one (a git worktree):
        # without it the real command ran the installed copy's code.
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}),
    }


@pytest.fixture
def terminal(env: dict[str, str]):
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    term = Terminal(papertray_command(), env, (120, 36))
    yield term
    term.close()


def detail_top(screen: str) -> str:
    """The first line of the detail pane (the right part of the first body line)."""
    return screen.splitlines()[2][70:]


def test_search_star_tag_note_quit_then_the_cli_sees_it(terminal: Terminal, env):
    terminal.wait_for(lambda s: "inbox 119" in s, "the sample to open with its inbox")
    terminal.keys("/")
    terminal.type("japanese simcse")
    terminal.wait_for(lambda s: " of 119" in s and "119 of 119" not in s, "the search to narrow")
    terminal.keys("Enter")
    screen = terminal.wait_for(lambda s: TITLE in detail_top(s), "the paper under the cursor")
    assert "japanese simcse" in screen

    terminal.keys("s", "t")
    terminal.wait_for(lambda s: "Tags ·" in s, "the tag editor")
    terminal.type("thesis")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "#thesis" in s and "★" in s, "the star and the tag")
    terminal.keys("n")
    terminal.wait_for(lambda s: "Note ·" in s, "the note editor")
    terminal.type("Baseline for chapter 3")
    terminal.keys("C-s")
    terminal.wait_for(lambda s: "Note ·" not in s and "Baseline for chapter 3" in s,
                      "the saved note in the detail pane")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive(), "q quits"

    out = subprocess.run([*papertray_command(), "search", "is:starred tag:thesis", "--json"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["title"] for r in records] == [TITLE]
    assert records[0]["tags"] == ["thesis"]
    assert records[0]["note"] == "Baseline for chapter 3"
    assert records[0]["starred"] is True


def test_the_readme_morning_word_for_word(terminal: Terminal):
    """Issue 12: star and queue Japanese SimCSE, then /japanes simcse finds it (still in
    the view until ctrl+r); after ctrl+r the search says where it went and a shows it with
    the query kept; a note is searchable."""
    terminal.wait_for(lambda s: "inbox 119" in s, "the sample to open with its inbox")
    terminal.keys("j")
    terminal.wait_for(lambda s: TITLE in detail_top(s), "Japanese SimCSE under the cursor")
    terminal.keys("s", "l")
    terminal.wait_for(lambda s: "inbox 118" in s, "the paper queued for later")
    terminal.keys("/")
    terminal.type("japanes simcse")
    screen = terminal.wait_for(lambda s: TITLE in detail_top(s) and "sort: relevance" in s,
                               "the paper just queued found by the search, still in view")
    terminal.keys("Enter")
    time.sleep(0.5)
    terminal.keys("C-r")  # the papers triaged out of the inbox leave it now
    terminal.wait_for(lambda s: "1 more in Later (a: all papers)" in s,
                      "the search to say where the paper went")
    terminal.keys("a")
    screen = terminal.wait_for(lambda s: "All papers" in s.splitlines()[1] and TITLE in s,
                               "all papers, the query kept")
    assert "japanes simcse" in screen.splitlines()[1] and "more in" not in screen
    terminal.keys("n")
    terminal.wait_for(lambda s: "Note ·" in s, "the note editor")
    terminal.type("remember the zebra crossing idea")
    terminal.keys("C-s")
    terminal.wait_for(lambda s: "Note ·" not in s, "the note saved")
    terminal.keys("/", "C-u")
    terminal.type("zebra crossing")
    terminal.wait_for(lambda s: "1 of 119" in s and TITLE in s, "the paper found by its note")
