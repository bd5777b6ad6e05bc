"""Stable keys: the same paper gets the same key from any file."""

from tui.model import Problem, stable_key


def test_arxiv_id_wins_and_drops_version_and_prefix():
    assert stable_key(title="A", doi="10.1/X", arxiv="arXiv:2104.08821v3") == "arxiv:2104.08821"
    assert stable_key(title="A", arxiv="https://arxiv.org/abs/hep-th/9901001v2") == "arxiv:hep-th/9901001"


def test_doi_is_lowercased_and_resolver_stripped():
    assert stable_key(title="A", doi="https://doi.org/10.1000/ABC") == "doi:10.1000/abc"


def test_title_key_ignores_case_accents_and_punctuation():
    a = stable_key(title="Café: A Study, Revisited")
    b = stable_key(title="cafe a study   revisited")
    assert a == b and a.startswith("title:") and len(a) == len("title:") + 12
    assert stable_key(title="Another paper") != a


def test_problem_names_file_and_line():
    assert str(Problem("x.bib", 12, "missing title")) == "x.bib:12: missing title"
    assert str(Problem("x.bin", None, "not a text file")) == "x.bin: not a text file"
