"""The engine part of the benchmark, run in its own process: open the store through the
cache (parsing and indexing it first if the cache is cold), then time queries, typing
and fzf on the same titles."""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path
from typing import Sequence

from tui.bench.common import (
    BenchQuery,
    make_queries,
    peak_rss_mb,
    picks_few,
    recall,
    summary,
    time_engine,
    time_fzf,
    time_typing,
)
from tui.model import Paper
from tui.search import SearchEngine

__all__ = ["engine_part"]


def _titles_file(papers: Sequence[Paper], store_path: Path) -> Path:
    """One title per line for fzf, written once next to the store."""
    titles = store_path.with_suffix(".titles.txt")
    if not titles.exists() or titles.stat().st_mtime < store_path.stat().st_mtime:
        partial = titles.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            for paper in papers:
                out.write(paper.title.replace("\n", " ") + "\n")
        partial.replace(titles)
    return titles


def _report_engine(engine: SearchEngine, queries: list[BenchQuery], rounds: int) -> tuple[list[float], list[bool]]:
    """Time and judge the engine; returns run times and which queries pick out few papers."""
    runs, searches, found = time_engine(engine, queries, rounds)
    picky = picks_few(engine, queries)
    print(summary(f"engine run ({len(queries)} queries)", runs))
    print(summary("engine search, 10 hits", searches))
    for kind in dict.fromkeys(q.kind for q in queries):
        print(summary(f"  {kind}", [t for q, t in zip(queries, runs) if q.kind == kind]))
    print(f"engine recall, all targeted:    {recall(found, queries, [bool(q.title) for q in queries])}")
    print(f"engine recall, words pick <=10: {recall(found, queries, picky)}")
    typing = time_typing(engine, queries)
    print(summary(f"typing, per keystroke ({len(typing)})", typing))
    return runs, picky


def _report_fzf(titles: Path, queries: list[BenchQuery], runs: list[float], picky: list[bool]) -> None:
    fzf, found = time_fzf(titles, queries)
    print(summary("fzf --filter on titles", fzf))
    print(f"fzf recall, all targeted:       {recall(found, queries, [bool(q.title) for q in queries])}")
    print(f"fzf recall, words pick <=10:    {recall(found, queries, picky)}")
    print(f"engine is {statistics.median(fzf) / statistics.median(runs):.0f}x faster than fzf (median)")


def engine_part(path: Path, args: argparse.Namespace) -> int:
    """Open, index (or load the index), query; print the report."""
    from tui.search.cached import load_index, open_engine
    from tui.store import open_store

    base_rss = peak_rss_mb()
    start = time.perf_counter()
    store = open_store([path], cache=True)
    opened = time.perf_counter() - start
    print(f"store: {len(store):,} papers, opened in {opened:.2f} s through the cache "
          f"(peak RSS {peak_rss_mb():.0f} MB)", flush=True)
    cached = load_index(store) is not None
    start = time.perf_counter()
    engine = open_engine(store)
    took = time.perf_counter() - start
    verb = "loaded from the cache" if cached else "built (and cached)"
    sizes = [len(s.index.vocab) for s in engine.index.segments]
    print(f"index: {verb} in {took:.2f} s, {len(sizes)} segment(s), {sum(sizes):,} words, "
          f"arrays {engine.index.nbytes() / 1e6:.0f} MB; peak RSS {peak_rss_mb():.0f} MB "
          f"(interpreter and libraries {base_rss:.0f} MB)", flush=True)
    queries = make_queries(store.papers, args.seed, args.per_kind)
    runs, picky = _report_engine(engine, queries, args.rounds)
    if (args.fzf or not args.no_fzf) and shutil.which("fzf"):
        _report_fzf(_titles_file(store.papers, path), queries, runs, picky)
    elif args.fzf:
        print("fzf is not installed; skipped")
    print(f"engine process peak RSS {peak_rss_mb():.0f} MB", flush=True)
    return 0
