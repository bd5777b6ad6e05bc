"""Setup for the reader's Pilot and snapshot tests.

Every app is built by the command line's own factory (``tui.cli.make_app``): ``open_store``
on a file plus a ``UserData`` profile in a temporary folder. Cursors do not blink and the
theme is fixed, so snapshots come out the same on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from tui.app import PaperTrayApp
from tui.cli import make_app as make_reader
from tui.model import Paper
from tui.settings import Settings
from tui.store import Store, open_store
from tui.userdata import UserData

PAPERS = Path(__file__).parent / "papers.jsonl"
"""Twelve real papers with authors, years, venues, identifiers and abstracts."""

HOSTILE_TITLES = ("[bold]x[/]", "[@click=app.quit]click me", "\x1b]0;owned\x07")
"""Titles that would crash a markup widget, run an action on click, or retitle the terminal."""

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cursors stay drawn instead of blinking, so screenshots never catch them mid-blink."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture(autouse=True)
def prompt_facets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Facet counts follow each search at once (not after a pause in typing), so what a
    test sees does not depend on how fast the machine is."""
    monkeypatch.setattr("tui.widgets.filter_pane.FACETS_DELAY", 0.001)


@pytest.fixture(autouse=True)
def no_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test opens the machine's browser or writes its clipboard: there is no desktop
    opener and no clipboard tool unless a test puts a stand-in there."""
    monkeypatch.setattr("tui.desktop.find_opener", lambda: None)
    monkeypatch.setattr("tui.desktop.clipboard_tool", lambda: None)


AppFactory = Callable[..., PaperTrayApp]


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    """Where the test person's annotations are saved."""
    return tmp_path / "profile"


@pytest.fixture
def make_app(profile_dir: Path) -> AppFactory:
    """Build the app on a store file (default: tests/ui/papers.jsonl) or on given papers."""

    def make(paths: Path | Iterable[Path] | None = PAPERS, *, papers: list[Paper] | None = None,
             settings: Settings | None = None, label: str = "") -> PaperTrayApp:
        if papers is not None:
            store = Store(papers, label=label or "test papers")
        else:
            store = open_store(paths)
        userdata = UserData(profile_dir, "tester")
        return make_reader(store=store, userdata=userdata,
                           settings=settings or Settings(theme="textual-dark"))

    return make


@pytest.fixture
def app(make_app: AppFactory) -> PaperTrayApp:
    """The app on the twelve test papers."""
    return make_app()


async def settle(pilot: Pilot) -> None:
    """Wait until indexing and searching are done and the screen has caught up."""
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # a stale search was cancelled by a newer one, as it should be
        await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    for char in text:
        await pilot.press("space" if char == " " else char)


def hostile_papers() -> list[Paper]:
    """Papers whose every shown field is hostile, straight into the store (no cleaning)."""
    papers = []
    for number, title in enumerate(HOSTILE_TITLES):
        papers.append(Paper(
            key=f"title:hostile{number}", title=title,
            authors=("[red]Mallory[/red]", "Eve\x1b[2J"), year=2024, venue="[link=x]v[/link]",
            abstract=f"[b]{title}[/b] \x1b[31mred\x1b[0m \u202eevil\u202c " + "many words " * 5_000,
            url="https://example.org/[/]"))
    return papers
