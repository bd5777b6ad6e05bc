"""`papertray search`, `stats` and `export` read a big store through the same cache: the
second run parses no file and builds no index, and prints exactly what the first did."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import tui.search.engine as search_module
import tui.search.segment_cache as segment_module
import tui.store.files as store_module
from tui.bench.synthetic import write_jsonl
from tui.cli import run
from tui.store import files as store_files


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store the cache takes (the threshold is lowered: the real one is a few MB)."""
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 10_000)
    return write_jsonl(tmp_path / "papers.jsonl", 400, seed=5)


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts files parsed and indexes built."""
    counter: Counter = Counter()
    read_file, build_index = store_module.read_file, search_module.build_index

    def counting_read(*args, **kwargs):
        counter["parsed"] += 1
        return read_file(*args, **kwargs)

    def counting_build(*args, **kwargs):
        counter["indexed"] += 1
        return build_index(*args, **kwargs)

    monkeypatch.setattr(store_module, "read_file", counting_read)
    monkeypatch.setattr(search_module, "build_index", counting_build)
    monkeypatch.setattr(segment_module, "build_index", counting_build)  # a cached store's segments
    return counter


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert run(argv) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out


def test_search_and_stats_share_the_cache(big: Path, work: Counter, capsys) -> None:
    first = _run(capsys, ["search", "--json", "--limit", "15", "learning model", str(big)])
    assert work == {"parsed": 1, "indexed": 1}
    work.clear()
    again = _run(capsys, ["search", "--json", "--limit", "15", "learning model", str(big)])
    assert again == first and len(again.splitlines()) == 15
    stats = json.loads(_run(capsys, ["stats", "--json", str(big)]))
    assert work == {}  # neither parsed nor indexed again
    assert stats["papers"] == 400 and list(stats["sources"].values()) == [400]
    exported = _run(capsys, ["export", "--format", "json", str(big)])
    assert len(json.loads(exported)) == 400 and work == {}


def test_cached_search_prints_what_a_direct_read_prints(big: Path, capsys,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["search", "--limit", "25", "contrastive sentence year:>=2010", str(big)]
    cached = _run(capsys, argv)
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1 << 40)
    assert _run(capsys, argv) == cached
