"""Issue 10, cases 1 and 2 in a real terminal (tmux): a paste of 2,000 characters followed
at once by ctrl+s is saved whole, 20 times out of 20; a draft outlives a closed terminal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e import test_tmux as _tmux
from tests.e2e.test_tmux import TMUX, Terminal, detail_top, papertray_command

env = _tmux.env  # the same fixtures: fresh folders, a real terminal on the sample
terminal = _tmux.terminal

pytestmark = pytest.mark.e2e

TRIALS = 20
FIRST = "Multimodal Pretraining"
"""The start of the sample's first title."""


def _text(trial: int) -> str:
    words = f"trial{trial:02d} contrastive sentence embeddings with dropout noise as augmentation "
    return (words * 40)[:2000]


def _notes(environment: dict[str, str]) -> dict[str, str]:
    out = subprocess.run([*papertray_command(), "search", "has:note", "--json", "--limit", "0"],
                         env=environment, capture_output=True, text=True, timeout=60)
    return {r["key"]: r["note"] for r in map(json.loads, out.stdout.splitlines()) if r}


def _ready(term: Terminal) -> None:
    """Wait until the reader takes keys: the sample is shown and the cursor moves (a key
    sent in the first instants after the first paint can be lost: it is sent again)."""
    first = detail_top(term.wait_for(lambda s: "inbox 119" in s, "the sample to open"))
    for _ in range(10):
        term.keys("j")
        try:
            term.wait_for(lambda s: detail_top(s) != first, "the cursor to move", timeout=2)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the reader never took a key; the screen was:\n{term.screen()}")


def _top(term: Terminal) -> None:
    """Put the cursor on the first paper (g is the same however often it arrives)."""
    term.keys("g")
    term.wait_for(lambda s: FIRST in detail_top(s), "the first paper")


def _quit(term: Terminal) -> None:
    term.keys("q")
    deadline = time.monotonic() + 10
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not term.alive(), "q quits"


def test_a_paste_then_ctrl_s_at_once_is_saved_whole_every_time(terminal: Terminal, env) -> None:
    _ready(terminal)
    for trial in range(TRIALS):
        terminal.keys("n")
        terminal.wait_for(lambda s: "Note ·" in s, "the note editor")
        terminal.tmux("set-buffer", "--", _text(trial))
        # One tmux command: the bracketed paste and ctrl+s reach the app back to back.
        terminal.tmux("paste-buffer", "-p", "-t", terminal.name, ";", "send-keys", "-t",
                      terminal.name, "C-s")
        terminal.wait_for(lambda s: "Note ·" not in s, "the editor to close")
        terminal.keys("j")
    _quit(terminal)
    saved = sorted(_notes(env).values())
    assert saved == sorted(_text(trial) for trial in range(TRIALS)), \
        f"{sum(n not in map(_text, range(TRIALS)) for n in saved)} notes were cut off"


def test_typed_keys_then_ctrl_s_at_once_are_all_saved(terminal: Terminal, env) -> None:
    _ready(terminal)
    text = _text(7)[:400]
    terminal.keys("n")
    terminal.wait_for(lambda s: "Note ·" in s, "the note editor")
    terminal.tmux("send-keys", "-t", terminal.name, "-l", text, ";", "send-keys", "-t",
                  terminal.name, "C-s")
    terminal.wait_for(lambda s: "Note ·" not in s, "the editor to close", timeout=60)
    _quit(terminal)
    assert list(_notes(env).values()) == [text]


def test_a_draft_outlives_a_closed_terminal(env) -> None:
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    first = Terminal(papertray_command(), env, (120, 36))
    try:
        _ready(first)
        _top(first)
        first.keys("n")
        first.wait_for(lambda s: "Note ·" in s, "the note editor")
        first.type("written just before the window closed")
        first.wait_for(lambda s: "window closed" in s, "the typed text")
    finally:
        first.close()  # the terminal goes away with the editor open: SIGHUP, no goodbye
    _save_the_draft_at_the_next_start(env, "written just before the window closed")
    assert list(_notes(env).values()) == ["written just before the window closed"]


def _save_the_draft_at_the_next_start(env: dict[str, str], text: str) -> None:
    """Start again: the first paper says it has a draft, n opens it with ``text``, ctrl+s
    saves it as the note."""
    again = Terminal(papertray_command(), env, (120, 36))
    try:
        _ready(again)
        _top(again)
        again.wait_for(lambda s: "unsaved draft" in s, "the draft shown on the paper")
        again.keys("n")
        again.wait_for(lambda s: text in s and "Note ·" in s, "the draft in the editor")
        again.keys("C-s")
        again.wait_for(lambda s: "Note ·" not in s, "the editor to close")
        _quit(again)
    finally:
        again.close()


