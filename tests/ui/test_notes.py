"""Issue 10, cases 1 to 3 in the reader: every keystroke in the note editor is in the note,
drafts live on disk and come back, and undo leaves what another instance wrote."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.ui.conftest import SIZE, settle
from tui.screens.note_editor import NoteEditor
from tui.userdata import UserData
from tui.userdata.drafts import Drafts

TEXT = "Contrastive views from dropout noise; compare with the supervised NLI variant. "


def burst(app, text: str, then: str) -> None:
    """Keys arriving all at once, as from a paste or a fast typist on a busy machine:
    queued without waiting for any of them to be handled, then ``then`` (ctrl+s, escape)."""
    for char in text:
        app.post_message(events.Key("space" if char == " " else char, char))
    app.post_message(events.Key(then, None))


async def open_editor(pilot) -> None:
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NoteEditor)


async def test_keys_typed_just_before_ctrl_s_are_all_saved(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for trial in range(4):
            paper = app.main_screen.paper_list.current
            await open_editor(pilot)
            burst(app, f"{trial} {TEXT * 3}", "ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, NoteEditor)
            assert app.userdata.get(paper.key).note == f"{trial} {TEXT * 3}", f"trial {trial}"
            await pilot.press("j")


async def test_a_paste_just_before_ctrl_s_is_all_saved(make_app) -> None:
    app = make_app()
    text = ("x" * 99 + "\n") * 20  # 2,000 characters
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await open_editor(pilot)
        app.post_message(events.Paste(text))
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        assert app.userdata.get(paper.key).note == text


async def test_keys_typed_just_before_escape_are_all_in_the_draft(make_app, profile_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await open_editor(pilot)
        burst(app, TEXT, "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert app.userdata.get(paper.key) is None or app.userdata.get(paper.key).note == ""
        await open_editor(pilot)
        assert app.screen.text == TEXT
    assert Drafts(profile_dir).get(paper.key).text == TEXT


async def test_a_draft_is_on_disk_while_it_is_typed(make_app, profile_dir: Path) -> None:
    """What a kill -9 or a closed terminal would leave: the draft as typed so far."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await open_editor(pilot)
        for char in "half a thought":
            await pilot.press("space" if char == " " else char)
        await pilot.pause()
        assert Drafts(profile_dir).get(paper.key).text == "half a thought"


async def test_a_draft_survives_quitting_is_shown_and_can_be_saved(make_app, profile_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await open_editor(pilot)
        for char in "keep me":
            await pilot.press("space" if char == " " else char)
        await pilot.press("escape")
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "quit without a word about the unsaved draft"
        said = " ".join(str(n.message) for n in app._notifications)
        assert "draft" in said and "1" in said
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.main_screen.paper_list.current.key == paper.key
        shown = str(again.main_screen.detail.query_one("#detail-note-label").render())
        assert "draft" in shown.lower(), "the draft is not shown on the paper"
        await open_editor(pilot)
        assert again.screen.text == "keep me"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert again.userdata.get(paper.key).note == "keep me"
    assert UserData(profile_dir).get(paper.key).note == "keep me"
    assert Drafts(profile_dir).get(paper.key) is None, "a saved draft was not discarded"


async def test_saving_over_a_note_changed_elsewhere_keeps_both(make_app, profile_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await open_editor(pilot)
        for char in "mine":
            await pilot.press(char)
        UserData(profile_dir).update(paper.key, note="written from the command line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = UserData(profile_dir).get(paper.key).note
        assert note.startswith("mine") and "written from the command line" in note


async def test_undo_in_the_reader_keeps_what_the_command_line_wrote(make_app, profile_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        await pilot.press("s")
        UserData(profile_dir).update(paper.key, add_tags=["from-cli"], note="from a shell")
        await pilot.press("z")
        await pilot.pause()
        shown = app.userdata.get(paper.key)
        assert not shown.starred and shown.tags == ("from-cli",) and shown.note == "from a shell"
    saved = UserData(profile_dir).get(paper.key)
    assert not saved.starred and saved.tags == ("from-cli",) and saved.note == "from a shell"



async def test_a_note_only_looked_at_is_left_exactly_as_it_was(make_app, profile_dir: Path) -> None:
    """Invisible marks (ZWJ in an emoji, bidi marks), CRLF line ends and control characters
    are shown safely in the editor; closing or saving without typing changes nothing."""
    note = "family \U0001F468\u200d\U0001F469\u200d\U0001F467 \u200fעברית\u200e\r\nline two \x1b[31m\r\n"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        app.userdata.update(paper.key, title=paper.title, note=note)
        for key in ("escape", "ctrl+s"):
            await open_editor(pilot)
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.screen, NoteEditor)
            assert app.userdata.drafts.get(paper.key) is None, f"{key} left a draft"
            assert app.userdata.get(paper.key).note == note, f"{key} changed the note"
    assert UserData(profile_dir).get(paper.key).note == note
    assert Drafts(profile_dir).get(paper.key) is None


async def test_another_windows_draft_only_looked_at_stays_as_it_is(make_app, profile_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        other = Drafts(profile_dir)
        other.save(paper.key, "typed in another window", base="")
        await open_editor(pilot)
        assert app.screen.text == "typed in another window"
        await pilot.press("escape")
        await settle(pilot)
        files = list((profile_dir / "drafts").glob("*.json"))
        assert len(files) == 1 and other.get(paper.key).path == files[0]
        await open_editor(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.userdata.get(paper.key).note == "typed in another window"
    assert Drafts(profile_dir).get(paper.key) is None, "a draft saved as the note stayed"
