"""Indexing the missing segments of a store on every core.

A big store's missing segments are shared between this process and helper processes
(``python -m tui.search.parallel``, see :mod:`tui.cache.helpers`): each helper opens the
same store from the cache (a fraction of a second once it is read), checks it is the
very same (its signature), then indexes the segments it is sent one at a time and saves
each to the cache; this process loads them from there. Small jobs stay in this process:
a helper's start costs about a second.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Callable

from tui.cache.helpers import SPARE_PAPERS, share_work, spare_cores
from tui.search.segment_cache import build_segment, index_segment, load_segment
from tui.search.index import SearchIndex
from tui.store.base import PaperStore

__all__ = ["build_segments", "HELPER_PAPERS"]

log = logging.getLogger(__name__)

HELPER_PAPERS = SPARE_PAPERS
"""Missing papers from which helper processes are worth their start."""

Task = tuple[int, int, int, str]
"""``(segment number, start, stop, digest)``."""


def build_segments(store: PaperStore, tasks: list[Task], total: int,
                   progress: Callable[[int, int], None] | None) -> dict[int, SearchIndex]:
    """Index the segments ``tasks`` of ``store`` (saving each), on every core when they
    are many; ``progress(papers indexed, total)`` as they go. Returns them by number."""
    done = total - sum(stop - start for _, start, stop, _ in tasks)
    report = progress or (lambda done, total: None)
    report(done, total)
    worth = len(tasks) > 1 and total - done >= HELPER_PAPERS and store.paths

    def here(task: Task) -> SearchIndex:
        _, start, stop, digest = task
        base = done
        return build_segment(store, start, stop, digest,
                             lambda indexed, _: report(base + indexed, total))

    def finished(task: Task, _: SearchIndex) -> None:
        nonlocal done
        done += task[2] - task[1]
        report(done, total)

    results = share_work(
        tasks, here, helpers=spare_cores() if worth else 0, module="tui.search.parallel",
        opening={"paths": [str(p) for p in store.paths], "signature": store.signature},
        line=lambda task: f"{task[1]} {task[2]} {task[3]}",
        collect=lambda task: load_segment(task[3], task[2] - task[1]), done=finished)
    return {task[0]: index for task, index in results}


def _serve() -> int:
    """The helper's side: open the store named on the first line of input, then index
    each ``start stop digest`` line, answering ``ok digest`` (or ``fail digest``)."""
    from tui.store import open_store

    opening = json.loads(sys.stdin.readline())
    store = open_store(opening["paths"], cache=True)
    if store.signature != opening["signature"]:
        return 1  # the files changed under us: the main process indexes them itself
    for line in sys.stdin:
        start, stop, digest = line.split()
        try:
            index_segment(store, int(start), int(stop), digest)  # this process keeps none
            answer = "ok"
        except Exception as error:  # noqa: BLE001 - reported, and the main process redoes it
            log.warning("segment %s not indexed: %s", digest, error)
            answer = "failed"
        print(answer, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_serve())
