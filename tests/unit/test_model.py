"""Stable keys: the same paper gets the same key from any file, and papers that only
share a title never share a key."""

import os

from tui.model import (Annotation, Fingerprint, Paper, Problem, normalise_title, paper_key, stable_key,
                       with_key)


def test_arxiv_id_wins_and_drops_version_and_prefix():
    assert stable_key(title="A", doi="10.1/X", arxiv="arXiv:2104.08821v3") == "arxiv:2104.08821"
    assert stable_key(title="A", arxiv="https://arxiv.org/abs/hep-th/9901001v2") == "arxiv:hep-th/9901001"


def test_doi_is_lowercased_and_resolver_stripped():
    assert stable_key(title="A", doi="https://doi.org/10.1000/ABC") == "doi:10.1000/abc"


def test_title_key_ignores_case_accents_and_punctuation_and_reads_as_author_year_word():
    a = stable_key(title="Café: A Study, Revisited", authors=("Zoë Müller",), year=2020)
    b = stable_key(title="cafe a study   revisited", authors=("Zoe Muller",), year=2020)
    assert a == b and a.startswith("ref:muller2020cafe-") and len(a) == len("ref:muller2020cafe-") + 8
    assert stable_key(title="Another paper", authors=("Zoë Müller",), year=2020) != a


def test_same_title_by_other_people_other_years_or_editions_gets_other_keys():
    """The old title-only key merged these into one paper."""
    smith = stable_key(title="Introduction", authors=("John Smith",), year=2001)
    jones = stable_key(title="Introduction", authors=("Mary Jones",), year=2019)
    first = stable_key(title="Algorithms", authors=("Niklaus Wirth",), edition="1")
    second = stable_key(title="Algorithms", authors=("Niklaus Wirth",), edition="Second")
    assert len({smith, jones, first, second}) == 4
    assert stable_key(title="Algorithms", authors=("N. Wirth",), edition="2nd") == second
    assert stable_key(title="Algorithms", authors=("Niklaus Wirth",), reprint=True) != \
        stable_key(title="Algorithms", authors=("Niklaus Wirth",))


def test_a_paper_without_title_has_a_readable_key_from_what_it_has():
    untitled = Paper(key="", title="", authors=("Jane Doe",), year=2018, url="https://example.org/x")
    other = Paper(key="", title="", authors=("Jane Doe",), year=2018, url="https://example.org/y")
    assert paper_key(untitled).startswith("ref:doe2018untitled-")
    assert paper_key(untitled) != paper_key(other)
    assert with_key(untitled).key == paper_key(untitled)


def test_a_reprint_is_told_by_its_fields():
    original = Paper(key="", title="Information Theory", authors=("Solomon Kullback",),
                     fields=(("publisher", "Wiley"),))
    reprint = Paper(key="", title="Information Theory", authors=("Solomon Kullback",),
                    fields=(("publisher", "Dover"), ("origyear", "1959")))
    assert paper_key(original) != paper_key(reprint)


def test_an_annotation_remembers_its_paper():
    paper = Paper(key="doi:10.1/x", title="T", authors=("Ann Lee", "Bo Chen"), year=2020,
                  citekey="lee2020", doi="10.1/x", source="papers/refs.bib:12")
    where = os.path.abspath("papers/refs.bib")
    assert Fingerprint.of(paper) == Fingerprint("T", "Ann Lee", 2020, "lee2020", "10.1/x", "", where)
    annotation = Annotation("doi:10.1/x", title="T", author="Ann Lee", year=2020, citekey="lee2020",
                            doi="10.1/x", source=where)
    assert annotation.fingerprint == Fingerprint.of(paper)


def test_problem_names_file_and_line():
    assert str(Problem("x.bib", 12, "missing title")) == "x.bib:12: missing title"
    assert str(Problem("x.bin", None, "not a text file")) == "x.bin: not a text file"


def test_ascii_titles_fold_as_accented_ones_do() -> None:
    # An ASCII title takes a quicker path to its key than one with accents; both must
    # fold every character the same, or one paper read from two files gets two keys.
    for code in range(0x80):
        title = f"Deep{chr(code)}Learning _x_ 2 (Re)view"
        accented = normalise_title(title + " é")
        assert normalise_title(title) + " e" == accented, hex(code)
