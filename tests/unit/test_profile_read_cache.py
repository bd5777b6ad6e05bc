"""The read cache of a profile's shards: only ever an accelerator for reading.

It serves a shard only while the file is exactly as it was read, a reading is trusted
only when the file had not changed for two seconds before it (so tests move the clock
on instead of waiting), and whatever is wrong with it, the files are read instead and
every change is still merged with the real file under the lock.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.unit.test_profile_read import _golden, build_profile, outcome
from tui import paths
from tui.userdata import UserData, shard_of
from tui.userdata import shards as shards_module
from tui.userdata.readcache import ShardCache
from tui.userdata.storage import decode_annotations


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readings happen ten seconds after the files were written (as they do, outside tests)."""
    monkeypatch.setattr(shards_module, "_now_ns", lambda: time.time_ns() + 10_000_000_000)


def _keys_in_one_shard(count: int) -> list[str]:
    keys: list[str] = []
    number = 0
    while len(keys) < count:
        key = f"arxiv:2101.{number:05d}"
        if shard_of(key) == "00":
            keys.append(key)
        number += 1
    return keys


def _profile(tmp_path: Path, count: int = 40) -> tuple[Path, list[str]]:
    """A profile with ``count`` annotations in shard 00 and a few elsewhere."""
    folder = tmp_path / "profile"
    keys = _keys_in_one_shard(count)
    data = UserData(folder)
    data.update_many([(key, f"Paper {key}") for key in keys], state="read")
    data.update(keys[0], starred=True, note="mine")
    for n in range(5):
        data.update(f"doi:10.1/{n}", add_tags=["thesis"])
    data.close()
    return folder, keys


def _cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _open(folder: Path, tmp_path: Path) -> UserData:
    return UserData(folder, cache_dir=_cache(tmp_path))


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((_cache(tmp_path) / "annotations").rglob("*.marshal"))


def test_a_second_opening_reads_the_cache_and_sees_exactly_the_same(tmp_path: Path, later: None) -> None:
    folder, _ = _profile(tmp_path)
    plain = UserData(folder)
    first = _open(folder, tmp_path)
    assert not first._files.from_cache and len(_entries(tmp_path)) == len(first._files.read)
    second = _open(folder, tmp_path)
    assert second._files.from_cache == second._files.read  # every shard from the cache
    assert second._records == first._records == plain._records
    assert second.annotations() == plain.annotations() and second.all_tags() == plain.all_tags()


def test_odd_old_and_damaged_files_read_the_same_through_the_cache(tmp_path: Path, later: None) -> None:
    folder = build_profile(tmp_path / "profile")
    first = outcome(folder, cache_dir=_cache(tmp_path), write=False)
    for broken in (folder / "annotations").glob("*.broken-*"):  # as they were, for a second look
        broken.rename(broken.with_name(broken.name.split(".broken-")[0]))
    second = outcome(folder, cache_dir=_cache(tmp_path))
    assert second.pop("from_cache") > 10  # served from the cache, and still the same
    assert first.pop("from_cache") == 0
    assert second == _golden()
    golden = _golden()
    golden.pop("written")
    assert first == golden


def test_a_file_changed_within_two_seconds_of_its_reading_is_not_kept(tmp_path: Path) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)  # the clock as it is: the files were written just now
    assert _entries(tmp_path) == []
    assert not _open(folder, tmp_path)._files.from_cache


def test_a_same_size_change_by_another_program_is_never_served_from_the_cache(
        tmp_path: Path, later: None) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)
    shard = folder / "annotations" / "00.json"
    before = shard.stat()
    text = shard.read_bytes()
    assert b'"note": "mine"' in text
    with open(shard, "r+b") as file:  # in place: same inode, same size, times put back
        file.write(text.replace(b'"note": "mine"', b'"note": "MINE"'))
    os.utime(shard, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert shard.stat().st_size == before.st_size and shard.stat().st_ino == before.st_ino
    again = _open(folder, tmp_path)
    assert "00" not in again._files.from_cache
    assert again.get(keys[0]).note == "MINE"  # type: ignore[union-attr]


def test_a_file_replaced_by_another_instance_is_read_again(tmp_path: Path, later: None) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)
    UserData(folder).update(keys[1], note="from another window")
    again = _open(folder, tmp_path)
    assert "00" not in again._files.from_cache and again._files.from_cache  # the others are
    assert again.get(keys[1]).note == "from another window"  # type: ignore[union-attr]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty", "other python",
                                    "a folder"])
