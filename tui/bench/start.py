"""First screen in a real terminal: ``papertray --sample`` against a bare Textual app.

People open the reader many times a day, so the time to its first screen is compared
with the least any Textual app can take on the same machine: each is started in a fresh
tmux session and timed from the start until its first screen is on the terminal (tmux's
own copy of the screen, polled every few milliseconds). Medians of ``runs``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

__all__ = ["BARE_APP", "first_screen_seconds", "compare_first_screens"]

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("bare textual ready")
        yield Footer()

Bare().run()
"""
"""The smallest Textual app with a first screen: the baseline."""

POLL = 0.005


def first_screen_seconds(command: list[str], ready: str, env: dict[str, str],
                         size: tuple[int, int] = (80, 24), timeout: float = 60) -> float:
    """Seconds from starting ``command`` in a new tmux session until ``ready`` shows."""
    tmux = shutil.which("tmux")
    if tmux is None:
        raise RuntimeError("tmux is not installed")
    socket = f"papertray-start-{uuid.uuid4().hex[:8]}"
    shell = "env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " \
        + shlex.join(command)
    started = time.perf_counter()
    subprocess.run([tmux, "-L", socket, "new-session", "-d", "-x", str(size[0]), "-y",
                    str(size[1]), shell], check=True)
    try:
        while time.perf_counter() - started < timeout:
            screen = subprocess.run([tmux, "-L", socket, "capture-pane", "-p"],
                                    capture_output=True, text=True).stdout
            if ready in screen:
                return time.perf_counter() - started
            time.sleep(POLL)
        raise TimeoutError(f"{ready!r} never showed")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True)


def compare_first_screens(runs: int = 5) -> tuple[float, float]:
    """(bare Textual app, ``papertray --sample``): median seconds to the first screen,
    each started ``runs`` times, alternately, on a throwaway profile and cache."""
    bare: list[float] = []
    sample: list[float] = []
    with tempfile.TemporaryDirectory(prefix="papertray-start-") as home:
        env = {"PAPERTRAY_DATA_DIR": home, "PAPERTRAY_CONFIG_DIR": home,
               "PAPERTRAY_CACHE_DIR": home, "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "PATH": os.environ.get("PATH", ""), "HOME": home}
        for _ in range(runs):
            bare.append(first_screen_seconds([sys.executable, "-c", BARE_APP],
                                             "bare textual ready", env))
            sample.append(first_screen_seconds([sys.executable, "-m", "tui", "--sample"],
                                               "119 of 119", env))
    return statistics.median(bare), statistics.median(sample)
