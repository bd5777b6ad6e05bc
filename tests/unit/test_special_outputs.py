"""`export -o` and `annotations export` write through a symlink to its file, and into a
FIFO or /dev/stdout, never replacing any of them with a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.cli import run

ROOT = Path(__file__).resolve().parents[2]
BIB = "@article{k, title={A paper to export}, author={Doe, Jane}, year=2020}\n"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "papers.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def _annotated(store: Path) -> None:
    assert run(["annotate", "paper", str(store), "--star"]) == 0


def _commands(store: Path, output: Path) -> list[list[str]]:
    return [["export", str(store), "-o", str(output), "--format", "bibtex"],
            ["annotations", "export", str(output)]]


@pytest.mark.parametrize("which", [0, 1], ids=["export", "annotations export"])
def test_a_symlink_is_written_through_and_stays_a_link(which: int, store: Path, tmp_path: Path) -> None:
    _annotated(store)
    target = tmp_path / "real.bib"
    target.write_text("old content\n", encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    assert run(_commands(store, link)[which]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "old content" not in target.read_text(encoding="utf-8")
    assert ("A paper to export" if which == 0 else '"starred": true') in target.read_text()


@pytest.mark.parametrize("which", [0, 1], ids=["export", "annotations export"])
def test_a_fifo_is_written_into_not_replaced(which: int, store: Path, tmp_path: Path) -> None:
    _annotated(store)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert run(_commands(store, fifo)[which]) == 0
    reader.join(timeout=20)
    assert fifo.is_fifo()
    text = received[0].decode()
    assert ("A paper to export" in text) if which == 0 else json.loads(text)["annotations"]


@pytest.mark.parametrize("which", [0, 1], ids=["export", "annotations export"])
def test_dev_stdout_is_written_into(which: int, store: Path) -> None:
    _annotated(store)
    argv = _commands(store, Path("/dev/stdout"))[which]
    done = subprocess.run([sys.executable, "-m", "tui", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert ("@article{k," in done.stdout) if which == 0 else json.loads(done.stdout)["annotations"]
