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


def test_a_spare_started_ahead_becomes_the_next_helper(helper_module: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A first open starts a helper as it ends reading, so indexing's helper has done its
    imports by the time it is asked for: that process is the one given the tasks."""
    from tui.cache import helpers

    started: list[str] = []
    real_start = helpers._start
    monkeypatch.setattr(helpers, "_start", lambda module, *more: started.append(module) or real_start(module, *more))
    helpers.start_spare(helpers.SPARE_PAPERS)
    assert helpers._spare is not None
    spare = helpers._spare[0]
    done_here, results = _share([("ok", 0.01)] * 4, helper_module, here_seconds=1.0)
    assert helpers._spare is None and started == [helpers.SPARE_MODULE]  # taken, none other
    assert sorted(where for _, where in results) == ["helper"] * 3 + ["here"]
    assert spare.wait(timeout=10) is not None  # the helper it became was ended with the work


def test_a_spare_started_in_other_surroundings_is_not_used(helper_module: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A spare started before the cache folder (or anything else in the environment)
    changed would work on another store's cache: it is ended, and a new helper started."""
    from tui.cache import helpers

    helpers.start_spare(helpers.SPARE_PAPERS)
    assert helpers._spare is not None
    stale = helpers._spare[0]
    monkeypatch.setenv("PAPERTRAY_CACHE_DIR", str(tmp_path / "elsewhere"))
    done_here, results = _share([("ok", 0.01)] * 4, helper_module, here_seconds=1.0)
    assert stale.poll() is not None  # ended, not used
    assert sorted(where for _, where in results) == ["helper"] * 3 + ["here"]


def test_a_spare_no_one_takes_ends_with_its_input() -> None:
    from tui.cache import helpers

    helpers.start_spare(helpers.SPARE_PAPERS)
    assert helpers._spare is not None
    spare = helpers._spare[0]
    helpers._end_spare()
    assert spare.wait(timeout=10) is not None and helpers._spare is None


def test_no_spare_is_started_where_the_folder_papertray_runs_in_was_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a spare may be used is told by, among others, the folder papertray runs in:
    when that folder is gone, the open goes on without a spare instead of failing."""
    from tui.cache import helpers

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    helpers.start_spare(helpers.SPARE_PAPERS)
    assert helpers._spare is None


def test_a_spare_no_one_takes_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store too small to index with a helper starts no spare; one started and never
    taken ends by itself and is waited for: no defunct process stays beside a reader."""
    from tui.cache import helpers

    helpers.start_spare(helpers.SPARE_PAPERS - 1)
    assert helpers._spare is None
    monkeypatch.setattr(helpers, "SPARE_WAIT_SECONDS", 0.5)
    helpers.start_spare(helpers.SPARE_PAPERS)
    assert helpers._spare is not None
    spare = helpers._spare[0]
    deadline = time.monotonic() + 10
    while helpers._spare is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert helpers._spare is None
    assert spare.returncode is not None  # waited for: not left a zombie
