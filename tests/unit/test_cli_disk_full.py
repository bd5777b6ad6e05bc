"""A disk that fills up half way through ``papertray annotate``: the papers whose files
were written keep the change, the command says how many, and ``papertray undo`` takes
back exactly that, never the command before it (found by a tester on a nearly full disk:
"the change was not saved" was said of a change made to 2 of 3 papers, nothing was kept
for undo, and undo then took back the previous command's tags)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tui.bench.synthetic import write_jsonl
from tui.cli import run
from tui.store import open_store
from tui.userdata import UserData
from tui.userdata.shards import ShardedFiles


def _profile(home: Path) -> UserData:
    return UserData(home / "data" / "profiles" / "tester")


def test_a_change_stopped_by_a_full_disk_is_told_and_undone_as_far_as_it_was_written(
        hermetic_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    store = write_jsonl(tmp_path / "papers.jsonl", 40, seed=3)
    keys = [paper.key for paper in open_store(store)]
    assert run(["annotate", "", str(store), "--all", "--tag", "first"]) == 0
    real_write, calls = ShardedFiles._write, []

    def fills_up(files: ShardedFiles, stem: str) -> None:
        calls.append(stem)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(files, stem)

    monkeypatch.setattr(ShardedFiles, "_write", fills_up)
    capsys.readouterr()
    assert run(["annotate", "", str(store), "--all", "--state", "read"]) == 1
    err = capsys.readouterr().err
    monkeypatch.setattr(ShardedFiles, "_write", real_write)
    now = _profile(hermetic_dirs)
    read = [key for key in keys if now.get(key).state == "read"]
    assert 0 < len(read) < len(keys)
    assert f"{len(read)} of 40 matching papers changed before it" in err
    assert "No space left on device" in err and "papertray undo" in err
    assert all(now.get(key).tags == ("first",) for key in keys)

    assert run(["undo"]) == 0
    after = _profile(hermetic_dirs)
    assert all(after.get(key).state == "inbox" and after.get(key).tags == ("first",) for key in keys)
    assert run(["undo"]) == 0  # and the command before it, next
    assert all((a := _profile(hermetic_dirs).get(key)) is None or not a.tags for key in keys)
