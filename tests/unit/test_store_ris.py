"""RIS and Web of Science files: fields, names, dates, record lines, damage."""

from __future__ import annotations

from tui.model import Paper, Problem
from tui.store.formats.ris import parse_text


def _read(text: str) -> tuple[list[Paper], list[Problem]]:
    items = list(parse_text(text, "export.ris"))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


ZOTERO = """TY  - JOUR
TI  - Dense Passage Retrieval for Open-Domain Question Answering
AU  - Karpukhin, Vladimir
AU  - Oğuz, Barlas
T2  - Proceedings of EMNLP
AB  - Open-domain question answering relies on efficient passage retrieval.
DA  - 2020/11//
PY  - 2020
DO  - 10.18653/v1/2020.emnlp-main.550
UR  - https://arxiv.org/abs/2004.04906
KW  - retrieval
KW  - *question answering
ER  - 

TY  - CONF
T1  - Second record
A1  - Shannon,Claude E.
Y1  - 1948/07//
JF  - Bell System Technical Journal
ER  -
"""


def test_zotero_record_field_by_field() -> None:
    papers, problems = _read(ZOTERO)
    assert problems == []
    paper = papers[0]
    assert paper.title == "Dense Passage Retrieval for Open-Domain Question Answering"
    assert paper.authors == ("Vladimir Karpukhin", "Barlas Oğuz")
    assert (paper.year, paper.date, paper.venue) == (2020, "2020-11", "Proceedings of EMNLP")
    assert paper.abstract == "Open-domain question answering relies on efficient passage retrieval."
    assert paper.doi == "10.18653/v1/2020.emnlp-main.550"
    assert paper.arxiv == "2004.04906" and paper.key == "arxiv:2004.04906"
    assert paper.categories == ("retrieval", "question answering")
    assert (paper.entry_type, paper.source) == ("article", "export.ris:1")
    second = papers[1]
    assert (second.title, second.authors, second.date, second.venue, second.entry_type) == (
        "Second record", ("Claude E. Shannon",), "1948-07", "Bell System Technical Journal",
        "inproceedings")
    assert second.source == "export.ris:15"


def test_web_of_science_month_in_da_and_year_in_py() -> None:
    papers, _ = _read("TY  - JOUR\nAU  - Alceste, F\nTI  - Holding Yourself Captive\nDA  - SEP\n"
                      "PY  - 2018\nDO  - http://dx.doi.org/10.1016/J.X.2018.03.001\nER  -\n")
    assert (papers[0].date, papers[0].year, papers[0].authors) == ("2018-09", 2018, ("F Alceste",))
    assert papers[0].doi == "10.1016/J.X.2018.03.001"


def test_multiline_values_and_junk_lines_inside_a_record() -> None:
    papers, _ = _read("TY  - JOUR\nTI  - A title that\n  goes on\nAB  - First line,\n"
                      "ER then second line\nExport Date: 12 May 2022\nER  -\n")
    assert papers[0].title == "A title that goes on"
    assert papers[0].abstract.startswith("First line, ER then second line")


def test_only_empty_records_are_problems_on_their_first_line() -> None:
    papers, problems = _read("TY  - GEN\nN1  - only a note\nER  -\n\nTY  - JOUR\nST  - Short title only\n"
                             "ER  -\n\nTY  - JOUR\nAU  - Untitled, Ann\nER  -\n")
    assert [(p.title, p.authors) for p in papers] == [("Short title only", ()), ("", ("Ann Untitled",))]
    assert [(p.line, p.message) for p in problems] == [(1, "record is empty (no title, author, "
                                                           "abstract, DOI, arXiv id, link or key); skipped")]


def test_a_record_cut_short_is_read_and_reported() -> None:
    papers, problems = _read("TY  - JOUR\nTI  - Complete\nER  -\nTY  - JOUR\nTI  - Cut short\nAU  - Doe, J")
    assert [p.title for p in papers] == ["Complete", "Cut short"]
    assert [(p.line, "cut short" in p.message) for p in problems] == [(4, True)]


def test_text_with_no_records_says_so() -> None:
    papers, problems = _read("AU  - floating tag outside any record\n")
    assert papers == [] and "no RIS records" in problems[0].message


