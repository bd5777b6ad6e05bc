"""``python -m tui.bench --for-you``: how well the for-you order learns, and how fast.

Quality, on 30,000 real ML papers (``../shared/data/ml-papers-30k.jsonl.gz``): a simulated
reader follows one topic (the papers whose title mentions it). They star the 25 earliest
papers of the topic and skip 25 other papers of those years; their inbox is 2,000 later
papers, 5% of them on the topic (fewer papers when the topic has too few to keep 5%).
Reported: precision@20 of the inbox in for-you order, next to the store's order, date
order (newest first), and the plain baseline: TF-IDF (title and abstract as one text)
cosine to the centroid of the starred papers. Also for-you learning from the stars alone,
and every order with 10 stars and 10 skips.

Speed, on N papers (the real papers repeated to N, so words keep their real frequencies):
building the features, a first fit, the inbox re-sorted in for-you order after one more
triage key (learning it, scoring, and the search), ``similar:KEY``, and the extra memory.
"""

from __future__ import annotations

import dataclasses
import gzip
import random
import re
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tui.bench.common import summary
from tui.interest import Decisions, InterestModel
from tui.model import Annotation, Paper
from tui.query import STOPWORDS
from tui.search import SearchEngine
from tui.search.features import Features
from tui.search.index import split_words
from tui.store import Store
from tui.store.formats.jsonl import parse_stream

__all__ = ["DATA", "TOPICS", "Reader", "load_papers", "simulate_readers", "precision_at",
           "quality", "timings", "run_for_you"]

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ml-papers-30k.jsonl.gz"
"""The real papers (development data: present beside the repository, not shipped)."""

TOPICS = ("reinforcement learning", "segmentation", "federated", "adversarial",
          "object detection", "bandit", "pose", "diffusion", "gaussian process", "clustering",
          "point cloud", "transformer", "domain adaptation", "active learning", "language model",
          "graph neural", "few-shot", "causal", "retrieval", "super-resolution", "tracking",
          "variational")
"""Each a simulated reader. (Optimal transport has 39 papers in the set: too few.)"""


@dataclass(frozen=True)
class Reader:
    """One simulated person: what they starred and skipped, and their inbox."""

    topic: str
    stars: list[int]
    skips: list[int]
    inbox: np.ndarray
    on_topic: np.ndarray
    """By store position: the paper's title mentions the topic."""


def load_papers(path: Path = DATA) -> list[Paper]:
    """The papers of a JSON Lines file (gzipped or not), one per stable key."""
    opener = gzip.open if path.suffix == ".gz" else open
    seen: set[str] = set()
    papers = []
    with opener(path, "rb") as stream:
        for item in parse_stream(stream, str(path)):  # type: ignore[arg-type]
            if isinstance(item, Paper) and item.key not in seen:
                seen.add(item.key)
                papers.append(item)
    return papers


def simulate_readers(papers: Sequence[Paper], topics: Sequence[str] = TOPICS, *, stars: int = 25,
                     skips: int = 25, inbox: int = 2000, share: float = 0.05,
                     seed: int = 7) -> list[Reader]:
    """One reader per topic with enough papers (at least ``stars`` + 20)."""
    rng = random.Random(seed)
    years = np.array([p.year or 0 for p in papers])
    readers = []
    for topic in topics:
        pattern = re.compile(r"\b" + re.escape(topic), re.IGNORECASE)
        on = np.array([bool(pattern.search(p.title)) for p in papers])
        ordered = sorted(np.flatnonzero(on).tolist(), key=lambda d: (years[d], rng.random()))
        if len(ordered) < stars + 20:
            continue
        starred, rest = ordered[:stars], ordered[stars:]
        last = years[starred[-1]]
        wanted = int(inbox * share)
        later = [d for d in rest if years[d] > last]
        if len(later) < min(wanted, len(rest)):
            later, after = rest, years >= last  # the topic's papers are nearly all one year
        else:
            after = years > last
        chosen = rng.sample(later, min(wanted, len(later)))
        size = min(inbox, round(len(chosen) / share))
        others = rng.sample(np.flatnonzero(~on & after).tolist(), size - len(chosen))
        skipped = rng.sample(np.flatnonzero(~on & (years <= last)).tolist(), skips)
        box = np.array(sorted(chosen + others))
        readers.append(Reader(topic, starred, skipped, box, on))
    return readers


