"""The terminal window closed while a big store is still being read and indexed: papertray
ends, as it does when closed on a quiet screen. It used to hang for good (Textual's output
thread waited on a terminal that was gone), holding its memory until someone killed it."""

from __future__ import annotations

import os
import shlex
import time
from pathlib import Path

import pytest

from tests.e2e.test_tmux import TMUX, Terminal, papertray_command

pytestmark = pytest.mark.e2e

PAPERS = 20_000
"""Enough that reading and indexing are still going on when the window closes."""


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tui.bench.synthetic import write_jsonl

    path = tmp_path_factory.mktemp("store") / "papers.jsonl"
    write_jsonl(str(path), PAPERS, seed=3)
    return path


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("after", [0.3, 0.8, 1.5])
def test_closing_the_terminal_while_a_big_store_loads_ends_papertray(
        big_store: Path, env, tmp_path: Path, after: float) -> None:
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    # Unbuffered output, as many containers and shells set it, made the hang certain.
    env = dict(env, PYTHONUNBUFFERED="1")
    pid_file = tmp_path / "pid"
    inner = (f"echo $$ > {shlex.quote(str(pid_file))}; "
             f"exec {shlex.join(papertray_command() + [str(big_store)])}")
    terminal = Terminal(["sh", "-c", inner], env, (120, 36))
    try:
        terminal.wait_for(lambda s: "papertray" in s and " of " in s, "the reader to open")
        time.sleep(after)
        pid = int(pid_file.read_text())
    finally:
        terminal.close()  # the window goes away: SIGHUP (and SIGCONT) to papertray
    try:
        assert _gone(pid, timeout=15), "papertray is still running after its terminal closed"
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
