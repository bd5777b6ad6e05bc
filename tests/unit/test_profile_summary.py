"""A profile opened through its cache's summaries (what the command line and the reader
do) shows exactly what reading every file shows: the same counts, tags and ``is:``/
``tag:``/``note:`` answers, the same warnings for damaged and odd files; a command about
one paper reads that paper's file only, and still moves an annotation to its paper's
new key; and a change made after another program changed the file keeps both.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.unit.test_lazy_profile import retitled
from tests.unit.test_profile_read import _golden, _words, build_profile
from tui import paths
from tui.cli import run
from tui.follow import plan
from tui.model import Paper, stable_key
from tui.search import SearchEngine
from tui.store import Store, open_store
from tui.triage import count_states, count_tags
from tui.userdata import UserData, shard_of
from tui.userdata import shards as shards_module
from tui.userdata.shards import ShardedFiles
from tui.userdata.record import Record
from tui.userdata.storage import decode_annotations


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readings happen ten seconds after the files were written (as they do, outside tests)."""
    monkeypatch.setattr(shards_module, "_now_ns", lambda: time.time_ns() + 10_000_000_000)


def _paper(number: int) -> Paper:
    title = f"Paper number {number} on retrieval"
    return Paper(key=stable_key(title=title, authors=("Ada Byron",), year=2020), title=title,
                 authors=("Ada Byron",), year=2020)


PAPERS = [_paper(n) for n in range(60)]


def _varied(folder: Path) -> Path:
    """Stars, tags, states and notes on papers in the store and on papers of other
    stores, some taken back to nothing (records that are not annotations)."""
    data = UserData(folder)
    keys = [p.key for p in PAPERS[:40]] + [f"arxiv:2101.{n:05d}" for n in range(300)]
    for n, key in enumerate(keys):
        data.update(key, starred=n % 3 == 0, add_tags=["thesis"] if n % 4 == 0 else [],
                    state=("read", "later", "skipped", "inbox")[n % 4],
                    note="about contrastive losses" if n % 5 == 0 else None)
    for key in keys[::7]:  # everything taken back: a record, not an annotation
        data.update(key, starred=False, tags=[], state="inbox", note="")
    data.close()
    return folder


def _summed_up(folder: Path, cache: Path) -> UserData:
    """The profile as the command line opens it, its cache filled by an earlier opening."""
    UserData(folder, cache_dir=cache).close()
    return UserData(folder, lazy=True, cache_dir=cache)


def test_counts_tags_and_queries_are_the_same_as_reading_every_file(tmp_path: Path, later: None) -> None:
    folder = _varied(tmp_path / "profile")
    everything = UserData(folder)
    summed = _summed_up(folder, tmp_path / "cache")
    assert summed._files.summaries and not summed._records, "nothing built yet"
    store = Store(PAPERS)
    assert count_states(summed.annotations(), store) == count_states(everything.annotations(), store)
    assert count_tags(summed.annotations(), store) == count_tags(everything.annotations(), store)
    assert summed.all_tags() == everything.all_tags() and len(summed) == len(everything)
    for query in ("is:starred", "tag:thesis", "is:read", "is:inbox", "-is:later", "has:note",
                  "note:contrastive", "contrastive", "tag:thesis is:starred retrieval"):
        ours = SearchEngine(store).run(query, summed.annotations())
        theirs = SearchEngine(store).run(query, everything.annotations())
        assert ours.indices.tolist() == theirs.indices.tolist(), query
    assert dict(summed.annotations()) == dict(everything.annotations())
    assert all(summed.get(key) == everything.get(key) for key in everything._records)


