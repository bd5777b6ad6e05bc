"""Every reader's work grows in proportion to its input, whatever the file holds.

Each case builds a hostile file of one format at 1x, 4x and 16x its base size and opens
it: time and peak memory must grow about linearly (a quadratic step makes 16x cost 256
times 1x; linear, 16 times). The default sizes run in a second or two; ``--run-slow``
repeats them 16 times bigger. Files that multiply (BibTeX macros built from macros) are
opened in a child process with a time and memory limit, so a regression fails the test
instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.store import open_store
from tui.store.formats import jsonl

Builder = Callable[[int], str]

CASES: dict[str, tuple[str, Builder, int]] = {
    # name: (file name, text for size n, base n)
    "bibtex entries": ("x.bib", lambda n: "".join(
        f"@article{{k{i}, title={{Title {i}}}, author={{Doe, J. and Roe, R.}}, year=2001}}\n"
        for i in range(n)), 100),
    "bibtex long abstract": ("x.bib", lambda n: "@article{k, title={T}, abstract={"
                             + "word " * n + "}}\n", 10_000),
    "bibtex author of parentheses": ("x.bib", lambda n: "@article{k, title={T}, author={A "
                                     + "(" * n + "}}\n", 2_000),
    "jsonl one long record": ("x.jsonl", lambda n: '{"title": "T", "abstract": "'
                              + "word " * n + '"}\n', 50_000),
    "jsonl author of parentheses": ("x.jsonl", lambda n: '{"title": "T", "authors": "A '
                                    + "(" * n + '"}\n', 5_000),
    "jsonl many records": ("x.jsonl", lambda n: "".join(
        f'{{"title": "T{i}", "authors": "A, B"}}\n' for i in range(n)), 300),
    "json one long record": ("x.json", lambda n: '[{"title": "T", "abstract": "'
                             + "word " * n + '"}]', 20_000),
    "ris wrapped abstract": ("x.ris", lambda n: "TY  - JOUR\nTI  - T\nAB  - x\n"
                             + "   word\n" * n + "ER  - \n", 10_000),
    "ris many records": ("x.ris", lambda n: "".join(
        f"TY  - JOUR\nTI  - T{i}\nAU  - Doe, J\nER  - \n" for i in range(n)), 200),
    "medline wrapped abstract": ("x.nbib", lambda n: "PMID- 1\nTI  - Title.\nAB  - x\n"
                                 + "      word\n" * n, 10_000),
    "atom many entries": ("x.xml", lambda n: '<feed xmlns="http://www.w3.org/2005/Atom">' + "".join(
        f"<entry><id>http://arxiv.org/abs/2101.{i:05d}v1</id><title>T{i}</title></entry>\n"
        for i in range(n)) + "</feed>", 400),
    "listing many papers": ("x.txt", lambda n: "".join(
        f"Title number {i}\nAn abstract that runs on for a while and ends with a full stop.\n"
        for i in range(n)), 200),
}

SCALES = (1, 4, 16)
MAX_TIME_GROWTH = 64.0
"""16x the input may cost at most this many times 1x: linear is 16, quadratic 256."""
MAX_MEMORY_GROWTH = 8.0
"""16x the input may take at most this many times the memory of 4x: linear is 4."""


def _time_to_open(path: Path) -> float:
    """The best of three opens, in seconds (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        open_store(path, cache=False)
        best = min(best, time.perf_counter() - started)
    return best


def _peak_memory(path: Path) -> int:
    tracemalloc.start()
    try:
        open_store(path, cache=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _growth(tmp_path: Path, name: str, scale: int) -> tuple[list[float], list[int], list[int]]:
    file_name, build, base = CASES[name]
    times, peaks, sizes = [], [], []
    for factor in SCALES:
        path = tmp_path / f"{factor}-{file_name}"
        path.write_text(build(base * scale * factor), encoding="utf-8")
        sizes.append(path.stat().st_size)
        times.append(_time_to_open(path))
        peaks.append(_peak_memory(path) if factor > 1 else 0)
    return times, peaks, sizes


def _check_growth(tmp_path: Path, name: str, scale: int) -> None:
    times, peaks, sizes = _growth(tmp_path, name, scale)
    time_growth = times[2] / max(times[0], 1e-4)
    memory_growth = peaks[2] / max(peaks[1], 1)
    report = (f"{name}: {sizes[0]:,} / {sizes[1]:,} / {sizes[2]:,} bytes took "
              f"{times[0] * 1e3:.1f} / {times[1] * 1e3:.1f} / {times[2] * 1e3:.1f} ms; "
              f"peak memory at 4x / 16x {peaks[1]:,} / {peaks[2]:,} bytes")
    assert time_growth < MAX_TIME_GROWTH, report
    assert memory_growth < MAX_MEMORY_GROWTH, report
    # A bounded factor of the input, not only linear growth: at most 12 bytes of memory
    # per byte read, plus a constant for the reader's own tables.
    assert peaks[2] < 12 * sizes[2] + (4 << 20), report


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON Lines reads 1 MB at a time; 1 KB chunks make a record longer than a chunk
    (the case that was quadratic) happen at sizes a test can afford."""
    monkeypatch.setattr(jsonl, "CHUNK_BYTES", 1024)


@pytest.mark.parametrize("name", sorted(CASES))
def test_work_grows_linearly_with_the_input(name: str, tmp_path: Path, small_chunks: None) -> None:
    _check_growth(tmp_path, name, 1)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_work_grows_linearly_at_scale(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _check_growth(tmp_path, name, 16)


# ------------------------------------------------------------------ files that multiply

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from tui.store import open_store
    path = sys.argv[1]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    store = open_store(path, cache=False)
    seconds = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"seconds": seconds, "mb": grown / 1024, "papers": len(store),
                      "problems": [str(p) for p in store.problems]}))
""")


def _open_in_child(path: Path, seconds: float = 30.0, memory_gb: int = 2) -> dict:
    """Open ``path`` in a child limited in address space, so a regression that expands
    without end dies there (MemoryError or the timeout) and fails the test."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_gb << 30, memory_gb << 30))

    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                              text=True, timeout=seconds, preexec_fn=limit,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    except subprocess.TimeoutExpired:
        pytest.fail(f"opening {path.name} ({path.stat().st_size:,} bytes) took over {seconds} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _chained_macros(count: int) -> str:
    lines = ['@string{a0 = "xy"}']
    lines += [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, count)]
    lines.append(f"@article{{k, title = a{count - 1}, author = {{Doe, J.}}}}")
    return "\n".join(lines) + "\n"


def test_a_kilobyte_of_chained_macros_costs_under_a_second_and_100_mb(tmp_path: Path) -> None:
    path = tmp_path / "laughs.bib"
    path.write_text(_chained_macros(40), encoding="utf-8")
    assert path.stat().st_size <= 1024
    result = _open_in_child(path)
    assert result["seconds"] < 1.0, result
    assert result["mb"] < 100, result
    assert result["papers"] == 1
    assert any("laughs.bib:" in p and "@string macros expand to more than" in p
               for p in result["problems"]), result["problems"]


def test_a_huge_field_is_cut_with_a_problem_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text('{"title": "Fine"}\n{"title": "Huge", "abstract": "'
                    + "word " * 400_000 + '"}\n', encoding="utf-8")
    store = open_store(path)
    huge = next(p for p in store if p.title == "Huge")
    assert len(huge.abstract) <= 1_000_000
    assert [str(p) for p in store.problems] == [
        f"{path}:2: abstract is 1,999,999 characters long; only the first 1,000,000 are kept"]


@pytest.mark.slow
def test_a_200_mb_record_costs_seconds_and_under_a_gigabyte(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"title": "Long", "abstract": "')
        for _ in range(200):
            out.write("word " * (1 << 18))  # 1.25 MB each: 250 MB in all
        out.write('"}\n{"title": "After"}\n')
    result = _open_in_child(path, seconds=60, memory_gb=3)
    assert result["papers"] == 2
    assert result["seconds"] < 10, result
    assert result["mb"] < 1024, result
