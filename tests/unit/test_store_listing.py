"""Plain-text listings copied from web pages, in the layouts people paste."""

from __future__ import annotations

from tui.model import Paper, Problem
from tui.store.formats.listing import parse_text


def _read(text: str) -> tuple[list[Paper], list[Problem]]:
    items = list(parse_text(text, "page.txt"))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


ABSTRACT_A = ("We study how people read listings of papers in the morning and find that most "
              "of them skim titles first. " * 4).strip()
ABSTRACT_B = ("A second abstract that is long enough to be read as an abstract rather than a "
              "title, with several sentences. It ends here.")


def test_copied_page_layout_with_boilerplate_and_a_glued_subscribe_button() -> None:
    text = ("Get trending papers in your email inbox once a day!\n"
            "Get trending papers in your email inbox!\n"
            f"SubscribeFirst Paper Title\n{ABSTRACT_A}\nSecond Paper: A Subtitle\n{ABSTRACT_B}\n")
    papers, problems = _read(text)
    assert problems == []
    assert [(p.title, p.source) for p in papers] == [("First Paper Title", "page.txt:3"),
                                                      ("Second Paper: A Subtitle", "page.txt:5")]
    assert papers[0].abstract == ABSTRACT_A and papers[1].abstract == ABSTRACT_B
    assert papers[0].key.startswith("ref:first")


def test_titles_without_abstracts_and_a_short_sentence_abstract() -> None:
    papers, _ = _read("Only a Title\nAnother Title\nA Third Title\nThis short abstract is one sentence.\n")
    assert [(p.title, p.abstract) for p in papers] == [
        ("Only a Title", ""), ("Another Title", ""),
        ("A Third Title", "This short abstract is one sentence.")]


def test_wrapped_text_with_title_and_abstract_in_one_block() -> None:
    text = ("First Wrapped Paper\nThis abstract was wrapped at a fixed width by the\n"
            "tool that saved it, so it spans lines.\n\n"
            "Second Wrapped Paper\nAnother abstract, also\nwrapped.\n")
    papers, _ = _read(text)
    assert [(p.title, p.abstract) for p in papers] == [
        ("First Wrapped Paper", "This abstract was wrapped at a fixed width by the tool that saved it, so it spans lines."),  # noqa: E501 (a record quoted whole)
        ("Second Wrapped Paper", "Another abstract, also wrapped.")]
    assert papers[1].source == "page.txt:5"


def test_wrapped_text_with_title_and_abstract_in_separate_blocks() -> None:
    text = ("First Paper\n\nIts abstract, wrapped over\ntwo lines.\n\n"
            "Second Paper\n\nIts own abstract here.\n")
    papers, _ = _read(text)
    assert [(p.title, p.abstract) for p in papers] == [
        ("First Paper", "Its abstract, wrapped over two lines."), ("Second Paper", "Its own abstract here.")]


def test_text_before_any_title_is_reported() -> None:
    papers, problems = _read(f"{ABSTRACT_A}\nReal Title\n{ABSTRACT_B}\n")
    assert [p.title for p in papers] == ["Real Title"]
    assert [(p.line, p.message) for p in problems] == [(1, "text without a title before it; skipped")]


def test_empty_text_and_only_boilerplate() -> None:
    assert _read("Subscribe\n\n")[1][0].message == "no papers found in this text"


def test_markup_and_control_characters_stay_data() -> None:
    papers, _ = _read("[bold]x[/] \x1b]0;owned\x07 Title\n" + ABSTRACT_B + "\n")
    assert papers[0].title == "[bold]x[/] ]0;owned Title"
