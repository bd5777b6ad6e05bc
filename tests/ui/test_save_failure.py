"""Promise 2 in the reader: when a save fails, the person sees one clear message, the
app keeps running with the change kept, and it is saved once the fault clears.

The storage fails for real where it can (a read-only annotations folder) and through
the one function every annotation write goes through otherwise (the disk is full).
"""

from __future__ import annotations

import contextlib
import errno
from pathlib import Path
from typing import Iterator

import pytest

from tests.helpers.folders import read_only
from tests.ui.conftest import SIZE, settle
from tui.userdata import UserData, shard_of
from tui.userdata import storage as userdata_storage


@contextlib.contextmanager
def disk_full(monkeypatch: pytest.MonkeyPatch, profile: Path) -> Iterator[None]:
    def no_space(path: Path, data: bytes, **options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(userdata_storage, "atomic_write", no_space)
        yield


@contextlib.contextmanager
def folder_read_only(monkeypatch: pytest.MonkeyPatch, profile: Path) -> Iterator[None]:
    with read_only(profile / "annotations"):
        yield


def recorded_notifications(app, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (severity, message) the app shows from now on."""
    shown: list[tuple[str, str]] = []
    real = app.notify

    def notify(message, *args, **kwargs):
        shown.append((kwargs.get("severity", "information"), str(message)))
        return real(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return shown


def row(app, rank: int) -> str:
    return "".join(segment.text for segment in app.main_screen.paper_list.render_line(rank))


@pytest.mark.parametrize("fault", [disk_full, folder_read_only], ids=["disk-full", "read-only-folder"])
async def test_a_failed_save_is_one_clear_message_and_is_saved_when_the_fault_clears(
        make_app, profile_dir: Path, monkeypatch: pytest.MonkeyPatch, fault) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        first, second = papers.paper_at(0), papers.paper_at(1)
        await pilot.press("l")  # a normal save: the annotations folder now exists
        await pilot.press("k")
        await pilot.pause()
        shard = profile_dir / "annotations" / f"{shard_of(first.key)}.json"
        before = shard.read_bytes()
        shown = recorded_notifications(app, monkeypatch)

        with fault(monkeypatch, profile_dir):
            await pilot.press("s")
            await pilot.pause()
            errors = [message for severity, message in shown if severity == "error"]
            assert len(errors) == 1, f"expected one message, got {shown}"
            message = errors[0]
            assert str(profile_dir / "annotations") in message and message.endswith(".")
            assert "\n" not in message and "Traceback" not in message
            assert row(app, 0)[1] == "★", "the change should stay visible while it waits"
            assert app.userdata.unsaved == 1 and shard.read_bytes() == before

            app.check_userdata()  # the periodic retry, while the fault lasts: quiet
            await pilot.press("j")
            await pilot.pause()
            assert app.is_running and papers.cursor == 1, "the reader stopped responding"
            assert len([s for s, _ in shown if s == "error"]) == 1, f"retries were noisy: {shown}"

        app.check_userdata()  # the fault cleared: the periodic retry saves the kept change
        assert app.userdata.unsaved == 0
        await pilot.press("x")  # and a later change is saved as usual
        await pilot.pause()
        assert len([s for s, _ in shown if s == "error"]) == 1
    with UserData(profile_dir, "tester") as reopened:
        assert reopened.get(first.key).starred and reopened.get(first.key).state == "later"
        assert reopened.get(second.key).state == "skipped"


async def test_a_note_that_could_not_be_saved_is_not_called_saved(make_app, profile_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = recorded_notifications(app, monkeypatch)
        with disk_full(monkeypatch, profile_dir):
            await pilot.press("n")
            await pilot.pause()
            for char in "kept":
                await pilot.press(char)
            await pilot.press("ctrl+s")
            await pilot.pause()
        messages = [message for _, message in shown]
        assert any("No space left on device" in m for m in messages), messages
        assert "Note saved." not in messages, f"told the note was saved when it was not: {messages}"
        assert app.userdata.get(app.main_screen.paper_list.current.key).note == "kept"
        app.check_userdata()
        assert app.userdata.unsaved == 0


@contextlib.contextmanager
def nothing_writable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Neither annotations nor drafts can be written (a read-only or full data folder)."""

    def no_space(path: Path, data: bytes, **options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(userdata_storage, "atomic_write", no_space)
        patch.setattr("tui.userdata.drafts.atomic_write", no_space)
        yield


async def type_note(pilot, text: str, *, then: str) -> None:
    """Open the note editor on the current paper, type ``text``, then press ``then``."""
    await pilot.press("n")
    await pilot.pause()
    pilot.app.screen.query_one("TextArea").insert(text)
    await pilot.press(then)
    await settle(pilot)


async def test_a_note_saved_when_nothing_can_be_written_is_kept_not_a_traceback(
        make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        shown = recorded_notifications(app, monkeypatch)
        with nothing_writable(monkeypatch):
            await type_note(pilot, "written while the disk is full", then="ctrl+s")
            assert app.is_running, "the reader goes on"
            assert any(severity == "error" and "kept while papertray runs" in text
                       for severity, text in shown), shown
            assert app.userdata.drafts.get(paper.key).text == "written while the disk is full"


async def test_quitting_with_changes_not_saved_yet_asks_first(
        make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = recorded_notifications(app, monkeypatch)
        with nothing_writable(monkeypatch):
            await pilot.press("s")
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running, "the first q only says what would be lost"
            assert any("press q again to quit anyway" in text for _, text in shown), shown
        await pilot.press("q")  # writable again: the retry before quitting saves it
        await pilot.pause()
        assert not app.is_running
    assert app.userdata.unsaved == 0


async def test_a_draft_the_disk_refuses_is_said_at_quit_and_printed_after(
        make_app, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """"Drafts are kept" would be untrue: the quit says they are not on disk, and the
    command prints their text when the reader ends, the one place left to copy it from."""
    from tui.cli.main import _print_drafts_not_on_disk

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.main_screen.paper_list.current
        shown = recorded_notifications(app, monkeypatch)
        with nothing_writable(monkeypatch):
            await type_note(pilot, "an idea typed on a full disk", then="escape")
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running
            said = " ".join(text for _, text in shown)
            assert "could not be written to disk" in said and "Drafts are kept" not in said, shown
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
            _print_drafts_not_on_disk(app.userdata.drafts)
    printed = capsys.readouterr().err
    assert paper.key in printed and "an idea typed on a full disk" in printed