def test_web_of_science_tagged_format() -> None:
    text = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Smith, J
   Doe, K
AF Smith, John
   Doe, Kim
TI A study of things that
   wraps over lines
SO JOURNAL OF THINGS
DE thing; other thing
AB We study things.
PY 2019
PD OCT
DI 10.1000/jot.1
ER

EF
"""
    papers, problems = _read(text)
    assert problems == []
    paper = papers[0]
    assert paper.title == "A study of things that wraps over lines"
    assert paper.authors == ("John Smith", "Kim Doe")
    assert (paper.venue, paper.date, paper.doi) == ("JOURNAL OF THINGS", "2019-10", "10.1000/jot.1")
    assert paper.categories == ("thing", "other thing") and paper.source == "export.ris:3"


MEDLINE = """PMID- 21553931
OWN - NLM
DP  - 2011 Jun
TI  - Boswellia serrata: an overall assessment of in vitro, preclinical,
      pharmacokinetic and clinical data.
LID - 10.2165/11586800-000000000-00000 [doi]
AB  - Non-steroidal anti-inflammatory drug intake is associated with
      adverse effects.
FAU - Abdel-Tawab, Mona
AU  - Abdel-Tawab M
FAU - Werz, Oliver
AU  - Werz O
JT  - Clinical pharmacokinetics
TA  - Clin Pharmacokinet
OT  - NSAID

PMID- 99999999
AU  - Nobody N

"""


def test_pubmed_medline_format_in_a_txt_file(tmp_path) -> None:
    from tui.store import open_store

    path = tmp_path / "pubmed-export.txt"
    path.write_text(MEDLINE, encoding="utf-8")
    store = open_store(path)
    paper = store[0]
    assert paper.title == ("Boswellia serrata: an overall assessment of in vitro, preclinical, "
                           "pharmacokinetic and clinical data")
    assert paper.authors == ("Mona Abdel-Tawab", "Oliver Werz")
    assert (paper.year, paper.date, paper.venue) == (2011, "2011-06", "Clinical pharmacokinetics")
    assert paper.doi == "10.2165/11586800-000000000-00000" and paper.key == f"doi:{paper.doi}"
    assert paper.abstract == "Non-steroidal anti-inflammatory drug intake is associated with adverse effects."
    assert (paper.url, paper.categories) == ("https://pubmed.ncbi.nlm.nih.gov/21553931/", ("NSAID",))
    # A record without a title is still a paper (it has an author and a PubMed link).
    assert store.problems == []
    assert (store[1].title, store[1].authors, store[1].url) == (
        "", ("Nobody N",), "https://pubmed.ncbi.nlm.nih.gov/99999999/")


def test_a_medline_title_whose_full_stop_stands_apart_keeps_no_trailing_space(tmp_path) -> None:
    """MEDLINE ends every title with a full stop; one typed after a space ("… Building .")
    must not leave the title ending in a space (shown, sorted and keyed by it)."""
    from tui.store import open_store

    path = tmp_path / "papers.nbib"
    path.write_text("PMID- 1\nTI  - ESimCSE: Enhanced Sample Building .\nAU  - Wu X\n",
                    encoding="utf-8")
    assert open_store(path)[0].title == "ESimCSE: Enhanced Sample Building"


def test_nan_null_and_none_are_names_where_written_as_names() -> None:
    """An exporter's missing name part is "null", "None" or "NaN"; "Nan" is a family or
    given name (Feng Nan, Nan Du) and was dropped, changing the paper's key."""
    (paper,) = parse_text("TY  - JOUR\nTI  - Adaptive Things\nAU  - Nan, Feng\nAU  - Du, Nan\n"
                          "AU  - Null, Ada\nAU  - Hoven, null\nAU  - Lee, None\nAU  - Kim, NaN\n"
                          "PY  - 2017\nER  - \n", "e.ris")
    assert isinstance(paper, Paper)
    assert paper.authors == ("Feng Nan", "Nan Du", "Ada Null", "Hoven", "Lee", "Kim")
    assert paper.key.startswith("ref:nan2017adaptive-")
