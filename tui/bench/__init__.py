"""``python -m tui.bench``: how fast and how good the search engine is on a big store.

Generates (once, cached) a synthetic arXiv-shaped store of N papers, builds the index,
then times a fixed mixed query set: exact title fragments, fragments with a typo, an
author's surname with a title word, 1-3 letter prefixes and shuffled title words; and a
person typing 25-character queries key by key. The same queries go through
``fzf --filter`` on the same titles when fzf is installed. Relevance recall on the real
query sets (tests/data) is printed when the shared files are there.

    python -m tui.bench [--papers N] [--seed S] [--rounds R] [--no-fzf] [--store FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tui.model import Paper
from tui.query import STOPWORDS, words_of

__all__ = ["BenchQuery", "ensure_store", "make_queries", "main"]


@dataclass(frozen=True)
class BenchQuery:
    """A query and the paper it is meant to find ("" for prefixes, which find many)."""

    kind: str
    text: str
    title: str
    words: tuple[str, ...] = ()
    """The words as meant (before any typo), to count how many papers they pick out."""


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_store(papers: int, seed: int, folder: Path | None = None) -> Path:
    """The synthetic JSON Lines store for ``papers`` and ``seed``, generated once (in a
    child process, so its memory is not counted here) and kept in the cache folder."""
    from tui.paths import cache_dir

    folder = folder or cache_dir() / "bench"
    path = folder / f"arxiv-{papers}-seed{seed}.jsonl"
    if not path.exists():
        print(f"generating {papers:,} papers into {path} ...", flush=True)
        code = (f"from tui.bench.synthetic import write_jsonl; "
                f"write_jsonl({str(path)!r}, {papers}, seed={seed})")
        subprocess.run([sys.executable, "-c", code], check=True)
    return path


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:] if rng.random() < 0.5 else word[:i] + word[i + 1:]


def make_queries(papers: Sequence[Paper], seed: int, per_kind: int = 20) -> list[BenchQuery]:
    """The fixed mixed query set, drawn from the store with ``seed``."""
    rng = random.Random(seed)
    queries: list[BenchQuery] = []
    kinds = ("fragment", "typo", "author", "prefix", "shuffled")
    while len(queries) < per_kind * len(kinds):
        kind = kinds[len(queries) // per_kind]
        paper = papers[rng.randrange(len(papers))]
        words = [w for w in words_of(paper.title) if w not in STOPWORDS]
        useful = [w for w in words if len(w) >= 5]
        if len(words) < 3 or not useful:
            continue
        if kind == "prefix":
            text = rng.choice(useful)[: 1 + len(queries) % 3]
            queries.append(BenchQuery(kind, text, ""))
            continue
        start = rng.randrange(len(words) - 2)
        fragment = words[start:start + rng.choice((2, 3))]
        meant = tuple(fragment)
        if kind == "typo":
            long_ones = [i for i, w in enumerate(fragment) if len(w) >= 5]
            if not long_ones:
                continue
            i = rng.choice(long_ones)
            fragment[i] = _typo(fragment[i], rng)
        elif kind == "author":
            if not paper.authors:
                continue
            fragment = [words_of(rng.choice(paper.authors))[-1], rng.choice(useful)]
            meant = tuple(fragment)
        elif kind == "shuffled":
            fragment = rng.sample(words, 3)
            meant = tuple(fragment)
        queries.append(BenchQuery(kind, " ".join(fragment), paper.title, meant))
    return queries


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {_percentile(ms, 0.95):7.1f} ms"


def picks_few(engine, queries: list[BenchQuery], most: int = 10) -> list[bool]:
    """Per query: do its words (as meant, exactly) pick out at most ``most`` papers?"""
    return [bool(q.title) and engine.run(" ".join(f'"{w}"' for w in q.words)).total <= most
            for q in queries]


def recall(found: list[list[str]], queries: list[BenchQuery], chosen: list[bool]) -> str:
    """recall@1 and recall@10 over the chosen queries, as text."""
    pairs = [(titles, q.title) for titles, q, keep in zip(found, queries, chosen) if keep]
    at1 = sum(bool(t) and t[0] == title for t, title in pairs)
    at10 = sum(title in t[:10] for t, title in pairs)
    count = max(len(pairs), 1)
    return f"recall@1 {at1 / count:.3f}  recall@10 {at10 / count:.3f}  ({len(pairs)} queries)"


def time_engine(engine, queries: list[BenchQuery], rounds: int) -> tuple[list[float], list[float], list[list[str]]]:
    """Per-query median wall time of a cold ``run`` and of ``search(limit=10)`` (rank plus
    ten hits with spans), and the ten titles found for each query."""
    run_times: dict[int, list[float]] = {}
    search_times: dict[int, list[float]] = {}
    found: list[list[str]] = []
    for round_ in range(rounds):
        for i, query in enumerate(queries):
            engine.clear_cache()
            start = time.perf_counter()
            engine.run(query.text)
            run_times.setdefault(i, []).append(time.perf_counter() - start)
            engine.clear_cache()
            start = time.perf_counter()
            hits = engine.search(query.text, limit=10)
            search_times.setdefault(i, []).append(time.perf_counter() - start)
            if round_ == 0:
                found.append([h.paper.title for h in hits])
    medians = [statistics.median(v) for v in run_times.values()]
    search = [statistics.median(v) for v in search_times.values()]
    return medians, search, found


def time_typing(engine, queries: list[BenchQuery], length: int = 25) -> list[float]:
    """Seconds per keystroke while typing queries of ``length`` characters: a run plus the
    twenty rows a screen shows, with the engine's caches as a real session has them."""
    texts = []
    for query in queries:
        if query.kind == "author" and len(texts) < 8:
            title_words = [w for w in words_of(query.title) if w not in STOPWORDS]
            texts.append(" ".join([query.text.split()[0], *title_words])[:length])
    times = []
    for text in texts:
        engine.clear_cache()
        for end in range(1, len(text) + 1):
            start = time.perf_counter()
            result = engine.run(text[:end])
            result.top(20)
            times.append(time.perf_counter() - start)
    return times


