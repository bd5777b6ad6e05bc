"""User data as a person meets it: stars, tags, notes and states that stay put."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import Query
from tinydb.table import Document

from tui import paths
from tui.model import STATES, Annotation
from tui.userdata import UserData, shard_of
from tui.userdata.format import (
    dump_json, encode_tables, from_document, normalise_tags, record_of, to_document,
)
from tui.userdata.storage import AnnotationDB, DurableJSONStorage, decode_records

KEY = "arxiv:2104.08821"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def states(data: UserData) -> Counter[str]:
    return Counter(a.state for a in data.annotations().values())


def starred(data: UserData) -> int:
    return sum(a.starred for a in data.annotations().values())


@pytest.fixture
def data(tmp_path: Path) -> UserData:
    return UserData(tmp_path / "profile")


def test_a_change_is_saved_before_update_returns(data: UserData) -> None:
    saved = data.update(KEY, title="Japanese SimCSE Technical Report", starred=True, note="# Read")
    reopened = UserData(data.profile_dir)
    assert reopened.get(KEY) == saved
    assert saved.starred and saved.note == "# Read" and saved.title == "Japanese SimCSE Technical Report"


def test_open_uses_the_named_profile_in_the_data_folder() -> None:
    named = UserData.open("Ada Lovelace")
    assert named.profile == "Ada_Lovelace"
    assert named.profile_dir == paths.data_dir() / "profiles" / "Ada_Lovelace"
    assert UserData.open().profile == "tester"  # PAPERTRAY_USER, set by the test fixture


def test_tags_are_sorted_lowercase_unique_and_whitespace_free(data: UserData) -> None:
    assert data.update(KEY, tags=["Thesis", " to cite ", "thesis", ""]).tags == ("thesis", "to-cite")
    assert data.update(KEY, add_tags=["Retrieval"], remove_tags=["THESIS"]).tags == ("retrieval", "to-cite")
    assert data.update(KEY, add_tags="one tag").tags == ("one-tag", "retrieval", "to-cite")


def test_an_unknown_state_is_refused_and_nothing_is_saved(data: UserData) -> None:
    with pytest.raises(ValueError, match="unknown state"):
        data.update(KEY, state="done")  # type: ignore[arg-type]
    assert data.get(KEY) is None and not data.profile_dir.exists()


def test_states_and_tags_follow_every_change(data: UserData) -> None:
    data.update("a", starred=True, state="read", tags=["x"])
    data.update("b", state="later", tags=["x", "y"])
    data.update("c", state="skipped")
    data.update("b", state="read", remove_tags=["y"])
    assert states(data) == {"read": 2, "skipped": 1} and starred(data) == 1
    assert data.all_tags() == [("x", 2)]
    data.update("a", starred=False, state="inbox")
    assert starred(data) == 0 and states(data) == {"read": 1, "skipped": 1, "inbox": 1}


def test_a_change_that_changes_nothing_writes_nothing(data: UserData) -> None:
    blank = data.update(KEY, title="T", state="inbox")
    assert blank == Annotation(key=KEY, title="T") and data.get(KEY) is None
    assert list(data.profile_dir.rglob("*.json")) == []
    first = data.update(KEY, starred=True)
    assert data.update(KEY, starred=True) == first  # same value: same timestamp, no write


def test_timestamps_are_utc_with_microseconds_and_only_move_forward(data: UserData) -> None:
    first = data.update(KEY, starred=True)
    second = data.update(KEY, starred=False)
    assert STAMP.match(first.created) and STAMP.match(second.updated)
    assert second.created == first.created and second.updated > first.updated


def test_the_title_copy_is_kept_when_later_changes_omit_it(data: UserData) -> None:
    data.update(KEY, title="Japanese SimCSE Technical Report", starred=True)
    assert data.update(KEY, state="read").title == "Japanese SimCSE Technical Report"


def test_a_bulk_change_is_one_call_writing_each_touched_shard_once(data: UserData,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    keys = [f"arxiv:2201.{n:05d}" for n in range(200)]
    writes: list[Path] = []
    real = DurableJSONStorage._write_now

    def counting(self: DurableJSONStorage, **options: bool) -> None:
        writes.append(self.path)
        real(self, **options)

    monkeypatch.setattr(DurableJSONStorage, "_write_now", counting)
    results = data.update_many([(key, f"Paper {key}") for key in keys], state="read", add_tags=["batch"])
    assert [r.key for r in results] == keys and all(r.state == "read" for r in results)
    assert len(writes) == len(set(writes)) == len({shard_of(key) for key in keys})
    assert states(UserData(data.profile_dir))["read"] == 200


def test_revert_takes_back_only_the_fields_a_change_made(data: UserData) -> None:
    first = data.change([(KEY, "SimCSE")], starred=True, note="first")
    second = data.change([(KEY, "")], note="second", state="read", add_tags=["thesis"])
    assert {c.name for c in second.changes} == {"note", "state", "tag:thesis"}
    data.revert(second.changes)  # undo
    for view in (data, UserData(data.profile_dir)):
        ann = view.get(KEY)
        assert (ann.note, ann.state, ann.tags, ann.starred) == ("first", "inbox", (), True)
    data.revert(second.changes, forward=True)  # redo
    ann = UserData(data.profile_dir).get(KEY)
    assert (ann.note, ann.state, ann.tags, ann.starred) == ("second", "read", ("thesis",), True)
    data.revert(second.changes)
    data.revert(first.changes)  # undo of the very first change: nothing is left
    assert data.get(KEY) is None and UserData(data.profile_dir).get(KEY) is None


def test_reload_takes_in_what_another_instance_saved(data: UserData) -> None:
    other = UserData(data.profile_dir)
    data.update(KEY, starred=True)
    other.update("arxiv:1810.04805", tags=["bert"])
    other.update(KEY, add_tags=["thesis"])  # re-read before applying: keeps our star
    assert data.reload() is True
    assert data.get("arxiv:1810.04805").tags == ("bert",)
    assert data.get(KEY).starred and data.get(KEY).tags == ("thesis",)
    assert data.reload() is False
    other.update("arxiv:1810.04805", remove_tags=["bert"])
    assert data.reload() is True and data.get("arxiv:1810.04805") is None


def test_a_snapshot_for_search_does_not_move_under_the_reader(data: UserData) -> None:
    data.update(KEY, starred=True)
    snapshot = data.annotations()
    data.update("arxiv:1810.04805", starred=True)
    assert list(snapshot) == [KEY]
    assert set(data.annotations()) == {KEY, "arxiv:1810.04805"}
    with pytest.raises(TypeError):
        snapshot["x"] = Annotation(key="x")  # type: ignore[index]


def test_files_are_sorted_versioned_tinydb_databases(data: UserData) -> None:
    data.update(KEY, title="SimCSE", starred=True, tags=["thesis"])
    files = list((data.profile_dir / "annotations").glob("*.json"))
    assert [f.name for f in files] == [f"{shard_of(KEY)}.json"], "only the touched shard is written"
    text = files[0].read_text(encoding="utf-8")
    assert json.loads(text)["schema_version"] == 2
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with AnnotationDB(str(files[0])) as db:
        starred = db.table("annotations").search(Query().starred == True)  # noqa: E712
    assert [doc.doc_id for doc in starred] == [KEY] and starred[0]["tags"] == ["thesis"]


def test_a_paper_added_with_tinydb_itself_is_read_and_kept(data: UserData) -> None:
    """The files are TinyDB databases: a script of the person's own can add to them."""
    data.update(KEY, starred=True)
    shard = data.profile_dir / "annotations" / f"{shard_of(KEY)}.json"
    neighbour = next(f"doi:10.1/{n}" for n in range(10_000) if shard_of(f"doi:10.1/{n}") == shard_of(KEY))
    with AnnotationDB(str(shard)) as db:
        db.table("annotations").insert(Document(
            {"key": neighbour, "note": "added by a script", "updated": "2024-05-01T10:00:00Z"},
            doc_id=neighbour))  # type: ignore[arg-type]
    assert data.reload() and data.get(neighbour).note == "added by a script"
    data.update(KEY, state="read")  # our next write keeps what the script added
    assert UserData(data.profile_dir).get(neighbour).note == "added by a script"


