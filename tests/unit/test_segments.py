"""A store indexed in segments (one per file) finds and ranks exactly as one index.

A person adding a file to a big store gets its papers searchable without the rest being
indexed again; what they must never notice is any difference in what a query finds, in
which order, or in similar papers, facets and sorting.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui.bench.synthetic import write_jsonl
from tui.model import Annotation
from tui.search import SearchEngine, SegmentedIndex, build_index
from tui.search.index import Segment
from tui.search.segments import merge_indexes
from tui.store import open_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    """Three files of different sizes, with accented and hyphenated words, read as one."""
    folder = tmp_path_factory.mktemp("segments")
    write_jsonl(folder / "a.jsonl", 400, seed=11)
    write_jsonl(folder / "b.jsonl", 250, seed=12)
    extra = [{"id": f"2401.{i:05d}", "title": f"Café-style Pre-trained Zebrafish Models {i}",
              "authors": "Zoë Müller and Ann Lee", "abstract": "Naïve zebrafish embeddings.",
              "categories": "q-bio.NC", "journal-ref": "Zebra Letters"} for i in range(30)]
    (folder / "c.jsonl").write_text("\n".join(json.dumps(r) for r in extra) + "\n", encoding="utf-8")
    return open_store([folder / "a.jsonl", folder / "b.jsonl", folder / "c.jsonl"], cache=False)


def _segmented(store, cuts: list[int]) -> SegmentedIndex:
    papers = store.papers
    bounds = [0, *cuts, len(papers)]
    return SegmentedIndex([Segment(lo, build_index(papers[lo:hi])) for lo, hi in zip(bounds, bounds[1:])])


def _queries(store) -> list[str]:
    titles = [p.title.split() for p in store.papers[::37]]
    words = [w.strip(":,.()").lower() for t in titles for w in t if len(w) > 4][:12]
    typos = [w[:2] + w[3:] for w in words[:4]]
    return [
        *words, *typos, *(w[:3] for w in words[:4]), " ".join(words[:2]), " ".join(words[2:5]),
        "zebrafish", "zebraf", "cafe", "pretrained", "pre trained", "muller", "naive embed",
        f'"{" ".join(titles[1][:2])}"', f"{words[0]} year:>=2015", f"{words[1]} -{words[2]}",
        "cat:q-bio", "venue:zebra", "author:lee zebrafish", "is:starred", "the of",
    ]


@pytest.mark.parametrize("cuts", [[400, 650], [1, 399, 400, 649], [137]],
                         ids=["per-file", "tiny-segments", "mid-file"])
def test_results_and_their_order_are_those_of_one_index(store, cuts: list[int]) -> None:
    whole = SearchEngine(store)
    parts = SearchEngine(store, index=_segmented(store, cuts))
    starred = {store.papers[5].key: Annotation(key=store.papers[5].key, starred=True)}
    for query in _queries(store):
        for sort in ("relevance", "date", "title"):
            one = whole.run(query, starred, sort=sort)
            many = parts.run(query, starred, sort=sort)
            assert many.doc_array().tolist() == one.doc_array().tolist(), (query, sort)
            assert [many.score(r) for r in range(min(20, len(one)))] == \
                [one.score(r) for r in range(min(20, len(one)))], (query, sort)
    assert parts.facets(None, "category") == whole.facets(None, "category")
    assert parts.facets(parts.run("zebrafish"), "year") == whole.facets(whole.run("zebrafish"), "year")
    key = store.papers[420].key
    assert [h.paper.key for h in parts.search(f"similar:{key}", limit=10)] == \
        [h.paper.key for h in whole.search(f"similar:{key}", limit=10)]


def test_merged_segments_are_the_index_one_build_makes(store) -> None:
    one = build_index(store.papers).to_arrays()
    merged = merge_indexes(_segmented(store, [400, 650]).segments).to_arrays()
    assert sorted(merged) == sorted(one)
    for name, values in one.items():
        assert np.array_equal(np.asarray(merged[name]), np.asarray(values)), name