def time_fzf(titles: Path, queries: list[BenchQuery]) -> tuple[list[float], list[list[str]]]:
    """Wall time of ``fzf --filter`` per query on the titles file, and its first ten lines."""
    times, found = [], []
    for query in queries:
        with titles.open("rb") as stdin:
            start = time.perf_counter()
            fzf = subprocess.Popen(["fzf", "--filter", query.text], stdin=stdin,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert fzf.stdout is not None
            top = [fzf.stdout.readline() for _ in range(10)]
            # The rest (maybe most of the store) is read and dropped, not kept in memory.
            while fzf.stdout.read(1 << 16):
                pass
            fzf.wait()
            times.append(time.perf_counter() - start)
        found.append([line.decode("utf-8", "replace").rstrip("\n") for line in top if line])
    return times, found


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
    parser.add_argument("--part", choices=("engine", "ui-cold", "ui-warm"), help=argparse.SUPPRESS)
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
            if part == "ui-cold":
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
    if args.part in ("ui-cold", "ui-warm"):
        from tui.bench.ui import ui_part

        return ui_part(args.part, args.store, args)
    print(f"machine: {_machine()}", flush=True)
    status = 0
    for papers in args.papers if args.store is None else [0]:
        path = args.store or ensure_store(papers, args.seed)
        print(f"\n== {path.name} ==", flush=True)
        if args.ui:
            status |= _child("ui-cold", path, args)
            status |= _child("ui-warm", path, args)
        status |= _child("engine", path, args)
        if args.cli_runs:
            cli = time_cli(path, "contrastive sentence embeddings", args.cli_runs)
            print(_summary(f"warm `papertray search`, whole process ({len(cli)})", cli))
    _report_relevance()
    return status