def test_text_that_is_not_valid_unicode_is_saved_exactly(data: UserData) -> None:
    note = "pasted \ud800 half a surrogate, \u202e bidi, \x00 nul"
    data.update(KEY, note=note, title="x[/]")
    assert UserData(data.profile_dir).get(KEY).note == note


_text = st.text(st.characters(codec=None, blacklist_categories=()), max_size=12)
_annotations = st.builds(
    Annotation, key=st.text(min_size=1, max_size=8).filter(str.strip), starred=st.booleans(),
    tags=st.lists(st.text(st.characters(whitelist_categories=("Ll", "Nd")), min_size=1, max_size=5),
                  unique=True, max_size=3).map(lambda t: tuple(sorted(t))),
    note=_text, state=st.sampled_from(STATES), title=_text, created=st.just(""),
    updated=st.just("2024-05-01T10:00:00.000000Z"))


@settings(max_examples=150, deadline=None)
@given(st.lists(_annotations, max_size=6))
def test_shard_files_have_the_standard_layout_and_read_back_exactly(annotations: list[Annotation]) -> None:
    by_key = {a.key: record_of(a) for a in annotations}
    encoded = encode_tables({"annotations": {k: to_document(r) for k, r in by_key.items()}})
    assert encoded == dump_json({"annotations": {k: to_document(r) for k, r in by_key.items()},
                                 "schema_version": 2})
    assert decode_records(encoded) == by_key


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=6), max_size=4))
def test_tags_read_from_a_file_are_always_normalised(tags: list[str]) -> None:
    doc = to_document(record_of(Annotation(key="k", updated="2024-05-01T10:00:00.000000Z")))
    assert from_document(doc | {"tags": tags}).annotation.tags == normalise_tags(tags)


def test_threads_sharing_one_userdata_lose_nothing(data: UserData) -> None:
    errors: list[BaseException] = []

    def triage(thread: int) -> None:
        try:
            for number in range(40):
                data.update(f"doi:10.{thread}/{number}", state="read", add_tags=[f"t{thread}"])
                dict(data.annotations()), data.all_tags()
        except BaseException as error:  # surfaced below; a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=triage, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert states(UserData(data.profile_dir))["read"] == 160
