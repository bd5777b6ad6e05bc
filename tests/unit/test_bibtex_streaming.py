"""A big BibTeX file gives its first papers before the whole file is parsed, and reads
the same as when it is parsed whole: macros, crossrefs, duplicates and line numbers
carry across the pieces it is cut into."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from tui.model import Paper, Problem
from tui.store.formats import bibtex


def _entry(number: int, extra: str = "") -> str:
    return (f"@article{{key{number},\n  title = {{Paper number {number}}},\n"
            f"  author = {{Doe, Jane}},\n  year = 2020,{extra}\n}}\n\n")


def _count_pieces(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """The length of each piece of text bibtexparser is given, as it is given them."""
    parsed: list[int] = []
    real = bibtexparser.parse_string

    def spy(piece: str, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(len(piece))
        return real(piece, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", spy)
    return parsed


def test_first_paper_comes_before_the_rest_of_a_big_file_is_parsed(monkeypatch) -> None:
    text = "".join(_entry(n) for n in range(10_000))  # about 900 KB
    parsed = _count_pieces(monkeypatch)
    items = bibtex.parse_text(text, "big.bib")
    first = next(items)
    assert isinstance(first, Paper) and first.title == "Paper number 0"
    assert sum(parsed) < len(text) / 2
    rest = list(items)
    assert len(rest) == 9999 and rest[-1].title == "Paper number 9999"  # type: ignore[union-attr]


def _small_chunks(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(bibtex, "CHUNK_CHARS", 10)  # every entry a piece of its own


def test_macros_crossrefs_and_lines_carry_across_pieces(monkeypatch) -> None:
    _small_chunks(monkeypatch)
    text = ('@string{acm = "ACM Press"}\n\n'
            + _entry(1, "\n  publisher = acm,\n  crossref = {proc}")
            + _entry(2)
            + "@article{broken,\n  title = {Never closes\n\n"
            + _entry(2)
            + "@proceedings{proc,\n  title = {Proceedings of Things},\n  year = 2019\n}\n")
    items = list(bibtex.parse_text(text, "x.bib"))
    papers = [item for item in items if isinstance(item, Paper)]
    problems = [item for item in items if isinstance(item, Problem)]
    child = papers[0]
    assert child.citekey == "key1"
    assert dict(child.fields)["publisher"] == "ACM Press"
    assert child.venue == "Proceedings of Things"
    assert [paper.citekey for paper in papers] == ["key1", "key2", "key2", "proc"]
    assert papers[2].source == "x.bib:20"
    assert [(p.line, p.message) for p in problems] == [
        (17, "entry skipped: unbalanced braces or quotes: the next entry starts inside this one"),
        (20, "duplicate key 'key2' (first at line 11); both kept")]


@pytest.mark.parametrize("relative", ["bib/texlive__biblatex-examples.bib",
                                      "bib/bbt__web_page_and_other_mendeley_idiocy.bib"])
def test_real_files_read_the_same_in_pieces(fixtures_dir: Path, relative: str,
                                             monkeypatch) -> None:
    path = fixtures_dir / relative
    whole = list(bibtex.parse(path))
    _small_chunks(monkeypatch)
    assert list(bibtex.parse(path)) == whole


def test_the_loader_shows_papers_of_a_big_bib_before_it_is_parsed_through(
        tmp_path: Path, monkeypatch) -> None:
    from tui.loader import StoreLoader

    path = tmp_path / "big.bib"
    path.write_text("".join(_entry(n) for n in range(3000)), encoding="utf-8")
    monkeypatch.setattr(bibtex, "CHUNK_CHARS", 20_000)
    parsed = _count_pieces(monkeypatch)
    shown: list[tuple[int, int]] = []  # (papers shown, pieces parsed by then)
    store, _ = StoreLoader(path, cache=False).load(
        on_papers=lambda partial: shown.append((len(partial), len(parsed))))
    assert len(store) == 3000
    papers, pieces = shown[0]
    assert 0 < papers < 3000 and pieces < len(parsed) / 2
