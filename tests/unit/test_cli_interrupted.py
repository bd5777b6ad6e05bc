"""ctrl+c (or a kill, or the terminal closing) in the middle of ``papertray annotate``: the
change is written whole and kept for undo, and said so. Before, part of it was saved with
nothing kept to undo it, and ``papertray undo`` then took back the command before it,
wiping every note that command had written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.bench.synthetic import write_jsonl
from tui.userdata import UserData

PAPERS = 6_000
"""Enough that writing the change takes a while: the signal lands in the middle."""


def papertray(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def notes(profile: Path) -> dict[str, str]:
    return {key: a.note for key, a in UserData(profile).annotations().items()}


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_bulk_change_stopped_half_way_is_written_whole_and_undone_whole(tmp_path, signum):
    store = tmp_path / "papers.jsonl"
    write_jsonl(str(store), PAPERS, seed=5)
    env = {**os.environ, "PAPERTRAY_DATA_DIR": str(tmp_path / "data"),
           "PAPERTRAY_CONFIG_DIR": str(tmp_path / "config"),
           "PAPERTRAY_CACHE_DIR": str(tmp_path / "cache"), "PAPERTRAY_USER": "ada"}
    first = papertray(env, "annotate", "", str(store), "--all", "--note", "my own words")
    assert first.returncode == 0, first.stderr
    profile = tmp_path / "data" / "profiles" / "ada"
    before = notes(profile)
    assert len(before) > 5_000 and set(before.values()) == {"my own words"}
    shards = profile / "annotations"
    stamps = {p: p.stat().st_mtime_ns for p in shards.glob("*.json")}

    command = subprocess.Popen(
        [sys.executable, "-m", "tui", "annotate", "", str(store), "--all",
         "--replace-note", "replaced"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and command.poll() is None:
        if any(p.stat().st_mtime_ns != stamp for p, stamp in stamps.items()):
            break  # the change is being written
        time.sleep(0.002)
    command.send_signal(signum)
    out, err = command.communicate(timeout=120)

    after = notes(profile)
    assert set(after.values()) == {"replaced"}, "the change was written whole"
    assert command.returncode == 128 + signum, err
    assert "saved whole" in err and "Traceback" not in err
    undone = papertray(env, "undo")
    assert undone.returncode == 0, undone.stderr
    assert notes(profile) == before, "undo takes back that change, and only it"
