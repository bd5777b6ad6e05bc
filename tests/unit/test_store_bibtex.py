"""BibTeX: LaTeX to Unicode, names, macros, identifiers, and broken files."""

from __future__ import annotations

from tui.model import Paper, Problem
from tui.store.formats.bibtex import parse_text


def _read(text: str) -> tuple[list[Paper], list[Problem]]:
    items = list(parse_text(text, "refs.bib"))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


def test_accents_braces_and_common_macros_become_plain_unicode() -> None:
    papers, problems = _read(r"""
@article{k1,
  title = {{S}chr\"{o}dinger's {\'E}quation and the \LaTeX{} {C}ompanion: 50\% of $\alpha$--stable \emph{Models}},
  author = {M{\"u}ller, J{\"o}rg and {\v{S}}koda, Ale\v{s} and Ve\ss, Thomas},
  journal = {Journal of Physics \& Co},
  year = {2001},
}""")
    assert problems == []
    paper = papers[0]
    assert paper.title == "Schrödinger's Équation and the LaTeX Companion: 50% of α–stable Models"
    assert paper.authors == ("Jörg Müller", "Aleš Škoda", "Thomas Veß")
    assert paper.venue == "Journal of Physics & Co"


def test_names_family_given_von_jr_corporate_and_others() -> None:
    papers, _ = _read(r"""@book{k, title = {Names},
  author = {von Neumann, John and de la Vall{\'e}e Poussin, Charles and Ludwig van Beethoven
            and Smith, Jr., John and {World Health Organization} and {Barnes and Noble} and others}}""")
    assert papers[0].authors == ("John von Neumann", "Charles de la Vallée Poussin",
                                 "Ludwig van Beethoven", "John Smith, Jr.",
                                 "World Health Organization", "Barnes and Noble", "et al.")


def test_editors_stand_in_for_missing_authors() -> None:
    papers, _ = _read("@proceedings{p, title = {Proceedings}, editor = {Lee, Ann and Kim, Bo}}")
    assert papers[0].authors == ("Ann Lee", "Bo Kim")


def test_string_macros_concatenation_and_month_macros() -> None:
    papers, problems = _read("""
@string{ieee = "IEEE"}
@STRING{trans = ieee # " Transactions on " # "Things"}
@article{k, title = "Quoted {T}itle", journal = trans, month = oct, year = 1999}
@article{m, title = {Numeric month}, year = {2020}, month = {7}}
""")
    assert problems == []
    assert papers[0].venue == "IEEE Transactions on Things"
    assert (papers[0].year, papers[0].date) == (1999, "1999-10")
    assert papers[1].date == "2020-07"


def test_undefined_macro_is_kept_as_text_and_reported_on_the_entry_line() -> None:
    papers, problems = _read("@misc{a, title = {Fine}}\n\n@article{b,\n  title = {T},\n  journal = jnl}\n")
    assert [p.title for p in papers] == ["Fine", "T"]
    assert papers[1].venue == "jnl"
    assert [(p.line, p.message) for p in problems] == [(3, "undefined macro 'jnl' kept as text")]


def test_abstract_keywords_doi_url_and_citekey() -> None:
    papers, _ = _read(r"""@inproceedings{gao2021simcse,
  title = {{SimCSE}: Simple Contrastive Learning},
  booktitle = {Proceedings of EMNLP},
  abstract = {First paragraph with 100\% \textit{style}
spread over lines.

Second paragraph.},
  keywords = {contrastive learning; sentence embeddings},
  doi = {https://doi.org/10.18653/v1/2021.emnlp-main.552},
  url = {https://aclanthology.org/2021.emnlp\_main.552},
  year = 2021}""")
    paper = papers[0]
    assert paper.abstract == "First paragraph with 100% style spread over lines.\n\nSecond paragraph."
    assert paper.categories == ("contrastive learning", "sentence embeddings")
    assert paper.doi == "10.18653/v1/2021.emnlp-main.552" and paper.key == "doi:10.18653/v1/2021.emnlp-main.552"
    assert paper.url == "https://aclanthology.org/2021.emnlp_main.552"
    assert (paper.citekey, paper.entry_type, paper.venue) == ("gao2021simcse", "inproceedings",
                                                             "Proceedings of EMNLP")


def test_arxiv_ids_from_eprint_doi_url_and_journal_text() -> None:
    papers, _ = _read("""
@misc{a, title = {A}, eprint = {2104.08821v2}, archivePrefix = {arXiv}}
@misc{b, title = {B}, eprint = {hep-th/9901001}, eprinttype = {arxiv}}
@misc{c, title = {C}, eprint = {12345}, eprinttype = {pubmed}}
@misc{d, title = {D}, doi = {10.48550/arXiv.2203.00001}}
@misc{e, title = {E}, url = {https://arxiv.org/pdf/2201.00002v1.pdf}}
@article{f, title = {F}, journal = {arXiv preprint arXiv:2305.00003}}
""")
    assert [(p.arxiv, p.key) for p in papers] == [
        ("2104.08821", "arxiv:2104.08821"), ("hep-th/9901001", "arxiv:hep-th/9901001"),
        ("", papers[2].key), ("2203.00001", "arxiv:2203.00001"),
        ("2201.00002", "arxiv:2201.00002"), ("2305.00003", "arxiv:2305.00003")]
    assert papers[2].key.startswith("ref:")


