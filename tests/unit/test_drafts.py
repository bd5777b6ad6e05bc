"""Note drafts with two windows on one profile: neither removes, writes over or hides what
the other typed; a draft the disk refused is known as such; drafts follow a key change."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tui.userdata import drafts as drafts_module
from tui.userdata.drafts import Drafts

KEY = "arxiv:2104.08821"


def test_a_window_giving_up_its_draft_leaves_the_other_windows_draft(tmp_path: Path) -> None:
    a, b = Drafts(tmp_path), Drafts(tmp_path)
    a.save(KEY, "typed in window a", base="")
    b.save(KEY, "typed in window b", base="")
    b.discard(KEY)  # b saved its note, or emptied its draft and pressed esc
    assert Drafts(tmp_path).get(KEY).text == "typed in window a"
    assert a.get(KEY).text == "typed in window a"


def test_a_window_that_never_had_a_draft_removes_none(tmp_path: Path) -> None:
    b = Drafts(tmp_path)  # opened before a wrote anything
    a = Drafts(tmp_path)
    a.save(KEY, "half a thought", base="")
    b.discard(KEY)
    assert Drafts(tmp_path).get(KEY).text == "half a thought"


def test_two_windows_typing_one_note_keep_both_drafts(tmp_path: Path) -> None:
    a, b = Drafts(tmp_path), Drafts(tmp_path)
    a.save(KEY, "from a", base="")
    b.save(KEY, "from b", base="")
    texts = sorted(draft.text for draft in Drafts(tmp_path).all())
    assert texts == ["from a", "from b"]


def test_a_window_sees_a_draft_written_after_it_opened(tmp_path: Path) -> None:
    b = Drafts(tmp_path)
    Drafts(tmp_path).save(KEY, "written by a after b opened", base="")
    assert b.get(KEY).text == "written by a after b opened"
    assert KEY in b


def test_a_draft_opened_from_another_window_goes_once_saved_unless_rewritten(tmp_path: Path) -> None:
    a, b = Drafts(tmp_path), Drafts(tmp_path)
    a.save(KEY, "first words", base="")
    opened = b.get(KEY)
    b.discard(KEY, opened)  # b saved a note beginning from a's draft
    assert Drafts(tmp_path).get(KEY) is None

    a.save(KEY, "first words", base="")
    opened = b.get(KEY)
    a.save(KEY, "first words, and more typed in a since", base="")
    b.discard(KEY, opened)
    assert Drafts(tmp_path).get(KEY).text == "first words, and more typed in a since"


def test_a_draft_the_disk_refuses_is_kept_and_known_unwritten(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    drafts = Drafts(tmp_path)

    def full(path: Path, data: bytes, **options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(drafts_module, "atomic_write", full)
        with pytest.raises(OSError):
            drafts.save(KEY, "written on a full disk", base="")
        assert [d.text for d in drafts.unwritten()] == ["written on a full disk"]
        assert [d.text for d in drafts.write_unwritten()] == ["written on a full disk"]
    assert drafts.write_unwritten() == []
    assert Drafts(tmp_path).get(KEY).text == "written on a full disk"


def test_drafts_follow_their_papers_to_new_keys(tmp_path: Path) -> None:
    a = Drafts(tmp_path)
    a.save("smith2019", "my draft", base="", title="A title")
    Drafts(tmp_path).save("smith2019", "another window's", base="")
    assert a.rename({"smith2019": "arxiv:1901.00001"}) == 2
    fresh = Drafts(tmp_path)
    assert fresh.get("smith2019") is None
    assert sorted(d.text for d in fresh.all() if d.key == "arxiv:1901.00001") == [
        "another window's", "my draft"]
    assert a.get("smith2019") is None


def test_a_draft_file_of_an_earlier_version_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "0123.json").write_text('{"key": "k1", "text": "old", "base": ""}', encoding="utf-8")
    drafts = Drafts(tmp_path)
    assert drafts.get("k1").text == "old"
    drafts.discard("k1", drafts.get("k1"))
    assert not (folder / "0123.json").exists()


def test_a_draft_another_window_opened_and_saved_is_gone_here_too(tmp_path: Path) -> None:
    a, b = Drafts(tmp_path), Drafts(tmp_path)
    a.save(KEY, "idea from window a", base="")
    b.discard(KEY, b.get(KEY))  # b opened a's draft and saved the note it became
    assert a.get(KEY) is None and a.written_here() == [] and len(a) == 0


def test_a_note_left_in_an_editor_is_a_draft_once_changed_and_goes_with_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file handed to $EDITOR is kept with the drafts: what a killed reader leaves there
    is offered at the next start, unless nothing was typed; saving it removes it all."""
    monkeypatch.setattr(drafts_module, "_writer_alive", lambda record: False)  # it was killed
    window = Drafts(tmp_path)
    file = window.open_in_editor(KEY, "the saved note", base="the saved note", title="T")
    (file.parent / ".note.md.swp").write_bytes(b"an editor's own file")
    assert Drafts(tmp_path).get(KEY) is None, "nothing typed yet: no draft"
    file.write_text("the saved note, and more", encoding="utf-8")  # saved in the editor
    next_start = Drafts(tmp_path)
    draft = next_start.get(KEY)
    assert (draft.text, draft.base, draft.title) == ("the saved note, and more",
                                                     "the saved note", "T")
    next_start.discard(KEY, draft)  # saved as the note
    assert list(tmp_path.joinpath("drafts").iterdir()) == []


