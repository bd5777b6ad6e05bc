"""A profile read lazily (``UserData(lazy=True)``) reads a paper's annotation file when the
paper is first asked about, and nothing the files say is lost or overwritten: every change
is made on what its file holds, read again under the lock, even when it cannot be saved
yet. The command line does not use it for ``annotate key:…`` (it must follow moved
annotations first, which reads them all): the last test is why."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

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

    def counting(self: ShardedFiles, stem: str, **options: bool) -> bool:
        read.append(stem)
        return absorb(self, stem, **options)

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


def retitled(store_file: Path, between: Callable[[], object] = lambda: None) -> tuple[str, str]:
    """A paper starred, tagged and noted by key (``papertray annotate``), then ``between()``,
    then a typo in its title fixed (no citekey or DOI): its old and new keys."""
    store_file.write_text(
        '{"title": "Contrastive Lerning of Sentence Embeddings", "authors": ["John Smith"], "year": 2020}\n'
        '{"title": "A Survey of Retrieval", "authors": ["Amy Jones"], "year": 2019}\n', encoding="utf-8")
    old = open_store(store_file)[0].key
    assert run(["annotate", f"key:{old}", str(store_file), "--star", "--tag", "t1", "--note", "old note"]) == 0
    between()
    store_file.write_text(store_file.read_text().replace("Lerning", "Learning"), encoding="utf-8")
    new = open_store(store_file)[0].key
    assert new != old
    return old, new


def test_annotate_by_key_after_a_title_fix_keeps_the_old_star_and_note(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The paper's key changed (a title typo fixed, no citekey or DOI): a change given by
    its new key lands after its old star, tag and note have followed it, never beside
    them (where the old ones would be stranded as an orphan)."""
    store_file = tmp_path / "lib.jsonl"
    _, new = retitled(store_file)
    assert run(["annotate", f"key:{new}", str(store_file), "--state", "read"]) == 0
    capsys.readouterr()
    kept = UserData(paths.profile_dir("tester")).get(new)
    assert (kept.starred, kept.tags, kept.note, kept.state) == (True, ("t1",), "old note", "read")
