"""Qualifiers, annotations, sort orders, facets and the engine's plumbing."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tui.model import Annotation, Paper, stable_key
from tui.search import SearchCancelled, SearchEngine, SearchIndex


def paper(title: str, year: int | None = None, **kw) -> Paper:
    return Paper(key=stable_key(title=title), title=title, year=year, **kw)


PAPERS = [
    paper("Zebra finches learn songs", 2019, authors=("Ada Lovelace",), venue="Nature Neuroscience",
          categories=("q-bio.NC",), date="2019-03-02", abstract="Birds sing and learn."),
    paper("Attention is all you need", 2017, authors=("Ashish Vaswani", "Noam Shazeer"),
          venue="NeurIPS", categories=("cs.CL", "cs.LG"), date="2017-06-12",
          abstract="The dominant sequence transduction models use attention."),
    paper("Deep residual learning", 2016, authors=("Kaiming He",), venue="CVPR",
          categories=("cs.CV",), date="2016-06-01", abstract="Residual nets ease training."),
    paper("Attention for songs", 2021, authors=("Grace Hopper",), categories=("cs.SD", "cs.LG"),
          date="2021-11-30", abstract="Transformers applied to bird songs."),
    paper("A paper without a year", None, authors=("Anon Ymous",)),
]
KEYS = [p.key for p in PAPERS]


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    return SearchEngine(PAPERS)


def found(engine: SearchEngine, query: str, annotations=None, sort="relevance") -> list[int]:
    result = engine.run(query, annotations, sort)
    return [KEYS.index(result.paper(i).key) for i in range(result.total)]


def matching(engine: SearchEngine, query: str) -> list[int]:
    return sorted(found(engine, query))


def test_field_qualifiers_look_in_one_field(engine):
    assert found(engine, "title:attention") == [3, 1]  # the shorter title first
    assert found(engine, "abs:attention") == [1]
    assert found(engine, "author:hopper") == [3]
    assert found(engine, "author:attention") == []
    assert found(engine, "author:hoper ") == [3]  # typos allowed in fields too


def test_venue_and_category(engine):
    assert found(engine, "venue:nature") == [0]
    assert found(engine, "venue:neurips") == [1]
    assert matching(engine, "cat:cs.lg") == [1, 3]
    assert matching(engine, "cat:cs") == [1, 2, 3]
    assert found(engine, "-cat:cs") == [0, 4]


@pytest.mark.parametrize("query, expected", [
    ("year:2017", [1]), ("year:2016..2019", [0, 1, 2]), ("year:>=2019", [0, 3]),
    ("year:>2019", [3]), ("year:<2017", [2]), ("year:<=2017", [1, 2]),
    ("-year:2017", [0, 2, 3, 4]),
])
def test_year_ranges(engine, query, expected):
    assert found(engine, query) == expected


def test_negated_words_and_phrases(engine):
    assert found(engine, "attention -songs") == [1]
    assert found(engine, "songs -title:attention") == [0]
    assert found(engine, '-"attention is all"') == [0, 2, 3, 4]


def test_phrases_need_the_words_in_order(engine):
    assert found(engine, '"attention is all you need"') == [1]
    assert found(engine, '"need you"') == []
    assert found(engine, 'abs:"bird songs"') == [3]
    assert found(engine, 'title:"bird songs"') == []
    assert found(engine, '"residual lear') == [2]  # still typing: the last word is a prefix


def test_key_qualifier_picks_one_paper(engine):
    assert found(engine, f"key:{KEYS[2]}") == [2]
    assert found(engine, "key:title:000000000000") == []


ANNOTATIONS = {
    KEYS[0]: Annotation(KEYS[0], starred=True, state="read", tags=("birds", "thesis"),
                        updated="2024-01-02T00:00:00Z"),
    KEYS[1]: Annotation(KEYS[1], state="later", note="classic", updated="2024-03-01T00:00:00Z"),
    KEYS[2]: Annotation(KEYS[2], state="skipped", updated="2023-12-01T00:00:00Z"),
    "doi:10.1/not-in-this-store": Annotation("doi:10.1/not-in-this-store", starred=True),
}


@pytest.mark.parametrize("query, expected", [
    ("is:starred", [0]), ("is:read", [0]), ("is:later", [1]), ("is:skipped", [2]),
    ("is:inbox", [3, 4]), ("-is:inbox", [0, 1, 2]), ("has:note", [1]), ("has:tag", [0]),
    ("tag:thesis", [0]), ("tag:the", []), ("tag:the", []), ("-is:starred", [1, 2, 3, 4]),
    ("attention is:later", [1]),
])
def test_annotation_qualifiers(engine, query, expected):
    assert found(engine, query + " ", ANNOTATIONS) == expected


def test_a_tag_being_typed_matches_as_a_prefix(engine):
    assert found(engine, "tag:the", ANNOTATIONS) == [0]


def test_without_annotations_everything_is_in_the_inbox(engine):
    assert found(engine, "is:inbox ") == [0, 1, 2, 3, 4]
    assert found(engine, "is:starred ") == []


def test_sort_orders(engine):
    assert found(engine, "", sort="date") == [3, 0, 1, 2, 4]
    assert found(engine, "", sort="title") == [4, 3, 1, 2, 0]
    assert found(engine, "", ANNOTATIONS, sort="annotated") == [1, 0, 2, 3, 4]
    assert found(engine, "songs", sort="date") == [3, 0]


def test_facets(engine):
    assert engine.facets(None, "year") == [("2021", 1), ("2019", 1), ("2017", 1), ("2016", 1)]
    assert engine.facets(engine.run("attention"), "category") == [("cs.LG", 2), ("cs.CL", 1), ("cs.SD", 1)]
    assert engine.facets(engine.run("attention"), "year", limit=1) == [("2021", 1)]


def test_index_round_trips_through_plain_arrays(engine, tmp_path):
    arrays = engine.index.to_arrays()
    assert all(isinstance(a, np.ndarray) for a in arrays.values())
    np.savez(tmp_path / "index.npz", **arrays)
    loaded = SearchIndex.from_arrays(dict(np.load(tmp_path / "index.npz")))
    again = SearchEngine(PAPERS, index=loaded)
    for query in ("attention", "songs year:>=2020", "cat:cs", "kaiming", "", "atention fo"):
        assert found(again, query) == found(engine, query), query


def test_runs_from_many_threads_agree(engine):
    queries = ["attention", "songs", "deep residual", "atention", "zebra finch", "cat:cs"] * 5
    expected = {q: found(engine, q) for q in queries}
    errors: list[str] = []

    def worker(query: str) -> None:
        fresh = found(engine, query)
        if fresh != expected[query]:
            errors.append(query)

    threads = [threading.Thread(target=worker, args=(q,)) for q in queries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_cancelled_search_stops(engine):
    stop = threading.Event()
    stop.set()
    with pytest.raises(SearchCancelled):
        engine.run("attention", cancel=stop)
    with pytest.raises(SearchCancelled):
        engine.run("year:2017", cancel=lambda: True)
    assert engine.run("attention", cancel=threading.Event()).total == 2


def test_phrases_of_stop_words_or_one_word(engine):
    assert found(engine, '"is all you"') == [1]
    assert matching(engine, '"attention"') == [1, 3]
    assert found(engine, '"for songs"') == [3]
    assert found(engine, '"is"') == [1]  # stop words alone: looked for in titles


def test_indexing_reports_progress():
    calls = []
    SearchEngine(PAPERS * 2000, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (4096, 10000) and calls[-1] == (10000, 10000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
