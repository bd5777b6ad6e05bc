"""StoreLoader: the reader's way of opening a store, showing papers before it is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cache
from tui.bench.synthetic import write_jsonl
from tui.loader import FIRST_PAPERS, LoadCancelled, LoadStep, StoreLoader
from tui.store import Store, open_store
from tui.store import cache as store_cache
from tui.store.compact import CompactStore


@pytest.fixture
def papers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_cache, "CACHE_MIN_BYTES", 10_000)
    monkeypatch.setattr("tui.loader._EVERY", 0.0)  # report every chance, to see them all
    return write_jsonl(tmp_path / "papers.jsonl", 3000, seed=7)


def test_first_papers_then_the_whole_store_then_a_working_engine(papers_file: Path) -> None:
    shown: list[Store] = []
    steps: list[LoadStep] = []
    store, engine = StoreLoader([papers_file]).load(on_step=steps.append, on_papers=shown.append)
    assert isinstance(store, CompactStore) and shown[-1] is store
    partial = shown[0]
    assert not isinstance(partial, CompactStore) and 0 < len(partial) < len(store)
    assert list(partial) == list(store.papers[: len(partial)])  # the same first papers
    assert partial.label == store.label == "papers.jsonl"
    phases = [s.phase for s in steps]
    assert phases[0] == "reading" and phases[-1] == "ready" and "indexing" in phases
    assert steps[-1].papers == len(store) and steps[-1].fraction == 1.0
    assert engine.search("learning", limit=5)


def test_a_warm_start_shows_the_whole_store_at_once(papers_file: Path) -> None:
    StoreLoader([papers_file]).load()
    shown: list[Store] = []
    store, _ = StoreLoader([papers_file]).load(on_papers=shown.append)
    assert shown == [store]


def test_the_partial_list_is_bounded(papers_file: Path, monkeypatch) -> None:
    monkeypatch.setattr("tui.loader.FIRST_PAPERS", 100)
    shown: list[Store] = []
    StoreLoader([papers_file]).load(on_papers=shown.append)
    assert max(len(s) for s in shown[:-1]) == 100 and FIRST_PAPERS > 100


def test_cancelling_stops_and_leaves_no_half_written_cache(papers_file: Path) -> None:
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(LoadCancelled):
        StoreLoader([papers_file]).load(cancel=cancel)
    shards = cache.root() / "shards"
    assert not shards.exists() or not any(shards.iterdir())
    store, _ = StoreLoader([papers_file]).load()  # and the next start reads it whole
    assert list(store) == list(open_store(papers_file, cache=False))
