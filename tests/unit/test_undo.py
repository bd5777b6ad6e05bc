"""Issue 10, case 3: undo is the inverse of the person's own change, applied to the paper
as it is now, so what another window or the command line wrote meanwhile survives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model import Paper
from tui.store import Store
from tui.triage import Triage
from tui.userdata import UserData

PAPER = Paper(key="arxiv:2104.08821", title="SimCSE")


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "profile"


def _triage(profile: Path) -> Triage:
    return Triage(Store([PAPER], label="one"), UserData(profile, "tester"))


def test_undoing_my_star_keeps_a_tag_and_note_written_meanwhile(profile: Path) -> None:
    reader = _triage(profile)
    reader.apply("star", [(PAPER.key, PAPER.title)], starred=True)
    UserData(profile).update(PAPER.key, add_tags=["from-cli"], note="written from a shell")
    step, error = reader.undo()
    assert step is not None and not error
    for view in (reader.userdata, UserData(profile)):
        paper = view.get(PAPER.key)
        assert not paper.starred, "the star was not undone"
        assert paper.tags == ("from-cli",) and paper.note == "written from a shell", \
            "undo wiped what another instance wrote"
    reader.redo()
    paper = UserData(profile).get(PAPER.key)
    assert paper.starred and paper.tags == ("from-cli",) and paper.note == "written from a shell"


def test_undo_leaves_a_field_someone_changed_since(profile: Path) -> None:
    reader = _triage(profile)
    reader.apply("note", [(PAPER.key, PAPER.title)], note="my first draft", state="later")
    UserData(profile).update(PAPER.key, note="my first draft, and a line from another window")
    reader.undo()
    paper = UserData(profile).get(PAPER.key)
    assert paper.note == "my first draft, and a line from another window"
    assert paper.state == "inbox", "the rest of my change was not undone"
    assert [change.name for change in reader.left_alone] == ["note"]


def test_undoing_a_tag_removes_only_that_tag(profile: Path) -> None:
    reader = _triage(profile)
    reader.apply("tag", [(PAPER.key, PAPER.title)], add_tags=["mine"])
    UserData(profile).update(PAPER.key, add_tags=["theirs"])
    reader.undo()
    assert UserData(profile).get(PAPER.key).tags == ("theirs",)


def test_undo_after_the_paper_changed_key_takes_back_the_star_on_its_new_key(tmp_path: Path) -> None:
    """A star made, then ctrl+r: the title typo was fixed in the file, the annotation
    followed the paper to its new key. z must take the star off there, not say "Undid"
    and change nothing."""
    from tui.follow import follow
    from tui.store import open_store

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{lee2020, title = {Dense Retreival}, author = {Lee, Ann}, year = 2020}\n",
                   encoding="utf-8")
    userdata = UserData(tmp_path / "profile")
    store = open_store(bib)
    triage = Triage(store, userdata)
    triage.apply("star", [(store[0].key, store[0].title)], starred=True)
    bib.write_text(bib.read_text(encoding="utf-8").replace("Retreival", "Retrieval"), encoding="utf-8")
    store = open_store(bib)
    report = follow(store, userdata)
    assert len(report.followed) == 1
    triage.rekey({moved.old_key: moved.new_key for moved in report.followed})
    step, _ = triage.undo()
    assert step is not None and triage.left_alone == ()
    after = userdata.get(store[0].key)
    assert after is None or not after.starred, "the star is still there"


def test_z_leaves_a_star_the_command_line_took_off_and_put_back_since(tmp_path: Path) -> None:
    """The reader stars a paper; the command line unstars it, then stars it again (with a
    tag). z in the reader: the star holds the value the reader left, but someone changed it
    since, so it stays and is counted as left alone (found by a tester: "Undid star." and
    the command line's star was gone)."""
    from tui.store import open_store

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{lee2020, title = {Dense Retrieval}, author = {Lee, Ann}, year = 2020}\n",
                   encoding="utf-8")
    store = open_store(bib)
    window = UserData(tmp_path / "profile")
    triage = Triage(store, window)
    triage.apply("star", [(store[0].key, store[0].title)], starred=True)
    command_line = UserData(tmp_path / "profile")
    command_line.update(store[0].key, starred=False)
    command_line.update(store[0].key, starred=True, add_tags=["cli"])
    window.reload()
    step, _ = triage.undo()
    assert step is not None and [c.name for c in triage.left_alone] == ["starred"]
    now = UserData(tmp_path / "profile").get(store[0].key)
    assert now.starred and now.tags == ("cli",)


def test_papertray_undo_leaves_a_star_taken_off_and_put_back_since(
        hermetic_dirs: Path, tmp_path: Path, capsys) -> None:
    """`papertray annotate --star`, then a window takes the star off and puts it back:
    `papertray undo` leaves that star (changed since, though the same value again)."""
    from tui.cli import run
    from tui.store import open_store

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{lee2020, title = {Dense Retrieval}, author = {Lee, Ann}, year = 2020}\n",
                   encoding="utf-8")
    key = open_store(bib)[0].key
    assert run(["annotate", f"key:{key}", str(bib), "--star", "--tag", "cli"]) == 0
    window = UserData(hermetic_dirs / "data" / "profiles" / "tester")
    window.update(key, starred=False)
    window.update(key, starred=True)
    capsys.readouterr()
    assert run(["undo"]) == 0
    assert "1 changed since, left as it is" in capsys.readouterr().out
    now = UserData(hermetic_dirs / "data" / "profiles" / "tester").get(key)
    assert now.starred and now.tags == ()
