"""Promise 1: saves survive kill -9.

A child process applies annotation changes as fast as it can and prints each one once it
is saved; we kill it with SIGKILL at random instants. After every kill, every annotation
file must parse, every change the child reported must be there, and the temporary files
it was killed in the middle of must be gone after the next open.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.userdata import UserData
from tui.userdata.storage import decode_annotations

HELPER = Path(__file__).resolve().parents[1] / "helpers" / "userdata_child.py"


def _start_writer(profile: Path, seed: int) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, str(HELPER), "writer", str(profile), str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first == "ready\n", f"writer did not start: {first!r} {child.stderr.read() if child.stderr else ''}"
    return child


def _kill_and_collect(child: subprocess.Popen[str], after: float) -> dict[str, int]:
    """SIGKILL after ``after`` seconds; return the newest acknowledged seq per paper."""
    time.sleep(after)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate()
    assert child.returncode == -signal.SIGKILL, f"writer died by itself:\n{err}"
    acknowledged: dict[str, int] = {}
    for line in out.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # killed while printing: that change was never acknowledged
        _, key, seq = line.split()
        acknowledged[key] = max(acknowledged.get(key, 0), int(seq))
    return acknowledged


def _check_after_kill(profile: Path, acknowledged: dict[str, int]) -> int:
    """Assert the promise; return how many temp files the kill left behind."""
    folder = profile / "annotations"
    for shard in folder.glob("*.json"):
        decode_annotations(shard.read_bytes())  # raises if any file is broken
    leftovers = list(folder.glob(".*.tmp"))
    with UserData(profile) as data:
        assert data.warnings == [], data.warnings
        for key, seq in acknowledged.items():
            saved = data.get(key)
            assert saved is not None, f"acknowledged change to {key} was lost"
            assert int(saved.note.split("|")[0]) >= seq, f"{key}: saved {saved.note[:20]}, acked {seq}"
    assert list(folder.glob(".*.tmp")) == [], "leftover temp files survived the next open"
    return len(leftovers)


def _run_trials(profile: Path, trials: int, budget_s: float, rng: random.Random) -> tuple[int, int, int]:
    deadline = time.monotonic() + budget_s
    done = acked = interrupted = 0
    everything: dict[str, int] = {}
    while done < trials and time.monotonic() < deadline:
        child = _start_writer(profile, seed=done + 1)
        acknowledged = _kill_and_collect(child, rng.uniform(0.005, 0.08))
        for key, seq in acknowledged.items():
            everything[key] = max(everything.get(key, 0), seq)
        # Check what this writer acknowledged and, through `everything`, all earlier ones.
        interrupted += _check_after_kill(profile, everything) > 0
        acked += len(acknowledged)
        done += 1
    return done, acked, interrupted


def test_saves_survive_kill_9(tmp_path: Path) -> None:
    done, acked, interrupted = _run_trials(tmp_path / "profile", trials=60, budget_s=20,
                                           rng=random.Random(7))
    assert done >= 15, f"only {done} trials ran in the time budget"
    assert acked > done, "the writer acknowledged almost nothing: the test proved nothing"
    # The kills must land inside writes, or the test would pass without atomic writes.
    assert interrupted >= 1, f"no kill out of {done} interrupted a write"


@pytest.mark.slow
def test_saves_survive_kill_9_hundreds_of_times(tmp_path: Path) -> None:
    done, acked, interrupted = _run_trials(tmp_path / "profile", trials=400, budget_s=300,
                                           rng=random.Random(11))
    assert done >= 300, f"only {done} trials ran in the time budget"
    assert interrupted >= 10
    print(json.dumps({"trials": done, "acknowledged": acked, "interrupted_writes": interrupted}))
