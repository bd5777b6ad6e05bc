"""Promise 6 in the reader: hostile text is shown, never obeyed, in every widget.

Any text a paper file or an imported annotation file holds (markup such as ``[bold]`` or
``[@click=app.quit]``, escape sequences, C1 controls, NUL, bidi overrides, zero-width
characters, lone surrogates, or simply anything hypothesis invents) goes through every
place the reader shows paper data: the list row, the detail pane (title, authors, venue,
identifiers, abstract, tags, note), the filter pane's tags and categories, the title bar,
the tag picker, the note editor and the notifications that quote a title. Nothing raises,
nothing on screen is a control character a terminal would act on, and no click runs an
action. One app serves every example (starting one per example would take minutes).
"""

from __future__ import annotations

import statistics
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from textual.worker import WorkerCancelled

from tui.app import PaperTrayApp
from tui.model import Annotation, Hit, Paper
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_picker import TagPicker
from tui.settings import Settings
from tui.store import Store
from tui.userdata import UserData

HOSTILE = ["[bold]", "[/]", "[Re]", "x[i", "[link=https://evil.example]", "[/link]", "[@click=app.quit]",
           "[@click=screen.toggle_star]", "\x1b[2J", "\x1b]0;owned\x07", "\x1b]8;;https://e.x\x1b\\",
           "\x1b[31m", "\x9b2J", "\x9d0;x\x9c", "\x85", "\x00", "\x07", "\x08", "\r", "\n", "\t", "\x7f",
           "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028", "\ud800",
           "\udfff", "\U0001f600", "\u0301", "\u4e2d\u6587", "&amp;", "<b>", "`code`", "*em*", "# head",
           "[x](javascript:alert(1))", "$(rm -rf ~)", "\\", "{", "}"]
"""Pieces that would style, link, click, retitle, clear, reorder or hide if obeyed."""

TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=10)), max_size=8).map("".join)
SHORT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6)), min_size=1, max_size=3).map("".join)

SAFE_CONTROLS = {"\n"}  # a strip never holds one, but a line break is not an attack
WIDTH, HEIGHT = 120, 36


def obeyable(text: str) -> list[str]:
    """Characters a terminal would act on or that would hide or reorder text: C0 and C1
    controls, DEL, NUL, bidi formatting, zero-width characters and lone surrogates."""
    return [c for c in text if c not in SAFE_CONTROLS and (
        unicodedata.category(c) in ("Cc", "Cs")
        or c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        or c in "\u200b\u200c\u2060\ufeff\u2028\u2029")]


class OneHit:
    """Results holding one paper, so the list shows exactly what the test built."""

    def __init__(self, hit: Hit) -> None:
        self._hit = hit

    def __len__(self) -> int:
        return 1

    def hit(self, rank: int) -> Hit:
        return self._hit


async def settle(pilot) -> None:
    """Wait until searching is done and the screen has caught up (a search cancelled by a
    newer one is fine)."""
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()


def screen_segments(app: PaperTrayApp) -> list:
    """Every segment the screen (and any modal or toast on it) would write to the terminal."""
    return [segment for strip in app.screen._compositor.render_strips() for segment in strip]


def assert_nothing_obeyable(app: PaperTrayApp, where: str) -> str:
    segments = screen_segments(app)
    text = "".join(segment.text for segment in segments)
    assert obeyable(text) == [], f"{where}: {obeyable(text)!r} reached the terminal"
    # Links in the person's Markdown note are meant to be followed (the detail pane opens
    # only http and https ones); nothing else may run an action when clicked.
    clickable = [(s.text, s.style.meta["@click"]) for s in segments
                 if s.style and s.style.meta.get("@click") and not s.style.meta["@click"].startswith("link(")]
    assert clickable == [], f"{where}: paper text became clickable: {clickable!r}"
    return text


@pytest.fixture
async def pilot(tmp_path):
    """The reader, running, on one harmless paper (each example then shows its own)."""
    store = Store([Paper(key="title:calm", title="A calm paper")], label="calm")
    app = PaperTrayApp(store=store, userdata=UserData(tmp_path / "profile", "tester"),
                       settings=Settings(theme="textual-dark", saved_searches={"mine": "tag:x"}))
    async with app.run_test(size=(WIDTH, HEIGHT)) as running:
        await settle(running)
        yield running


