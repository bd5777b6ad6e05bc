"""Sharing cache-building work with helper processes, so a big store uses every core.

Python runs on one core at a time. Work that ends in a cache file (a file's shard, an
index segment) is shared instead: this process takes tasks from the front of the list,
helper processes (``python -m MODULE``, one per spare core) from the back, each sent
one line per task and answering one line when its file is written; this process then
reads that file like any cache file (checked, never trusted). A helper that fails, dies
or answers anything else only means this process does the task itself.

A helper module reads a first line (what to open, as JSON), then serves task lines::

    for line in sys.stdin:
        ...do the task, write its cache file...
        print("ok", flush=True)        # anything else: this process redoes the task
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections import deque
from typing import Any, Callable, Generic, TypeVar

__all__ = ["share_work", "spare_cores", "map_on_cores"]

Task = TypeVar("Task")
Result = TypeVar("Result")


def spare_cores() -> int:
    """Cores beyond the one this process uses."""
    return max(0, (os.cpu_count() or 1) - 1)


def map_on_cores(function: Callable[[Task], Result], items: list[Task]) -> list[Result]:
    """``[function(item) for item in items]``, on as many threads as there are cores.
    Worth it only for work that lets go of the interpreter: opening cache files is
    mostly reading and CRC-checking them, which runs outside it, so ten shards open in
    about half the time on two cores."""
    workers = min(len(items), spare_cores() + 1)
    if workers < 2:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only when it pays

    with ThreadPoolExecutor(workers, thread_name_prefix="papertray-open") as pool:
        return list(pool.map(function, items))


class _Helper(Generic[Task]):
    """One helper process and the task it is working on."""

    def __init__(self, module: str, opening: dict[str, Any]) -> None:
        self.task: Task | None = None
        self.answers: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        self._send(json.dumps(opening))
        threading.Thread(target=self._listen, daemon=True).start()

    def _send(self, line: str) -> bool:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def _listen(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line.strip())
        self.answers.put("gone")

    def give(self, task: Task, line: str) -> bool:
        """Send one task; False when the helper is gone."""
        if not self._send(line):
            return False
        self.task = task
        return True

    def close(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def share_work(tasks: list[Task], here: Callable[[Task], Result], *, helpers: int,
               module: str, opening: dict[str, Any], line: Callable[[Task], str],
               collect: Callable[[Task], Result | None],
               done: Callable[[Task, Result], None] = lambda task, result: None,
               ) -> list[tuple[Task, Result]]:
    """Do every task, here (``here(task)``) and in up to ``helpers`` helper processes
    running ``module`` (sent ``opening`` then ``line(task)``; once one answers "ok",
    ``collect(task)`` reads its result, None when unusable). ``done(task, result)`` is
    called as each finishes. Returns every task with its result, in finishing order."""
    pending = deque(tasks)
    finished: list[tuple[Task, Result]] = []
    started = [_Helper[Task](module, opening) for _ in range(min(helpers, len(tasks) - 1))]
    working = list(started)

    def finish(task: Task, result: Result) -> None:
        finished.append((task, result))
        done(task, result)

    def hear(helper: _Helper[Task], block: bool) -> None:
        try:
            answer = helper.answers.get(block=block)
        except queue.Empty:
            return
        task, helper.task = helper.task, None
        if answer == "gone":
            working.remove(helper)
        if task is None:
            return
        result = collect(task) if answer == "ok" else None
        if result is None:
            pending.append(task)  # done here after all
        else:
            finish(task, result)

    try:
        while pending or any(h.task is not None for h in working):
            for helper in list(working):
                if helper.task is not None:
                    hear(helper, block=not pending)
                if helper in working and helper.task is None and len(pending) > 1:
                    task = pending.pop()
                    if not helper.give(task, line(task)):
                        pending.append(task)
                        working.remove(helper)
            if pending:
                task = pending.popleft()
                finish(task, here(task))
    finally:
        for helper in started:
            helper.close()
    return finished
