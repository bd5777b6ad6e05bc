"""A first (cold) open of a big store ends holding what a later (warm) open holds: the
index it built is searched as saved in the cache, memory-mapped, and walking the store to
build it keeps none of the store's file resident. Building in small pieces, spilled to
disk, gives exactly the index one piece would."""

from __future__ import annotations

import json
import mmap
from pathlib import Path

import numpy as np
import pytest

import tui.cache.container as container
import tui.search.building as building
from tui.bench.synthetic import write_jsonl
from tui.model import Paper
from tui.query import normalise_word
from tui.search import SearchEngine
from tui.search.building import build_index
from tui.search.cached import open_engine
from tui.search.index import SearchIndex, field_words
from tui.store import files as store_files
from tui.store import open_store

QUERIES = ["learning model", "netwrk", "graph neural", "year:>=2020 data", "lee", "café",
           "title:deep -abs:neural"]


def _papers() -> list[Paper]:
    """Papers whose fields repeat words, and fold two spellings into one ("Café", "cafe"):
    what the postings must list once per paper."""
    words = ["cafe", "Café", "model", "models", "deep", "net", "graph", "zebra", "x", "q"]
    papers = []
    for i in range(60):
        picked = [words[(i * k + k) % len(words)] for k in range(1, 12)]
        papers.append(Paper(key=f"k{i}", title=" ".join(picked[:2 + i % 5] + picked[:2]),
                            authors=(f"Ann {words[i % 3]}", "Zoë Ünal")[: 1 + i % 2],
                            abstract=" ".join(picked[:3 + i % 8] * (1 + i % 3)) + f" the of w{i}"))
    return papers


def _arrays(index: SearchIndex) -> dict[str, list[object]]:
    return {name: np.asarray(values).tolist() for name, values in index.to_arrays().items()}


def test_an_index_built_in_small_spilled_pieces_is_the_same_index(monkeypatch) -> None:
    papers = _papers()
    whole = build_index(papers)
    monkeypatch.setattr(building, "_CHUNK", 7)  # many chunks, a paper's repeats in each
    monkeypatch.setattr(building._Stream, "SPILL_BYTES", 16)  # every stream spills at once
    monkeypatch.setattr(building, "_MOVE", 3)  # gaps closed a few postings at a time
    pieces = build_index(papers)
    assert _arrays(pieces) == _arrays(whole)
    words = pieces.vocab.words
    for name, field in zip(("title", "authors", "abstract"), range(3)):
        postings = pieces.field(name)
        for w in range(len(words)):
            docs = postings.of(w)
            assert np.all(docs[1:] > docs[:-1]), (name, words[w])  # once per paper, ascending
        for doc, paper in enumerate(papers):
            have = {words[w] for w in range(len(words)) if doc in postings.of(w)}
            assert have == {normalise_word(w) for w in field_words(paper)[field]}, (doc, name)


def _root(array: np.ndarray) -> object:
    """What an array's memory finally belongs to."""
    base: object = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return base.obj if isinstance(base, memoryview) else base


@pytest.fixture
def big_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1000)
    return write_jsonl(tmp_path / "store.jsonl", 600, seed=5)


def test_a_cold_open_searches_the_index_as_cached_like_a_warm_open(big_store: Path,
                                                                    monkeypatch) -> None:
    monkeypatch.setattr(container, "MEMMAP_BYTES", 0)  # every array of a segment mapped
    cold_store = open_store(big_store, cache=True)
    cold = open_engine(cold_store)  # builds the index and saves it
    index = cold.index
    assert isinstance(index, SearchIndex)
    for values in (index.title.docs, index.abstract.docs, index.abstract.offsets,
                   index.title_tokens, index.years):
        assert isinstance(_root(values), mmap.mmap)  # the cache file, not a built copy
    warm = open_engine(open_store(big_store, cache=True))
    fresh = SearchEngine(cold_store.papers)  # built in memory, never cached
    for query in QUERIES:
        expected = fresh.run(query).doc_array().tolist()
        assert cold.run(query).doc_array().tolist() == expected, query
        assert warm.run(query).doc_array().tolist() == expected, query
    assert ([h.paper.key for h in cold.search("graph neural", limit=5)]
            == [h.paper.key for h in fresh.search("graph neural", limit=5)])


def _resident_kb(path: Path) -> int | None:
    """KB of ``path``'s mapping resident in this process (None: no such mapping)."""
    found = None
    in_mapping = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 5 and "-" in fields[0] and ":" not in fields[0]:  # a mapping's header
            in_mapping = fields[-1] == str(path)
        elif in_mapping and fields[0] == "Rss:":
            found = (found or 0) + int(fields[1])
    return found


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc")
def test_walking_a_cached_store_keeps_none_of_its_file_resident(tmp_path: Path,
                                                                  monkeypatch) -> None:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1000)
    abstract = "word " * 800  # 4 KB a paper: 8 MB of abstracts
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps({"id": f"2401.{i:05d}", "title": f"Paper {i}",
                                        "authors": "Ann Lee", "abstract": f"{abstract}{i}"}) + "\n"
                            for i in range(2000)), encoding="utf-8")
    store = open_store(path, cache=True)
    shard = next(iter(store.shards)).path  # type: ignore[attr-defined]
    assert sum(len(p.abstract) for p in store) > 8_000_000  # every abstract read
    resident = _resident_kb(shard)
    assert resident is not None  # the shard is read through its mapping
    assert resident < 1024, f"{resident} KB of the shard stayed resident"


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc")
def test_indexing_a_store_full_of_merged_papers_keeps_none_of_its_file_resident(
        tmp_path: Path, monkeypatch) -> None:
    # A paper listed twice is read on its own while indexing (its records are combined):
    # those scattered reads must give their pages back as the walk's sequential ones do,
    # or a big store with many duplicates is held in memory as it is indexed.
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1000)
    abstract = "word " * 800
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(json.dumps({"title": f"Paper {i % 1000}", "authors": "Ann Lee",
                                        "year": 2020, "abstract": f"{abstract}{i}"}) + "\n"
                            for i in range(2000)), encoding="utf-8")
    store = open_store(path, cache=True)
    assert len(store) == 1000  # every paper is two records
    shard = next(iter(store.shards)).path  # type: ignore[attr-defined]
    texts = list(store.walk_texts())  # type: ignore[attr-defined]
    assert len(texts) == 1000 and all(t.abstract.startswith("word") for t in texts)
    resident = _resident_kb(shard)
    assert resident is not None and resident < 1024, f"{resident} KB of the shard stayed resident"
    walked = list(store.walk())  # type: ignore[attr-defined]
    assert [p.title for p in walked] == [t.title for t in texts]
    resident = _resident_kb(shard)
    assert resident is not None and resident < 1024, f"{resident} KB of the shard stayed resident"