async def show_everywhere(pilot, paper: Paper, note: Annotation, spans: dict, *,
                          modals: tuple[str, ...] = ("tags", "note")) -> str:
    """Put ``paper`` and ``note`` in every widget that shows paper data and in the
    ``modals`` asked for, checking the screen each time; return the main screen's text."""
    app = pilot.app
    screen = app.main_screen
    app.clear_notifications()
    app.userdata.restore({paper.key: note})  # exactly as given, as an imported file can hold it
    screen.store.label = paper.venue  # the title bar shows the store's name (a file name)
    screen.filter_pane.display = True
    # A saved search named like the title, chosen: the filter pane and the search bar show it.
    screen.filter_pane.chosen = {f"saved:{paper.title}": "tag:x"}
    screen.refresh_counts()  # title bar, counts, and the profile's tags in the filter pane
    screen.filter_pane.update_counts(categories=[(c, 1) for c in paper.categories],
                                     years=[(paper.venue, 1)], saved={paper.title: "tag:x"})
    screen.search_bar.set_context(screen.filter_pane.summary, screen.sort)
    screen.paper_list.show(OneHit(Hit(paper, 1.0, spans)))  # the list tells the screen,
    screen.action_copy_citation()  # which fills the detail; the copy menu quotes the title
    await pilot.pause()
    assert_nothing_obeyable(app, "copy menu")
    await pilot.press("y")  # BibTeX: the notification quotes the title too
    await pilot.pause()
    text = assert_nothing_obeyable(app, "main screen")
    for modal in modals:
        if modal == "tags":
            await app.push_screen(TagPicker(paper.title, note.tags, [(t, 2) for t in note.tags]))
        else:
            await app.push_screen(NoteEditor(paper.title, note.note))
        await pilot.pause()
        assert_nothing_obeyable(app, f"{modal} dialog")
        app.pop_screen()
    assert app.is_running and app._exception is None
    return text


# No shrinking: each example drives the whole reader, and shrinking a failure took minutes;
# the examples are short enough to read as they come.
@settings(max_examples=50, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=TEXT, authors=st.lists(SHORT, max_size=3), venue=TEXT, abstract=TEXT, link=SHORT,
       tags=st.lists(SHORT, max_size=3, unique=True), categories=st.lists(SHORT, max_size=2, unique=True),
       note=TEXT, spans=st.lists(st.tuples(st.integers(-3, 40), st.integers(-3, 60)), max_size=3),
       modal=st.sampled_from(["tags", "note"]))
@example(title="[bold]x[/] [@click=app.quit]quit x[i [link=https://e.x]l[/link]",
         authors=["[red]Mallory[/red]", "Eve\x1b[2J"], venue="\x1b]0;owned\x07", abstract="\u202eevil\u202c\x00",
         link="javascript:[@click=app.quit]", tags=["[b]", "\x9b31m"], categories=["[Re]"],
         note="[@click=app.quit]x \x1b[2J \ud800", spans=[(0, 6)], modal="tags")
async def test_random_text_in_every_widget_never_raises_and_obeys_nothing(
        pilot, title, authors, venue, abstract, link, tags, categories, note, spans, modal) -> None:
    """The list row, detail, filter pane, title bar, search bar, a notification and one
    dialog (tag picker or note editor, whose title line shows the paper) per example."""
    paper = Paper(key="title:hostile", title=title or "t", authors=tuple(authors), venue=venue,
                  abstract=abstract, url=link, doi=link, arxiv=link, categories=tuple(categories),
                  year=2024)
    annotation = Annotation(paper.key, starred=True, tags=tuple(tags), note=note, state="later")
    await show_everywhere(pilot, paper, annotation, {"title": tuple(spans), "abstract": tuple(spans)},
                          modals=(modal,))


