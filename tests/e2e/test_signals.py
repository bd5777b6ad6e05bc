"""A signal ends the reader the normal way, in a real terminal (tmux): the terminal is
given back as it was (alternate screen off, cursor shown, mouse reporting off) and the
exit status says which signal it was."""

from __future__ import annotations

import os
import shlex
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.test_tmux import TMUX, Terminal, papertray_command

pytestmark = pytest.mark.e2e

STATE = "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{mouse_button_flag} #{mouse_sgr_flag}"
"""tmux's view of the terminal modes: alternate screen, cursor shown, mouse reporting."""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_restores_the_terminal_and_exits_non_zero(signum: int, env, tmp_path: Path) -> None:
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    pid_file = tmp_path / "pid"
    # The inner shell writes its pid and becomes papertray; the outer one then says how
    # papertray ended and keeps the pane open so its modes can be read.
    inner = f"echo $$ > {shlex.quote(str(pid_file))}; exec {shlex.join(papertray_command())}"
    outer = f"sh -c {shlex.quote(inner)}; echo papertray-exit-$?; sleep 60"
    terminal = Terminal(["sh", "-c", outer], env, (120, 36))
    try:
        terminal.wait_for(lambda s: "inbox 119" in s, "the sample to open")
        modes = terminal.tmux("display", "-p", "-t", terminal.name, STATE).stdout.split()
        assert modes[0] == "1" and modes[1] == "0", f"the reader is up, full screen: {modes}"
        os.kill(int(pid_file.read_text()), signum)
        screen = terminal.wait_for(lambda s: "papertray-exit-" in s, "papertray to end")
        time.sleep(0.2)
        modes = terminal.tmux("display", "-p", "-t", terminal.name, STATE).stdout.split()
        assert modes == ["0", "1", "0", "0", "0"], f"alternate, cursor, mouse x3: {modes}"
        assert f"papertray-exit-{128 + signum}" in screen
        assert "Traceback" not in screen
    finally:
        terminal.close()