def test_an_editor_closed_normally_leaves_nothing(tmp_path: Path) -> None:
    window = Drafts(tmp_path)
    file = window.open_in_editor(KEY, "", base="")
    file.write_text("written", encoding="utf-8")
    window.close_editor(file)
    assert list(tmp_path.joinpath("drafts").iterdir()) == [] and len(window) == 0


def test_saving_a_draft_offered_from_a_live_windows_editor_leaves_that_editor_its_file(
        tmp_path: Path) -> None:
    """Window A's editor (N) is open on a paper; window B is offered what it saved so far
    and saves it as the note: A's editor file stays, so A's editor can still save into it
    and A keeps both texts (found by a tester: the folder went, and A's later text with it)."""
    a, b = Drafts(tmp_path), Drafts(tmp_path)
    file = a.open_in_editor(KEY, "", base="", title="T")
    file.write_text("part 1", encoding="utf-8")
    offered = b.get(KEY)
    assert offered is not None and offered.text == "part 1"
    b.discard(KEY, offered)  # B saved it as the note
    assert file.exists(), "the open editor's file was removed under it"
    file.write_text("part 1\npart 2", encoding="utf-8")  # A's editor saves again
    assert a.get(KEY).text == "part 1\npart 2"


def test_a_note_left_in_an_editor_by_a_killed_window_follows_its_paper_to_a_new_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """N, papertray killed, the editor saves; then the paper's title typo is fixed: the text
    is offered on the paper under its new key, and stays in the file the editor (perhaps
    still open) saves to (found by a tester: it stayed under the old key, never offered)."""
    window = Drafts(tmp_path)
    file = window.open_in_editor(KEY, "", base="", title="T")
    file.write_text("typed in my editor", encoding="utf-8")
    monkeypatch.setattr(drafts_module, "_writer_alive", lambda record: False)  # it was killed
    next_start = Drafts(tmp_path)
    assert next_start.rename({KEY: "doi:10.1/new"}) == 1
    assert next_start.get(KEY) is None
    assert next_start.get("doi:10.1/new").text == "typed in my editor"
    file.write_text("typed in my editor, and saved again", encoding="utf-8")
    assert Drafts(tmp_path).get("doi:10.1/new").text == "typed in my editor, and saved again"
