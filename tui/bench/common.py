"""What the benchmarks share: the query set, timing summaries and recall."""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tui.model import Paper
from tui.query import STOPWORDS, words_of
from tui.search import SearchEngine

__all__ = ["BenchQuery", "peak_rss_mb", "ensure_store", "ensure_real_store", "make_queries", "summary", "picks_few",
           "recall", "time_engine", "time_typing", "time_fzf"]


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


def ensure_real_store(papers: int, folder: Path | None = None) -> Path | None:
    """A JSON Lines store of ``papers`` real papers with abstracts: the 30,000 of
    ``../shared/data`` again and again (made once, kept in the cache folder), each copy
    with its own id and its title marked, so copies stay papers of their own and words
    keep their real frequencies. None when the shared data is not there."""
    import gzip
    import json

    from tui.paths import cache_dir

    source = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ml-papers-30k.jsonl.gz"
    folder = folder or cache_dir() / "bench"
    path = folder / f"real-{papers}.jsonl"
    if path.exists():
        return path
    if not source.exists():
        return None
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        real = [json.loads(line) for line in stream if line.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for n in range(papers):
            record = dict(real[n % len(real)])
            copy = n // len(real)
            if copy:
                record.update(id=f"{record.get('id', '')}#{copy}", doi="", arxiv_id="", url="",
                              title=f"{record.get('title', '')} (copy {copy})")
            out.write(json.dumps(record) + "\n")
    partial.replace(path)
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


def summary(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {_percentile(ms, 0.95):7.1f} ms"


def picks_few(engine: SearchEngine, queries: list[BenchQuery], most: int = 10) -> list[bool]:
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


def time_engine(engine: SearchEngine, queries: list[BenchQuery], rounds: int
                ) -> tuple[list[float], list[float], list[list[str]]]:
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


def time_typing(engine: SearchEngine, queries: list[BenchQuery], length: int = 25) -> list[float]:
    """Seconds per keystroke while typing queries of ``length`` characters: a run plus the
    twenty rows a screen shows, with the engine's caches as a real session has them."""
    texts: list[str] = []
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


