"""A cache answers only for the very files it was made from: an index swapped in from
another store, or an edit that keeps the size and puts the old modification time back,
is caught and the files are read again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tui.search.cached import segment_paths
from tui.cli import run
from tui.store import files as store_files
from tui.store import open_store


@pytest.fixture(autouse=True)
def cache_small_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1)


def _store(path: Path, word: str, count: int = 5) -> Path:
    path.write_text("".join(json.dumps({"title": f"{word} paper {i}", "authors": "A B"}) + "\n"
                            for i in range(count)), encoding="utf-8")
    return path


def test_swapped_index_files_are_not_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alpha = _store(tmp_path / "alpha.jsonl", "alpha")
    bravo = _store(tmp_path / "bravo.jsonl", "bravo")
    assert run(["search", "paper", str(alpha)]) == 0
    assert run(["search", "paper", str(bravo)]) == 0
    [alpha_index] = segment_paths(open_store(alpha))
    [bravo_index] = segment_paths(open_store(bravo))
    swap = tmp_path / "swap"
    shutil.move(alpha_index, swap)
    shutil.move(bravo_index, alpha_index)
    shutil.move(swap, bravo_index)
    capsys.readouterr()
    assert run(["search", "alpha", str(alpha)]) == 0
    assert "alpha paper 0" in capsys.readouterr().out
    assert run(["search", "bravo", str(alpha)]) == 1  # bravo's papers are not in alpha
    assert "bravo paper" not in capsys.readouterr().out


def test_a_same_size_edit_with_the_old_modification_time_is_seen(tmp_path: Path) -> None:
    path = _store(tmp_path / "papers.jsonl", "alpha")
    assert open_store(path)[0].title == "alpha paper 0"
    before = path.stat()
    _store(path, "omega")  # same length, other words
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as touch -r does
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert [p.title for p in open_store(path)][:2] == ["omega paper 0", "omega paper 1"]


def test_a_warm_open_reads_the_cache_not_the_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.store.files as store_module

    path = _store(tmp_path / "papers.jsonl", "alpha", count=50)
    open_store(path)
    parsed = []
    monkeypatch.setattr(store_module, "read_file", lambda *a, **k: parsed.append(a) or 0)
    assert len(open_store(path)) == 50 and parsed == []
