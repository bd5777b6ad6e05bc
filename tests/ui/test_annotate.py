"""Tags, notes (built-in editor, drafts, $EDITOR), links, citations and export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.ui.conftest import SIZE, settle, type_text
from tui.screens.export_dialog import ExportDialog
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_picker import TagPicker, parse_tag_input


def test_tag_input_splits_on_spaces_and_commas_and_minus_removes():
    change = parse_tag_input(" Thesis, to-cite  -draft,,-old thesis")
    assert change.add == ("thesis", "to-cite")
    assert change.remove == ("draft", "old")
    assert not parse_tag_input(" , - ")


async def test_t_adds_several_tags_and_minus_removes_one(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("t")
        assert isinstance(app.screen, TagPicker)
        await type_text(pilot, "thesis, to-cite draft")
        await pilot.press("enter")
        assert app.userdata.get(key).tags == ("draft", "thesis", "to-cite")
        await pilot.press("t")
        await type_text(pilot, "-draft")
        await pilot.press("enter")
        assert app.userdata.get(key).tags == ("thesis", "to-cite")
        assert "#thesis" in str(app.main_screen.query_one("#detail-head").render())


async def test_tag_input_completes_existing_tags_with_tab(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await type_text(pilot, "retrieval")
        await pilot.press("enter", "j", "t")
        await type_text(pilot, "ret")
        await pilot.pause()
        await pilot.press("tab")
        field = app.screen.query_one("#tag-input", Input)
        assert field.value == "retrieval "
        await pilot.press("enter")
        assert app.userdata.get(app.main_screen.paper_list.current.key).tags == ("retrieval",)


async def test_tag_editor_escape_changes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await type_text(pilot, "thesis")
        await pilot.press("escape")
        assert app.screen is app.main_screen
        assert app.userdata.get(app.main_screen.paper_list.current.key) is None


async def test_tags_apply_to_every_marked_paper_as_one_undo_step(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        keys = [papers.paper_at(rank).key for rank in range(2)]
        await pilot.press("space", "space", "t")
        await type_text(pilot, "reading-group")
        await pilot.press("enter")
        assert all(app.userdata.get(k).tags == ("reading-group",) for k in keys)
        await pilot.press("z")
        assert all(not getattr(app.userdata.get(k), "tags", ()) for k in keys)


async def test_n_writes_a_markdown_note_saved_with_ctrl_s(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await type_text(pilot, "Read **this** first")
        await pilot.press("ctrl+s")
        assert app.screen is app.main_screen
        assert app.userdata.get(key).note == "Read **this** first"
        await pilot.pause()
        note = app.main_screen.query_one("#detail-note")
        assert "Read this first" in " ".join(str(b.render()) for b in note.query("*"))


async def test_escape_in_the_note_editor_keeps_a_draft_that_n_reopens(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("n")
        await type_text(pilot, "half a thought")
        await pilot.press("escape")
        assert app.screen is app.main_screen
        assert app.userdata.get(key) is None, "escape does not save"
        await pilot.press("n")
        assert app.screen.query_one("#note-text", TextArea).text == "half a thought"
        await pilot.press("ctrl+s")
        assert app.userdata.get(key).note == "half a thought"
        assert key not in app.userdata.drafts


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An $EDITOR that appends a line to the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a').write('from my editor\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return script


async def test_capital_n_edits_the_note_in_editor(app, fake_editor):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("N")
        await settle(pilot)
        assert app.userdata.get(key).note == "from my editor\n"


async def test_capital_n_without_editor_explains(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await pilot.pause()
        assert any("$EDITOR" in n.message for n in app._notifications)


async def test_o_opens_the_papers_link(app, tmp_path, monkeypatch):
    opened = tmp_path / "opened"
    opener = tmp_path / "opener"
    opener.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    opener.chmod(0o755)
    monkeypatch.setattr("tui.desktop.find_opener", lambda: [str(opener)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        link = app.main_screen.paper_list.current.link
        assert opened.read_text().split() == [link] and link.startswith("https://arxiv.org/abs/")
        assert any("Opened the link" in n.message for n in app._notifications)


async def test_y_copies_a_bibtex_citation(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "y")
        await pilot.pause()
        assert app.clipboard.startswith("@")
        assert "Tsukagoshi" in app.clipboard and "SimCSE" in app.clipboard
        # A citation, not the paper: the abstract stays out of what is pasted.
        assert app.main_screen.paper_list.current.abstract and "abstract" not in app.clipboard
        assert any("Copied BibTeX" in n.message for n in app._notifications)


async def test_e_exports_the_view_in_the_chosen_format(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERTRAY_EXPORT_DIR", str(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "simcse")
        await settle(pilot)
        await pilot.press("enter", "e")
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-format").value = "json"
        await pilot.pause()
        field = app.screen.query_one("#export-path", Input)
        assert field.value.endswith(".json")
        await pilot.press("enter")
        await settle(pilot)
        out = tmp_path / "papertray-inbox-simcse.json"
        text = out.read_text()
        records = json.loads(text) if text.lstrip().startswith("[") else [
            json.loads(line) for line in text.splitlines() if line.strip()]
        assert len(records) == len(app.main_screen.paper_list)
        assert any("SimCSE" in record["title"] for record in records)


async def test_export_to_a_missing_folder_says_so_and_stays_open(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        field = app.screen.query_one("#export-path", Input)
        field.value = str(tmp_path / "no" / "such" / "dir" / "x.bib")
        await pilot.press("enter")
        assert isinstance(app.screen, ExportDialog)
        assert "does not exist" in str(app.screen.query_one("#export-hint").render())


async def test_keys_typed_right_after_enter_in_the_tag_editor_are_not_in_the_tag(app):
    """thesis, enter and s arriving at once: the tag is "thesis" (not "thesiss") and s
    does what it does on the list: it stars the paper."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        await pilot.press("t")
        assert isinstance(app.screen, TagPicker)
        for char in "thesis":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Key("s", "s"))
        await settle(pilot)
        assert not isinstance(app.screen, TagPicker)
        annotation = app.userdata.get(key)
        assert annotation.tags == ("thesis",)
        assert annotation.starred, "the s typed after enter was lost"


async def test_a_tag_with_a_bidi_mark_from_another_file_can_be_removed_by_typing_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        app.userdata.update(paper.key, title=paper.title, add_tags=["\u202ethesis", "keep"])
        await pilot.press("t")
        await type_text(pilot, "-thesis")
        await pilot.press("enter")
        await settle(pilot)
        assert app.userdata.get(paper.key).tags == ("keep",)