def test_duplicate_keys_are_reported_and_both_entries_kept() -> None:
    papers, problems = _read("@article{same, title = {First}}\n@article{same, title = {Second}}\n")
    assert [p.title for p in papers] == ["First", "Second"]
    assert [(p.line, p.message) for p in problems] == [
        (2, "duplicate key 'same' (first at line 1); both kept")]


def test_unbalanced_braces_skip_one_entry_and_the_next_entries_still_open() -> None:
    papers, problems = _read("""@article{good, title = {Good}}
@article{broken,
  title = {Missing close brace,
  year = 2021
}
@article{after, title = {After}, author = {Doe, Jane}}
@book{last, title={Last}}
""")
    assert [p.title for p in papers] == ["Good", "After", "Last"]
    assert len(problems) == 1 and problems[0].line == 2
    assert "unbalanced braces" in problems[0].message


def test_unclosed_last_entry_is_reported() -> None:
    papers, problems = _read("@article{a, title = {A}}\n@article{b, title = {B\n")
    assert [p.title for p in papers] == ["A"]
    assert problems[0].line == 2 and "never closes" in problems[0].message


def test_extra_closing_brace_is_ignored() -> None:
    papers, problems = _read("@article{c1, title = {One}}}\n@article{c2, title = {Two}}\n")
    assert [p.title for p in papers] == ["One", "Two"] and problems == []


def test_entry_without_key_is_read_anyway() -> None:
    papers, problems = _read("\n\t@article{\n\t  author = {Huang, Y.},\n\t  title = {No key here},\n\t  year = {2012}\n\t}\n")  # noqa: E501 (a record quoted whole)
    assert problems == []
    assert (papers[0].title, papers[0].authors, papers[0].year, papers[0].citekey) == (
        "No key here", ("Y. Huang",), 2012, "")
    assert papers[0].source == "refs.bib:2"


def test_entry_without_title_is_an_untitled_paper_and_only_an_empty_one_a_problem() -> None:
    papers, problems = _read("@misc{notitle, author = {Someone}}\n@misc{ok, title = {Ok}}\n"
                             "@set{group, entryset = {ok}}\n@misc{,}\n")
    assert [(p.title, p.authors, p.citekey) for p in papers] == [
        ("", ("Someone",), "notitle"), ("Ok", (), "ok")]
    assert papers[0].key.startswith("ref:someoneuntitled-")
    assert [(p.line, p.message) for p in problems] == [
        (3, "@set 'group' groups other entries (ok); not a paper of its own"),
        (4, "entry is empty (no title, author, abstract, DOI, arXiv id, link or key); skipped")]


def test_duplicate_field_uses_the_first_value() -> None:
    papers, problems = _read("@misc{k, title = {First title}, title = {Second title}}")
    assert papers[0].title == "First title"
    assert "given twice" in problems[0].message


def test_crossref_fills_venue_and_year_from_the_parent() -> None:
    papers, _ = _read("""@inproceedings{child, title = {Child paper}, crossref = {conf}}
@proceedings{conf, title = {Proceedings of the Conference}, year = 2010, publisher = {Pub}}""")
    assert (papers[0].venue, papers[0].year) == ("Proceedings of the Conference", 2010)


def test_biblatex_date_and_journaltitle() -> None:
    papers, _ = _read("@article{k, title = {T}, date = {2019-05-03}, journaltitle = {J. Stuff}}")
    assert (papers[0].year, papers[0].date, papers[0].venue) == (2019, "2019-05-03", "J. Stuff")


def test_a_file_with_no_entries_says_so() -> None:
    papers, problems = _read("just some words, no entries")
    assert papers == [] and "no BibTeX entries" in problems[0].message


def test_markup_in_titles_stays_text() -> None:
    papers, _ = _read(r"@misc{k, title = {[bold]x[/] and [@click=app.quit]click me}}")
    assert papers[0].title == "[bold]x[/] and [@click=app.quit]click me"


def test_a_line_break_before_a_closing_brace_or_quote_ends_the_value() -> None:
    r"""``{Dept. of Physics\\}``: bibtexparser took ``\}`` for an escaped brace, so the value
    ran on, the entry was skipped, and ``{Line\\{B}reak}`` lost its author and year."""
    papers, problems = _read(r"""
@string{foo = "Foo"}
@article{a, title = {Dept. of Physics\\}, author = {One, A}, year = 2020}
@article{b, title = {Line\\{B}reak}, author = {Two, B}, year = 2021}
@article{c, title = "Line\\" # foo, author = {Three, C}, year = 2022}
@article{d, title = {Fine}, author = {Four, D}, year = 2023}
""")
    assert problems == []
    assert [(p.title, p.authors, p.year) for p in papers] == [
        ("Dept. of Physics", ("A One",), 2020), ("Line Break", ("B Two",), 2021),
        ("Line Foo", ("C Three",), 2022), ("Fine", ("D Four",), 2023)]


def test_an_author_whose_name_starts_with_a_command_keeps_it() -> None:
    r"""bibtexparser's name splitter dropped ``\O`` after "and": "P stergaard"."""
    papers, _ = _read(r"@article{a, title = {T}, author = {Str\"om, A and \O stergaard, P and \v Sa, B"
                      r" and {\O}ster, Q}}" + "\n")
    assert papers[0].authors == ("A Ström", "P Østergaard", "B Ša", "Q Øster")
