"""Word vectors over a segmented index (a big store: one segment per file or chunk) are
the vectors one merged index gives, without merging it: similar papers and the for-you
order are the same, and the second copy of every posting (1.1 GB at 2.7 million papers)
is never made."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tui.bench.synthetic import write_jsonl
from tui.store import open_store
from tui.search.building import build_index
from tui.search.features import Features, SparseVector
from tui.search.segments import Segment, SegmentedIndex, merge_indexes


def test_features_over_segments_equal_those_of_the_merged_index(tmp_path: Path) -> None:
    papers = list(open_store(write_jsonl(tmp_path / "papers.jsonl", 3_000, seed=11), cache=False))
    bounds = [0, 700, 1_900, 3_000]
    segmented = SegmentedIndex([Segment(lo, build_index(papers[lo:hi]))
                                for lo, hi in zip(bounds, bounds[1:])])
    merged = Features(merge_indexes(segmented.segments), papers.__getitem__)
    apart = Features(segmented, papers.__getitem__)
    assert apart.size == merged.size
    assert np.allclose(apart.weights, merged.weights)
    assert np.allclose(apart.norms, merged.norms)
    for doc in (0, 699, 700, 1_500, 2_999):
        one, other = apart.vector(doc), merged.vector(doc)
        assert np.array_equal(one.ids, other.ids) and np.allclose(one.values, other.values)
        assert np.allclose(apart.cosines(one), merged.cosines(other))
        assert apart.describe(int(one.ids[0])) == merged.describe(int(other.ids[0]))
    docs = [3, 650, 701, 1_899, 2_500]
    rows, ids, values = apart.vectors(docs)
    expected_rows, expected_ids, expected_values = merged.vectors(docs)
    assert sorted(zip(rows.tolist(), ids.tolist(), np.round(values, 12).tolist())) == sorted(
        zip(expected_rows.tolist(), expected_ids.tolist(), np.round(expected_values, 12).tolist()))
    together = SparseVector.total(ids, values)
    assert np.allclose(apart.cosines(together), merged.cosines(SparseVector.total(expected_ids,
                                                                                  expected_values)))
