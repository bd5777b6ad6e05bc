"""The undo and counting rules behind the triage keys (no terminal needed)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tui.model import Paper
from tui.store import Store
from tui.triage import Triage
from tui.userdata import UserData
from tui.userdata import storage as userdata_storage


@pytest.fixture
def triage(tmp_path: Path) -> Triage:
    papers = [Paper(key=f"title:{n}", title=f"Paper {n}") for n in range(5)]
    return Triage(Store(papers, label="five"), UserData(tmp_path / "profile", "tester"))


def items(*numbers: int) -> list[tuple[str, str]]:
    return [(f"title:{n}", f"Paper {n}") for n in numbers]


def test_counts_follow_changes_and_undo(triage: Triage):
    assert triage.counts["inbox"] == 5
    triage.apply("read", items(0, 1, 2), state="read")
    triage.apply("star", items(0), starred=True)
    assert triage.counts == {"inbox": 2, "later": 0, "read": 3, "skipped": 0, "starred": 1,
                             "annotated": 3, "total": 5}
    triage.undo()
    triage.undo()
    assert triage.counts["inbox"] == 5 and triage.counts["starred"] == 0
    triage.redo()
    assert triage.counts["read"] == 3


def _fields(annotation) -> tuple:
    return (annotation.starred, annotation.tags, annotation.note, annotation.state)


def test_a_bulk_change_is_one_step_and_puts_back_what_it_changed(triage: Triage):
    triage.apply("tag", items(1), add_tags=("keep",))
    before = triage.userdata.get("title:1")
    step, error = triage.apply("read", items(0, 1, 2), state="read")
    assert step is not None and not error and step.describe() == "read 3 papers"
    triage.undo()
    assert _fields(triage.userdata.get("title:1")) == _fields(before)
    assert triage.userdata.get("title:0") is None
    assert [s.label for s in triage.undo_stack] == ["tag"]


def test_a_change_that_changes_nothing_is_not_an_undo_step(triage: Triage):
    step, _ = triage.apply("inbox", items(3), state="inbox")
    assert step is None and not triage.undo_stack


def test_a_new_change_forgets_what_could_be_redone(triage: Triage):
    triage.apply("read", items(0), state="read")
    triage.undo()
    triage.apply("later", items(1), state="later")
    assert triage.redo() == (None, "")


def test_annotations_of_papers_outside_the_store_do_not_skew_counts(tmp_path: Path):
    userdata = UserData(tmp_path / "profile", "tester")
    userdata.update("title:elsewhere", title="Gone", state="read")
    store = Store([Paper(key="title:here", title="Here")], label="one")
    assert Triage(store, userdata).counts["inbox"] == 1


def test_a_save_error_is_returned_with_the_change_kept(triage: Triage, monkeypatch):
    def no_space(path, data, **options):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(userdata_storage, "atomic_write", no_space)
    step, error = triage.apply("star", items(0), starred=True)
    assert "No space left on device" in error and error.endswith(".")
    assert step is not None and triage.userdata.get("title:0").starred, "the change was dropped"
    monkeypatch.undo()
    triage.userdata.flush()
    assert UserData(triage.userdata.profile_dir).get("title:0").starred
