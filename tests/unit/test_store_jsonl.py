"""JSON Lines: the arXiv snapshot schema, the generic schema, and every kind of damage."""

from __future__ import annotations

import json
from pathlib import Path

from tui.model import Paper, Problem
from tui.store import open_store
from tui.store.formats import jsonl

ARXIV_RECORD = {
    "id": "2104.08821",
    "submitter": "Tianyu Gao",
    "authors": "Tianyu Gao, Xingcheng Yao and Danqi Chen",
    "title": "SimCSE: Simple Contrastive Learning of Sentence\n  Embeddings",
    "comments": "EMNLP 2021",
    "journal-ref": None,
    "doi": None,
    "categories": "cs.CL cs.LG",
    "abstract": "  This paper presents SimCSE, a simple contrastive learning framework\nthat"
                " greatly advances the state-of-the-art.\n  We also show a second paragraph.\n",
    "versions": [{"version": "v1", "created": "Sat, 17 Apr 2021 00:00:00 GMT"}],
    "update_date": "2022-05-18",
    "authors_parsed": [["Gao", "Tianyu", ""], ["Yao", "Xingcheng", ""], ["Chen", "Danqi", ""]],
}


def _read(data: bytes, tmp_path: Path) -> tuple[list[Paper], list[Problem]]:
    path = tmp_path / "store.jsonl"
    path.write_bytes(data)
    items = list(jsonl.parse(path))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


def _lines(*records: object) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_arxiv_snapshot_record_is_read_field_by_field(tmp_path: Path) -> None:
    papers, problems = _read(_lines(ARXIV_RECORD), tmp_path)
    assert problems == []
    paper = papers[0]
    assert paper.key == "arxiv:2104.08821" and paper.arxiv == "2104.08821"
    assert paper.title == "SimCSE: Simple Contrastive Learning of Sentence Embeddings"
    assert paper.authors == ("Tianyu Gao", "Xingcheng Yao", "Danqi Chen")
    assert paper.abstract == ("This paper presents SimCSE, a simple contrastive learning framework that "
                              "greatly advances the state-of-the-art.\n\nWe also show a second paragraph.")
    assert (paper.year, paper.date) == (2021, "2021-04")
    assert paper.categories == ("cs.CL", "cs.LG")
    assert paper.source == f"{tmp_path / 'store.jsonl'}:1"


def test_arxiv_old_style_ids_accents_doi_and_journal_ref(tmp_path: Path) -> None:
    record = dict(ARXIV_RECORD, id="hep-th/9901001", doi="10.1103/PhysRevD.1 10.2000/other",
                  **{"journal-ref": "Phys. Rev. D 1 (1999)"},
                  authors_parsed=[["M\\\"uller", "J.", ""], ["Smith", "A.", "Jr"]])
    paper = _read(_lines(record), tmp_path)[0][0]
    assert paper.key == "arxiv:hep-th/9901001" and paper.date == "1999-01"
    assert paper.doi == "10.1103/PhysRevD.1"
    assert paper.venue == "Phys. Rev. D 1 (1999)" and paper.entry_type == "article"
    assert paper.authors == ("J. Müller", "A. Smith, Jr")


def test_arxiv_authors_string_is_used_without_authors_parsed(tmp_path: Path) -> None:
    record = {k: v for k, v in ARXIV_RECORD.items() if k != "authors_parsed"}
    assert _read(_lines(record), tmp_path)[0][0].authors == ("Tianyu Gao", "Xingcheng Yao", "Danqi Chen")


def test_generic_schema(tmp_path: Path) -> None:
    record = {"title": "A generic paper", "authors": "Smith, John and Doe, Jane", "year": "2019",
              "venue": "NeurIPS", "url": "https://arxiv.org/abs/1906.00001v2", "tags": ["rl", "theory"],
              "abstract": "Line one\nline two.\n\nSecond paragraph."}
    paper = _read(_lines(record), tmp_path)[0][0]
    assert paper.authors == ("John Smith", "Jane Doe")
    assert (paper.year, paper.venue, paper.categories) == (2019, "NeurIPS", ("rl", "theory"))
    assert paper.arxiv == "1906.00001" and paper.key == "arxiv:1906.00001"
    assert paper.abstract == "Line one line two.\n\nSecond paragraph."


def test_bom_crlf_and_blank_lines(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + json.dumps({"title": "First"}).encode() + b"\r\n\r\n" + \
        json.dumps({"title": "Third line"}).encode() + b"\r\n"
    papers, problems = _read(data, tmp_path)
    assert problems == []
    assert [(p.title, p.source.rsplit(":", 1)[1]) for p in papers] == [("First", "1"), ("Third line", "3")]


def test_truncated_last_line_is_reported_on_its_line(tmp_path: Path) -> None:
    data = _lines({"title": "Whole"}, {"title": "Also whole"}) + b'{"title": "Cut sh'
    papers, problems = _read(data, tmp_path)
    assert [p.title for p in papers] == ["Whole", "Also whole"]
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(3, "not valid JSON")]


def test_invalid_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    data = _lines({"title": "Fine"}) + b'{"title": "Caf\xe9 \xff society"}\n'
    papers, problems = _read(data, tmp_path)
    assert [p.title for p in papers] == ["Fine", "Caf\ufffd \ufffd society"]
    assert problems[0].line == 2 and "UTF-8" in problems[0].message


def test_wrong_types_title_number_authors_dict(tmp_path: Path) -> None:
    data = _lines({"title": 1984, "authors": {"oops": 1}},
                  {"title": ["a", "list"]},
                  {"title": {"nested": "object"}},
                  {"title": True},
                  ["not", "an", "object"],
                  {"title": "Fine", "year": "nineteen", "abstract": 5.5, "doi": None})
    papers, problems = _read(data, tmp_path)
    assert [p.title for p in papers] == ["1984", "a", "Fine"]
    assert papers[0].authors == ()
    assert papers[2].year is None and papers[2].abstract == "5.5"
    assert [(p.line, p.message) for p in problems] == [
        (1, "authors is an object, not a list of names; ignored"),
        (3, "title is an object, not text"),
        (4, "title is true/false, not text"),
        (5, "expected an object for a paper, found a list"),
    ]


def test_nan_and_infinity_are_read_as_missing_values(tmp_path: Path) -> None:
    data = b'{"title": "Not a number", "year": NaN, "score": Infinity}\n{"title": NaN}\n'
    papers, problems = _read(data, tmp_path)
    assert [(p.title, p.year) for p in papers] == [("Not a number", None)]
    assert [(p.line, p.message) for p in problems] == [
        (2, "record is empty (no title, author, abstract, DOI, arXiv id, link or key)")]


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    data = _lines({"title": "Before"}) + b'{"title": "x", "extra": ' + deep + b"}\n" + \
        _lines({"title": "After"})
    papers, problems = _read(data, tmp_path)
    assert [p.title for p in papers] == ["Before", "After"]
    assert problems[0].line == 2 and "nested too deeply" in problems[0].message


def test_missing_title_and_control_characters(tmp_path: Path) -> None:
    data = _lines({"authors": ["Nobody"]}, {"title": "  Spaced\x00 \t out\x1b[31m  title  "})
    papers, problems = _read(data, tmp_path)
    assert problems == []
    assert [(p.title, p.authors) for p in papers] == [("", ("Nobody",)), ("Spaced out [31m title", ())]


def test_a_binary_file_named_jsonl_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(bytes(range(256)) * 4)
    store = open_store(path)
    assert len(store) == 0
    assert [(p.path, p.line) for p in store.problems] == [(str(path), None)]
