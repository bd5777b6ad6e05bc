"""Relevance on real files: partial queries, the way people type them, find their paper.

The query sets (tests/data/relevance_*.tsv) were generated once with a fixed seed by
``python -m tui.bench.relevance generate`` and reviewed by eye.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.bench.relevance import SELECTIVE, evaluate, load_queries, open_papers
from tui.search import SearchEngine
from tui.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data"


def test_query_sets_are_big_enough_and_mixed():
    queries = load_queries(DATA)
    assert len(queries) >= 150
    assert {q.kind for q in queries} == {"fragment", "typo", "surname", "acronym", "prefix", "shuffled"}
    assert {q.set for q in queries} == {"seed", "bbt", "biblatex", "asreview"}
    assert sum(q.pick <= SELECTIVE for q in queries) >= 150


def test_partial_queries_find_their_paper(seed_path, fixtures_dir):
    everything, selective = evaluate(load_queries(DATA), open_papers)
    report = f"all: {everything}\nselective (≤{SELECTIVE} papers): {selective}"
    print(report)
    misses = "\n".join(f"  {q.set}/{q.kind} {q.query!r} -> {q.title[:60]}"
                       for q, _ in selective.misses or [])
    assert selective.recall10 >= 0.95, f"{report}\nmissed:\n{misses}"
    assert everything.recall1 >= 0.85, report


@pytest.fixture(scope="module")
def seed_engine() -> SearchEngine:
    from tests.conftest import SEED

    if not SEED.exists():
        pytest.skip("shared seed not present")
    return SearchEngine(open_store([SEED]))


def test_a_misspelt_half_remembered_title_comes_first(seed_engine):
    hits = seed_engine.search("japanes simcse", limit=10)
    assert hits[0].paper.title == "Japanese SimCSE Technical Report"


def test_several_misspelt_words_still_find_the_paper(seed_engine):
    titles = [h.paper.title for h in seed_engine.search("unsupervisd dense retrievl contrastive", limit=3)]
    assert "Unsupervised Dense Information Retrieval with Contrastive Learning" in titles


def test_author_and_year_on_a_bibtex_file(fixtures_dir):
    engine = SearchEngine(open_store([fixtures_dir / "bib" / "texlive__biblatex-examples.bib"]))
    hits = engine.search("author:knuth year:1984..1986", limit=None)
    assert hits and all(any("Knuth" in a for a in h.paper.authors) for h in hits)
    assert all(1984 <= (h.paper.year or 0) <= 1986 for h in hits)
