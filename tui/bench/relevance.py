"""Relevance on what people really type: partial queries over real paper files.

Each query is a fragment of one paper, the way a person half remembers it: two or three
title words, the same with a typo, a surname and one title word, an acronym, words still
being typed, or title words in another order. The query sets in ``tests/data`` were made
once by :func:`generate` (fixed seed) and reviewed by eye; :func:`evaluate` reports how
often the intended paper comes first and in the first ten.

    python -m tui.bench.relevance generate     # rewrite tests/data/relevance_*.tsv
    python -m tui.bench.relevance              # print recall@1 / recall@10
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from tui.model import Paper
from tui.query import STOPWORDS, words_of

__all__ = ["SOURCES", "RelevanceQuery", "generate", "load_queries", "evaluate", "Recall"]

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = REPO / "tests" / "data"
SOURCES = {
    "seed": ("seeds/000_6a1d5033a11aa64f.txt", 70),
    "bbt": ("fixtures/bib/bbt__web_page_and_other_mendeley_idiocy.bib", 70),
    "biblatex": ("fixtures/bib/texlive__biblatex-examples.bib", 30),
    "asreview": ("fixtures/ris/asreview__baseline.ris", 30),
}
"""Query set name -> (file under the shared folder, how many queries to make)."""
KINDS = ("fragment", "typo", "surname", "acronym", "prefix", "shuffled")
SELECTIVE = 10
"""A query is *selective* when its intended words pick out at most this many papers."""
_FIELDS = ("set", "kind", "query", "key", "title", "pick")


@dataclass(frozen=True)
class RelevanceQuery:
    """One partial query and the paper it is meant to find."""

    set: str
    kind: str
    query: str
    key: str
    title: str
    pick: int
    """How many papers of the file contain every intended (correctly spelt) word."""


def _content_words(paper: Paper) -> set[str]:
    return set(words_of(f"{paper.title} {paper.authors_text} {paper.abstract}"))


def _typo(word: str, rng: random.Random) -> str:
    """One typo away from ``word``, never on its first letter."""
    typo = word
    while typo == word:
        typo = _edit(word, rng)
    return typo


def _edit(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice("aeiourstnl")
    return rng.choice([
        word[:i] + word[i + 1:],                            # dropped letter
        word[:i] + word[i + 1] + word[i] + word[i + 2:],    # swapped letters
        word[:i] + letter + word[i + 1:],                   # wrong letter
        word[:i] + letter + word[i:],                       # extra letter
    ])


def _make(kind: str, paper: Paper, rng: random.Random) -> tuple[str, list[str]] | None:
    """``(query, intended words)`` of one kind for one paper, or None when it has none."""
    raw = paper.title.split()
    words = words_of(paper.title)
    useful = list(dict.fromkeys(w for w in words if w not in STOPWORDS and len(w) >= 4 and not w.isdigit()))
    if len(words) < 2 or not useful:
        return None
    if kind in ("fragment", "typo", "prefix"):
        size = min(len(words), rng.choice((2, 3)))
        start = rng.randrange(len(words) - size + 1)
        chosen = words[start:start + size]
        # People start and end a fragment on a real word: "deep convolutional", not "with deep".
        if any(w in STOPWORDS or len(w) < 2 for w in (chosen[0], chosen[-1])):
            return None
        shown = list(chosen)
        if kind == "typo":
            long_ones = [i for i, w in enumerate(chosen) if len(w) >= 5 and not w.isdigit()]
            if not long_ones:
                return None
            i = rng.choice(long_ones)
            shown[i] = _typo(chosen[i], rng)
        if kind == "prefix":
            if len(chosen[-1]) < 4:
                return None
            shown[-1] = chosen[-1][: rng.randint(3, min(5, len(chosen[-1]) - 1))]
        return " ".join(shown), chosen
    if kind == "surname":
        if not paper.authors:
            return None
        surname = words_of(paper.authors[rng.randrange(len(paper.authors))])
        if not surname or len(surname[-1]) < 3:
            return None
        word = rng.choice(useful)
        return f"{surname[-1]} {word}", [surname[-1], word]
    if kind == "acronym":
        # SimCSE, LAMPAT, CoCo; not Real-World, whose capitals come from two words.
        parts = [part for w in raw for part in w.strip(".,:;()\"'").split("-")]
        acronyms = [w for w in parts if sum(c.isupper() for c in w) >= 2 and w.isalnum()]
        if not acronyms:
            return None
        acronym = words_of(rng.choice(acronyms))
        if not acronym:
            return None
        return " ".join(acronym), acronym
    if len(useful) < 2:  # shuffled
        return None
    chosen = rng.sample(useful, min(len(useful), rng.choice((2, 3))))
    return " ".join(chosen), chosen


def generate(load: Callable[[Path], Sequence[Paper]], seed: int = 20240601) -> dict[str, list[RelevanceQuery]]:
    """Make every query set from the shared files (``load`` opens one file as papers)."""
    rng = random.Random(seed)
    sets: dict[str, list[RelevanceQuery]] = {}
    for name, (relative, count) in SOURCES.items():
        papers = list(load(SHARED / relative))
        contents = [_content_words(p) for p in papers]
        made: list[RelevanceQuery] = []
        seen: set[str] = set()
        attempts = 0
        while len(made) < count and attempts < count * 50:
            attempts += 1
            kind = KINDS[len(made) % len(KINDS)] if attempts % 7 else rng.choice(KINDS)
            paper = papers[rng.randrange(len(papers))]
            found = _make(kind, paper, rng)
            if found is None or found[0] in seen:
                continue
            query, intended = found
            pick = sum(1 for c in contents if all(w in c for w in intended))
            seen.add(query)
            made.append(RelevanceQuery(name, kind, query, paper.key, paper.title, pick))
        sets[name] = made
    return sets


def write_sets(sets: dict[str, list[RelevanceQuery]], folder: Path = DATA) -> None:
    """Write one ``relevance_<set>.tsv`` per query set."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, queries in sets.items():
        with (folder / f"relevance_{name}.tsv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
            writer.writerow(_FIELDS)
            for q in queries:
                writer.writerow([q.set, q.kind, q.query, q.key, q.title, q.pick])


def load_queries(folder: Path = DATA) -> list[RelevanceQuery]:
    """Every query of every ``relevance_*.tsv`` in ``folder``."""
    queries = []
    for path in sorted(folder.glob("relevance_*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                queries.append(RelevanceQuery(row["set"], row["kind"], row["query"], row["key"],
                                              row["title"], int(row["pick"])))
    return queries


@dataclass
class Recall:
    """Recall of a query set: how often the intended paper was first / in the first ten."""

    queries: int = 0
    at1: int = 0
    at10: int = 0
    misses: list[tuple[RelevanceQuery, int | None]] = None  # type: ignore[assignment]

    def add(self, query: RelevanceQuery, rank: int | None) -> None:
        self.queries += 1
        self.at1 += rank == 0
        self.at10 += rank is not None and rank < 10
        if self.misses is None:
            self.misses = []
        if rank is None or rank >= 10:
            self.misses.append((query, rank))

    @property
    def recall1(self) -> float:
        return self.at1 / self.queries if self.queries else 0.0

    @property
    def recall10(self) -> float:
        return self.at10 / self.queries if self.queries else 0.0

    def __str__(self) -> str:
        return f"recall@1 {self.recall1:.3f}  recall@10 {self.recall10:.3f}  ({self.queries} queries)"


def evaluate(queries: list[RelevanceQuery], load: Callable[[Path], Sequence[Paper]]) -> tuple[Recall, Recall]:
    """``(all queries, selective queries)`` recall, one engine per source file."""
    from tui.search import SearchEngine

    everything, selective = Recall(), Recall()
    engines: dict[str, SearchEngine] = {}
    for query in queries:
        if query.set not in engines:
            engines[query.set] = SearchEngine(load(SHARED / SOURCES[query.set][0]))
        hits = engines[query.set].search(query.query, limit=10)
        keys = [h.paper.key for h in hits]
        rank = keys.index(query.key) if query.key in keys else None
        everything.add(query, rank)
        if query.pick <= SELECTIVE:
            selective.add(query, rank)
    return everything, selective


def open_papers(path: Path) -> Sequence[Paper]:
    """The papers of one file, through the real store."""
    from tui.store import open_store

    return open_store([path]).papers


def main(argv: list[str]) -> int:
    """``generate`` rewrites the query sets; otherwise print recall and the misses."""
    if not SHARED.exists():
        print(f"the shared files are not at {SHARED}", file=sys.stderr)
        return 1
    if argv[:1] == ["generate"]:
        write_sets(generate(open_papers))
        return 0
    everything, selective = evaluate(load_queries(), open_papers)
    print(f"all queries:       {everything}")
    print(f"selective queries: {selective}")
    for query, rank in everything.misses or []:
        print(f"  miss ({'-' if rank is None else rank + 1}) [{query.set}/{query.kind}] "
              f"{query.query!r} -> {query.title[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