def precision_at(order: np.ndarray, on_topic: np.ndarray, k: int = 20) -> float:
    """The share of the first ``k`` papers of ``order`` that are on the topic."""
    return float(on_topic[order[:k]].mean())


def _by_score(inbox: np.ndarray, scores: np.ndarray) -> np.ndarray:
    return inbox[np.argsort(-scores[inbox], kind="stable")]


class PlainTfidf:
    """The baseline: title and abstract as one text, sublinear term frequency, smoothed
    IDF, unit rows; a reader's score is the cosine with the centroid of their stars."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        vocabulary: dict[str, int] = {}
        indptr, indices, counts = [0], [], []
        for paper in papers:
            words = Counter(w for w in split_words(f"{paper.title} {paper.abstract}".casefold())
                            if w not in STOPWORDS)
            for word, count in words.items():
                indices.append(vocabulary.setdefault(word, len(vocabulary)))
                counts.append(count)
            indptr.append(len(indices))
        self.indptr = np.array(indptr)
        self.indices = np.array(indices)
        df = np.bincount(self.indices, minlength=len(vocabulary))
        idf = np.log((len(papers) + 1) / (df + 1)) + 1
        values = (1 + np.log(np.array(counts, dtype=np.float64))) * idf[self.indices]
        rows = np.repeat(np.arange(len(papers)), np.diff(self.indptr))
        norms = np.sqrt(np.bincount(rows, weights=values ** 2, minlength=len(papers)))
        self.values = values / np.where(norms > 0, norms, 1)[rows]
        self.rows = rows
        self.size = len(vocabulary)

    def scores(self, starred: list[int]) -> np.ndarray:
        """Every paper's cosine with the centroid of ``starred``."""
        centroid = np.zeros(self.size)
        for doc in starred:
            lo, hi = self.indptr[doc], self.indptr[doc + 1]
            np.add.at(centroid, self.indices[lo:hi], self.values[lo:hi])
        return np.bincount(self.rows, weights=self.values * centroid[self.indices],
                           minlength=len(self.indptr) - 1)


ORDERS = ("for-you", "stars only", "centroid", "date", "file")


def _orders(reader: Reader, engine: SearchEngine, plain: PlainTfidf, stars: int,
            skips: int) -> dict[str, float]:
    features = engine.features.get()
    starred, skipped = reader.stars[:stars], reader.skips[:skips]
    model = InterestModel(features)
    model.update({**dict.fromkeys(starred, 1), **dict.fromkeys(skipped, -1)})
    stars_only = InterestModel(features)
    stars_only.update(dict.fromkeys(starred, 1))
    dates = engine.index.dates.astype(np.float64)
    found = {
        "for-you": _by_score(reader.inbox, model.scores()),
        "stars only": _by_score(reader.inbox, stars_only.scores()),
        "centroid": _by_score(reader.inbox, plain.scores(starred)),
        "date": _by_score(reader.inbox, dates),
        "file": reader.inbox,
    }
    return {name: precision_at(order, reader.on_topic) for name, order in found.items()}


def quality(papers: Sequence[Paper]) -> dict[str, float]:
    """Print precision@20 per topic and order; return the averages."""
    engine = SearchEngine(papers)
    plain = PlainTfidf(papers)
    readers = simulate_readers(papers)
    print(f"{'topic':<24}{'inbox':>7}{'on':>5}" + "".join(f"{name:>12}" for name in ORDERS))
    rows = []
    for reader in readers:
        found = _orders(reader, engine, plain, 25, 25)
        rows.append(found)
        on = int(reader.on_topic[reader.inbox].sum())
        print(f"{reader.topic:<24}{len(reader.inbox):>7}{on:>5}"
              + "".join(f"{found[name]:>12.2f}" for name in ORDERS))
    means = {name: statistics.mean(row[name] for row in rows) for name in ORDERS}
    print(f"{'average (' + str(len(rows)) + ' readers)':<36}" + "".join(f"{means[n]:>12.3f}" for n in ORDERS))
    few = [_orders(reader, engine, plain, 10, 10) for reader in readers]
    print(f"{'10 stars, 10 skips':<36}"
          + "".join(f"{statistics.mean(row[n] for row in few):>12.3f}" for n in ORDERS))
    return means


