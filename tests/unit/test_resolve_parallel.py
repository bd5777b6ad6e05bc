"""Which records are one paper, worked out on two cores (:mod:`tui.store.resolve_parallel`):
the same papers, keys and merges as on one, whatever the helper does."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from tui.bench.synthetic import write_jsonl
from tui.store import open_store
from tui.store import resolve_parallel
from tui.store.compact import CompactStore


def test_records_linked_through_any_value_are_one_group() -> None:
    """a-b share a key, b-c a DOI, c-d a title: one group; e shares only "none" (0) with
    them, so it is a group of its own, and so are f-g, linked by a title."""
    keys = np.array([1, 1, 2, 3, 4, 5, 6], dtype=np.uint64)
    dois = np.array([0, 7, 7, 0, 0, 0, 0], dtype=np.uint64)
    titles = np.array([0, 0, 8, 8, 0, 9, 9], dtype=np.uint64)
    shared = np.arange(7)
    label = resolve_parallel.components(shared, [(keys, False), (dois, True), (titles, True)])
    assert label is not None
    assert label.tolist() == [0, 0, 0, 0, 4, 5, 5]


def test_a_chain_too_long_to_settle_is_resolved_whole() -> None:
    count = 200
    keys = np.repeat(np.arange(count // 2, dtype=np.uint64), 2)  # 0-1, 2-3, 4-5 ...
    titles = np.r_[0, np.repeat(np.arange(1, count // 2, dtype=np.uint64), 2), 0]  # 1-2, 3-4 ...
    columns = [(keys, False), (titles, True)]
    assert resolve_parallel.components(np.arange(count), columns, rounds=1) is None
    label = resolve_parallel.components(np.arange(count), columns)
    assert label is not None and set(label.tolist()) == {0}


@pytest.fixture
def alike(tmp_path: Path) -> list[Path]:
    """Two files where many papers are one: the second repeats 150 papers of the first,
    some with a DOI added, some with the title alone, some under another author."""
    folder = tmp_path / "store"
    first = write_jsonl(folder / "a.jsonl", 600, seed=4)
    repeats = []
    for number, line in enumerate(first.read_text(encoding="utf-8").splitlines()[:150]):
        record = json.loads(line)
        record["id"] = f"other-{number}"
        if number % 3 == 0:
            record["doi"] = f"10.9/{number}"
        if number % 5 == 0:
            record["authors"] = "Somebody Else"
        repeats.append(json.dumps(record))
    second = folder / "b.jsonl"
    second.write_text("\n".join(repeats) + "\n", encoding="utf-8")
    return [first, second, write_jsonl(folder / "c.jsonl", 300, seed=4)]


@pytest.fixture
def on_two_cores(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Resolution shared with a helper from the first shared record; records whether the
    helper's answer was used each time."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(resolve_parallel, "PARALLEL_RECORDS", 0)
    from tests.helpers.spy import given

    return given(monkeypatch, resolve_parallel, "_answer")


def _assert_as_one_core(store: object, files: list[Path]) -> None:
    plain = open_store(files, cache=False)
    assert isinstance(store, CompactStore)
    assert len(plain.merges) > 100  # the case at hand: many records are one paper
    assert list(store) == list(plain.papers)
    assert store.merges == plain.merges
    assert [p.key for p in store] == [p.key for p in plain.papers]


def test_resolving_on_two_cores_gives_what_one_gives(alike: list[Path],
                                                     on_two_cores: list[bool]) -> None:
    store = open_store(alike, cache=True)
    assert on_two_cores == [True]
    _assert_as_one_core(store, alike)


def test_a_helper_that_fails_leaves_its_half_to_this_process(
        alike: list[Path], on_two_cores: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve_parallel, "HELPER_MODULE", "tui.no_such_helper")
    store = open_store(alike, cache=True)
    assert on_two_cores == [False]
    _assert_as_one_core(store, alike)


def test_a_helper_that_never_answers_is_given_up(alike: list[Path], on_two_cores: list[bool],
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers.mute import mute_helper

    mute_helper(tmp_path, monkeypatch, resolve_parallel)
    store = open_store(alike, cache=True)
    assert on_two_cores == [False]
    _assert_as_one_core(store, alike)
