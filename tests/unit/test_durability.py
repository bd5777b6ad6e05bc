"""Promises 2 and 4: a failed write changes nothing, and two writers lose nothing.

Also the pieces the kill test cannot see: that the data is fsynced before the rename
and the folder after it (a power cut, unlike kill -9, loses what was not synced), and
that an interrupted writer's temporary files are cleaned up at the next open.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.helpers.folders import read_only
from tui.userdata import SaveError, UserData, shard_of

HELPER = Path(__file__).resolve().parents[1] / "helpers" / "userdata_child.py"
KEY = "arxiv:2104.08821"
OTHER_KEY = "arxiv:1810.04805"


def _shard_file(profile: Path, key: str) -> Path:
    return profile / "annotations" / f"{shard_of(key)}.json"


def _fsync_fails(monkeypatch: pytest.MonkeyPatch, folder: Path) -> contextlib.AbstractContextManager[None]:
    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")
    return _patched(monkeypatch, os, "fsync", failing_fsync)


def _disk_full(monkeypatch: pytest.MonkeyPatch, folder: Path) -> contextlib.AbstractContextManager[None]:
    real_write = os.write

    def full_after_a_few_bytes(fd: int, data: bytes) -> int:
        if len(data) > 16:
            return real_write(fd, bytes(data[:16]))  # a partial write, as a filling disk does
        raise OSError(errno.ENOSPC, "No space left on device")
    return _patched(monkeypatch, os, "write", full_after_a_few_bytes)


def _folder_read_only(monkeypatch: pytest.MonkeyPatch, folder: Path) -> contextlib.AbstractContextManager[None]:
    return read_only(folder)


@contextlib.contextmanager
def _patched(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, value: object) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr(owner, name, value)
        yield


@pytest.mark.parametrize("fault", [_fsync_fails, _disk_full, _folder_read_only],
                         ids=["fsync-raises", "disk-full", "read-only-folder"])
@pytest.mark.parametrize("retry", ["flush", "next-change"])
def test_failed_write_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      fault: Callable[..., contextlib.AbstractContextManager[None]],
                                      retry: str) -> None:
    profile = tmp_path / "profile"
    data = UserData(profile)
    data.update(KEY, title="SimCSE", starred=True)
    shard = _shard_file(profile, KEY)
    before = shard.read_bytes()

    with fault(monkeypatch, profile / "annotations"):
        with pytest.raises(SaveError) as raised:
            data.update(KEY, note="my reading notes")
        assert shard.read_bytes() == before, "a failed write touched the saved file"
    message = str(raised.value)
    assert str(shard) in message and message.endswith(".") and "\n" not in message
    assert data.get(KEY).note == "my reading notes", "the change was dropped from memory"
    assert data.unsaved == 1
    assert list((profile / "annotations").glob(".*.tmp")) == [], "a temp file was left behind"

    if retry == "flush":
        data.flush()
    else:
        data.update(OTHER_KEY, starred=True)
    assert data.unsaved == 0
    reopened = UserData(profile)
    assert reopened.get(KEY).note == "my reading notes" and reopened.get(KEY).starred
    if retry == "next-change":
        assert reopened.get(OTHER_KEY).starred


def test_failed_write_under_a_file_size_limit_changes_nothing(tmp_path: Path) -> None:
    """A real "disk full": RLIMIT_FSIZE in a child, so the kernel refuses the write."""
    profile = tmp_path / "profile"
    UserData(profile).update(KEY, title="SimCSE", note="x" * 2000)  # the shard is now > 512 bytes
    result = subprocess.run([sys.executable, str(HELPER), "fsize", str(profile), KEY],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["error"] and str(_shard_file(profile, KEY)) in report["error"]
    assert report["files_unchanged"] and report["kept_in_memory"] and report["unsaved"] == 1
    assert report["unsaved_after_flush"] == 0
    assert UserData(profile).get(KEY).note.startswith("written while the disk was full")


def test_durable_write_syncs_file_before_rename_and_folder_after(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """kill -9 cannot tell a missing fsync; a power cut can. So check the order of calls."""
    profile = tmp_path / "profile"
    data = UserData(profile)
    data.update(OTHER_KEY, starred=True)  # folders exist; the next write is a plain update
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def recording_fsync(fd: int) -> None:
        events.append("fsync-folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def recording_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(f"replace:{Path(dst).name}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    data.update(KEY, starred=True)
    rename = events.index(f"replace:{_shard_file(profile, KEY).name}")
    assert "fsync-file" in events[:rename], f"data not synced before the rename: {events}"
    assert "fsync-folder" in events[rename:], f"rename not made durable: {events}"


def test_leftover_temp_files_are_cleaned_at_next_open(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    UserData(profile).update(KEY, starred=True)
    folder = profile / "annotations"
    leftover = folder / f".{shard_of(KEY)}.json.4242.deadbeef.tmp"
    leftover.write_text('{"annotations": {"half', encoding="utf-8")  # a writer killed mid-write
    (profile / "backups").mkdir(exist_ok=True)
    half_backup = profile / "backups" / ".6d-20240501T100000000000Z.json.4242.cafe.tmp"
    half_backup.write_text("{", encoding="utf-8")
    reopened = UserData(profile)
    assert not leftover.exists() and not half_backup.exists()
    assert reopened.get(KEY).starred and reopened.warnings == []


def test_two_writers_lose_nothing(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    go = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, str(HELPER), "tagger", str(profile), name, "300", str(go)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for name in ("a", "b")]
    for child in children:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    go.touch()  # both start at once, to collide as much as possible
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0 and out == "done\n", err
    data = UserData(profile)
    own = [key for key in data.annotations() if key.startswith("doi:10.")]
    assert len(own) == 600, f"{600 - len(own)} of 600 changes were lost"
    assert all(data.get(f"doi:10.{name}/{n}").note == f"by {name}" for name in "ab" for n in range(300))
    shared = [a for key, a in data.annotations().items() if key.startswith("arxiv:2201.")]
    assert len(shared) == 50
    assert all(a.tags == ("a", "b") for a in shared), "one writer's tag on a shared paper was lost"


def test_a_live_writers_temp_file_is_not_taken_for_a_leftover(tmp_path: Path) -> None:
    """Opening while another instance is mid-write (holding the lock) must not break it."""
    profile = tmp_path / "profile"
    writer = UserData(profile)
    writer.update(KEY, starred=True)
    temp = profile / "annotations" / f".{shard_of(KEY)}.json.1.cafe.tmp"
    with writer._files.lock:  # the writer is between creating its temp file and renaming it
        temp.write_text("{}", encoding="utf-8")
        started = time.monotonic()
        reader = UserData(profile, lock_timeout=0.2)
        assert temp.exists(), "a live writer's temp file was deleted"
        assert time.monotonic() - started < 5
    assert reader.get(KEY).starred
    assert any("temporary files" in w for w in reader.warnings)
