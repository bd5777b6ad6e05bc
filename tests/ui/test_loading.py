"""Opening a big store: papers show while it is read, keys work while it indexes, a query
typed meanwhile is answered from the papers read (marked partial), and the search takes
over, keeping the paper under the cursor, once the index is ready."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import ProgressBar

from tui.app import PaperTrayApp
from tui.bench.synthetic import write_jsonl
from tui.cli import build_app, parse_args
from tui.loader import LoadStep, StoreLoader
from tui.query import words_of
from tui.search import SearchEngine
from tui.settings import Settings
from tui.store import Store, open_store
from tui.store import files as store_files
from tui.store.compact import CompactStore
from tui.userdata import UserData

from .conftest import PAPERS, SIZE, settle, type_text


class SteppedLoader:
    """A loader the test moves on by hand: first papers, whole store, then the engine."""

    label = "stepped"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.go = [threading.Event() for _ in range(3)]
        self.cancelled = False

    def _wait(self, event: threading.Event, cancel) -> None:
        while not event.wait(0.01):
            if cancel():
                self.cancelled = True
                from tui.loader import LoadCancelled

                raise LoadCancelled()

    def load(self, *, on_step, on_papers, cancel):
        n = len(self.store)
        on_step(LoadStep("reading", 10, 100, 3))
        on_papers(Store(list(self.store.papers[:3]), label=self.label))
        self._wait(self.go[0], cancel)
        on_papers(self.store)
        on_step(LoadStep("indexing", n // 2, n, n))
        self._wait(self.go[1], cancel)
        engine = SearchEngine(self.store)
        self._wait(self.go[2], cancel)
        on_step(LoadStep("ready", n, n, n))
        return self.store, engine


@pytest.fixture
def stepped(profile_dir: Path) -> tuple[PaperTrayApp, SteppedLoader]:
    loader = SteppedLoader(open_store(PAPERS))
    app = PaperTrayApp(store=None, userdata=UserData(profile_dir, "tester"),
                       settings=Settings(theme="textual-dark"), loader=loader)
    return app, loader


async def _until(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the screen never got there")


async def test_papers_show_and_keys_work_before_the_index_is_ready(stepped) -> None:
    app, loader = stepped
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await _until(pilot, lambda: len(screen.paper_list) == 3)
        assert screen.query_one("#load-progress", ProgressBar).display
        assert "Reading 10%" in str(screen.query_one("#title-right").render())
        await pilot.press("j", "j")
        assert screen.paper_list.cursor == 2
        await pilot.press("s")  # starred while the store is still being read...
        starred = screen.paper_list.current.key
        assert app.userdata.get(starred).starred
        loader.go[0].set()  # the whole store is read
        await _until(pilot, lambda: len(screen.paper_list) == 12)
        assert app.store is loader.store and screen.paper_list.cursor == 2
        await pilot.press("j")
        current = screen.paper_list.current
        assert current is not None and current.key == loader.store[3].key
        assert screen.detail.paper == current  # the detail pane follows the cursor
        await pilot.press("s")  # triage works on a store that cannot be searched yet
        assert app.userdata.get(current.key).starred
        assert screen.triage.counts["starred"] == 2
        await pilot.press("z", "z")  # ...and both stars undo, the first one too
        for key in (current.key, starred):
            assert app.userdata.get(key) is None or not app.userdata.get(key).starred
        await pilot.press("slash")
        await type_text(pilot, "retrieval")  # typed before the index is ready...
        loader.go[1].set()
        loader.go[2].set()
        await _until(pilot, lambda: screen.engine is not None)
        await settle(pilot)
        # ...and searched as soon as it is
        expected = [h.paper.key for h in screen.engine.search("retrieval", limit=50)]
        assert [screen.paper_list.paper_at(r).key for r in range(len(screen.paper_list))] == expected
        assert not screen.query_one("#load-progress", ProgressBar).display
        assert "%" not in str(screen.query_one("#title-right").render())


async def test_the_cursor_stays_on_its_paper_when_the_index_arrives(stepped) -> None:
    app, loader = stepped
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        loader.go[0].set()
        await _until(pilot, lambda: len(screen.paper_list) == 12)
        await pilot.press("j", "j", "j", "j", "j")
        key = screen.paper_list.current.key
        loader.go[1].set()
        loader.go[2].set()
        await _until(pilot, lambda: screen.engine is not None)
        await settle(pilot)
        assert screen.paper_list.current.key == key


async def test_quitting_while_it_loads_stops_the_loader(stepped) -> None:
    app, loader = stepped
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: len(app.main_screen.paper_list) == 3)
        await pilot.press("q")
    for _ in range(100):
        if loader.cancelled:
            break
        threading.Event().wait(0.01)
    assert loader.cancelled


async def test_the_command_line_opens_a_big_store_through_the_loader(tmp_path: Path,
                                                                     monkeypatch) -> None:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 10_000)
    path = write_jsonl(tmp_path / "big.jsonl", 500, seed=9)
    for start in ("cold", "warm"):
        app = build_app(parse_args([str(path)]))
        assert isinstance(app.main_screen.loader, StoreLoader), start
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: app.main_screen.engine is not None)
            await settle(pilot)
            assert isinstance(app.store, CompactStore) and len(app.main_screen.paper_list) == 500
            await pilot.press("slash")
            await type_text(pilot, "learning")
            await settle(pilot)
            assert 0 < len(app.main_screen.paper_list) < 500
        app.userdata.close()


class BrokenLoader:
    """A store that cannot be read past its first papers (the disk went away)."""

    label = "broken"

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, *, on_step, on_papers, cancel):
        on_step(LoadStep("reading", 10, 100, 3))
        raise OSError(5, "Input/output error")


async def test_a_store_that_cannot_be_read_is_said_and_the_reader_stays_open(
        profile_dir: Path) -> None:
    app = PaperTrayApp(store=None, userdata=UserData(profile_dir, "tester"),
                       settings=Settings(theme="textual-dark"),
                       loader=BrokenLoader(open_store(PAPERS)))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await _until(pilot, lambda: app._notifications)
        await settle(pilot)
        (notice,) = list(app._notifications)
        assert notice.severity == "error" and "Input/output error" in notice.message
        rows = [str(screen.paper_list.render_line(y).text) for y in range(3)]
        assert screen.paper_list.empty_message == "Could not index the papers: [Errno 5] Input/output error"
        assert any(r.startswith("Could not index the papers") for r in rows)
        assert app.is_running and screen.engine is None


TODAY = ('{"title": "Zyzzogeton attention for daily listings", "authors": ["Ada Byron"], '
         '"year": 2026, "arxiv": "2612.00001"}\n')
"""Today's listing: one paper with a word no other paper has."""


