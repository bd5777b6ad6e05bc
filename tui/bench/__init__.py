"""``python -m tui.bench``: how fast and how good the search engine is on a big store.

Generates (once, cached) a synthetic arXiv-shaped store of N papers, builds the index,
then times a fixed mixed query set: exact title fragments, fragments with a typo, an
author's surname with a title word, 1-3 letter prefixes and shuffled title words; and a
person typing 25-character queries key by key. The same queries go through
``fzf --filter`` on the same titles when fzf is installed. Relevance recall on the real
query sets (tests/data) is printed when the shared files are there.

    python -m tui.bench [--papers N] [--seed S] [--rounds R] [--no-fzf] [--store FILE]
    python -m tui.bench --for-you [--papers N]     the for-you order: quality and speed
    python -m tui.bench --start                    first screen: papertray --sample against a
                                                   bare Textual app, in tmux (also in --ui)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui.bench.common import (
    BenchQuery,
    ensure_store,
    make_queries,
    summary,
)

__all__ = ["BenchQuery", "ensure_store", "make_queries", "main"]


def _machine() -> str:
    """CPU model, core count and Python version, for the record."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


UI_PARTS = ("ui-cold", "ui-warm", "ui-typed", "ui-bib")
"""The reader's measurements, each in a process of its own (see :mod:`tui.bench.ui`)."""
COLD_PARTS = ("ui-cold", "ui-typed", "ui-bib")
"""Those that start with the store's cache removed."""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tui.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[100_000],
                        help="store sizes (default 100,000); several run one after the other")
    parser.add_argument("--seed", type=int, default=1, help="generator and query seed")
    parser.add_argument("--rounds", type=int, default=3, help="times each query is timed (median)")
    parser.add_argument("--per-kind", type=int, default=20, help="queries of each kind")
    parser.add_argument("--store", type=Path, help="an existing arXiv-shaped JSON Lines file")
    parser.add_argument("--fzf", action="store_true", help="compare with fzf (default when installed)")
    parser.add_argument("--no-fzf", action="store_true", help="skip the fzf comparison")
    parser.add_argument("--ui", action="store_true",
                        help="also drive the real app headless: cold and warm start, typing")
    parser.add_argument("--typed", type=int, default=3,
                        help="25-character queries typed into the reader (with --ui)")
    parser.add_argument("--cli-runs", type=int, default=5,
                        help="timed runs of a warm `papertray search` (0: skip)")
    parser.add_argument("--start", action="store_true",
                        help="only the first screen: papertray --sample against a bare Textual "
                             "app, each started in tmux (also part of --ui)")
    parser.add_argument("--start-runs", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--for-you", action="store_true",
                        help="the for-you order instead: precision@20 of simulated readers on the "
                             "real papers in ../shared/data, and its speed at each --papers size")
    parser.add_argument("--part", choices=("engine", *UI_PARTS), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _child(part: str, path: Path, args: argparse.Namespace) -> int:
    """Run one part of the benchmark in a fresh process (its own start-up and peak
    memory), echoing its report line by line."""
    argv = [sys.executable, "-m", "tui.bench", "--part", part, "--store", str(path),
            "--seed", str(args.seed), "--rounds", str(args.rounds),
            "--per-kind", str(args.per_kind), "--typed", str(args.typed)]
    argv += ["--no-fzf"] if args.no_fzf else (["--fzf"] if args.fzf else [])
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="papertray-bench-") as home:
        if part.startswith("ui"):
            # The reader runs on a throwaway profile and settings, never the person's own.
            env.update(PAPERTRAY_DATA_DIR=home, PAPERTRAY_CONFIG_DIR=home)
            if part in COLD_PARTS:
                from tui.cache import forget

                forget([path])
        from tui.bench.ui import T0_VARIABLE

        env[T0_VARIABLE] = repr(time.time())
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env)
        assert child.stdout is not None
        for line in child.stdout:
            print(line, end="", flush=True)
        return child.wait()


def time_cli(path: Path, query: str, runs: int) -> list[float]:
    """Wall time of whole ``papertray search`` processes on a warm cache (the first run
    warms it and is not counted). The person's profile is a throwaway one."""
    env = dict(os.environ)
    times = []
    with tempfile.TemporaryDirectory(prefix="papertray-bench-") as home:
        env["PAPERTRAY_DATA_DIR"] = home
        env["PAPERTRAY_CONFIG_DIR"] = home
        argv = [sys.executable, "-m", "tui", "search", query, str(path), "--limit", "10"]
        for run in range(runs + 1):
            start = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            if run:
                times.append(time.perf_counter() - start)
    return times


def _report_first_screens(runs: int) -> None:
    from tui.bench.ui import compare_first_screens

    if shutil.which("tmux") is None:
        print("first screen in a terminal: skipped (tmux is not installed)", flush=True)
        return
    bare, sample = compare_first_screens(runs)
    print(f"first screen in tmux, medians of {runs}: bare Textual app {bare:.2f} s, "
          f"papertray --sample {sample:.2f} s ({sample / bare:.1f}x)", flush=True)


def _report_relevance() -> None:
    from tui.bench.relevance import SHARED, evaluate, load_queries, open_papers

    if SHARED.exists():
        everything, selective = evaluate(load_queries(), open_papers)
        print(f"relevance (real files), all:       {everything}")
        print(f"relevance (real files), selective: {selective}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    args = _arguments(argv)
    if args.part == "engine":
        from tui.bench.engine import engine_part

        return engine_part(args.store, args)
    if args.part in UI_PARTS:
        from tui.bench.ui import ui_part

        return ui_part(args.part, args.store, args)
    print(f"machine: {_machine()}", flush=True)
    if args.start:
        _report_first_screens(args.start_runs)
        return 0
    if args.for_you:
        from tui.bench.foryou import run_for_you

        return run_for_you(args.papers)
    status = 0
    for papers in args.papers if args.store is None else [0]:
        path = args.store or ensure_store(papers, args.seed)
        print(f"\n== {path.name} ==", flush=True)
        if args.ui:
            status |= _child("ui-cold", path, args)
            status |= _child("ui-warm", path, args)
            status |= _child("ui-typed", path, args)
            from tui.bench.ui import bench_bib

            status |= _child("ui-bib", bench_bib(path), args)
        status |= _child("engine", path, args)
        if args.cli_runs:
            cli = time_cli(path, "contrastive sentence embeddings", args.cli_runs)
            print(summary(f"warm `papertray search`, whole process ({len(cli)})", cli))
    if args.ui:
        _report_first_screens(args.start_runs)
    _report_relevance()
    return status
