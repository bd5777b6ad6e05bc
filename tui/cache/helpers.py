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

import atexit
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Any, Callable, Generic, Iterator, TypeVar

__all__ = ["share_work", "spare_cores", "map_on_cores", "patience", "Helper", "start_spare"]

PATIENCE_SECONDS = 30.0
"""The least time a helper is waited for once this process has nothing else to do..."""
PATIENCE_FACTOR = 3


def patience(own_seconds: float) -> float:
    """...or this many times what this process took for a task like the helper's: past
    that, a helper is taken for stuck (stopped, or hung in I/O) and its task done here."""
    return max(PATIENCE_SECONDS, PATIENCE_FACTOR * own_seconds)

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


SPARE_MODULE = "tui.cache.spare"
SPARE_WAIT_SECONDS = 60.0
"""How long a spare waits to be taken before it ends (told to it when it starts): it was
started for work that follows within seconds, and should not sit beside a reader all day."""
_spare: tuple[subprocess.Popen[str], tuple[Any, ...] | None] | None = None
"""A helper process started ahead of its work, and the surroundings it was started in."""
_spare_lock = threading.Lock()


def _start(module: str, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *arguments], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")


def _surroundings() -> tuple[Any, ...] | None:
    """What a helper inherits at its start: a spare is used only where these are the same
    (another cache folder or user in the environment would be another store's); None
    where they cannot be told (the folder papertray runs in was removed)."""
    try:
        folder = os.getcwd()
    except OSError:
        return None
    return sys.executable, folder, sorted(os.environ.items())


SPARE_PAPERS = 150_000
"""Papers from which a first open's indexing takes a helper (as
:data:`tui.search.parallel.HELPER_PAPERS` says): below, no spare is started for it."""


def start_spare(papers: int) -> None:
    """Start a helper process now, for the next :class:`Helper` to take: a first open of
    a big store starts one as it ends reading, on the core reading no longer needs, so
    the helper that indexes with this process does not pay Python's start and imports
    (a few tenths of a second) once indexing has begun. Nothing on one core; a spare no
    one takes ends with this process."""
    global _spare
    if spare_cores() == 0 or papers < SPARE_PAPERS:
        return
    surroundings = _surroundings()
    with _spare_lock:
        if _spare is not None and _spare[0].poll() is None and _spare[1] == surroundings:
            return
        _end_spare()
        if surroundings is None:
            return
        try:
            process = _start(SPARE_MODULE, str(SPARE_WAIT_SECONDS))
        except OSError:
            _spare = None
            return
        _spare = (process, surroundings)
    # A spare no one took has ended by itself by then: it is waited for, so that it does
    # not stay in the process table beside a reader open all day. (The process is named
    # here, not read from _spare, which another thread may have taken meanwhile.)
    ending = threading.Timer(SPARE_WAIT_SECONDS + 2, _end_untaken, args=(process,))
    ending.daemon = True
    ending.start()


def _end_untaken(process: subprocess.Popen[str]) -> None:
    global _spare
    with _spare_lock:
        if _spare is None or _spare[0] is not process:
            return  # taken, or replaced (and ended then)
        _spare = None
    _close(process)


