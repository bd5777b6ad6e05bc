"""Every real-world fixture opens without an exception, with the papers MANIFEST.md
counts, except where a documented reason says otherwise; a sample is checked field by
field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.store import open_store

# file: (papers after merging, why this differs from the manifest's entry count)
KNOWN_DIFFERENCES = {
    "bib/texlive__biblatex-examples.bib": (83, "2 @set entries have no title; 7 entries repeat "
                                               "another's title (baez/article and baez/online ...)"),
    "bib/bbt__web_page_and_other_mendeley_idiocy.bib": (507, "512 entries in the file (the manifest "
                                                            "says 465); 5 share a DOI or title"),
    "bib/quirks/Better_BibLaTeX_import_improvements_549.bib": (7, "two pairs share a title"),
    "bib/quirks/Child_items_that_use_the_crossref_field_do_not_have_their_parent_fields_imported_2373.bib":
        (2, "@inbook and @incollection share a title"),
    "bib/quirks/Copy_date-addeddate-modified_menu_option_not_working_2378.bib": (1, "same title twice"),
    "bib/quirks/Film_references_do_not_export_properly_for_APA_formating_2494.bib": (1, "one film, four entries"),
    "bib/quirks/Improve_import_of_films_1837.bib": (3, "two entries share a title"),
    "bib/quirks/Math_markup_to_unicode_not_always_imported_correctly_472.roundtrip.bib": (1, "same DOI"),
    "bib/quirks/URL_not_recognised_in_a_simple_online_bib_file_entry_on_import_2842.bib":
        (0, "the only entry has no title"),
    "bib/jabref__complex.bib": (18, "two entries share a DOI"),
    "bib/pybtex__xampl.bib": (15, "33 entries read (3 have no title); -minimal/-full/-crossref "
                                  "variants share titles"),
    "ris/rispy__example_bom.ris": (0, "the only record has a DOI and no title"),
    "ris/rispy__example_multiline.ris": (0, "3 records, none with a title"),
    "ris/asreview__baseline_reference_types.ris": (0, "61 records of types only, no titles"),
    "ris/asreview__baseline_tag-notes_labels.ris": (5, "32 records with 5 distinct titles"),
    "ris/asreview__baseline_tag_and_field_definitions.ris": (1, "one TY..ER record; the second ER "
                                                               "closes nothing"),
    "csl/Season_ranges_should_be_exported_as_pseudo-months_13-16_or_21-24_860.csl.json":
        (5, "two titles differ only in punctuation"),
    "atom/id_abc_s0_m100_b79c8dcf6bc3.atom.xml": (0, "the entry is an arXiv API error"),
}


def _manifest(fixtures_dir: Path) -> dict[str, int]:
    counts = {}
    for line in (fixtures_dir / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 5 and cells[5].isdigit():
            counts[cells[2]] = int(cells[5])
    return counts


def test_every_fixture_opens_with_the_expected_papers_and_sane_problems(fixtures_dir: Path) -> None:
    manifest = _manifest(fixtures_dir)
    assert len(manifest) >= 90
    wrong = {}
    for relative, entries in manifest.items():
        path = fixtures_dir / relative
        store = open_store(path)
        expected = KNOWN_DIFFERENCES.get(relative, (entries, ""))[0]
        if len(store) != expected:
            wrong[relative] = (len(store), expected)
        line_count = path.read_bytes().count(b"\n") + 1
        for problem in store.problems:
            assert problem.path == str(path)
            assert problem.line is None or 1 <= problem.line <= line_count, problem
        for paper in store:
            assert paper.title and paper.title == paper.title.strip()
            assert re.fullmatch(r"(arxiv|doi|title):.+", paper.key)
            assert paper.source.startswith(f"{path}:")
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", paper.title + paper.abstract + "".join(paper.authors))
    assert wrong == {}


def test_the_whole_fixture_folder_opens_as_one_store(fixtures_dir: Path) -> None:
    store = open_store(fixtures_dir)
    manifest = _manifest(fixtures_dir)
    assert len(store.source_counts) == len(manifest)  # MANIFEST.md itself is skipped
    keys = set()
    for relative in manifest:
        keys.update(p.key for p in open_store(fixtures_dir / relative))
    # Papers found in several files are one paper in the merged store.
    assert len(store) == len(keys) == len({p.key for p in store})


def _paper(fixtures_dir: Path, relative: str, title_start: str):
    store = open_store(fixtures_dir / relative)
    return next(p for p in store if p.title.startswith(title_start))


@pytest.mark.parametrize(("relative", "title_start", "expected"), [
    ("bib/texlive__biblatex-examples.bib", "Effect of immobilization", {
        "authors": ("Özge Aksın", "Hayati Türkmen", "Levent Artok", "Bekir Çetinkaya",
                    "Chaoying Ni", "Orhan Büyükgüngör", "Erhan Özkal"),
        "year": 2006, "venue": "J. Organomet. Chem.", "citekey": "aksin", "entry_type": "article",
        "key": "title:cc2adc819f57"}),
    ("bib/quirks/Wrong_ring-above_import_1115.bib", "Software Framework for Topic", {
        "authors": ("Radim Řehůřek", "Petr Sojka"), "year": 2010, "date": "2010-05"}),
    ("bib/pybtex__cyrillic.bib", "Методы вычисления", {
        "authors": ("Михаил Маркович Викторов",), "year": 1977}),
    ("bib/quirks/Endnote_should_parse.bib", "Alzheimer mechanisms", {
        "authors": ("Y. Huang", "L. Mucke"), "year": 2012, "venue": "Cell",
        "abstract_start": "There are still no effective treatments"}),
    ("bib/bbt__web_page_and_other_mendeley_idiocy.bib", "Fiction and morality", {
        "authors": ("Jessica E Black", "Jennifer L Barnes"), "year": 2020,
        "key": "doi:10.1037/ppm0000281", "abstract_start": "The purpose of this research"}),
    ("ris/asreview__web_of_science.txt", "Holding Yourself Captive", {
        "authors": ("F Alceste", "TJ Luke", "SM Kassin"), "year": 2018, "date": "2018-09",
        "key": "doi:10.1016/j.jarmac.2018.03.001", "abstract_start": "Police custody activates"}),
    ("ris/asreview__ris_issue_1099.txt", "Design and prototyping of directly driven", {
        "authors": ("T. Vaimann", "O. Kudrjavtsev", "A. Kilk", "A. Kallaste", "A. Rassolkin"),
        "year": 2018, "venue": "Advances in Electrical and Electronic Engineering"}),
    ("ris/rispy__example_starting_newlines.ris", "A Mathematical Theory of Communication", {
        "authors": ("Claude E. Shannon",), "year": 1948, "date": "1948-07"}),
    ("csl/Pandoc-LaTeX-SCHOMD_Citation_Export.csl.json", "The physical volcanology", {
        "authors": ("Nancy K Adams", "Shanaka L DeSilva", "Steven Self", "Guido Salas",
                    "Steven Schubring", "Jason L Permenter", "Kendra Arbesman"),
        "year": 2014, "citekey": "Adams2001", "venue": "Bulletin of Volcanology"}),
    ("atom/q_testing_s0_m10_bc5a6c384fe9.atom.xml", "Towards Explainable Test Case", {
        "authors": ("Aurora Ramírez", "Mario Berrios", "José Raúl Romero", "Robert Feldt"),
        "year": 2024, "key": "arxiv:2405.13786", "categories": ("cs.SE", "cs.AI"),
        "abstract_start": "Test case prioritisation (TCP) is a critical task"}),
    ("atom/id_quant-ph_0201082v1_s0_m100_86989fe779ef.atom.xml", "Quantum Computers and", {
        "authors": ("Stephen Blaha",), "year": 2002, "key": "arxiv:quant-ph/0201082"}),
])
def test_fixture_papers_field_by_field(fixtures_dir: Path, relative: str, title_start: str,
                                       expected: dict) -> None:
    paper = _paper(fixtures_dir, relative, title_start)
    for field, value in expected.items():
        if field == "abstract_start":
            assert paper.abstract.startswith(value)
        else:
            assert getattr(paper, field) == value, field


def test_gbk_bibtex_is_read_with_a_problem_on_line_one(fixtures_dir: Path) -> None:
    store = open_store(fixtures_dir / "bib" / "bibtexparser__gbk_test.bib")
    assert [p.title for p in store] == ["Test Title"] and store[0].year == 2013
    assert [(p.line, "UTF-8" in p.message) for p in store.problems] == [(1, True)]
