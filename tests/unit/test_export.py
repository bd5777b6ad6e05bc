"""Exports a person hands to LaTeX, a reading group or a spreadsheet read back correctly."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from tui.export import (
    FORMATS,
    bibtex_entry,
    citekey_for,
    paper_record,
    write_papers,
)
from tui.output import atomic_output
from tui.model import Annotation, Paper, stable_key

HOSTILE_TITLES = ["[bold]x[/]", "\x1b]0;owned\x07", "invoice\u202egpj.exe", "=HYPERLINK(\"x\")"]


def make_paper(title: str, authors: tuple[str, ...] = ("Ada Lovelace",), year: int | None = 2021,
               **extra: object) -> Paper:
    key = stable_key(title=title, doi=str(extra.get("doi", "")), arxiv=str(extra.get("arxiv", "")))
    return Paper(key=key, title=title, authors=authors, year=year, **extra)  # type: ignore[arg-type]


PAPERS = [
    make_paper("Japanese SimCSE Technical Report", ("Hayato Tsukagoshi", "Ryohei Sasano"), 2023,
               arxiv="2310.19349", categories=("cs.CL",), abstract="We report on Japanese SimCSE."),
    make_paper("50% faster & cheaper: $O(n)$ tricks for a_b {sets} ~ #1 \\ back^slash", year=2020,
               venue="Journal of Things", doi="10.1000/XYZ"),
    make_paper("Über die Möglichkeit: naïve Straße", ("Jürgen Müller",), 1999),
    make_paper("Deep Learning", ("Ada Lovelace",), 2020, citekey="lovelace2020deep"),
    make_paper("Deep Learning Again", ("Ada Lovelace",), 2020),
    make_paper("Untitled authorless", (), None),
    make_paper("Procter and Gamble study", ("{Procter and Gamble}", "Alan Turing"), 2001),
    make_paper("Expectations vs Reality -- a ``quoted'' word --- why?`", doi="10.1007/978-3_7",
               url="https://example.org/a_b%20c"),
]


def parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def export(papers: list[Paper], fmt: str, annotations: dict[str, Annotation] | None = None) -> str:
    out = io.StringIO()
    assert write_papers(papers, fmt, out, annotations) == len(papers)
    return out.getvalue()


def test_bibtex_round_trips_through_bibtexparser_with_same_titles_and_unique_keys() -> None:
    library = parse_bibtex(export(PAPERS, "bibtex"))
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(PAPERS)
    assert len({k.casefold() for k in keys}) == len(keys)
    titles = [entry["title"] for entry in library.entries]
    assert titles == [p.title for p in PAPERS]


def test_bibtex_keys_are_the_papers_own_or_author_year_word() -> None:
    library = parse_bibtex(export(PAPERS, "bibtex"))
    keys = [entry.key for entry in library.entries]
    assert keys[0] == "tsukagoshi2023japanese"
    assert keys[2] == "muller1999uber"
    assert keys[3] == "lovelace2020deep"          # the paper's own key, kept
    assert keys[4] == "lovelace2020deepa"         # generated, then made unique
    assert keys[5] == "anonuntitled"


def test_bibtex_keeps_doi_and_url_verbatim() -> None:
    # Raw parse: (bib)LaTeX reads these fields verbatim, so no LaTeX decoding applies.
    entry = bibtexparser.parse_string(bibtex_entry(PAPERS[7])).entries[0]
    assert (entry["doi"], entry["url"]) == ("10.1007/978-3_7", "https://example.org/a_b%20c")
    assert "-{}-" in bibtex_entry(PAPERS[7])


def test_bibtex_fields_carry_identifiers_and_annotation() -> None:
    note = Annotation(key=PAPERS[0].key, starred=True, tags=("thesis",), note="Read for ch. 2", state="read")
    entry = parse_bibtex(bibtex_entry(PAPERS[0], note)).entries[0]
    assert entry.entry_type == "misc"
    assert entry["eprint"] == "2310.19349"
    assert entry["archiveprefix"] == "arXiv"
    assert entry["author"] == "Hayato Tsukagoshi and Ryohei Sasano"
    assert entry["keywords"] == "cs.CL, thesis"
    assert entry["annote"] == "Read for ch. 2"
    journal = parse_bibtex(bibtex_entry(PAPERS[1])).entries[0]
    assert journal.entry_type == "article"
    assert journal["journal"] == "Journal of Things"
    assert journal["doi"] == "10.1000/XYZ"


def test_bibtex_protects_inner_capitals_from_lowercasing_styles() -> None:
    assert "title = {Japanese {SimCSE} Technical Report}" in bibtex_entry(PAPERS[0])


def test_bibtex_keeps_an_organisation_with_and_as_one_author() -> None:
    entry = bibtex_entry(PAPERS[6])
    assert "author = {{\\{Procter and Gamble\\}} and Alan Turing}" in entry


def test_citekey_falls_back_when_own_key_is_unusable() -> None:
    assert citekey_for(make_paper("A Study", citekey="has space")) == "lovelace2021study"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_never_reach_bibtex_markdown_or_csv_as_controls(title: str) -> None:
    paper = make_paper(title)
    for fmt in ("bibtex", "markdown", "csv"):
        text = export([paper], fmt)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    parse_bibtex(export([paper], "bibtex"))


def test_markdown_escapes_markup_in_titles() -> None:
    text = export([make_paper("[click me](javascript:alert) *bold* <b>")], "markdown")
    assert "\\[click me\\](javascript:alert) \\*bold\\* \\<b\\>" in text


def test_markdown_links_and_keys_stay_usable() -> None:
    paper = make_paper("Charges", doi="10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P")
    text = export([paper], "markdown")
    assert "<https://doi.org/10.1002/(SICI)1096-987X(199803)19:4%3C377::AID-JCC1%3E3.0.CO;2-P>" in text
    assert "`doi:10.1002/(sici)1096-987x(199803)19:4<377::aid-jcc1>3.0.co;2-p`" in text


def test_markdown_is_a_reading_list_with_notes() -> None:
    ann = {PAPERS[0].key: Annotation(key=PAPERS[0].key, starred=True, tags=("thesis", "to-cite"),
                                     note="Compare with ESimCSE.\nAsk Ryo.", state="later")}
    text = export(PAPERS[:2], "markdown", ann)
    assert text.startswith("# Reading list\n\n2 papers\n")
    assert "## 1. Japanese SimCSE Technical Report" in text
    assert "**Hayato Tsukagoshi, Ryohei Sasano**" in text
    assert "<https://arxiv.org/abs/2310.19349>" in text
    assert "★ starred · later · tags: `thesis`, `to-cite`" in text
    assert "> **Note.** Compare with ESimCSE.\n> Ask Ryo." in text
    assert "## 2. 50% faster" in text


def test_csv_has_header_and_one_row_per_paper_with_annotations() -> None:
    ann = {PAPERS[0].key: Annotation(key=PAPERS[0].key, starred=True, tags=("a", "b"), note="n")}
    rows = list(csv.DictReader(io.StringIO(export(PAPERS, "csv", ann))))
    assert len(rows) == len(PAPERS)
    assert rows[0]["title"] == "Japanese SimCSE Technical Report"
    assert rows[0]["authors"] == "Hayato Tsukagoshi; Ryohei Sasano"
    assert (rows[0]["starred"], rows[0]["tags"], rows[0]["note"]) == ("yes", "a; b", "n")
    assert rows[5]["year"] == ""


def test_csv_defuses_spreadsheet_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(export([make_paper('=HYPERLINK("x")')], "csv"))))
    assert rows[0]["title"] == "'=HYPERLINK(\"x\")"


def test_json_is_a_list_with_exact_text() -> None:
    hostile = [make_paper(t) for t in HOSTILE_TITLES]
    text = export(hostile, "json")
    assert "\x1b" not in text and "\u202e" not in text
    records = json.loads(text)
    assert [r["title"] for r in records] == HOSTILE_TITLES
    assert records[0] == paper_record(hostile[0])


def test_json_of_nothing_is_an_empty_list() -> None:
    assert json.loads(export([], "json")) == []


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        write_papers([], "docx", io.StringIO())
    assert FORMATS == ("bibtex", "csl-json", "ris", "markdown", "csv", "json")


def test_atomic_output_leaves_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "list.bib"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("half")
        raise RuntimeError("disk trouble")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["list.bib"]
    with atomic_output(target) as out:
        out.write("new")
    assert target.read_text() == "new"