def test_a_damaged_cache_entry_is_ignored(tmp_path: Path, later: None, damage: str) -> None:
    folder, keys = _profile(tmp_path)
    expected = UserData(folder)._records
    _open(folder, tmp_path)
    entry = next(e for e in _entries(tmp_path) if e.name == "00.marshal")
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":  # one letter of a title: still a valid payload, but not ours
        at = data.rindex(b"Paper ")
        entry.write_bytes(data[:at] + b"Pbper " + data[at + 6:])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "other python":
        entry.write_bytes(data.replace(b"cpython-", b"cpython-0", 1))
    else:
        entry.unlink()
        entry.mkdir()
    again = _open(folder, tmp_path)
    assert "00" not in again._files.from_cache
    assert again._records == expected and not again.warnings


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path, later: None) -> None:
    folder, _ = _profile(tmp_path)
    expected = UserData(folder)._records
    _cache(tmp_path).write_text("a file where the cache folder would be")
    data = _open(folder, tmp_path)
    assert data._records == expected and not data.warnings


def test_a_change_saved_after_reading_the_cache_keeps_every_annotation_of_its_shard(
        tmp_path: Path, later: None) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)
    mine = _open(folder, tmp_path)
    assert "00" in mine._files.from_cache
    other = UserData(folder)  # another window, after ours opened: changes two papers
    other.update(keys[2], starred=True)
    other.update(keys[3], add_tags=["later-tag"])
    mine.update(keys[4], note="saved through the cached reading")
    mine.update(keys[2], note="and a note")
    on_disk = decode_annotations((folder / "annotations" / "00.json").read_bytes())
    assert set(on_disk) == set(keys)  # every annotation of the shard is still there
    assert on_disk[keys[0]].starred and on_disk[keys[0]].note == "mine"
    assert on_disk[keys[2]].starred and on_disk[keys[2]].note == "and a note"
    assert on_disk[keys[3]].tags == ("later-tag",)
    assert on_disk[keys[4]].note == "saved through the cached reading"
    assert all(on_disk[key].state == "read" for key in keys)
    assert UserData(folder)._records == mine._records


def test_a_change_from_a_cached_reading_is_merged_with_the_file_under_the_lock(
        tmp_path: Path, later: None) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)
    mine = _open(folder, tmp_path)
    # Another program changed the file since (a sync); our reading did not see it.
    UserData(folder).update(keys[5], state="later", note="synced")
    mine.update(keys[6], starred=True)
    reread = UserData(folder)
    assert reread.get(keys[5]) == mine.get(keys[5])
    assert reread.get(keys[5]).note == "synced" and reread.get(keys[6]).starred  # type: ignore[union-attr]


def test_reload_takes_in_what_changed_after_a_cached_reading(tmp_path: Path, later: None) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)
    mine = _open(folder, tmp_path)
    UserData(folder).update(keys[7], note="elsewhere")
    assert mine.reload()
    assert mine.get(keys[7]).note == "elsewhere"  # type: ignore[union-attr]


def test_the_cache_is_never_kept_in_the_profile_folder(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    assert ShardCache.for_profile(folder, folder) is None
    for root in (tmp_path, tmp_path / "cache"):
        cache = ShardCache.for_profile(folder, root)
        assert cache is not None and folder not in cache.folder.parents
    assert ShardCache.for_profile(folder, folder / "annotations") is None


def test_the_command_line_keeps_the_cache_in_the_cache_folder(tmp_path: Path, later: None) -> None:
    data = UserData.open()
    data.update("arxiv:2104.08821", starred=True)
    UserData.open()
    assert (paths.cache_dir() / "annotations").is_dir()
    assert not list(data.profile_dir.rglob("*.marshal"))


def test_a_cache_of_another_profile_folder_is_not_served(tmp_path: Path, later: None) -> None:
    folder, keys = _profile(tmp_path)
    _open(folder, tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    copied = _open(copy, tmp_path)
    assert not copied._files.from_cache
    assert copied._records == UserData(folder)._records
