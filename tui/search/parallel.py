"""Indexing the missing segments of a store on every core.

Python indexes on one core at a time, so a big store's segments are shared between this
process and helper processes (``python -m tui.search.parallel``, one per spare core):
each helper opens the same store from the cache (a fraction of a second once it is
read), checks it is the very same (its signature), then indexes the segments it is sent
one at a time and saves each to the cache; this process loads them from there. Work is
handed out a segment at a time, so a slow or dead helper only means this process does
more. Small jobs stay in this process: a helper's start costs about a second.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections import deque
from typing import Any, Callable

from tui.search.segment_cache import build_segment, load_segment
from tui.search.index import SearchIndex

__all__ = ["build_segments", "HELPER_PAPERS"]

log = logging.getLogger(__name__)

HELPER_PAPERS = 150_000
"""Missing papers from which helper processes are worth their start."""

Task = tuple[int, int, int, str]
"""``(segment number, start, stop, digest)``."""


class _Helper:
    """One helper process and the task it is working on."""

    def __init__(self, store: Any) -> None:
        self.task: Task | None = None
        self.done: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.search.parallel"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        assert self.process.stdin is not None and self.process.stdout is not None
        opening = {"paths": [str(p) for p in store.paths], "signature": store.signature}
        self.process.stdin.write(json.dumps(opening) + "\n")
        self.process.stdin.flush()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.done.put(line.strip())
        self.done.put("gone")

    def give(self, task: Task) -> bool:
        """Send one task; False when the helper is gone."""
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(f"{task[1]} {task[2]} {task[3]}\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
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


def build_segments(store: Any, tasks: list[Task], total: int,
                   progress: Callable[[int, int], None] | None) -> dict[int, SearchIndex]:
    """Index the segments ``tasks`` of ``store`` (saving each), on every core when they
    are many; ``progress(papers indexed, total)`` as they go. Returns them by number."""
    done = total - sum(stop - start for _, start, stop, _ in tasks)
    report = progress or (lambda done, total: None)
    report(done, total)
    pending = deque(tasks)
    built: dict[int, SearchIndex] = {}
    helpers: list[_Helper] = []
    spare = (os.cpu_count() or 1) - 1
    if spare and len(tasks) > 1 and total - done >= HELPER_PAPERS and getattr(store, "paths", None):
        helpers = [_Helper(store) for _ in range(min(spare, len(tasks) - 1))]

    def collect(helper: _Helper, block: bool) -> None:
        nonlocal done
        try:
            answer = helper.done.get(block=block)
        except queue.Empty:
            return
        task, helper.task = helper.task, None
        if answer == "gone":
            helpers.remove(helper)
        if task is None:
            return
        number, start, stop, digest = task
        index = load_segment(digest, stop - start) if answer == f"ok {digest}" else None
        if index is None:
            pending.append(task)  # this process does it after all
        else:
            built[number] = index
            done += stop - start
            report(done, total)

    try:
        while pending or any(h.task for h in helpers):
            for helper in list(helpers):
                if helper.task is not None:
                    collect(helper, block=not pending)
                if helper in helpers and helper.task is None and len(pending) > 1:
                    if not helper.give(pending.pop()):
                        helpers.remove(helper)
            if not pending:
                continue
            number, start, stop, digest = pending.popleft()
            base = done

            def step(indexed: int, _: int) -> None:
                report(base + indexed, total)  # noqa: B023 - called before the loop moves on

            built[number] = build_segment(store, start, stop, digest, step)
            done += stop - start
            report(done, total)
    finally:
        for helper in helpers:
            helper.close()
    return built


def _serve() -> int:
    """The helper's side: open the store named on the first line of input, then index
    each ``start stop digest`` line, answering ``ok digest`` (or ``fail digest``)."""
    from tui.store import open_store

    opening = json.loads(sys.stdin.readline())
    store = open_store(opening["paths"], cache=True)
    if getattr(store, "signature", None) != opening["signature"]:
        return 1  # the files changed under us: the main process indexes them itself
    for line in sys.stdin:
        start, stop, digest = line.split()
        try:
            build_segment(store, int(start), int(stop), digest)
            answer = "ok"
        except Exception as error:  # noqa: BLE001 - reported, and the main process redoes it
            log.warning("segment %s not indexed: %s", digest, error)
            answer = "fail"
        print(f"{answer} {digest}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_serve())
