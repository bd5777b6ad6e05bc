"""Hostile text in papers is displayed, never obeyed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment

from tests.ui.conftest import HOSTILE_TITLES, SIZE, hostile_papers, settle
from tui.model import Annotation, Paper
from tui.widgets.text import highlighted, multi_line, one_line


def visible_text(app) -> str:
    """The characters of every line on screen, with no styling."""
    compositor = app.screen._compositor
    strips = compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def rendered_segments(app) -> list[Segment]:
    compositor = app.screen._compositor
    return [segment for strip in compositor.render_strips() for segment in strip]


async def test_hostile_titles_are_shown_literally_and_obey_nothing(make_app, tmp_path):
    store_file = tmp_path / "hostile.jsonl"
    store_file.write_text("".join(json.dumps({"title": title, "authors": ["[b]Eve[/b]"],
                                              "abstract": "[@click=app.quit]abs"}) + "\n"
                                  for title in HOSTILE_TITLES))
    app = make_app(store_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = visible_text(app)
        assert "[bold]x[/]" in text
        assert "[@click=app.quit]click me" in text
        assert "\x1b" not in text and "\x07" not in text
        assert len(app.main_screen.paper_list) == 3


async def test_clicking_a_hostile_title_selects_the_row_and_nothing_else(make_app):
    app = make_app(papers=hostile_papers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main_screen.paper_list
        offset = papers.region.offset
        await pilot.click(offset=(offset.x + 10, offset.y + 1))
        await pilot.pause()
        assert app.is_running, "the click ran no action"
        assert papers.cursor == 1
        for segment in rendered_segments(app):
            assert not (segment.style and segment.style.meta.get("@click")), segment
        await pilot.click("#paper-detail", offset=(5, 0))
        await pilot.pause()
        assert app.is_running


async def test_control_characters_become_visible_in_every_pane(make_app):
    app = make_app(papers=hostile_papers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")  # the ESC ] 0 ; owned BEL title
        await pilot.pause()
        text = visible_text(app)
        assert "␛]0;owned␇" in text
        assert not any(ch in text for ch in "\x1b\x07\u202e\u202c")
        assert "[red]Mallory[/red]" in text


async def test_huge_abstract_is_cut_for_display(make_app):
    papers = [Paper(key="title:big", title="Big", abstract="word " * 300_000)]
    app = make_app(papers=papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        abstract = str(app.main_screen.query_one("#detail-abstract").render())
        assert len(abstract) < 25_000
        assert abstract.endswith("more characters]")


async def test_hostile_tags_and_notes_are_shown_literally(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.main_screen.paper_list.current.key
        app.userdata.update(key, tags=["[bold]"], note="[@click=app.quit]x \x1b[2J")
        app.main_screen.after_change((key,))
        await pilot.pause()
        text = visible_text(app)
        assert "#[bold]" in text
        assert "[@click=app.quit]x ␛[2J" in text
        assert app.is_running


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.text(), spans=st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 80)),
                                     max_size=5))
def test_any_text_renders_without_raising_and_without_controls(raw, spans):
    console = Console(width=50, record=True, file=open("/dev/null", "w"))
    for text in (highlighted(raw, spans, "bold"), highlighted(raw, spans, "bold", multiline=True)):
        out = "".join(seg.text for seg in text.render(console))
        assert not any(ord(ch) < 32 and ch != "\n" for ch in out)
        assert not any(0x7F <= ord(ch) <= 0x9F for ch in out)
    assert "\n" not in one_line(raw)
    assert len(multi_line(raw, limit=10)) <= 10 + 40


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=st.text(min_size=1), author=st.text(), tag=st.text(min_size=1, max_size=30),
       note=st.text())
async def test_random_text_through_list_and_detail_never_raises(make_app, title, author, tag,
                                                                note):
    paper = Paper(key="title:x", title=title, authors=(author,), abstract=note)
    app = make_app(papers=[paper])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.paper_list.set_annotation_lookup(
            lambda key: Annotation(key, starred=True, tags=(tag,), note=note))
        screen.detail.show(paper, Annotation(paper.key, tags=(tag,), note=note),
                           {"title": ((0, len(title)),)})
        await pilot.pause()
        text = visible_text(app)
        assert "\x1b" not in text
        assert app.is_running
