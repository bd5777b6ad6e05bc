"""The first screen of a small store has its rows at once: people open the reader many
times a day, and the search engine (with numpy) loads after that screen, not before it.

Before, the sample's rows waited for the index (and numpy, the engine and Textual's
Markdown had all loaded first): 2.6 times a bare Textual app's first screen."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from tests.ui.conftest import PAPERS, SIZE, settle
from tui.search import SearchEngine


def header(app) -> str:
    """The counts side of the title bar, as shown."""
    return str(app.main_screen.query_one("#title-right").render())


@pytest.fixture
def engine_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The index is still being built until the test lets go."""
    release = threading.Event()
    build = SearchEngine.__init__

    def held(self, *args, **kwargs):
        release.wait(10)
        build(self, *args, **kwargs)

    monkeypatch.setattr(SearchEngine, "__init__", held)
    yield release
    release.set()


async def test_the_inbox_shows_before_the_index_is_built(make_app, profile_dir, engine_held):
    app = make_app()
    read = app.store.papers[0]
    app.userdata.update(read.key, title=read.title, state="read")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.main_screen
        assert screen.engine is None, "the index is still being built"
        shown = [screen.result.paper(rank).key for rank in range(len(screen.result))]
        assert len(shown) == len(app.store) - 1 and read.key not in shown, \
            "the Inbox, without the paper already read"
        counts = header(app)
        assert f"{len(shown)} of {len(app.store)}" in counts and "partial" not in counts
        await pilot.press("s")  # keys act on the rows shown
        assert app.userdata.get(shown[0]).starred
        engine_held.set()
        await settle(pilot)
        assert screen.engine is not None
        assert screen.paper_list.current.key == shown[0], "the cursor stays on its paper"


async def test_a_saved_query_with_words_is_said_to_be_partial_until_the_engine(
        make_app, engine_held):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main_screen.search_bar.value = "simcse"
        app.main_screen.opening.show_at_once()
        assert "partial" in header(app)
        engine_held.set()
        await settle(pilot)
        assert "partial" not in header(app)


FIRST_SCREEN_IMPORTS = f"""
import sys
from tui.cli.main import parse_args
from tui.cli.factory import build_app
app = build_app(parse_args([{str(PAPERS)!r}]))
loaded = [name for name in ("numpy", "tui.search.engine", "textual.widgets._markdown",
                            "rapidfuzz", "tui.desktop", "tui.screens.copy_menu",
                            "tui.screens.tag_picker") if name in sys.modules]
print(",".join(loaded))
"""


def test_the_reader_is_built_without_the_engine_numpy_or_markdown(tmp_path):
    """What the first screen does not need is not loaded before it: numpy alone is a
    tenth of a second of every start; the dialogs and desktop tools load when first used."""
    env = {"PAPERTRAY_DATA_DIR": str(tmp_path), "PAPERTRAY_CONFIG_DIR": str(tmp_path),
           "PAPERTRAY_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", FIRST_SCREEN_IMPORTS], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded before the first screen: {done.stdout.strip()}"


@pytest.mark.parametrize("width, filters_beside", [(100, False), (140, True)])
async def test_the_first_frame_is_the_whole_first_screen(make_app, engine_held, width,
                                                          filters_beside):
    """The first frame painted already has the first paper's details and the panes this
    width gets: nothing appears a frame later, nothing jumps."""
    app = make_app()
    frames: list[tuple[int, object, bool]] = []
    display = app._display

    def first_frame(screen, renderable) -> None:
        main = app.main_screen
        if not frames and renderable is not None and main.is_mounted:
            frames.append((len(main.paper_list), main.detail.paper,
                           bool(main.filter_pane.display and main.filter_pane.region.width)))
        display(screen, renderable)

    app._display = first_frame
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        rows, detailed, filters_shown = frames[0]
        assert rows > 0, "the first frame has the rows"
        assert detailed is not None and detailed.key == app.main_screen.paper_list.current.key, \
            "and the details of the paper under the cursor"
        assert filters_shown == filters_beside, "and the panes of this width, at once"