def _repeated(papers: Sequence[Paper], count: int) -> Store:
    """``count`` papers: the real ones again and again, each copy its own key."""
    copies = [paper if i < len(papers) else dataclasses.replace(paper, key=f"{paper.key}#{i}")
              for i in range(count) for paper in (papers[i % len(papers)],)]
    return Store(copies, label=f"{count:,} papers")


def timings(papers: Sequence[Paper], count: int, keys: int = 20, seed: int = 3) -> None:
    """Print how fast for-you and similar papers are on ``count`` papers."""
    store = _repeated(papers, count)
    rng = random.Random(seed)
    started = time.perf_counter()
    engine = SearchEngine(store)
    print(f"\n== {len(store):,} papers (index built in {time.perf_counter() - started:.1f} s) ==")
    started = time.perf_counter()
    features = engine.features.get()
    print(f"features (IDF, vector lengths): {1000 * (time.perf_counter() - started):.0f} ms")
    reader = simulate_readers(papers, TOPICS[:1])[0]
    annotations = {store[d].key: Annotation(store[d].key, starred=True) for d in reader.stars}
    annotations |= {store[d].key: Annotation(store[d].key, state="skipped") for d in reader.skips}
    for decisions in (50, 1000):
        while len(annotations) < decisions:
            doc = rng.randrange(len(store))
            annotations[store[doc].key] = Annotation(store[doc].key, state=rng.choice(("read", "skipped")))
        model = InterestModel(features)
        started = time.perf_counter()
        model.update(Decisions.of(annotations, store.indices_of).labels)
        print(f"first fit, {decisions:,} decisions: {1000 * (time.perf_counter() - started):.0f} ms")
    engine.run("is:inbox", annotations, sort="for-you", for_you=model.scores())
    spent = []
    for _ in range(keys):
        doc = rng.randrange(len(store))
        annotations = dict(annotations)  # the reader's snapshot after a key
        annotations[store[doc].key] = Annotation(store[doc].key, state=rng.choice(("read", "skipped")))
        started = time.perf_counter()
        model.update(Decisions.of(annotations, store.indices_of).labels)
        result = engine.run("is:inbox", annotations, sort="for-you", for_you=model.scores())
        result.top(50)
        spent.append(time.perf_counter() - started)
    print(summary(f"triage key -> inbox re-sorted for you ({keys} keys)", spent))
    similar = []
    for _ in range(keys):
        key = store[rng.randrange(len(store))].key
        started = time.perf_counter()
        engine.run(f"similar:{key}").top(50)
        similar.append(time.perf_counter() - started)
    print(summary(f"similar:KEY ({keys} papers)", similar))
    print(f"extra memory at peak (features, a fit, a key, similar): {_extra_memory(engine, annotations):.0f} MB")


def _extra_memory(engine: SearchEngine, annotations: dict[str, Annotation]) -> float:
    """MB allocated at most while the features are built, a model is fitted and updated,
    and similar papers are found (numpy reports its arrays to tracemalloc)."""
    tracemalloc.start()
    try:
        features = Features(engine.index, engine.papers.__getitem__)
        model = InterestModel(features)
        labels = dict(Decisions.of(annotations, engine.store.indices_of).labels)
        model.update(labels)
        labels[0] = 1
        model.update(labels)
        model.scores()
        features.cosines(features.vector(1))
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run_for_you(sizes: Sequence[int], data: Path = DATA) -> int:
    """The whole report: quality on the real papers, then speed at each size."""
    if not data.exists():
        print(f"for-you benchmark: the real papers are not at {data}; nothing measured.")
        return 1
    papers = load_papers(data)
    print(f"\n== for you: {len(papers):,} real papers from {data.name} ==", flush=True)
    quality(papers)
    for count in sizes:
        timings(papers, count)
    return 0
