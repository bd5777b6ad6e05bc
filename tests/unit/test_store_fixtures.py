"""Every real-world fixture opens without an exception, and its count of papers follows
from numbers that are checked, not explained in prose: the records the file holds
(counted here independently of the readers), the empty records and non-papers among
them, and the merges of records that are one paper. A sample is checked field by field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.store import open_store

# file: the numbers that make its count differ from "one paper per record".
#   records: records in the file, where MANIFEST.md counts otherwise
#   merged: records that are one paper with an earlier one (store.merges)
#   untitled: papers without a title (kept, shown "(untitled)")
#   empty: records with nothing in them (problems)
#   not_papers: biblatex @set entries, which only group other entries (problems)
#   unreadable: records a reader could not read at all (problems)
EXPECTED = {
    "bib/texlive__biblatex-examples.bib": {"merged": 5, "not_papers": 2},
    "bib/bbt__web_page_and_other_mendeley_idiocy.bib": {"records": 512, "merged": 5},
    "bib/quirks/Child_items_that_use_the_crossref_field_do_not_have_their_parent_fields_imported_2373.bib":
        {"merged": 1},
    "bib/quirks/Copy_date-addeddate-modified_menu_option_not_working_2378.bib": {"merged": 1},
    "bib/quirks/Film_references_do_not_export_properly_for_APA_formating_2494.bib": {"merged": 3},
    "bib/quirks/Improve_import_of_films_1837.bib": {"merged": 1},
    "bib/quirks/Math_markup_to_unicode_not_always_imported_correctly_472.roundtrip.bib": {"merged": 1},
    "bib/quirks/URL_not_recognised_in_a_simple_online_bib_file_entry_on_import_2842.bib":
        {"untitled": 1},
    "bib/jabref__complex.bib": {"merged": 1},
    "bib/pybtex__xampl.bib": {"merged": 18, "untitled": 3},
    "ris/rispy__example_bom.ris": {"untitled": 1},
    "ris/rispy__example_multiline.ris": {"records": 3, "merged": 2, "untitled": 1},
    "ris/asreview__baseline_reference_types.ris": {"empty": 61},
    "ris/asreview__baseline_tag-notes_labels.ris": {"merged": 27},
    "ris/asreview__baseline_tag_and_field_definitions.ris": {"records": 1},
    "csl/Season_ranges_should_be_exported_as_pseudo-months_13-16_or_21-24_860.csl.json":
        {"merged": 1},
    "atom/id_abc_s0_m100_b79c8dcf6bc3.atom.xml": {"unreadable": 1},
}
COUNTS = ("records", "merged", "untitled", "empty", "not_papers", "unreadable")
_BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*(?!string\b|comment\b|preamble\b)\w+[ \t]*[{(]",
                        re.MULTILINE | re.IGNORECASE)


def _manifest(fixtures_dir: Path) -> dict[str, int]:
    counts = {}
    for line in (fixtures_dir / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 5 and cells[5].isdigit():
            counts[cells[2]] = int(cells[5])
    return counts


def _records_in(path: Path) -> int:
    """How many records the file holds, counted without the readers."""
    text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
    if path.suffix == ".bib":
        return len(_BIB_ENTRY.findall(text))
    if path.name.endswith(".json"):
        data = json.loads(text)
        return len(data) if isinstance(data, list) else 1
    if path.name.endswith(".xml"):
        return text.count("<entry>") + text.count("<entry ")
    if text.startswith("FN ") or "\nPT " in text[:200]:
        return len(re.findall(r"^PT ", text, re.MULTILINE))  # Web of Science
    return len(re.findall(r"^\ufeff?TY  -", text, re.MULTILINE))


def _counts(store) -> dict[str, int]:
    problems = [p.message for p in store.problems]
    empty = sum("is empty" in m for m in problems)
    not_papers = sum("not a paper of its own" in m for m in problems)
    unreadable = sum("skipped" in m or "reports an error" in m for m in problems) - empty
    return {"records": sum(store.source_counts.values()) + empty + not_papers + unreadable,
            "merged": len(store.merges), "untitled": sum(1 for p in store if not p.title),
            "empty": empty, "not_papers": not_papers, "unreadable": unreadable}


def test_every_fixture_count_follows_from_its_checked_numbers(fixtures_dir: Path) -> None:
    manifest = _manifest(fixtures_dir)
    assert len(manifest) >= 90
    wrong = {}
    for relative, entries in manifest.items():
        path = fixtures_dir / relative
        store = open_store(path)
        expected = {name: 0 for name in COUNTS} | {"records": entries} | EXPECTED.get(relative, {})
        found = _counts(store)
        if found != expected or _records_in(path) != expected["records"]:
            wrong[relative] = (found, expected, _records_in(path))
        # The rule itself: every record is a paper, but the empty ones, the non-papers and
        # the unreadable ones, and records that are one paper count once.
        assert len(store) == (expected["records"] - expected["empty"] - expected["not_papers"]
                              - expected["unreadable"] - expected["merged"]), relative
        line_count = path.read_bytes().count(b"\n") + 1
        for problem in store.problems:
            assert problem.path == str(path)
            assert problem.line is None or 1 <= problem.line <= line_count, problem
        for paper in store:
            assert paper.title == paper.title.strip()
            assert re.fullmatch(r"arxiv:\S+|doi:\S+|ref:\w*-[0-9a-f]{8}", paper.key), paper.key
            assert paper.source.startswith(f"{path}:")
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", paper.title + paper.abstract + "".join(paper.authors))
        assert len({p.key for p in store}) == len(store)
    assert wrong == {}


def test_biblatex_examples_keeps_same_titled_papers_apart(fixtures_dir: Path) -> None:
    """kullback (1959) and its 1997 reprint were one paper under the title-only key."""
    store = open_store(fixtures_dir / "bib" / "texlive__biblatex-examples.bib")
    kullback = sorted((p.year, p.citekey) for p in store if p.title == "Information Theory and Statistics")
    assert kullback == [(1959, "kullback"), (1997, "kullback:reprint")]
    moore = sorted(p.year for p in store if p.title.startswith("Cramming more components"))
    assert moore == [1965, 1998]
    reasons = {m.merged.rpartition(":")[2]: m.reason for m in store.merges}
    assert reasons["811"] == "same title, first author and year"  # kullback:related
    assert reasons["1386"] == "same arXiv id math/0307200"  # baez/online


def test_the_whole_fixture_folder_opens_as_one_store(fixtures_dir: Path) -> None:
    store = open_store(fixtures_dir)
    manifest = _manifest(fixtures_dir)
    assert len(store.source_counts) == len(manifest)  # MANIFEST.md itself is skipped
    alone = [open_store(fixtures_dir / relative) for relative in manifest]
    # Papers found in several files are one paper in the merged store, and each such
    # merge is reported: the folder holds what the files hold, less the merges across them.
    across = len(store.merges) - sum(len(s.merges) for s in alone)
    assert across > 0
    assert len(store) == sum(len(s) for s in alone) - across == len({p.key for p in store})


def _paper(fixtures_dir: Path, relative: str, title_start: str):
    store = open_store(fixtures_dir / relative)
    return next(p for p in store if p.title.startswith(title_start))


@pytest.mark.parametrize(("relative", "title_start", "expected"), [
    ("bib/texlive__biblatex-examples.bib", "Effect of immobilization", {
        "authors": ("Özge Aksın", "Hayati Türkmen", "Levent Artok", "Bekir Çetinkaya",
                    "Chaoying Ni", "Orhan Büyükgüngör", "Erhan Özkal"),
        "year": 2006, "venue": "J. Organomet. Chem.", "citekey": "aksin", "entry_type": "article",
        "key": "ref:aksın2006effect-03daeb82"}),
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