def test_annotate_by_key_reads_one_file_and_the_others_stay_summed_up(
        tmp_path: Path, later: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = _varied(paths.profile_dir("tester"))
    UserData(folder, cache_dir=paths.cache_dir()).close()  # an earlier command filled the cache
    read: list[str] = []  # shards whose records were taken in, from the cache or the file
    take = ShardedFiles._take

    def counting(self: ShardedFiles, stem: str, theirs: dict[str, Record]) -> bool:
        read.append(stem)
        return take(self, stem, theirs)

    monkeypatch.setattr(ShardedFiles, "_take", counting)
    target = open_store(None)[5].key
    assert run(["annotate", f"key:{target}", "--star", "--tag", "mine"]) == 0
    assert "Changed 1 of 1" in capsys.readouterr().out
    assert set(read) <= {shard_of(target)}, "no other file is read"
    again = UserData(folder)
    assert again.get(target).starred and again.get(target).tags == ("mine",)  # type: ignore[union-attr]
    assert dict(again.annotations()) == {**dict(UserData(folder).annotations())}
    assert len(again) == len(UserData(folder))


def test_a_paper_whose_key_changed_is_still_followed_by_a_command(
        tmp_path: Path, later: None, capsys: pytest.CaptureFixture[str]) -> None:
    store_file = tmp_path / "lib.jsonl"

    def more_and_summed_up() -> None:  # a big profile around it, of other papers, in the cache
        _varied(paths.profile_dir("tester"))
        UserData(paths.profile_dir("tester"), cache_dir=paths.cache_dir()).close()

    old, new = retitled(store_file, more_and_summed_up)
    assert run(["annotate", f"key:{new}", str(store_file), "--state", "read"]) == 0
    assert "followed" in capsys.readouterr().err
    kept = UserData(paths.profile_dir("tester")).get(new)
    assert (kept.starred, kept.tags, kept.note, kept.state) == (True, ("t1",), "old note", "read")  # type: ignore[union-attr]
    assert UserData(paths.profile_dir("tester")).get(old) is None


def test_a_change_after_another_program_changed_the_file_keeps_both(tmp_path: Path, later: None) -> None:
    folder = _varied(tmp_path / "profile")
    summed = _summed_up(folder, tmp_path / "cache")
    keys = [f"arxiv:2101.{n:05d}" for n in range(300)]
    first, second = [key for key in keys if shard_of(key) == shard_of(keys[1])][:2]
    UserData(folder).update(first, note="written in another window")
    summed.update(second, add_tags=["from-the-command-line"])
    on_disk = decode_annotations((folder / "annotations" / f"{shard_of(first)}.json").read_bytes())
    assert on_disk[first].note == "written in another window"
    assert "from-the-command-line" in on_disk[second].tags
    assert len(UserData(folder)) == len(summed)


def test_reload_sees_what_another_program_changed_in_a_summed_up_file(tmp_path: Path, later: None) -> None:
    folder = _varied(tmp_path / "profile")
    summed = _summed_up(folder, tmp_path / "cache")
    before = summed.annotations()
    key = PAPERS[2].key
    assert summed.reload() is False
    UserData(folder).update(key, note="a note from elsewhere")
    assert summed.reload() is True
    assert summed.get(key).note == "a note from elsewhere"  # type: ignore[union-attr]
    assert summed.annotations()[key].note == "a note from elsewhere"
    assert before.get(key) is None or before[key].note != "a note from elsewhere", "a snapshot stays"


def test_a_summed_up_file_replaced_by_an_older_copy_is_written_whole_again(
        tmp_path: Path, later: None) -> None:
    """As when every file was read: what the opening knew is never lost to a sync."""
    folder = _varied(tmp_path / "profile")
    key = PAPERS[3].key
    shard = folder / "annotations" / f"{shard_of(key)}.json"
    older = shard.read_bytes()
    UserData(folder).update(key, note="the newer note")
    summed = _summed_up(folder, tmp_path / "cache")
    shard.write_bytes(older)  # a sync put back the older copy
    summed.reload()
    summed.update(PAPERS[4].key, starred=True)
    assert UserData(folder).get(key).note == "the newer note"  # type: ignore[union-attr]


def test_odd_old_and_damaged_files_read_the_same_through_the_summaries(tmp_path: Path, later: None) -> None:
    folder = build_profile(tmp_path / "profile")
    cache = tmp_path / "cache"
    UserData(folder, "golden", cache_dir=cache).close()
    for broken in (folder / "annotations").glob("*.broken-*"):  # as they were, for a second look
        broken.rename(broken.with_name(broken.name.split(".broken-")[0]))
    summed = UserData(folder, "golden", lazy=True, cache_dir=cache)
    golden = _golden()
    assert len(summed._files.summaries) > 10
    assert sorted(summed.annotations()) == golden["annotations"]
    assert [list(t) for t in summed.all_tags()] == golden["tags"] and len(summed) == golden["count"]
    assert sorted(_words(w, folder) for w in summed.warnings) == golden["warnings"]
    assert json.loads(json.dumps(sorted(
        [_words(str(a), folder), _words(str(b), folder), _words(str(c), folder) if c else None]
        for a, b, c in summed.damaged))) == golden["damaged"]
    everything = UserData(folder, "golden")
    assert dict(summed.annotations()) == dict(everything.annotations())
    ours, theirs = plan(Store(PAPERS), summed.annotations())[0], plan(Store(PAPERS), everything.annotations())[0]
    assert sorted(map(str, ours.orphans)) == sorted(map(str, theirs.orphans))
    assert (ours.followed, ours.elsewhere) == (theirs.followed, theirs.elsewhere)


def _entry_of(cache: Path, key: str) -> Path:
    return next((cache / "annotations").rglob(f"{shard_of(key)}.marshal"))


@pytest.mark.parametrize("damage", ["removed", "records flipped"])
def test_a_cache_entry_gone_after_the_opening_reads_the_file_instead(
        tmp_path: Path, later: None, damage: str) -> None:
    folder = _varied(tmp_path / "profile")
    everything = UserData(folder)
    summed = _summed_up(folder, tmp_path / "cache")
    view = summed.annotations()
    key = next(k for k in everything.annotations() if shard_of(k) == shard_of(PAPERS[0].key))
    entry = _entry_of(tmp_path / "cache", key)
    if damage == "removed":
        entry.unlink()
    else:
        data = entry.read_bytes()
        at = data.rindex(key.encode())  # in the records, after the summary
        entry.write_bytes(data[:at] + b"X" + data[at + 1:])
    assert view[key] == everything.annotations()[key]
    assert summed.get(key) == everything.get(key)


def test_when_both_the_file_and_its_cache_entry_changed_the_paper_reads_as_it_is_now(
        tmp_path: Path, later: None) -> None:
    folder = _varied(tmp_path / "profile")
    summed = _summed_up(folder, tmp_path / "cache")
    view = summed.annotations()
    key = PAPERS[1].key
    assert key in view and summed._files.summaries.get(shard_of(key)) is not None
    UserData(folder).update(key, note="changed meanwhile")
    _entry_of(tmp_path / "cache", key).unlink()
    assert view[key].note == "changed meanwhile"  # no error: the paper as it is now
    assert summed.get(key).note == "changed meanwhile"  # type: ignore[union-attr]
    assert summed.annotations()[key].note == "changed meanwhile"
    summed.update(key, add_tags=["kept"])
    saved = UserData(folder).get(key)
    assert saved.note == "changed meanwhile" and "kept" in saved.tags  # type: ignore[union-attr]
