"""``python -m tui.bench.scale``: a big store made of several files, the way people keep one.

The synthetic store of ``--papers`` is split into ``--files`` files (once, kept in the
cache folder). The benchmark then times, each in a fresh process:

1. the first open with no cache: papers browsable, then searchable (every file parsed and
   indexed, segments on both cores), and the peak memory;
2. a warm ``papertray search`` over the files, as a whole process;
3. the daily case: an extra file of ``--added`` papers is added (new to the cache), and
   the first ``papertray search`` for a word found only in it, as a whole process;
4. the same in the reader: with the store open, a file is dropped in a folder of the store
   and ``ctrl+r`` pressed; the time until its papers are searchable (the reader's
   :meth:`StoreLoader.reopened` and its load, the list's repaint not counted);
5. the engine over the segments: query latency and per keystroke, as ``python -m tui.bench``.

    python -m tui.bench.scale --papers 1000000 --files 10 --added 1000
    python -m tui.bench.scale --papers 230000 --files 1 --real     real abstracts
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui.bench.common import ensure_real_store, ensure_store, peak_rss_mb, summary

__all__ = ["split_store", "main"]

WORD = "zyzzogeton"
"""A word no generated paper has: only the added file's papers do."""


def split_store(path: Path, files: int) -> list[Path]:
    """The JSON Lines store at ``path`` cut into ``files`` files of consecutive lines
    (made once, next to it)."""
    folder = path.with_name(f"{path.stem}-in-{files}")
    parts = [folder / f"part-{n:02d}.jsonl" for n in range(files)]
    if all(p.exists() for p in parts):
        return parts
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("rb") as source:
        lines = sum(1 for _ in source)
    per = -(-lines // files)
    with path.open("rb") as source:
        for part in parts:
            partial = part.with_suffix(".partial")
            with partial.open("wb") as out:
                for _ in range(per):
                    line = source.readline()
                    if not line:
                        break
                    out.write(line)
            partial.replace(part)
    return parts


def _added_file(folder: Path, count: int, run: int) -> Path:
    """A new file of ``count`` papers whose titles carry :data:`WORD` (new to the cache
    each time: its content names the run)."""
    from tui.bench.synthetic import write_jsonl

    path = folder / f"added-{count}.jsonl"
    write_jsonl(path, count, seed=1000 + run)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for n, record in enumerate(records):
        record.update(id=f"added-{run}-{n}", title=f"{WORD.title()} {record['title']}")
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout


def _open_part(files: list[Path]) -> int:
    """In a fresh process: open and index, printing when papers and search are ready."""
    from tui.search.cached import open_engine
    from tui.store import open_store

    start = time.perf_counter()
    store = open_store(files, cache=True)
    browsable = time.perf_counter() - start
    engine = open_engine(store)
    searchable = time.perf_counter() - start
    print(f"{len(store):,} papers in {len(files)} files, {len(engine.index.segments)} segments: "
          f"browsable {browsable:.1f} s, searchable {searchable:.1f} s; peak RSS {peak_rss_mb():.0f} MB")
    return 0


def _reload_part(files: list[Path], added: int) -> int:
    """In a fresh process, as the reader does on ctrl+r: open the store (warm), drop a
    file in a folder of it, then read again whatever changed and search the new word."""

    from tui.loader import StoreLoader

    daily = Path(tempfile.mkdtemp(prefix="daily-", dir=files[0].parent))  # new to the cache
    try:
        loader = StoreLoader([*files, daily], cache=True)
        loader.load()
        _added_file(daily, added, 99)
        start = time.perf_counter()
        reopened = loader.reopened()
        assert reopened is not None, "the added file was not noticed"
        _, engine = reopened.load()
        found = len(engine.search(WORD, limit=10))
        took = time.perf_counter() - start
    finally:
        shutil.rmtree(daily, ignore_errors=True)
    print(f"reader: ctrl+r after adding a file of {added:,} papers: searchable after {took:.2f} s "
          f"({found} found); peak RSS {peak_rss_mb():.0f} MB")
    return 0 if found else 1


def _engine_part(files: list[Path], rounds: int) -> int:
    from tui.bench.common import make_queries, time_engine, time_typing
    from tui.search.cached import open_engine
    from tui.store import open_store

    store = open_store(files, cache=True)
    start = time.perf_counter()
    engine = open_engine(store)
    print(f"engine over {len(engine.index.segments)} segments loaded in "
          f"{time.perf_counter() - start:.2f} s")
    queries = make_queries(store.papers, 1)
    runs, _, _ = time_engine(engine, queries, rounds)
    print(summary(f"engine run ({len(queries)} queries)", runs))
    print(summary("typing, per keystroke", time_typing(engine, queries)))
    print(f"engine process peak RSS {peak_rss_mb():.0f} MB")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(prog="python -m tui.bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--added", type=int, default=1000, help="papers in the added file")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each whole process")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--real", action="store_true",
                        help="real papers with abstracts (../shared/data repeated) instead of synthetic ones")
    parser.add_argument("--keep-cache", action="store_true", help="skip the cold open")
    parser.add_argument("--part", choices=("open", "engine", "reload"), help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part == "open":
        return _open_part(args.paths)
    if args.part == "engine":
        return _engine_part(args.paths, args.rounds)
    if args.part == "reload":
        return _reload_part(args.paths, args.added)
    from tui.bench import _machine
    from tui.cache import forget

    print(f"machine: {_machine()}", flush=True)
    source = ensure_real_store(args.papers) if args.real else ensure_store(args.papers, 1)
    if source is None:
        print("no real papers: ../shared/data is not there")
        return 1
    files = split_store(source, args.files) if args.files > 1 else [source]
    me = [sys.executable, "-m", "tui.bench.scale"]
    if not args.keep_cache:
        forget(files)
        print("cold: " + subprocess.run([*me, "--part", "open", *map(str, files)],
                                        capture_output=True, text=True, check=True).stdout, end="")
    with tempfile.TemporaryDirectory(prefix="papertray-bench-") as home:
        env = dict(os.environ, PAPERTRAY_DATA_DIR=home, PAPERTRAY_CONFIG_DIR=home)
        search = [sys.executable, "-m", "tui", "search", "--limit", "10"]
        _timed([*search, "learning", *map(str, files)], env)  # warm
        warm = [_timed([*search, "contrastive sentence embeddings", *map(str, files)], env)[0]
                for _ in range(args.runs)]
        print(f"warm `papertray search`, whole process: median {statistics.median(warm):.2f} s")
        first, again = [], []
        daily = Path(tempfile.mkdtemp(prefix="daily-", dir=files[0].parent))  # gone afterwards
        try:
            for run in range(args.runs):
                added = _added_file(daily, args.added, run)
                forget([added])
                argv = [*search, WORD, *map(str, files), str(added)]
                took, out = _timed(argv, env)
                if WORD.title() not in out:
                    print(f"the added papers were not found: {out[:200]!r}")
                    return 1
                first.append(took)
                again.append(_timed(argv, env)[0])
        finally:
            shutil.rmtree(daily, ignore_errors=True)
        print(f"added a file of {args.added:,} papers: first `papertray search {WORD}`, "
              f"whole process: median {statistics.median(first):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in first)}); next: {statistics.median(again):.2f} s")
    print(subprocess.run([*me, "--part", "reload", "--added", str(args.added), *map(str, files)],
                         capture_output=True, text=True, check=True).stdout, end="")
    print(subprocess.run([*me, "--part", "engine", "--rounds", str(args.rounds), *map(str, files)],
                         capture_output=True, text=True, check=True).stdout, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
