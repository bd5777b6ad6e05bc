"""In the reader: star and note a DOI-less .bib entry, fix a typo in its title, add a DOI;
the star and the note stay on the paper, and the reader says so once."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import SIZE, settle

BIB = """@article{lee2020,
  title  = {Dense Retreival for Everyone},
  author = {Lee, Ann},
  year   = 2020,
}

@article{kim2021,
  title  = {Another Paper},
  author = {Kim, Bo},
  year   = 2021,
}
"""


async def _read_again(pilot, screen, also=lambda: True) -> None:
    """ctrl+r, then wait for the store read again and searchable (and ``also()``)."""
    before = screen.engine
    await pilot.press("ctrl+r")
    for _ in range(100):
        await pilot.pause(0.05)
        if screen.engine is not before and also():
            break
    await settle(pilot)


def _followed(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Annotations followed"]


async def test_star_and_note_follow_the_paper_through_a_typo_fix_and_a_new_doi(make_app, tmp_path: Path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    app = make_app(bib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main_screen.paper_list.current.title == "Dense Retreival for Everyone"
        await pilot.press("s")
        await pilot.press("n")
        await pilot.pause()
        for char in "vs BM25":
            await pilot.press("space" if char == " " else char)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _followed(app) == []
    app.userdata.close()

    for edit in (("Retreival", "Retrieval"), ("year   = 2020,", "year   = 2020,\n  doi = {10.1000/dense},")):
        bib.write_text(bib.read_text().replace(*edit), encoding="utf-8")
        app = make_app(bib)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            paper = app.main_screen.paper_list.current
            assert paper.title == "Dense Retrieval for Everyone"
            note = app.userdata.get(paper.key)
            assert note is not None and note.starred and note.note == "vs BM25"
            assert _followed(app) == ["1 annotation followed its paper: “Dense Retrieval for "
                                      "Everyone” (same citekey lee2020). z takes it back."]
            assert app.main_screen.triage.counts["starred"] == 1
        app.userdata.close()
    assert paper.key == "doi:10.1000/dense"

    app = make_app(bib)  # said once: the next open has nothing to say
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _followed(app) == [] and app.userdata.get("doi:10.1000/dense").starred


async def test_z_takes_back_a_move_the_person_did_not_want(make_app, tmp_path: Path):
    """The moved star and note are put back under the old key with z (the paper shows
    none); the next open leaves them there, and says the move was taken back."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    app = make_app(bib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        old_key = app.main_screen.paper_list.current.key
        await pilot.press("s")
        await settle(pilot)
    app.userdata.close()
    bib.write_text(BIB.replace("Retreival", "Retrieval"), encoding="utf-8")
    app = make_app(bib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        assert app.userdata.get(paper.key).starred and _followed(app)
        await pilot.press("z")
        await settle(pilot)
        assert app.userdata.get(old_key).starred
        assert (now := app.userdata.get(paper.key)) is None or not now.starred
        assert app.main_screen.triage.counts["starred"] == 0
        assert any(n.message == "Undid the move of an annotation to its paper's new key."
                   for n in app._notifications)
    app.userdata.close()
    app = make_app(bib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _followed(app) == [] and app.userdata.get(old_key).starred
        assert any("took back" in n.message for n in app._notifications
                   if n.title == "Orphaned annotations")


async def test_marks_stay_on_papers_whose_key_changed_when_ctrl_r_reads_the_file(make_app, tmp_path: Path):
    """Two papers marked for a bulk action; the title typo is fixed in the file and ctrl+r
    reads it again: both papers are still marked, the renamed one under its new key."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    app = make_app(bib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("space", "space")
        assert len(screen.paper_list.marked) == 2
        bib.write_text(BIB.replace("Retreival", "Retrieval"), encoding="utf-8")
        await _read_again(pilot, screen, lambda: len(screen.targets()) == 2)
        titles = sorted(paper.title for paper in screen.targets())
        assert titles == ["Another Paper", "Dense Retrieval for Everyone"], titles
    app.userdata.close()


async def test_ctrl_r_counts_what_another_process_joined_into_the_moved_annotation(
        make_app, tmp_path: Path):
    """This window still shows the file before a title fix and skips the paper (under its
    old key); another process follows and joins the skip into the moved annotation. ctrl+r:
    the counts say what the rows say (the inbox used to keep counting it, Skipped 0)."""
    from tui.follow import follow
    from tui.model import Fingerprint
    from tui.store import open_store
    from tui.userdata import UserData

    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    app = make_app(bib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        old = screen.paper_list.current
        other = UserData(app.userdata.profile_dir)
        other.update(old.key, title=Fingerprint.of(old), starred=True)
        bib.write_text(BIB.replace("Retreival", "Retrieval"), encoding="utf-8")
        assert len(follow(open_store(bib), UserData(app.userdata.profile_dir)).followed) == 1
        await pilot.press("x")  # skipped here, under the old key
        await settle(pilot)
        assert len(follow(open_store(bib), UserData(app.userdata.profile_dir)).followed) == 1
        await _read_again(pilot, screen)
        assert (screen.triage.counts["skipped"], screen.triage.counts["inbox"]) == (1, 1)
    app.userdata.close()
