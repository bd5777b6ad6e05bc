"""Work shared with helper processes (:func:`tui.cache.helpers.share_work`): every core
kept busy, every task done once, a failing helper's task done here.

The helper here is a small module written for the test: it answers each task line after
sleeping as long as the line says, or answers "failed" / dies when told to.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tui.cache.helpers import share_work

HELPER = """
import sys, time
sys.stdin.readline()  # the opening line
for line in sys.stdin:
    word, seconds = line.split()
    if word == "die":
        sys.exit(1)
    if word == "hang":
        time.sleep(3600)
    time.sleep(float(seconds))
    print("failed" if word == "fail" else "ok", flush=True)
"""


@pytest.fixture
def helper_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "sleepy_helper.py").write_text(HELPER, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return "sleepy_helper"


def _share(tasks: list[tuple[str, float]], module: str, here_seconds: float
           ) -> tuple[list[tuple[str, float]], list[tuple[tuple[str, float], str]]]:
    done_here: list[tuple[str, float]] = []

    def here(task: tuple[str, float]) -> str:
        done_here.append(task)
        time.sleep(here_seconds)
        return "here"

    results = share_work(tasks, here, helpers=1, module=module, opening={},
                         line=lambda task: f"{task[0]} {task[1]}",
                         collect=lambda task: "helper")
    return done_here, results


def test_a_helper_that_answers_gets_the_next_task_at_once(helper_module: str) -> None:
    """While this process spends long on its first task, the helper does all the others,
    one after the other: before, it waited for this process's task to end between two of
    its own, its core idle, and this process did half the tasks."""
    tasks = [("ok", 0.01)] * 6
    done_here, results = _share(tasks, helper_module, here_seconds=3.0)
    assert len(done_here) == 1
    assert sorted(where for _, where in results) == ["helper"] * 5 + ["here"]


def test_every_task_is_done_once_whatever_the_helper_does(helper_module: str) -> None:
    """A task the helper fails is done here; after the helper dies, the rest are too."""
    tasks = [("ok", 0.0), ("ok", 0.0), ("die", 0.0), ("fail", 0.0), ("ok", 0.0)]
    done_here, results = _share(tasks, helper_module, here_seconds=0.3)
    assert len(results) == len(tasks)
    assert sorted(task for task, _ in results) == sorted(tasks)
    assert ("fail", 0.0) in done_here and ("die", 0.0) in done_here


def test_a_helper_stuck_on_a_task_is_given_up_and_its_task_done_here(
        helper_module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper stopped or hung (it never answers) is waited for only so long: then its
    task is done here (before, the open waited forever)."""
    from tui.cache import helpers

    monkeypatch.setattr(helpers, "PATIENCE_SECONDS", 1.0)
    tasks = [("ok", 0.0), ("hang", 0.0)]
    began = time.monotonic()
    done_here, results = _share(tasks, helper_module, here_seconds=0.1)
    assert sorted(task for task, _ in results) == sorted(tasks)
    assert ("hang", 0.0) in done_here
    assert time.monotonic() - began < 20
