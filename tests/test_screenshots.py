"""Regenerate the README's screenshots in screenshots/ (deselected unless asked for).

    python -m pytest tests/test_screenshots.py --run-screenshots

Each picture is the real app on the bundled sample, driven with Pilot the way a person
would use it, saved with ``App.save_screenshot``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.ui.conftest import settle, type_text
from tui.app import PaperTrayApp
from tui.settings import Settings
from tui.store import open_store
from tui.userdata import UserData

pytestmark = pytest.mark.screenshots

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cursors drawn, not blinking, so the pictures are stable."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


async def morning(pilot: Pilot) -> None:
    """A little triage first, so stars, tags, states and a note show in the pictures."""
    await settle(pilot)
    await pilot.press("j", "s", "t")
    await type_text(pilot, "thesis sentence-embeddings")
    await pilot.press("enter", "n")
    await type_text(pilot, "Strong **baseline** for chapter 3.")
    await pilot.press("ctrl+s", "j", "l", "r", "s", "t")
    await type_text(pilot, "thesis")
    await pilot.press("enter", "x")
    await settle(pilot)


async def detail(pilot: Pilot) -> None:
    await morning(pilot)
    await pilot.press("slash")
    await type_text(pilot, "japanese simcse")
    await settle(pilot)
    await pilot.press("enter", "enter")


async def tags(pilot: Pilot) -> None:
    await morning(pilot)
    await pilot.press("t")
    await type_text(pilot, "to-read th")
    await pilot.pause(0.2)


async def note(pilot: Pilot) -> None:
    await morning(pilot)
    await pilot.press("n")
    await type_text(pilot, "## Why it matters")
    await pilot.press("enter")
    await type_text(pilot, "Compare with **SimCSE** before the reading group.")


async def help_screen(pilot: Pilot) -> None:
    await morning(pilot)
    await pilot.press("question_mark")


SHOTS: dict[str, tuple[tuple[int, int], Callable[[Pilot], Awaitable[None]]]] = {
    "main": ((120, 36), morning),
    "detail": ((120, 36), detail),
    "tags": ((120, 36), tags),
    "note": ((120, 36), note),
    "help": ((120, 36), help_screen),
    "narrow": ((80, 24), morning),
    "wide": ((200, 60), morning),
}


@pytest.mark.parametrize("name", list(SHOTS))
async def test_screenshot(name: str, tmp_path: Path) -> None:
    size, drive = SHOTS[name]
    app = PaperTrayApp(store=open_store(), userdata=UserData(tmp_path / "profile", "ada"),
                       settings=Settings(theme="textual-dark"))
    async with app.run_test(size=size) as pilot:
        await drive(pilot)
        await pilot.pause(0.3)
        SCREENSHOTS.mkdir(exist_ok=True)
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(SCREENSHOTS)))
    assert path.stat().st_size > 10_000
    assert "papertray" in path.read_text(encoding="utf-8")
