"""What each triage key decides: which papers change, what the person is told, where the
cursor goes and when the marks are used up, without a terminal."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tui.model import Paper
from tui.store import Store
from tui.triage import Triage
from tui.triage_keys import Notice, Outcome, TriageKeys
from tui.userdata import UserData
from tui.userdata import storage as userdata_storage

PAPERS = [Paper(key=f"arxiv:2101.0000{n}", title=f"Paper {n}", year=2021) for n in range(4)]


@pytest.fixture
def keys(tmp_path: Path) -> TriageKeys:
    userdata = UserData(tmp_path / "profile", "tester")
    return TriageKeys(Triage(Store(PAPERS, label="test"), userdata), userdata)


def starred(keys: TriageKeys, paper: Paper) -> bool:
    note = keys.userdata.get(paper.key)
    return note is not None and note.starred


def test_a_decision_on_one_paper_moves_on_to_the_next(keys: TriageKeys) -> None:
    outcome = keys.set_state([PAPERS[0]], "read")
    assert outcome == Outcome(keys=(PAPERS[0].key,), move_on=True)
    assert keys.userdata.get(PAPERS[0].key).state == "read"


def test_a_bulk_change_uses_up_the_marks_and_says_how_to_undo_it(keys: TriageKeys) -> None:
    outcome = keys.set_state(PAPERS[:3], "later")
    assert outcome.clear_marks and not outcome.move_on
    assert outcome.keys == tuple(p.key for p in PAPERS[:3])
    assert outcome.notices == (Notice("Later 3 papers · z undoes"),)


def test_star_stars_all_unless_all_are_starred(keys: TriageKeys) -> None:
    keys.toggle_star([PAPERS[0]])
    keys.toggle_star(PAPERS[:2])  # one starred, one not: both get the star
    assert starred(keys, PAPERS[0]) and starred(keys, PAPERS[1])
    keys.toggle_star(PAPERS[:2])
    assert not starred(keys, PAPERS[0]) and not starred(keys, PAPERS[1])


def test_tags_and_notes_are_one_step_each_that_undo_puts_back(keys: TriageKeys) -> None:
    keys.change_tags(PAPERS[:2], ["thesis"], [], "+thesis")
    assert keys.tags_on(PAPERS[:3]) == ["thesis"]
    keys.write_note(PAPERS[1], "read the appendix")
    undone = keys.undo()
    assert undone.notices == (Notice("Undid note."),)
    assert undone.cursor_key == PAPERS[1].key, "the cursor goes back to the paper"
    assert keys.userdata.get(PAPERS[1].key).note == ""
    undone = keys.undo()
    assert undone.notices == (Notice("Undid tag +thesis 2 papers."),)
    assert undone.cursor_key is None and keys.tags_on(PAPERS) == []
    assert keys.redo().notices == (Notice("Redid tag +thesis 2 papers."),)
    assert keys.tags_on(PAPERS) == ["thesis"]


def test_nothing_to_undo_touches_nothing(keys: TriageKeys) -> None:
    assert keys.undo() == Outcome(refresh=False, notices=(Notice("Nothing to undo."),))
    assert keys.redo() == Outcome(refresh=False, notices=(Notice("Nothing to redo."),))


def test_a_change_that_cannot_be_saved_yet_is_reported_and_kept(
        keys: TriageKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(path: Path, data: bytes, **options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(userdata_storage, "atomic_write", disk_full)
    outcome = keys.toggle_star([PAPERS[2]])
    (notice,) = outcome.notices
    assert notice.severity == "error" and notice.title == "Not saved yet"
    assert "No space left" in notice.text
    assert outcome.keys == (PAPERS[2].key,) and starred(keys, PAPERS[2])


def test_undo_of_a_note_rewritten_elsewhere_says_nothing_was_undone(
        keys: TriageKeys, tmp_path: Path) -> None:
    keys.write_note(PAPERS[0], "mine", "")
    with UserData(tmp_path / "profile", "tester") as other:  # another window, same profile
        other.update(PAPERS[0].key, note="theirs, written after mine")
    keys.userdata.reload()
    outcome = keys.undo()
    assert [n.text for n in outcome.notices] == [
        "Nothing undone: note was changed elsewhere since, and is kept as it is there."]
    assert keys.userdata.get(PAPERS[0].key).note == "theirs, written after mine"