def _take_spare() -> subprocess.Popen[str] | None:
    """The spare helper, if there is one still running in these surroundings."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is None:
        return None
    surroundings = _surroundings()
    if spare[0].poll() is None and surroundings is not None and spare[1] == surroundings:
        return spare[0]
    _close(spare[0])
    return None


@atexit.register
def _end_spare() -> None:
    global _spare
    if _spare is not None:
        _close(_spare[0])
        _spare = None


def _close(process: subprocess.Popen[str]) -> None:
    """End a helper process: its input closed (it ends by itself), killed if it has not."""
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass
    if process.poll() is None:
        process.kill()
    process.wait()


class Helper(Generic[Task]):
    """One helper process and the task it is working on. Its answers are heard on a
    thread of its own, which hands it the next task at once (see :func:`share_work`)."""

    def __init__(self, module: str, opening: dict[str, Any]) -> None:
        self.task: Task | None = None
        spare = _take_spare()
        self.process = spare or _start(module)
        if spare is not None and not self._send(module):  # the spare becomes this helper...
            _close(spare)
            self.process = _start(module)  # ...or, gone meanwhile, a new one is started
        self._send(json.dumps(opening))

    def _send(self, line: str) -> bool:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def give(self, task: Task, line: str) -> bool:
        """Send one task; False when the helper is gone."""
        if not self._send(line):
            return False
        self.task = task
        return True

    def answers(self) -> Iterator[str]:
        """Each line the helper answers, then "gone"."""
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                yield line.strip()
        except (OSError, ValueError):
            pass
        yield "gone"

    def answer(self, timeout: float) -> str | None:
        """The helper's next answer ("gone" when it has ended), or None when it gave none
        within ``timeout`` seconds (stopped, or stuck: the caller does its task instead)."""
        assert self.process.stdout is not None
        try:
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            if not ready:
                return None
            return self.process.stdout.readline().strip() or "gone"
        except (OSError, ValueError):
            return "gone"

    def close(self) -> None:
        _close(self.process)


def share_work(tasks: list[Task], here: Callable[[Task], Result], *, helpers: int,
               module: str, opening: dict[str, Any], line: Callable[[Task], str],
               collect: Callable[[Task], Result | None],
               done: Callable[[Task, Result], None] = lambda task, result: None,
               ) -> list[tuple[Task, Result]]:
    """Do every task, here (``here(task)``) and in up to ``helpers`` helper processes
    running ``module`` (sent ``opening`` then ``line(task)``; once one answers "ok",
    ``collect(task)`` reads its result, None when unusable). ``done(task, result)`` is
    called as each finishes. Returns every task with its result, in finishing order.

    This process takes tasks from the front, helpers from the back. A helper that
    answers is given the next task by the thread that heard it, at once: waiting for
    this process to end a task of its own left the helper's core idle for half a task
    on average (a quarter of a big store's indexing). ``collect`` and ``done`` run only
    here, in this thread, between tasks."""
    pending = deque(tasks)
    finished: list[tuple[Task, Result]] = []
    lock = threading.Lock()
    heard: queue.Queue[tuple[Helper[Task], Task | None, str]] = queue.Queue()
    started = [Helper[Task](module, opening) for _ in range(min(helpers, len(tasks) - 1))]
    busy = 0  # helpers working on a task

    def next_for(helper: Helper[Task]) -> None:
        """Give ``helper`` the last pending task, if any (called holding the lock)."""
        nonlocal busy
        if pending:
            task = pending.pop()
            if helper.give(task, line(task)):
                busy += 1
            else:
                pending.append(task)

    def listen(helper: Helper[Task]) -> None:
        nonlocal busy
        for answer in helper.answers():
            with lock:
                task, helper.task = helper.task, None
                if task is not None:
                    busy -= 1
                if answer != "gone":
                    next_for(helper)
                # Put while holding the lock: this process never sees no task pending,
                # no helper busy and nothing heard while an answer is on its way.
                heard.put((helper, task, answer))
            if answer == "gone":
                return

    with lock:
        for helper in started:
            if len(pending) > 1:  # the first task is this process's: its papers are seen first
                next_for(helper)
    for helper in started:
        threading.Thread(target=listen, args=(helper,), daemon=True,
                         name="papertray-helper").start()

    def take_in(helper: Helper[Task], task: Task | None, answer: str) -> None:
        if task is None:
            return
        result = collect(task) if answer == "ok" else None
        if result is None:
            with lock:
                pending.appendleft(task)  # done here after all, next
        else:
            finished.append((task, result))
            done(task, result)

    longest = 0.0  # of the tasks done here, to tell a slow helper from a stuck one
    try:
        while True:
            while not heard.empty():
                take_in(*heard.get())
            with lock:
                task = pending.popleft() if pending else None
                waiting = busy > 0
            if task is not None:
                started_at = time.monotonic()
                result = here(task)
                longest = max(longest, time.monotonic() - started_at)
                finished.append((task, result))
                done(task, result)
            elif waiting:
                try:
                    take_in(*heard.get(timeout=patience(longest)))
                except queue.Empty:
                    for helper in started:  # stuck: its task comes back as it ends
                        if helper.task is not None:
                            helper.process.kill()
            elif heard.empty():
                break
    finally:
        for helper in started:
            helper.close()
    return finished
