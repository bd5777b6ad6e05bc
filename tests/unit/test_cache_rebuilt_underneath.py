"""A store keeps working while another process rebuilds its cache: it goes on reading the
files it opened, never a mix, never an error."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.rebuild import FILES, PAPERS_PER_FILE, stats_in_another_process, write_folder
from tui.store import open_store
from tui.store.compact import CompactStore


def test_paging_on_after_another_process_rebuilt_the_cache(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "papers", "first")
    store = open_store(folder)
    assert isinstance(store, CompactStore)  # read through the cache, as the reader does
    before = [paper.title for paper in store]  # page through every file
    assert len(before) == FILES * PAPERS_PER_FILE

    write_folder(folder, "second")  # edit every file...
    done = stats_in_another_process(folder)  # ...and rebuild its cache elsewhere
    assert done.returncode == 0, done.stderr
    assert f"{FILES * PAPERS_PER_FILE:,} papers" in done.stdout

    assert [paper.title for paper in store] == before
    assert store[len(store) - 1].abstract.startswith("first abstract")
    assert open_store(folder)[0].title == "second paper 0-0"  # a new open sees the edit
