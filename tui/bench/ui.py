"""The reader part of the benchmark (``--ui``): the real app, headless, in its own process.

The app is built exactly as ``papertray PATH`` builds it and driven with Textual's test
harness. A paint is counted when the screen's update is turned into the characters a
terminal would receive (headless mode skips that; here it is done and timed, only the
write to a terminal is missing). Timings are wall clock from the moment the parent
started this process (``PAPERTRAY_BENCH_T0``), so interpreter start and imports count.

- ``ui-cold``: the store's cache removed first; time until papers are painted, until the
  whole store is read, until the index is done; arrow keys pressed while it indexes,
  each timed from key to the list repainted.
- ``ui-warm``: time to the first screen of papers and to a working search; then a person
  typing 25-character queries one key at a time, each key timed from the key event to
  the list repainted with that query's results.
- first screen in a real terminal (:func:`compare_first_screens`): ``papertray --sample``
  against a bare Textual app, each started in a fresh tmux session and timed until its
  first screen is on the terminal (tmux's copy of the screen, polled every few
  milliseconds). People open the reader many times a day; the bare app is the least any
  Textual app takes on the same machine. Medians of 5.
- ``ui-typed``: cold again; 1.5 s after the start a person types a three-word query, and
  is timed from the last key to matching papers painted (the partial answer a scan gives
  while it indexes) and to the engine's answer.
- ``ui-bib``: a cold ``.bib`` (see :func:`bench_bib`): time to its first papers painted.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tui.bench.common import make_queries, peak_rss_mb, summary
from tui.query import STOPWORDS, words_of

__all__ = ["ui_part", "T0_VARIABLE", "compare_first_screens", "first_screen_seconds",
           "bench_bib", "typed_query", "TYPED_AT"]

T0_VARIABLE = "PAPERTRAY_BENCH_T0"
SIZE = (120, 36)
SCREENFUL = 30
"""Rows that make a first screen at the benchmark's size (the list shows 30 at 120x36)."""
TYPING_GAP = 0.12
"""Seconds between two keys once the list has caught up (a fast typist)."""
TYPED_AT = 1.5
"""Seconds after the start at which ``ui-typed`` starts typing (the issue's person)."""


def typed_query(path: Path, at: int = 1000) -> str:
    """Three words of a title early in the JSON Lines store at ``path``, the query a
    person types while it indexes (at least that paper matches)."""
    from tui.bench.synthetic import JsonlPapers

    papers = JsonlPapers(path)
    for paper in (papers[i] for i in range(min(at, len(papers) - 1), len(papers))):
        words = list(dict.fromkeys(w for w in words_of(paper.title)
                                   if w not in STOPWORDS and len(w) > 3))
        if len(words) >= 3:
            return " ".join(words[:3])
    return "neural network training"


def bench_bib(path: Path, count: int = 20_000) -> Path:
    """The first ``count`` papers of the JSON Lines store as a ``.bib`` next to it
    (written once): the cold BibTeX case, about 1.5 KB an entry like a real export."""
    from tui.bench.synthetic import JsonlPapers
    from tui.export import CitekeyAllocator, bibtex_entry

    target = path.with_name(f"{path.stem}-first{count}.bib")
    if not target.exists():
        papers = JsonlPapers(path)
        keys = CitekeyAllocator()
        partial = target.with_suffix(".part")
        with partial.open("w", encoding="utf-8") as out:
            for i in range(min(count, len(papers))):
                out.write(bibtex_entry(papers[i], citekey=keys.take(papers[i])) + "\n")
        partial.replace(target)
    return target


@dataclass(frozen=True)
class Shown:
    """A result the list was given, as much of it as the measurements read. Not the
    result itself: keeping every result shown kept every partial store of a cold open
    (20,000 papers each, read again and again) alive, and counted them in the reader's
    peak memory."""

    length: int
    query: str | None
    """The query's text (None: no query, a store browsed in reading order)."""
    partial: bool

    def __len__(self) -> int:
        return self.length

    @classmethod
    def of(cls, results: Any) -> Shown:
        query = getattr(results, "query", None)
        return cls(len(results), None if query is None else query.text,
                   bool(getattr(results, "partial", False)))


class Recorder:
    """Wraps the app's display and the list's ``show`` to timestamp what a person sees."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.paints: list[float] = []
        self.shows: list[tuple[float, Shown]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate) and not app._batch_count:
                renderable.render_segments(app.console)  # what a terminal would be sent
                self.paints.append(time.perf_counter())

        app._display = display

    def watch_list(self) -> None:
        """Start recording the list's new results (call once the screen is mounted)."""
        paper_list = self.app.main_screen.paper_list
        show = paper_list.show

        def recorded(results: Any, cursor: int = 0) -> None:
            show(results, cursor)
            self.shows.append((time.perf_counter(), Shown.of(results)))

        paper_list.show = recorded
        if len(paper_list):  # a warm open can show papers before this is called
            self.shows.append((time.perf_counter(), Shown.of(paper_list._results)))

    def paint_after(self, moment: float) -> float | None:
        """The first paint after ``moment``."""
        return next((t for t in self.paints if t > moment), None)


