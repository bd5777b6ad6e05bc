"""StoreLoader: the reader's way of opening a store, showing papers before it is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cache
from tui.bench.synthetic import write_jsonl
from tui.loader import FIRST_PAPERS, LoadCancelled, LoadStep, StoreLoader
from tui.store import Store, open_store
from tui.store import files as store_files
from tui.store.cache import PREVIEW_PAPERS
from tui.store.compact import CompactStore
from tui.store.shard import Shard


@pytest.fixture
def papers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 10_000)
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


def test_a_warm_start_shows_its_first_papers_before_checking_the_whole_cache(
        papers_file: Path, monkeypatch) -> None:
    """Warm, the first rows come from the cache before every byte of it is checked (as a
    first read shows papers as it parses them), then the whole store."""
    StoreLoader([papers_file]).load()
    events: list[str] = []
    real_check = Shard.check_texts

    def check(shard: Shard) -> None:
        events.append("whole cache checked")
        real_check(shard)

    monkeypatch.setattr(Shard, "check_texts", check)
    shown: list[Store] = []

    def show(store: Store) -> None:
        events.append(f"{len(store)} papers shown")
        shown.append(store)

    store, _ = StoreLoader([papers_file]).load(on_papers=show)
    assert events[0] == "1 papers shown" and events[1] == f"{PREVIEW_PAPERS} papers shown"
    assert events.index("whole cache checked") > 1 and shown[-1] is store
    assert list(shown[1]) == list(store.papers[:PREVIEW_PAPERS]) and shown[1].label == store.label


@pytest.mark.parametrize("where", [0.02, 0.5])
def test_a_damaged_warm_cache_shows_nothing_damaged_and_is_read_again(
        papers_file: Path, where: float) -> None:
    """Damage among the first papers' bytes, or further on: what is shown first is only
    ever papers as they are in the file, and the store is parsed again, whole."""
    plain = list(open_store([papers_file], cache=False))
    StoreLoader([papers_file]).load()
    shard = cache.shard_path(papers_file.resolve())
    data = bytearray(shard.read_bytes())
    at = int(len(data) * where)
    data[at:at + 64] = bytes(b ^ 0xFF for b in data[at:at + 64])
    shard.write_bytes(bytes(data))
    shown: list[Store] = []
    store, _ = StoreLoader([papers_file]).load(on_papers=shown.append)
    assert list(store) == plain
    for partial in shown[:-1]:
        assert list(partial) == plain[:len(partial)]


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


def _todays_listing(folder: Path) -> Path:
    """A daily file whose one paper has a word no other paper has."""
    path = folder / "today.jsonl"
    path.write_text('{"title": "Zyzzogeton attention for daily listings", "authors": ["Ada Byron"],'
                    ' "year": 2026, "arxiv": "2612.00001"}\n', encoding="utf-8")
    return path


def test_a_file_added_to_the_store_folder_is_read_by_the_reopened_loader(papers_file: Path) -> None:
    folder = papers_file.parent
    loader = StoreLoader([folder])
    loader.load()
    assert loader.reopened() is None, "nothing changed: nothing to read again"
    _todays_listing(folder)
    again = loader.reopened()
    assert again is not None
    store, engine = again.load()
    assert len(store) == len(loader.store) + 1
    assert [h.paper.title for h in engine.search("zyzzogeton")] == [
        "Zyzzogeton attention for daily listings"]
    assert again.reopened() is None


def test_a_removed_or_rewritten_file_also_calls_for_reading_again(papers_file: Path) -> None:
    listing = _todays_listing(papers_file.parent)
    loader = StoreLoader([papers_file.parent])
    loader.load()
    listing.write_text(listing.read_text(encoding="utf-8").replace("daily", "weekly"),
                       encoding="utf-8")
    assert loader.reopened() is not None
    loader.load()
    listing.unlink()
    assert loader.reopened() is not None


def test_a_store_opened_without_a_loader_is_watched_from_then_on(tmp_path: Path) -> None:
    (tmp_path / "first.jsonl").write_text(
        '{"title": "Sentence embeddings", "year": 2020}\n', encoding="utf-8")
    loader = StoreLoader.of(open_store([tmp_path]))
    assert loader.reopened() is None
    _todays_listing(tmp_path)
    again = loader.reopened()
    assert again is not None and len(again.load()[0]) == 2
