"""JSON documents: arrays of papers, CSL-JSON, wrapper objects, broken documents."""

from __future__ import annotations

import json

from tui.model import Paper, Problem
from tui.store.formats.json_array import parse_text


def _read(text: str) -> tuple[list[Paper], list[Problem]]:
    items = list(parse_text(text, "papers.json"))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


CSL = [
    {
        "id": "http://zotero.org/users/1/items/ABC",
        "type": "paper-conference",
        "title": "Attention with <i>Style</i> and <span class=\"nocase\">iPhone</span>",
        "author": [{"family": "Vaswani", "given": "Ashish"},
                   {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
                   {"literal": "The Transformer Team"}],
        "issued": {"date-parts": [["2017", 12, 4]]},
        "container-title": "NeurIPS",
        "DOI": "10.5555/3295222.3295349",
        "URL": "https://example.org/attention",
        "keyword": "transformers, attention",
        "abstract": "We propose a new architecture.",
        "citation-key": "vaswani2017",
    },
    {"type": "webpage", "title": "Season", "issued": {"date-parts": [["2017", 14]]}},
    {"type": "book", "title": "Raw date", "issued": {"raw": "1998-04"}},
]


def test_csl_json_as_zotero_exports_it() -> None:
    papers, problems = _read(json.dumps(CSL, indent=2))
    assert problems == []
    paper = papers[0]
    assert paper.title == "Attention with Style and iPhone"
    assert paper.authors == ("Ashish Vaswani", "Vincent van Gogh", "The Transformer Team")
    assert (paper.year, paper.date, paper.venue) == (2017, "2017-12-04", "NeurIPS")
    assert paper.key == "doi:10.5555/3295222.3295349" and paper.url == "https://example.org/attention"
    assert paper.categories == ("transformers", "attention")
    assert (paper.citekey, paper.entry_type, paper.abstract) == (
        "vaswani2017", "inproceedings", "We propose a new architecture.")
    # A CSL season (month 13-24) is not a month.
    assert (papers[1].year, papers[1].date) == (2017, "2017")
    assert papers[2].date == "1998-04"


def test_each_element_knows_its_line() -> None:
    text = '[\n  {"title": "One"},\n\n  {"title": "Two",\n   "year": 2020},\n  {"year": 1}\n]\n'
    papers, problems = _read(text)
    assert [p.source for p in papers] == ["papers.json:2", "papers.json:4"]
    assert [(p.line, p.message) for p in problems] == [
        (6, "record is empty (no title, author, abstract, DOI, arXiv id, link or key)")]


def test_a_broken_element_is_reported_where_it_breaks_and_earlier_papers_are_kept() -> None:
    papers, problems = _read('[\n{"title": "Kept"},\n{"title": "Broken" "year": 1},\n{"title": "Lost"}\n]')
    assert [p.title for p in papers] == ["Kept"]
    assert problems[0].line == 3 and "not valid JSON" in problems[0].message


def test_a_truncated_array_is_reported() -> None:
    papers, problems = _read('[{"title": "A"}, {"title": "B"}')
    assert [p.title for p in papers] == ["A", "B"]
    assert "not closed" in problems[0].message


def test_wrapper_object_with_a_list_of_papers_and_a_single_paper_object() -> None:
    papers, _ = _read('{"version": 1, "items": [\n {"title": "Inside"},\n {"title": "Also"}\n]}')
    assert [(p.title, p.source) for p in papers] == [("Inside", "papers.json:2"),
                                                      ("Also", "papers.json:3")]
    single, _ = _read('{"title": "Just one", "authors": ["A B"]}')
    assert [p.title for p in single] == ["Just one"]


def test_documents_that_hold_no_papers() -> None:
    assert _read('{"name": "package", "version": "1.0"}')[1][0].message == \
        "a JSON object without a title or a list of papers"
    assert _read("   ")[1][0].message == "the file is empty"
    assert _read("[]") == ([], [])
    assert _read('"a string"')[1][0].message == "not a JSON array or object of papers"


def test_deep_nesting_and_nan() -> None:
    papers, problems = _read('[{"title": "Fine", "year": NaN}, ' + "[" * 50_000 + "]" * 50_000 + "]")
    assert [(p.title, p.year) for p in papers] == [("Fine", None)]
    assert "nested too deeply" in problems[0].message


def test_crossref_style_list_titles_and_zotero_creators() -> None:
    papers, _ = _read(json.dumps([{"title": ["Listed title"],
                                   "creators": [{"creatorType": "author", "firstName": "Ann",
                                                 "lastName": "Lee"}]}]))
    assert (papers[0].title, papers[0].authors) == ("Listed title", ("Ann Lee",))
