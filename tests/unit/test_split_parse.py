"""One big JSON Lines file parsed in parts on every core (:mod:`tui.store.split_parse`)
gives exactly the store a single read gives: every paper, its line, every problem."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.bench.synthetic import write_jsonl
from tui.store import open_store
from tui.store import split_parse
from tui.store.compact import CompactStore
from tui.store.files import MAX_PROBLEMS_PER_FILE


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(split_parse, "SPLIT_BYTES", 1000)


def _big_file(tmp_path: Path, bad_lines: int) -> Path:
    """1,000 papers with ``bad_lines`` broken lines spread through the whole file."""
    path = write_jsonl(tmp_path / "store" / "big.jsonl", 1000, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines()
    step = max(1, len(lines) // max(bad_lines, 1))
    out = []
    for number, line in enumerate(lines):
        out.append(line)
        if bad_lines and number % step == 0 and len(out) - number - 1 < bad_lines:
            out.append('{"title": "cut short')
    out.insert(3, json.dumps({"title": "A title", "year": "nineteen"}))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _assert_same_as_one_read(parted: object, path: Path) -> None:
    plain = open_store([path], cache=False)
    assert isinstance(parted, CompactStore)
    assert list(parted) == list(plain.papers)  # sources included: each paper's line
    assert parted.problems == plain.problems
    assert parted.source_counts == plain.source_counts


def test_a_big_file_is_cut_at_line_starts(tmp_path: Path, two_cores: None) -> None:
    path = _big_file(tmp_path, 0)
    parts = split_parse.parts_of(path, path.stat().st_size)
    assert len(parts) == 2 and parts[0][0] == 0 and parts[-1][1] == path.stat().st_size
    data = path.read_bytes()
    assert data[parts[1][0] - 1:parts[1][0]] == b"\n"


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each part a helper wrote was used (True) or read here (False)."""
    from tests.helpers.spy import given

    return given(monkeypatch, split_parse, "_take_part")


def test_a_file_read_in_parts_gives_every_paper_line_and_problem(tmp_path: Path, two_cores: None,
                                                                 taken: list[bool]) -> None:
    path = _big_file(tmp_path, 40)
    parted = open_store([path], cache=True)
    assert taken == [True]  # the second half came from the helper
    assert any(p.line and p.line > 600 for p in parted.problems)  # found by the helper
    _assert_same_as_one_read(parted, path)
    _assert_same_as_one_read(open_store([path], cache=True), path)  # and read back warm


def test_problems_past_the_limit_are_counted_across_parts(tmp_path: Path, two_cores: None) -> None:
    path = _big_file(tmp_path, 2 * MAX_PROBLEMS_PER_FILE)
    parted = open_store([path], cache=True)
    assert parted.problems[-1].message.endswith("more problems not listed")
    _assert_same_as_one_read(parted, path)


def test_a_part_no_helper_gives_is_read_here(tmp_path: Path, two_cores: None, taken: list[bool],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split_parse, "HELPER_MODULE", "tui.no_such_helper")
    path = _big_file(tmp_path, 10)
    _assert_same_as_one_read(open_store([path], cache=True), path)
    assert taken == []  # the helper never answered: its part was read here
    assert not list(path.parent.glob("*.part*"))


def test_compressed_and_small_files_are_read_whole(tmp_path: Path, two_cores: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    path = _big_file(tmp_path, 0)
    packed = path.with_name("big.jsonl.gz")
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert split_parse.parts_of(packed, packed.stat().st_size) == [(0, packed.stat().st_size)]
    monkeypatch.setattr(split_parse, "SPLIT_BYTES", path.stat().st_size + 1)
    assert split_parse.parts_of(path, path.stat().st_size) == [(0, path.stat().st_size)]


def test_papers_appended_as_the_store_opens_are_read(tmp_path: Path, two_cores: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A listing appended to between the store's first look at the file and the cache's
    signature of it: the parts reach the end the signature names, so the cache holds
    every paper (before: the papers appended were missing from every later open)."""
    from tui.store import cache as store_cache

    path = _big_file(tmp_path, 0)
    extra = write_jsonl(tmp_path / "extra.jsonl", 5, seed=9).read_text(encoding="utf-8")
    real = store_cache.remove_leftovers

    def append_then_go_on() -> int:
        with path.open("a", encoding="utf-8") as out:
            out.write(extra)
        return real()

    monkeypatch.setattr(store_cache, "remove_leftovers", append_then_go_on)
    parted = open_store([path], cache=True)
    monkeypatch.setattr(store_cache, "remove_leftovers", real)
    _assert_same_as_one_read(parted, path)
    _assert_same_as_one_read(open_store([path], cache=True), path)


def test_a_helper_that_never_answers_is_given_up(tmp_path: Path, two_cores: None, taken: list[bool],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper stopped or stuck: its part is read here once it has had time enough
    (before, the first open waited for it forever)."""
    from tests.helpers.mute import mute_helper

    mute_helper(tmp_path, monkeypatch, split_parse)
    path = _big_file(tmp_path, 10)
    _assert_same_as_one_read(open_store([path], cache=True), path)
    assert taken == []


def test_a_part_left_half_written_is_removed(tmp_path: Path, two_cores: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper stopped while writing its part (the reader quit, or it was killed) leaves
    nothing in the cache folder once the read is over."""
    from tui.cache import helpers
    from tui.cache import root

    (tmp_path / "half_helper.py").write_text(
        "import json, sys, time\n"
        "sys.stdin.readline()\n"
        "task = json.loads(sys.stdin.readline())\n"
        "to = task['to'].rpartition('/')\n"
        "open(to[0] + '/.' + to[2] + '.x1y2.tmp', 'wb').write(b'half')\n"
        "time.sleep(3600)\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(split_parse, "HELPER_MODULE", "half_helper")
    monkeypatch.setattr(helpers, "PATIENCE_SECONDS", 1.0)
    path = _big_file(tmp_path, 0)
    _assert_same_as_one_read(open_store([path], cache=True), path)
    assert not [p.name for p in (root() / "shards").iterdir() if ".part" in p.name]