async def _search_after_adding_a_file(app: PaperTrayApp, folder: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main_screen
        await _until(pilot, lambda: screen.engine is not None)
        await pilot.press("slash")
        await type_text(pilot, "zyzzogeton")
        await settle(pilot)
        assert len(screen.paper_list) == 0
        before = screen.engine
        (folder / "today.jsonl").write_text(TODAY, encoding="utf-8")
        await pilot.press("ctrl+r")
        await _until(pilot, lambda: screen.engine is not before)
        await settle(pilot)
        assert len(screen.paper_list) == 1
        assert screen.paper_list.paper_at(0).title == "Zyzzogeton attention for daily listings"
    app.userdata.close()


async def test_ctrl_r_reads_a_file_added_to_a_big_store_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 10_000)
    folder = tmp_path / "store"
    write_jsonl(folder / "big.jsonl", 500, seed=9)
    await _search_after_adding_a_file(build_app(parse_args([str(folder)])), folder)


async def test_ctrl_r_reads_a_file_added_to_a_small_store_folder(tmp_path: Path, make_app) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "papers.jsonl").write_bytes(PAPERS.read_bytes())
    await _search_after_adding_a_file(make_app(folder), folder)


# -- a query typed while it indexes: answered by a scan, marked partial -----------------
def _word_in_some(loader: SteppedLoader) -> tuple[str, set[str]]:
    """A word found in some papers of the store but not all, and the keys of those."""
    for paper in loader.store:
        for word in words_of(paper.title):
            if len(word) < 6:
                continue
            having = {p.key for p in loader.store
                      if word in f"{p.title} {' '.join(p.authors)} {p.abstract}".lower()}
            if 1 < len(having) < len(loader.store):
                return word, having
    raise AssertionError("no word to search for")


def _title_bar(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one("#title-right").render())


async def test_typing_while_it_indexes_shows_matching_papers_marked_partial(stepped) -> None:
    app, loader = stepped
    word, having = _word_in_some(loader)
    async with app.run_test() as pilot:
        screen = app.main_screen
        loader.go[0].set()  # the whole store is read; the index is not ready
        await _until(pilot, lambda: len(screen.paper_list) == len(loader.store))
        await pilot.press("slash")
        await type_text(pilot, word)
        await _until(pilot, lambda: len(screen.paper_list) == len(having))
        shown = {screen.paper_list.paper_at(r).key for r in range(len(screen.paper_list))}
        assert shown == having
        assert "partial" in _title_bar(screen)
        loader.go[1].set()
        loader.go[2].set()
        await _until(pilot, lambda: screen.engine is not None)
        await settle(pilot)
        await _until(pilot, lambda: "partial" not in _title_bar(screen))
        expected = [h.paper.key for h in screen.engine.search(word, limit=50)]
        assert [screen.paper_list.paper_at(r).key
                for r in range(len(screen.paper_list))] == expected


async def test_clearing_the_query_while_it_indexes_shows_every_paper_again(stepped) -> None:
    app, loader = stepped
    word, having = _word_in_some(loader)
    async with app.run_test() as pilot:
        screen = app.main_screen
        loader.go[0].set()
        await _until(pilot, lambda: len(screen.paper_list) == len(loader.store))
        await pilot.press("slash")
        await type_text(pilot, word)
        await _until(pilot, lambda: len(screen.paper_list) == len(having))
        for _ in word:
            await pilot.press("backspace")
        await _until(pilot, lambda: len(screen.paper_list) == len(loader.store))
        assert "partial" not in _title_bar(screen)
        loader.go[1].set()
        loader.go[2].set()