def test_another_window_closing_its_editor_keeps_the_draft_you_type(env) -> None:
    """Two windows on one profile, in real terminals: b's note editor is open first, a
    types a draft and closes with esc, b closes without typing. a's draft is on disk and
    shown in a's reader; b's then saves it with its own words and nothing is left over."""
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    a = Terminal(papertray_command(), env, (120, 36))
    b = Terminal(papertray_command(), env, (120, 36))
    try:
        for term in (a, b):
            _ready(term)
            _top(term)
        b.keys("n")
        b.wait_for(lambda s: "Note ·" in s, "b's note editor")
        a.keys("n")
        a.wait_for(lambda s: "Note ·" in s, "a's note editor")
        a.type("typed in window a")
        a.wait_for(lambda s: "typed in window a" in s, "a's text")
        a.keys("Escape")
        a.wait_for(lambda s: "Note ·" not in s and "unsaved draft" in s, "a's draft on the paper")
        b.keys("Escape")
        b.wait_for(lambda s: "Note ·" not in s, "b's editor to close")
        b.keys("n")
        b.wait_for(lambda s: "typed in window a" in s, "a's draft, reopened in b")
        b.type(", finished in b")
        b.keys("C-s")
        b.wait_for(lambda s: "Note ·" not in s, "b's editor to close")
        for term in (a, b):
            _quit(term)
    finally:
        a.close()
        b.close()
    assert list(_notes(env).values()) == ["typed in window a, finished in b"]
    drafts = list((Path(env["PAPERTRAY_DATA_DIR"]) / "profiles" / "newcomer" / "drafts").glob("*.json"))
    assert drafts == [], f"a draft saved as the note stayed: {drafts}"


EDITOR_THEN_KILLED = """
import os, sys, time
open(sys.argv[1], "a", encoding="utf-8").write("saved in my editor before papertray died\\n")
with open(os.environ["EDITOR_PARENT"], "w") as out:
    out.write(str(os.getppid()))  # papertray, waiting for this editor
print("EDITOR OPEN", flush=True)
while not os.path.exists(os.environ["EDITOR_STOP"]):  # the person is still in the editor
    time.sleep(0.1)
"""


def test_text_saved_in_your_editor_outlives_a_kill_of_papertray(env, tmp_path: Path) -> None:
    """N, the person saves in their own editor, and papertray is killed (kill -9) while the
    editor is open: the next start offers the text as a draft, as n's drafts are offered.
    It used to stay in /tmp/papertray-*/note.md, where nothing looked for it."""
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_THEN_KILLED, encoding="utf-8")
    parent, stop = tmp_path / "papertray.pid", tmp_path / "stop"
    editing = {**env, "EDITOR": f"{sys.executable} {script}", "EDITOR_PARENT": str(parent),
               "EDITOR_STOP": str(stop)}
    first = Terminal(papertray_command(), editing, (120, 36))
    try:
        _ready(first)
        _top(first)
        first.keys("N")
        first.wait_for(lambda s: "EDITOR OPEN" in s, "the editor, with the terminal")
        os.kill(int(parent.read_text()), signal.SIGKILL)
        stop.touch()  # the person leaves the editor; papertray is not there any more
    finally:
        first.close()
    _save_the_draft_at_the_next_start(env, "saved in my editor before papertray died")
    assert list(_notes(env).values()) == ["saved in my editor before papertray died\n"]
    drafts = Path(env["PAPERTRAY_DATA_DIR"]) / "profiles" / "newcomer" / "drafts"
    assert list(drafts.iterdir()) == [], "nothing left over once the draft is saved"


EDITOR_TAKING_CTRL_C = """
import os, signal, sys, time
signal.signal(signal.SIGINT, lambda *_: print("EDITOR GOT CTRL+C", flush=True))
print("EDITOR OPEN", flush=True)
while not os.path.exists(os.environ["EDITOR_STOP"]):  # the person goes on editing
    time.sleep(0.1)
open(sys.argv[1], "a", encoding="utf-8").write("written after a ctrl+c in my editor\\n")
"""


def test_ctrl_c_in_your_editor_is_the_editors_and_papertray_waits(env, tmp_path: Path) -> None:
    """ctrl+c pressed in your own editor (N) goes to the editor (vim users press it to leave
    insert mode): papertray, waiting behind it, stays, and saves the note when the editor
    closes. It used to take the ctrl+c as a quit, and end itself 5 s later under the editor."""
    if TMUX is None:
        pytest.skip("tmux is not installed, so the real terminal cannot be driven")
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_TAKING_CTRL_C, encoding="utf-8")
    stop = tmp_path / "stop"
    editing = {**env, "EDITOR": f"{sys.executable} {script}", "EDITOR_STOP": str(stop)}
    terminal = Terminal(papertray_command(), editing, (120, 36))
    try:
        _ready(terminal)
        _top(terminal)
        terminal.keys("N")
        terminal.wait_for(lambda s: "EDITOR OPEN" in s, "the editor, with the terminal")
        terminal.keys("C-c")
        terminal.wait_for(lambda s: "EDITOR GOT CTRL+C" in s, "the editor to hear it")
        time.sleep(6)  # longer than papertray's last-resort exit after a quit signal
        assert terminal.alive(), "papertray ended while the editor was open"
        stop.touch()
        terminal.wait_for(lambda s: "119 of 119" in s, "papertray back", timeout=30)
    finally:
        terminal.close()
    assert list(_notes(env).values()) == ["written after a ctrl+c in my editor\n"]