async def test_markup_in_paper_text_is_shown_literally(pilot) -> None:
    title = "[bold]x[/] [@click=app.quit]quit x[i"
    paper = Paper(key="title:m", title=title, authors=("[red]Mallory[/red]",), venue="[link=https://e.x]v")
    text = await show_everywhere(pilot, paper, Annotation(paper.key, tags=("[b]",), note="[i]mine[/i]"), {})
    for literal in (title, "[red]Mallory[/red]", "[link=https://e.x]v", "#[b]", "[i]mine[/i]"):
        assert literal in text, f"{literal!r} was not shown as typed"


async def test_a_10_mb_paper_is_cut_and_its_widgets_render_quickly(pilot, monkeypatch) -> None:
    """The widgets' own work. (Highlighting matches in it is the engine's: next test.)"""
    monkeypatch.setattr(pilot.app.main_screen, "engine", None)
    huge = "word \x1b[31m " * 1_000_000  # 12 MB
    paper = Paper(key="title:huge", title="Huge " + huge, authors=(huge,), venue=huge, abstract=huge)
    note = Annotation(paper.key, tags=(huge[:5000],), note=huge)
    screen = pilot.app.main_screen
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        screen.paper_list.set_annotation_lookup(lambda key: note)
        screen.paper_list.show(OneHit(Hit(paper, 1.0, {})))
        screen.detail.show(paper, note, {"abstract": ((0, 10_000_000),)})
        await pilot.pause()
        text = assert_nothing_obeyable(pilot.app, "huge paper")
        timings.append(time.perf_counter() - started)
        screen.detail.show(None)
        await pilot.pause()
    assert statistics.median(timings) < 1.0, f"showing a 12 MB paper took {timings}"
    screen.detail.show(paper, note, {})
    shown = str(screen.query_one("#detail-abstract").render())
    assert len(shown) < 25_000 and shown.endswith("more characters]")
    assert "Huge word ␛[31m" in text


async def test_moving_onto_a_10_mb_paper_keeps_the_reader_responsive(pilot) -> None:
    abstract = "word " * 2_000_000  # 10 MB
    paper = Paper(key="title:huge", title="Huge", abstract=abstract)
    screen = pilot.app.main_screen
    timings = []
    for _ in range(3):  # the median: one slow moment of a shared machine is not a freeze
        started = time.perf_counter()
        screen.paper_list.show(OneHit(Hit(paper, 1.0, {})))  # the screen highlights it for the query
        await pilot.pause()
        assert screen.detail.paper == paper
        timings.append(time.perf_counter() - started)
        screen.detail.show(None)
        await pilot.pause()
    assert statistics.median(timings) < 1.0, f"moving onto a 10 MB paper took {timings}"
    screen.paper_list.show(OneHit(Hit(paper, 1.0, {})))
    await pilot.pause()
    shown = str(screen.query_one("#detail-abstract").render())
    assert len(shown) < 25_000 and shown.endswith("more characters]")


async def test_typing_with_a_huge_paper_in_the_store_keeps_the_reader_responsive(tmp_path) -> None:
    """The list highlights the matches of each row it draws, on the UI thread."""
    words = "word " * 2_000_000  # 10 MB
    papers = [Paper(key="title:calm", title="A calm paper about words"),
              Paper(key="title:huge", title="Huge " + words, authors=(words,), abstract=words)]
    app = PaperTrayApp(store=Store(papers, label="huge"), userdata=UserData(tmp_path / "p", "tester"),
                       settings=Settings(theme="textual-dark"))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        timings = []
        for key in "wor":  # each keystroke: search, then the list draws and highlights the rows
            started = time.perf_counter()
            await pilot.press(key)
            await settle(pilot)
            timings.append(time.perf_counter() - started)
        assert len(app.main_screen.paper_list) == 2
        assert statistics.median(timings) < 1.0, f"keystrokes froze the reader: {timings}"


async def test_the_note_editor_shows_a_hostile_note_without_obeying_it(pilot) -> None:
    """A note can come from another machine's annotation file (``annotations import``)."""
    paper = Paper(key="title:n", title="Noted")
    note = Annotation(paper.key, note="pasted \x1b]0;owned\x07 \x1b[2J \x9b31m \u202eevil \ud800")
    await show_everywhere(pilot, paper, note, {}, modals=("note",))
