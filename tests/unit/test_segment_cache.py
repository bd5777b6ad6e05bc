"""A big store's index is kept per file: adding, replacing or removing a file indexes
only the papers that changed, and search finds exactly what a fresh index finds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import tui.search.parallel as parallel
import tui.search.segment_cache as segment_cache
from tui.bench.synthetic import write_jsonl
from tui.search import SearchEngine
from tui.search.cached import open_engine, segment_paths
from tui.store import files as store_files
from tui.store import compact, open_store


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many papers each index build read (a cached store indexes per segment)."""
    builds: list[int] = []
    real = segment_cache.build_index

    def counting(papers, **kwargs):
        papers = list(papers)
        builds.append(len(papers))
        return real(papers, **kwargs)

    monkeypatch.setattr(segment_cache, "build_index", counting)
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1000)
    return builds


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    """Three files sharing no paper (each title and id made its file's own)."""
    folder = tmp_path / "store"
    made = []
    for name, count, seed in (("alpha", 300, 1), ("bravo", 200, 2), ("charlie", 250, 3)):
        path = write_jsonl(folder / f"{name}.jsonl", count, seed=seed)
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for record in records:
            record.update(id=f"{name}-{record['id']}", title=f"{name} {record['title']}")
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        made.append(path)
    return made


def _listing(path: Path, word: str, count: int = 20) -> Path:
    records = [{"id": f"2501.{i:05d}", "title": f"{word.title()} of listing paper {i}",
                "authors": "Ann Lee", "abstract": f"On {word}."} for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _same_as_fresh(store, queries: list[str]) -> None:
    cached, fresh = open_engine(store), SearchEngine(store.papers)
    for query in queries:
        assert cached.run(query).doc_array().tolist() == fresh.run(query).doc_array().tolist(), query


def test_adding_a_file_indexes_only_its_papers(files: list[Path], indexed: list[int]) -> None:
    store = open_store(files, cache=True)
    open_engine(store)
    assert sorted(indexed) == [200, 250, 300]  # one segment per file
    indexed.clear()
    today = _listing(files[0].parent / "today.jsonl", "quokkas")
    store = open_store([*files, today], cache=True)
    engine = open_engine(store)
    assert indexed == [20]
    assert [h.paper.title for h in engine.search("quokkas", limit=3)] == [
        "Quokkas of listing paper 0", "Quokkas of listing paper 1", "Quokkas of listing paper 2"]
    _same_as_fresh(store, ["quokkas", "quokas listing", "learning model", "lee", "sentence"])


def test_replacing_a_file_reindexes_it_alone_and_removing_one_nothing(
        files: list[Path], indexed: list[int]) -> None:
    open_engine(open_store(files, cache=True))
    indexed.clear()
    _listing(files[1], "wombats", 40)
    store = open_store(files, cache=True)
    assert [h.paper.title for h in open_engine(store).search("wombats", limit=1)] == [
        "Wombats of listing paper 0"]
    assert indexed == [40]
    indexed.clear()
    store = open_store([files[0], files[2]], cache=True)  # papers after it move up
    _same_as_fresh(store, ["wombats", "learning model", "networks", "year:>=2020 data"])
    assert indexed == []


def test_a_record_merged_from_a_new_file_reindexes_the_paper_it_joins(
        files: list[Path], indexed: list[int]) -> None:
    open_engine(open_store(files, cache=True))
    indexed.clear()
    record = json.loads(files[1].read_text(encoding="utf-8").splitlines()[7])
    record.update(abstract="", doi="10.5/okapi", **{"journal-ref": "Okapi Letters"})
    extra = files[0].parent / "d.jsonl"
    extra.write_text(json.dumps(record) + "\n", encoding="utf-8")
    store = open_store([*files, extra], cache=True)
    engine = open_engine(store)
    assert indexed == [200]  # bravo's segment, where the paper is: d adds no paper
    assert [h.paper.venue for h in engine.search("venue:okapi")] == ["Okapi Letters"]
    _same_as_fresh(store, ["venue:okapi", "learning model"])


def test_segments_are_shared_with_a_helper_process(files: list[Path], monkeypatch) -> None:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1000)
    monkeypatch.setattr(compact, "SEGMENT_PAPERS", 60)
    monkeypatch.setattr(parallel, "HELPER_PAPERS", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    store = open_store(files, cache=True)
    plan = store.segment_plan()
    assert len(plan) == 5 + 4 + 5  # per file, at most 60 papers each, a file's all alike
    assert [stop - start for start, stop, _ in plan] == [60] * 5 + [50] * 4 + [50] * 5
    seen: list[tuple[int, int]] = []
    engine = open_engine(store, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (750, 750)
    assert all(path.exists() for path in segment_paths(store))
    fresh = SearchEngine(store.papers)
    for query in ("learning model", "netwrk", "graph neural", "year:2019 data"):
        assert engine.run(query).doc_array().tolist() == fresh.run(query).doc_array().tolist()


def test_forgetting_a_file_forgets_its_segments(files: list[Path], indexed) -> None:
    from tui import cache

    store = open_store(files, cache=True)
    open_engine(store)
    paths = segment_paths(store)
    cache.forget([files[0]])
    assert [p.exists() for p in paths] == [False, True, True]
    shutil.rmtree(files[0].parent)


def test_a_year_of_daily_files_is_merged_into_a_few_segments(tmp_path: Path, indexed) -> None:
    """Each day's small file is its own segment at first; merged in the background, the
    next open searches a few segments, finds the same papers, and a new day still costs
    only its own papers."""
    from tui.search.cached import merge_small_segments

    days = [_listing(tmp_path / f"day{n:02d}.jsonl", f"topic{n}", 20) for n in range(24)]
    store = open_store(days, cache=True)
    before = open_engine(store)
    assert len(before.index.segments) == 24
    assert merge_small_segments(store) >= 1
    assert merge_small_segments(store) == 0  # done once
    indexed.clear()
    after = open_engine(open_store(days, cache=True))
    assert len(after.index.segments) < 24 and indexed == []
    for query in ("topic7", "topic19 listing", "lee", "paper 3"):
        assert after.run(query).doc_array().tolist() == before.run(query).doc_array().tolist()
    new_day = _listing(tmp_path / "day24.jsonl", "topic24", 20)
    store = open_store([*days, new_day], cache=True)
    assert open_engine(store).search("topic24", limit=1)[0].paper.title.startswith("Topic24")
    assert indexed == [20]
