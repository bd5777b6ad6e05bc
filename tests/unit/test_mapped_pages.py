"""The pages of cache files a search read are given back: over millions of papers a few
queries touched 1.9 GB of index files, all counted in the reader's memory until it ended.
After :func:`release_mapped_pages` the arrays read the same, and the memory is gone."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tui.cache.container import Container
from tui.cache.pages import release_mapped_pages, resident_file_bytes, track
from tui.cache.writer import ContainerWriter

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the resident file pages from /proc")

MB = 1 << 20


def test_pages_read_from_a_mapped_index_are_given_back_and_read_again_the_same(
        tmp_path: Path) -> None:
    values = np.arange(64 * MB // 8, dtype=np.int64)  # a big array: mapped, not copied
    writer = ContainerWriter(tmp_path / "segment.ptc", "test")
    writer.array("postings", values)
    writer.commit()
    box = Container(tmp_path / "segment.ptc", "test")
    postings = box.array("postings")
    track(box)
    total = int(postings.sum())  # every page read, as a search over common words would
    held = resident_file_bytes()
    assert not release_mapped_pages(above=held + 512 * MB), "under the budget: kept"
    assert resident_file_bytes() >= held - 8 * MB
    assert release_mapped_pages(above=held // 2)
    assert resident_file_bytes() <= held - 48 * MB
    assert int(postings.sum()) == total and postings[12_345] == 12_345
