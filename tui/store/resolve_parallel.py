"""Working out which records are one paper on two cores, for a big store's first open.

The identity rule (:mod:`tui.store.identity`) joins records only through values they
share: a key, a DOI, a normalised title (the cache keeps a hash of each, and the store
reads only the records sharing one of them with another). So the records fall into
groups linked through such values, however indirectly, and no rule ever looks across
two groups: resolving each group alone gives what resolving them together gives. A store
with many shared titles (a million synthetic papers: 293,000 records) spent 11 s on one
core here while the other idled; now a helper process (``python -m
tui.store.resolve_parallel``) resolves about half of the linked groups from the same
cached shards while this process resolves the rest. Should the helper fail, its half is
resolved here: the answer is the same either way.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tui.cache.helpers import Helper, patience, spare_cores
from tui.model import Paper
from tui.store.base import combine_records
from tui.store.identity import Merge, merge_order, resolve
from tui.store.shard import Shard

if TYPE_CHECKING:
    from tui.store.compact import Resolved

__all__ = ["PARALLEL_RECORDS", "components", "resolve_on_cores", "read_records", "resolved"]

log = logging.getLogger(__name__)

PARALLEL_RECORDS = 50_000
"""Shared records from which a helper is worth its start (they take about 2 s)."""
HELPER_MODULE = "tui.store.resolve_parallel"

Columns = list[tuple[np.ndarray, bool]]


def components(shared: np.ndarray, columns: Columns, rounds: int = 64) -> np.ndarray | None:
    """For each of the ``shared`` records (ascending record numbers), the first position
    in ``shared`` of the records it is linked to through equal values of any column
    (``(values by record, skip_zero)``: 0 may mean none); None when the links are too
    long a chain to settle in ``rounds`` rounds (then everything is resolved together)."""
    count = len(shared)
    label = np.arange(count)
    runs = []
    for values, skip_zero in columns:
        mine = values[shared]
        order = np.argsort(mine, kind="stable")
        ordered = mine[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        none = ordered == 0 if skip_zero else None
        runs.append((order, starts, np.diff(np.r_[starts, count]), none))
    for _ in range(rounds):
        before = label.copy()
        for order, starts, sizes, none in runs:
            labels = label[order]
            lowest = np.repeat(np.minimum.reduceat(labels, starts), sizes)
            if none is not None:
                lowest = np.where(none, labels, lowest)
            label[order] = np.minimum(labels, lowest)
        while not np.array_equal(jumped := label[label], label):
            label = jumped
        if np.array_equal(label, before):
            return label
    return None


def read_records(shards: list[Shard], starts: list[int], records: list[int]) -> dict[int, Paper]:
    """The ``records`` (ascending numbers across ``shards``, which start at ``starts``) as
    the rule reads them: a titled paper without its abstract, which never decides it."""
    found: dict[int, Paper] = {}
    shard_no = 0
    for record in records:
        while record >= starts[shard_no + 1]:
            shard_no += 1
        shard, row = shards[shard_no], record - starts[shard_no]
        found[record] = (shard.paper_without_abstract(row) if shard.title_hash[row] != 0
                         else shard.paper(row))
    return found


def resolved(papers: dict[int, Paper]) -> Resolved:
    """Which of ``papers`` are one paper: the groups, each group's key, the merges."""
    resolution = resolve(papers, combine_records)
    keys = [combine_records([papers[r] for r in group]).key for group in resolution.groups]
    return resolution.groups, keys, resolution.merges


def resolve_on_cores(shards: list[Shard], starts: list[int], shared: np.ndarray,
                     columns: Columns) -> Resolved:
    """Which of the ``shared`` records are one paper (see :func:`tui.store.identity.resolve`):
    groups in ascending order, each group's key, the merges in reading order."""
    halves = _halves(shared, columns) if spare_cores() and len(shared) >= PARALLEL_RECORDS else None
    if halves is None:
        return resolved(read_records(shards, starts, shared.tolist()))
    mine, theirs = halves
    helper = Helper[int](HELPER_MODULE, {"shards": [[str(s.path), s.name] for s in shards]})
    try:
        given = helper.give(0, json.dumps(theirs))
        began = time.monotonic()
        groups, keys, merges = resolved(read_records(shards, starts, mine))
        answer = _answer(helper, patience(time.monotonic() - began)) if given else None
    finally:
        helper.close()
    if answer is None:
        log.info("the helper resolved nothing: its half is resolved here")
        answer = resolved(read_records(shards, starts, theirs))
    pairs = sorted(zip(groups + answer[0], keys + answer[1]))
    return [g for g, _ in pairs], [k for _, k in pairs], sorted(merges + answer[2], key=merge_order)


def _halves(shared: np.ndarray, columns: Columns) -> tuple[list[int], list[int]] | None:
    """The shared records in two sets of whole linked groups, about equal in size."""
    label = components(shared, columns)
    if label is None:
        return None
    _, inverse, sizes = np.unique(label, return_inverse=True, return_counts=True)
    before = np.cumsum(sizes) - sizes
    later = (before >= len(shared) // 2)[inverse]
    return shared[~later].tolist(), shared[later].tolist()


def _answer(helper: Helper[int], timeout: float) -> Resolved | None:
    """The helper's resolution, or None when it gave none that can be used in time."""
    line = helper.answer(timeout) or "gone"
    try:
        data = json.loads(line)
        groups = [[int(r) for r in g] for g in data["groups"]]
        keys = [str(k) for k in data["keys"]]
        merges = [Merge(*map(str, m)) for m in data["merges"]]
    except (ValueError, KeyError, TypeError):
        return None
    return (groups, keys, merges) if len(groups) == len(keys) else None


def _serve() -> int:
    """The helper's side: open the shards named on the first line, resolve the records
    of the next, answer with one line of JSON."""
    opening = json.loads(sys.stdin.readline())
    shards = [Shard(Path(path), name, checked=False) for path, name in opening["shards"]]
    starts = np.cumsum([0] + [s.count for s in shards]).tolist()
    for line in sys.stdin:
        try:
            groups, keys, merges = resolved(read_records(shards, starts, json.loads(line)))
            answer = json.dumps({"groups": groups, "keys": keys,
                                 "merges": [[m.key, m.kept, m.merged, m.reason] for m in merges]})
        except Exception as error:  # noqa: BLE001 - reported, and the main process redoes it
            log.warning("records not resolved: %s", error)
            answer = "failed"
        print(answer, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_serve())
