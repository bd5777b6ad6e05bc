"""The reader is made one way (``tui.cli.make_app``), and the process-wide knobs are the
entry point's business: the frame rate does not leak into programs the reader starts, and
the loaded papers are frozen out of the garbage collector once, only when asked."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import ProcessTuning, make_app
from tui.settings import Settings
from tui.store import open_store
from tui.userdata import UserData

from .conftest import PAPERS, SIZE, settle, type_text

PROBE = """
import json, os, sys
from tui.__main__ import READER_TUNING
from tui.cli import build_app, parse_args
app = build_app(parse_args([sys.argv[1]]), tuning=READER_TUNING)
import textual.constants
print(json.dumps({"max_fps": textual.constants.MAX_FPS,
                  "inherited": os.environ.get("TEXTUAL_FPS")}))
app.userdata.close()
"""


def reader_process(env: dict[str, str]) -> dict[str, object]:
    """Build the reader as ``papertray PATH`` does, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(PAPERS)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_reader_draws_fast_but_programs_it_starts_get_their_own_frame_rate() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    seen = reader_process(env)
    assert seen == {"max_fps": 240, "inherited": None}, "an $EDITOR would inherit 240 fps"


def test_a_frame_rate_the_person_chose_is_kept() -> None:
    seen = reader_process({**os.environ, "TEXTUAL_FPS": "30"})
    assert seen == {"max_fps": 30, "inherited": "30"}


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every gc.freeze() from now on (not done for real: it would pin the test's garbage)."""
    calls: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    return calls


async def test_the_app_itself_never_freezes_the_garbage_collector(app, freezes) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main_screen.engine is not None
    assert freezes == [], "a process knob, not the app's to set (tests build many apps)"


async def test_what_is_loaded_is_handed_over_once_when_the_index_is_ready(
        profile_dir: Path) -> None:
    loaded: list[int] = []
    app = make_app(store=open_store(PAPERS), userdata=UserData(profile_dir, "tester"),
                   settings=Settings(theme="textual-dark"),
                   tuning=ProcessTuning(on_loaded=lambda: loaded.append(len(loaded))))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert loaded == [0] and app.main_screen.engine is not None
        await pilot.press("slash")
        await type_text(pilot, "bert")
        await settle(pilot)
    assert loaded == [0]
