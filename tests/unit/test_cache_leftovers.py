"""A papertray killed while writing its cache leaves a temporary file; the next start
removes it as soon as no live process is writing it (not a day later)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tui.cache as cache
from tui.store import open_store

ROOT = Path(__file__).resolve().parents[2]

_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from tui.cache import ContainerWriter, root
    out = ContainerWriter(root() / "shards" / "big.ptc", "shard")
    out.blob("abstracts").write(b"x" * 1_000_000)
    print("writing", flush=True)
    time.sleep(60)
""")


def _start_writer() -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", _WRITER], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    return child


def _temps() -> list[Path]:
    return sorted((cache.root() / "shards").glob(".*.tmp"))


@pytest.fixture
def store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache, "LEFTOVER_GRACE", 0.0, raising=False)  # as if minutes ago
    path = tmp_path / "papers.jsonl"
    path.write_text(json.dumps({"title": "A paper"}) + "\n", encoding="utf-8")
    return path


def test_a_killed_writers_temporary_file_is_removed_at_the_next_open(store_file: Path) -> None:
    child = _start_writer()
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert len(_temps()) == 1
    open_store(store_file, cache=True)
    assert _temps() == []


def test_a_file_a_live_writer_holds_is_left_alone(store_file: Path) -> None:
    child = _start_writer()
    try:
        open_store(store_file, cache=True)
        assert len(_temps()) == 1
    finally:
        child.kill()
        child.wait()


def test_a_blob_checked_in_parts_on_several_cores_still_finds_every_damaged_block(tmp_path: Path) -> None:
    """A big file's shard is checked on both cores, each core a run of blocks: every block
    is checked once, and damage in any run means the shard is not used."""
    from tui.cache.container import BLOCK, CacheDamaged, Container
    from tui.cache.writer import ContainerWriter

    path = tmp_path / "blob.ptc"
    writer = ContainerWriter(path, "test")
    writer.blob("text").write(bytes(range(256)) * (BLOCK * 5 // 256 + 3))  # six blocks
    writer.commit()
    blob = Container(path, "test").blob("text")
    runs = blob.parts(4)
    assert [b for lo, hi in runs for b in range(lo, hi)] == list(range(6))
    for lo, hi in runs:
        blob.check_blocks(lo, hi)
    data = bytearray(path.read_bytes())
    data[data.index(bytes(range(256))) + 4 * BLOCK + 7] ^= 0xFF  # the fifth block, in the last run
    path.write_bytes(bytes(data))
    damaged = Container(path, "test").blob("text")
    damaged.check_blocks(*damaged.parts(2)[0])  # the first run is sound
    with pytest.raises(CacheDamaged):
        damaged.check_blocks(*damaged.parts(2)[1])
