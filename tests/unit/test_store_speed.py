"""How long the store takes to open a large arXiv snapshot-shaped JSON Lines file.

Opt in with --run-benchmark; prints the median of three opens of 100,000 records.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

import pytest

from tui.store import open_store

RECORDS = 100_000


def write_arxiv_snapshot(path: Path, count: int, seed: int = 7) -> None:
    """A file shaped like the arXiv metadata snapshot: wrapped titles and abstracts,
    authors as a string and parsed, old and new identifiers, some DOIs."""
    words = " ".join(p.title + " " + p.abstract for p in open_store()).split()
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            title = " ".join(rng.choices(words, k=rng.randint(5, 14)))
            lines = [" ".join(rng.choices(words, k=12)) for _ in range(rng.randint(8, 16))]
            authors = [(rng.choice(words).title(), rng.choice(words)[:1].upper() + ".")
                       for _ in range(rng.randint(1, 6))]
            identifier = f"{7 + i % 17:02d}{i % 12 + 1:02d}.{i % 100_000:05d}" if i % 10 else \
                f"hep-th/{9000000 + i:07d}"
            out.write(json.dumps({
                "id": identifier, "submitter": authors[0][0],
                "authors": ", ".join(f"{given} {family}" for family, given in authors),
                "title": title[:60] + "\n  " + title[60:] if len(title) > 60 else title,
                "comments": "10 pages", "journal-ref": None if i % 4 else "J. Things 1 (2020)",
                "doi": None if i % 3 else f"10.1000/x{i}", "report-no": None,
                "categories": "cs.CL cs.LG", "license": None,
                "abstract": "  " + "\n".join(lines) + "\n",
                "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
                "update_date": "2021-05-01",
                "authors_parsed": [[family, given, ""] for family, given in authors],
            }) + "\n")


@pytest.mark.benchmark
def test_open_100k_arxiv_records(tmp_path: Path) -> None:
    path = tmp_path / "arxiv.jsonl"
    write_arxiv_snapshot(path, RECORDS)
    wall, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        store = open_store(path)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    size = path.stat().st_size / 1e6
    print(f"\nopen {RECORDS:,} arXiv records ({size:.0f} MB): median {statistics.median(wall):.2f} s "
          f"wall, {statistics.median(cpu):.2f} s CPU")
    assert len(store) == RECORDS and store.problems == []
    assert statistics.median(cpu) < 10
