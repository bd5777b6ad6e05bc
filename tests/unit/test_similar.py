"""Papers alike, on the bundled sample (119 real papers): paper vectors, ``similar:KEY``
and ``like:TAG`` in the query language, and the for-you sort order of the engine."""

from __future__ import annotations

import numpy as np
import pytest

from tui.model import Annotation
from tui.query import parse_query
from tui.search import SIMILAR_LIMIT, SORTS, SearchEngine
from tui.store import open_store

DENSE_IR = 46  # Unsupervised Dense Information Retrieval with Contrastive Learning
POINT_CLOUDS = (45, 52, 56)  # GrowSP, U-RED, OGC: point clouds


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    return SearchEngine(open_store(None))


def key(engine: SearchEngine, doc: int) -> str:
    return engine.papers[doc].key


def test_a_paper_vector_is_read_as_the_index_reads_it(engine) -> None:
    features = engine.features.get()
    for doc in (0, DENSE_IR, 118):
        vector = features.vector(doc)
        rows, ids, values = features.vectors([doc])
        order = np.argsort(ids)
        assert set(rows.tolist()) == {doc}
        assert np.array_equal(ids[order], vector.ids)
        np.testing.assert_allclose(values[order], vector.values)
        assert vector.norm() == pytest.approx(1.0)
        cosines = features.cosines(vector)
        assert cosines[doc] == pytest.approx(1.0)
        assert cosines.max() == pytest.approx(1.0), "nothing is more like a paper than itself"


def test_title_stop_words_say_nothing(engine) -> None:
    features = engine.features.get()
    described = {features.describe(int(i)) for i in features.vector(1).ids}  # Japanese SimCSE...
    assert ("title", "simcse") in described
    words = {word for kind, word in described if kind == "title"}
    assert not words & {"the", "of", "for", "a"}


def test_similar_lists_the_papers_most_like_one_most_alike_first(engine) -> None:
    result = engine.run(f"similar:{key(engine, DENSE_IR)}")
    titles = [result.paper(rank).title for rank in range(5)]
    assert all("Retriev" in t for t in titles), titles
    assert DENSE_IR not in result.top(len(result)).tolist(), "a paper is not listed as like itself"
    assert 0 < len(result) <= SIMILAR_LIMIT
    scores = [result.score(rank) for rank in range(len(result))]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] < 1


def test_similar_composes_with_words_and_filters(engine) -> None:
    alike = set(engine.run(f"similar:{key(engine, DENSE_IR)}").top(SIMILAR_LIMIT).tolist())
    narrowed = engine.run(f"similar:{key(engine, DENSE_IR)} domain")
    assert len(narrowed) and set(narrowed.top(len(narrowed)).tolist()) <= alike
    assert all("domain" in (narrowed.paper(r).title + narrowed.paper(r).abstract).lower()
               for r in range(narrowed.matched_all))
    rest = engine.run(f"-similar:{key(engine, DENSE_IR)}")
    assert not alike & set(rest.top(len(rest)).tolist())


def test_similar_to_an_unknown_key_is_an_empty_list_not_an_error(engine) -> None:
    assert len(engine.run("similar:arxiv:0000.00000")) == 0
    assert parse_query("similar:arxiv:2104.08821").terms[0].value == "arxiv:2104.08821"


def test_like_a_tag_lists_papers_like_the_tagged_ones_but_not_them(engine) -> None:
    annotations = {key(engine, d): Annotation(key(engine, d), tags=("thesis",)) for d in POINT_CLOUDS}
    result = engine.run("like:thesis", annotations)
    top = [result.paper(rank) for rank in range(3)]
    assert all("point" in (p.title + p.abstract).lower() for p in top), [p.title for p in top]
    assert not set(POINT_CLOUDS) & set(result.top(len(result)).tolist())
    assert len(engine.run("like:nosuchtag", annotations)) == 0
    assert parse_query("like:Thesis").terms[0].value == "thesis"


def test_for_you_is_a_sort_order_by_the_scores_given(engine) -> None:
    assert "for-you" in SORTS
    scores = np.zeros(len(engine))
    scores[[5, 60, 7]] = [0.3, 0.9, 0.5]
    result = engine.run("", sort="for-you", for_you=scores)
    assert result.top(3).tolist() == [60, 7, 5]
    assert [result.score(r) for r in range(3)] == [0.9, 0.5, 0.3]
    assert result.top(6).tolist()[3:] == [0, 1, 2], "ties keep the store's order"
    narrowed = engine.run("unsupervised", sort="for-you", for_you=scores)
    assert narrowed.top(1).tolist() == [60] and len(narrowed) == len(engine.run("unsupervised"))