async def _until(condition: Callable[[], Any], timeout: float = 600.0, step: float = 0.001) -> Any:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(step)
    raise TimeoutError("the reader never got there")


def _press(app: Any, key: str) -> float:
    """Send one key as a terminal would (no waiting, unlike Pilot.press); when it was sent."""
    from textual import events

    char = " " if key == "space" else (key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    sent = time.perf_counter()
    app._driver.send_message(event)
    return sent


def _since_start(moment: float) -> float:
    """Seconds from the start of this process (as the parent timed it) to ``moment``."""
    t0 = float(os.environ.get(T0_VARIABLE) or 0) or None
    wall = time.time() - (time.perf_counter() - moment)
    return wall - t0 if t0 else moment


def _typing_texts(store: Any, seed: int, count: int = 3, length: int = 25) -> list[str]:
    """Queries a person would type: a surname and title words, 25 characters."""
    texts: list[str] = []
    for query in make_queries(store.papers, seed, per_kind=8):
        if query.kind == "author" and len(texts) < count:
            words = [w for w in words_of(query.title) if w not in STOPWORDS]
            text = " ".join([query.text.split()[0], *words])[:length]
            if len(text) == length:
                texts.append(text)
    return texts


async def _type(app: Any, rec: Recorder, text: str) -> list[float]:
    """Type ``text`` key by key; seconds from each key to the list repainted with it."""
    screen = app.main_screen
    latencies = []
    for end in range(1, len(text) + 1):
        char = text[end - 1]
        sent = _press(app, "space" if char == " " else char)
        await _until(lambda: screen.search_bar.value == text[:end])
        expected = screen.query_text
        shown = await _until(lambda: next(
            (t for t, r in rec.shows if t > sent and r.query == expected), None))
        painted = await _until(lambda: rec.paint_after(shown))
        latencies.append(painted - sent)
        await asyncio.sleep(TYPING_GAP)
    return latencies


async def _arrows_while_loading(app: Any, rec: Recorder) -> list[float]:
    """Press down every 100 ms while the index builds; key to cursor row repainted."""
    screen = app.main_screen
    latencies: list[float] = []
    while screen.engine is None and len(latencies) < 300:
        before = screen.paper_list.cursor
        sent = _press(app, "down")
        try:
            await _until(lambda: screen.paper_list.cursor != before or screen.engine is not None,
                         timeout=10)
            painted = await _until(lambda: rec.paint_after(sent), timeout=10)
        except TimeoutError:
            break
        if screen.engine is None:
            latencies.append(painted - sent)
        await asyncio.sleep(0.1)
    return latencies


async def _typed_while_indexing(app: Any, rec: Recorder, text: str) -> None:
    """Type ``text`` at :data:`TYPED_AT` s after the start, 30 ms a key, and report when
    matching papers (partial, then the engine's) are painted, from the last key."""
    screen = app.main_screen
    while _since_start(time.perf_counter()) < TYPED_AT:
        await asyncio.sleep(0.005)
    if screen.engine is not None:
        print("typed while indexing: the index was ready before 1.5 s (nothing to measure)")
        return
    _press(app, "slash")
    for char in text:
        last = _press(app, "space" if char == " " else char)
        await asyncio.sleep(0.03)
    await _until(lambda: screen.search_bar.value == text)

    def painted(partial: bool) -> float | None:
        shown = next((t for t, r in rec.shows if t > last and r.query is not None
                      and text in r.query and len(r) < len(screen.store)
                      and r.partial == partial), None)
        return rec.paint_after(shown) if shown is not None else None

    early = await _until(lambda: painted(True) or painted(False))
    kind = "partial, from a scan" if painted(True) else "the engine's"
    print(f"typed while indexing ({text!r} at {_since_start(last):.2f} s): matching papers "
          f"painted {early - last:.2f} s after the last key ({kind})", flush=True)
    final = await _until(lambda: painted(False))
    print(f"typed while indexing: the engine's answer painted {final - last:.2f} s after "
          "the last key", flush=True)


async def _drive(part: str, path: Path, args: argparse.Namespace) -> None:
    from tui.__main__ import READER_TUNING
    from tui.cli import build_app, parse_args

    app = build_app(parse_args([str(path)]), tuning=READER_TUNING)  # as `papertray PATH`
    rec = Recorder(app)
    async with app.run_test(headless=True, size=SIZE):
        screen = app.main_screen
        rec.watch_list()
        # A screenful (or the whole store, when smaller): one row is not a first screen.
        first_show = await _until(lambda: next(
            (t for t, r in rec.shows if len(r) >= min(SCREENFUL, len(screen.store))), None))
        first_paint = await _until(lambda: rec.paint_after(first_show))
        label = "first screen (papers painted)" if part == "ui-warm" else "first papers painted"
        if part != "ui-bib":
            print(f"{label}: {_since_start(first_paint):.2f} s after the process started",
                  flush=True)
        if part == "ui-bib":
            print(f"cold .bib ({path.stat().st_size / 1e6:.0f} MB): first papers painted "
                  f"{_since_start(first_paint):.2f} s after the process started", flush=True)
            await app.action_quit()
            app.userdata.close()
            return
        if part == "ui-typed":
            await _typed_while_indexing(app, rec, typed_query(path))
        arrows: list[float] = []
        loader = screen.loader
        if part == "ui-cold" and loader is not None:
            await _until(lambda: loader.store is not None)
            print(f"whole store read: {_since_start(time.perf_counter()):.1f} s", flush=True)
            arrows = await _arrows_while_loading(app, rec)
        ready = await _until(lambda: screen.engine is not None and time.perf_counter())
        what = "index done" if part == "ui-cold" else "search ready (index loaded)"
        print(f"{what}: {_since_start(ready):.2f} s after the process started "
              f"({len(screen.store):,} papers)", flush=True)
        if arrows:
            print(summary(f"arrow key while indexing ({len(arrows)})", arrows))
        if part == "ui-warm":
            await asyncio.sleep(0.5)  # let the first search and facet counts settle
            screen.search_bar.focus_input()
            latencies: list[float] = []
            for text in _typing_texts(screen.store, args.seed, count=args.typed):
                screen.search_bar.value = ""
                await asyncio.sleep(0.5)
                latencies += await _type(app, rec, text)
            print(summary(f"keystroke to repainted list ({len(latencies)} keys)", latencies))
        print(f"reader process peak RSS {peak_rss_mb():.0f} MB", flush=True)
        await app.action_quit()
    app.userdata.close()


def ui_part(part: str, path: Path, args: argparse.Namespace) -> int:
    """Run one reader measurement (``ui-cold``, ``ui-warm``, ``ui-typed``, ``ui-bib``)
    and print it."""
    asyncio.run(_drive(part, path, args))
    return 0


# ------------------------------------------------------ first screen in a real terminal

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("bare textual ready")
        yield Footer()

Bare().run()
"""
"""The smallest Textual app with a first screen: the baseline."""

SAMPLE_READY = ("119 of 119", "State ", "q Quit")
"""The sample's first screen is there: the count, the first paper's details, the footer."""

POLL = 0.005
"""Seconds between two looks at the terminal."""


def first_screen_seconds(command: list[str], ready: str | tuple[str, ...], env: dict[str, str],
                         size: tuple[int, int] = (80, 24), timeout: float = 60) -> float:
    """Seconds from starting ``command`` in a new tmux session until ``ready`` shows (every
    one of them, when several: a screen half drawn is not a first screen)."""
    needles = (ready,) if isinstance(ready, str) else ready
    tmux = shutil.which("tmux")
    if tmux is None:
        raise RuntimeError("tmux is not installed")
    socket = f"papertray-start-{uuid.uuid4().hex[:8]}"
    shell = "env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " \
        + shlex.join(command)
    started = time.perf_counter()
    subprocess.run([tmux, "-L", socket, "new-session", "-d", "-x", str(size[0]), "-y",
                    str(size[1]), shell], check=True)
    pid = subprocess.run([tmux, "-L", socket, "display-message", "-p", "#{pane_pid}"],
                         capture_output=True, text=True).stdout.strip()
    try:
        while time.perf_counter() - started < timeout:
            screen = subprocess.run([tmux, "-L", socket, "capture-pane", "-p"],
                                    capture_output=True, text=True).stdout
            if all(needle in screen for needle in needles):
                return time.perf_counter() - started
            time.sleep(POLL)
        raise TimeoutError(f"{ready!r} never showed")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True)
        _wait_for_exit(int(pid) if pid.isdigit() else None)


def _wait_for_exit(pid: int | None, timeout: float = 10) -> None:
    """Until the process timed has ended: one still closing (its index thread, its files)
    would slow the next one down and blur the comparison."""
    end = time.perf_counter() + timeout
    while pid is not None and time.perf_counter() < end:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(POLL)


def compare_first_screens(runs: int = 5) -> tuple[float, float]:
    """(bare Textual app, ``papertray --sample``): median seconds to the first screen,
    each started ``runs`` times, alternately, on a throwaway profile and cache."""
    bare: list[float] = []
    sample: list[float] = []
    # An installed papertray has its bytecode (pip writes it); a source tree may not (with
    # PYTHONDONTWRITEBYTECODE set, each start would compile every changed module again).
    compileall.compile_dir(str(Path(__file__).resolve().parents[1]), quiet=1)
    with tempfile.TemporaryDirectory(prefix="papertray-start-") as home:
        env = {"PAPERTRAY_DATA_DIR": home, "PAPERTRAY_CONFIG_DIR": home,
               "PAPERTRAY_CACHE_DIR": home, "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "PATH": os.environ.get("PATH", ""), "HOME": home}
        for _ in range(runs):
            bare.append(first_screen_seconds([sys.executable, "-c", BARE_APP],
                                             "bare textual ready", env))
            sample.append(first_screen_seconds([sys.executable, "-m", "tui", "--sample"],
                                               SAMPLE_READY, env))
    return statistics.median(bare), statistics.median(sample)
