"""A command about one paper reads only that paper's annotation file, whatever the size of
the profile: with 100,000 annotations, `papertray annotate key:… --star` took 3.3 s
against 0.3 s with an empty profile, reading all 256 files for one change. Read lazily,
nothing the files say is lost or overwritten: every change is made on what its file holds,
read again under the lock, even when it cannot be saved yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import paths
from tui.cli import run
from tui.store import open_store
from tui.userdata import SaveError, UserData, shard_of
from tui.userdata.shards import ShardedFiles
from tui.userdata.storage import ProfileLock

KEYS = [f"arxiv:2101.{n:05d}" for n in range(300)]
"""Papers spread over most of the 256 files."""


def filled(folder: Path) -> Path:
    """A profile with a star and a note on each of :data:`KEYS`."""
    data = UserData(folder)
    data.update_many([(key, f"Paper {key}") for key in KEYS], starred=True, note="keep this")
    data.close()
    return folder


def read_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The annotation files read from now on, by shard."""
    read: list[str] = []
    absorb = ShardedFiles._absorb

    def counting(self: ShardedFiles, stem: str) -> bool:
        read.append(stem)
        return absorb(self, stem)

    monkeypatch.setattr(ShardedFiles, "_absorb", counting)
    return read


def test_one_change_reads_and_writes_one_file_and_keeps_every_other_annotation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = filled(tmp_path / "profile")
    read = read_files(monkeypatch)
    lazy = UserData(folder, lazy=True)
    assert read == [], "opening reads nothing"
    lazy.update(KEYS[7], state="read")
    assert set(read) == {shard_of(KEYS[7])}
    assert lazy.get(KEYS[7]).note == "keep this" and lazy.get(KEYS[7]).starred
    everything = UserData(folder).annotations()
    assert len(everything) == len(KEYS)
    assert all(a.starred and a.note == "keep this" for a in everything.values())
    assert everything[KEYS[7]].state == "read"


def test_what_another_window_saved_is_seen_and_kept(tmp_path: Path) -> None:
    folder = filled(tmp_path / "profile")
    lazy = UserData(folder, lazy=True)
    assert lazy.get(KEYS[3]).note == "keep this"
    UserData(folder).update(KEYS[3], note="written in the reader meanwhile")
    lazy.update(KEYS[3], add_tags=["thesis"])
    again = UserData(folder).get(KEYS[3])
    assert again.note == "written in the reader meanwhile" and again.tags == ("thesis",)
    assert len(lazy) == len(KEYS), "asking for every annotation reads every file"


def test_a_change_that_cannot_be_saved_is_made_on_what_the_file_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock cannot be taken (a stuck or unreadable lock file): the change waits in
    memory, and when it is finally saved the file's star and note are still there."""
    folder = filled(tmp_path / "profile")
    lazy = UserData(folder, lazy=True)

    def stuck(self: ProfileLock) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(ProfileLock, "__enter__", stuck)
        with pytest.raises(SaveError):
            lazy.update(KEYS[11], state="later")
    lazy.flush()
    saved = UserData(folder).get(KEYS[11])
    assert (saved.state, saved.starred, saved.note) == ("later", True, "keep this")


def test_a_damaged_file_met_later_is_moved_aside_and_said(tmp_path: Path) -> None:
    folder = filled(tmp_path / "profile")
    damaged = folder / "annotations" / f"{shard_of(KEYS[0])}.json"
    damaged.write_text("{not json", encoding="utf-8")
    lazy = UserData(folder, lazy=True)
    assert lazy.warnings == []
    assert lazy.get(KEYS[0]) is None
    assert any(str(damaged) in warning for warning in lazy.warnings)
    assert not damaged.exists() and list(damaged.parent.glob(f"{damaged.name}.broken-*"))


def test_annotate_by_key_reads_one_annotation_file(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    folder = filled(paths.profile_dir("tester"))
    paper = open_store(None)[5]
    read = read_files(monkeypatch)
    assert run(["annotate", f"key:{paper.key}", "--star", "--tag", "thesis"]) == 0
    assert "Changed 1 of 1 matching paper" in capsys.readouterr().out
    assert set(read) == {shard_of(paper.key)}
    everything = UserData(folder).annotations()
    assert len(everything) == len(KEYS) + 1 and everything[paper.key].tags == ("thesis",)
    assert run(["annotate", "tag:thesis", "--untag", "thesis"]) == 0  # a search reads them all
    assert len(set(read)) > 100
