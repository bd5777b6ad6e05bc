"""Exports that lose nothing: BibTeX written back with its type, key and every field;
other formats' fields in the right BibTeX fields; CSL-JSON and RIS read back the same."""

from __future__ import annotations

import io
import json
from pathlib import Path

import bibtexparser
import pytest

from tui.export import bibtex_entry, write_papers
from tui.model import Paper, with_key
from tui.store import open_store

IDENTITY = Path(__file__).resolve().parents[1] / "data" / "identity"


def _export(papers, fmt: str = "bibtex", annotations=None) -> str:
    out = io.StringIO()
    write_papers(list(papers), fmt, out, annotations)
    return out.getvalue()


def _entries(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(type, key, raw fields) of every entry, as bibtexparser reads them (no decoding)."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return [(e.entry_type.lower(), e.key, {f.key.lower(): f.value for f in e.fields})
            for e in library.entries]


def _reopen(tmp_path: Path, text: str, name: str) -> list[Paper]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = open_store(path)
    assert store.problems == []
    return list(store)


def _bib_fixtures(fixtures_dir: Path) -> list[Path]:
    return sorted((fixtures_dir / "bib").rglob("*.bib"))


def test_bibtex_export_is_a_fixed_point_on_every_bibtex_fixture(fixtures_dir: Path,
                                                                tmp_path: Path) -> None:
    for path in _bib_fixtures(fixtures_dir):
        store = open_store(path)
        first = _export(store)
        papers = _reopen(tmp_path, first, "first.bib")
        second = _export(papers)
        assert _entries(second) == _entries(first), path.name
        assert [p.key for p in papers] == [p.key for p in store], path.name
        assert [(p.title, p.authors, p.year, p.doi, p.arxiv, p.url) for p in papers] == \
            [(p.title, p.authors, p.year, p.doi, p.arxiv, p.url) for p in store], path.name


def test_bibtex_export_keeps_every_field_type_and_key_of_each_entry(fixtures_dir: Path) -> None:
    """Compared with bibtexparser's own reading of the fixture: each paper's entry (the
    first of the records merged into it) comes back with its type, key and every field."""
    for path in _bib_fixtures(fixtures_dir):
        store = open_store(path)
        original = {key: (kind, fields) for kind, key, fields in
                    _entries_lenient(path.read_text(encoding="utf-8", errors="replace"))}
        for kind, key, fields in _entries(_export(store)):
            if key not in original:
                continue  # a key made up for an entry that had none
            assert kind == original[key][0], (path.name, key)
            lost = set(original[key][1]) - set(fields)
            assert not lost, (path.name, key, lost)


def _entries_lenient(text: str):
    library = bibtexparser.parse_string(text)
    for entry in library.entries:
        yield entry.entry_type.lower(), entry.key, {f.key.lower() for f in entry.fields}


def test_a_book_keeps_publisher_volume_number_and_pages(tmp_path: Path) -> None:
    """The old export dropped volume, number and pages and wrote a book's publisher as
    howpublished."""
    store = open_store(IDENTITY / "library.bib")
    text = _export(store)
    entries = {key: (kind, fields) for kind, key, fields in _entries(text)}
    assert entries["kullback"] == ("book", {
        "author": "Kullback, Solomon", "title": "Information Theory and Statistics",
        "year": "1959", "publisher": "John Wiley \\& Sons", "address": "New York"})
    assert entries["smith2001"][1] | {} == {
        "author": "Smith, John", "title": "Introduction", "journal": "Journal of Examples",
        "year": "2001", "volume": "12", "number": "3", "pages": "1--4"}
    assert entries["kullback:reprint"][1]["origyear"] == "1959"
    assert entries["wirth:second"][1]["edition"] == "Second"


def test_a_url_ending_in_a_backslash_reads_back_identical(tmp_path: Path) -> None:
    """The old export wrote {http://x\\} which hides the value's closing brace."""
    paper = with_key(Paper(key="", title="Odd Link", url="http://example.org/dir\\",
                           doi="10.1002/(SICI)1097-4636(199706)35:4<409::AID-JBM1>3.0.CO;2-I"))
    text = _export([paper, with_key(Paper(key="", title="Next"))])
    kinds = _entries(text)  # bibtexparser reads both entries whole
    assert [fields.get("url") for _, _, fields in kinds] == ["http://example.org/dir\\textbackslash{}", None]
    back = _reopen(tmp_path, text, "odd.bib")
    assert [(p.title, p.url, p.doi) for p in back] == [
        ("Odd Link", "http://example.org/dir\\",
         "10.1002/(SICI)1097-4636(199706)35:4<409::AID-JBM1>3.0.CO;2-I"), ("Next", "", "")]
    assert _entries(_export(back)) == kinds


def test_other_formats_fields_go_to_the_right_bibtex_fields(tmp_path: Path) -> None:
    ris = tmp_path / "in.ris"
    ris.write_text("TY  - JOUR\nTI  - A Journal Paper\nAU  - Lee, Ann\nPY  - 2020\n"
                   "T2  - Journal of Tests\nVL  - 7\nIS  - 2\nSP  - 10\nEP  - 19\n"
                   "PB  - Test Press\nSN  - 1234-5678\nER  - \n\n"
                   "TY  - BOOK\nTI  - A Book\nAU  - Kim, Bo\nPY  - 2019\nPB  - Big Publisher\n"
                   "CY  - Paris\nET  - 2\nER  - \n", encoding="utf-8")
    csl = tmp_path / "in.json"
    csl.write_text(json.dumps([{"type": "chapter", "title": "A Chapter", "author": [
        {"family": "Roe", "given": "Dee"}], "editor": [{"family": "Ed", "given": "Ida"}],
        "container-title": "The Collection", "page": "5-9", "publisher": "Pub",
        "issued": {"date-parts": [[2018]]}}]), encoding="utf-8")
    entries = {key: (kind, fields) for kind, key, fields in
               _entries(_export(open_store([ris, csl])))}
    assert entries["lee2020journal"] == ("article", {
        "author": "Ann Lee", "title": "A Journal Paper", "journal": "Journal of Tests",
        "year": "2020", "volume": "7", "number": "2", "pages": "10--19",
        "publisher": "Test Press", "issn": "1234-5678"})
    assert entries["kim2019book"] == ("book", {
        "author": "Bo Kim", "title": "A Book", "year": "2019", "publisher": "Big Publisher",
        "address": "Paris", "edition": "2"})
    assert entries["roe2018chapter"] == ("incollection", {
        "author": "Dee Roe", "title": "A Chapter", "year": "2018", "booktitle": "The Collection",
        "editor": "Ida Ed", "pages": "5-9", "publisher": "Pub"})


def test_a_citation_leaves_the_abstract_out() -> None:
    paper = with_key(Paper(key="", title="T", authors=("Ann Lee",), year=2020,
                           abstract="A long abstract.", fields=(("volume", "3"),)))
    assert "abstract" in bibtex_entry(paper)
    citation = bibtex_entry(paper, with_abstract=False)
    assert "abstract" not in citation and "volume = {3}" in citation


def _identity_of(papers) -> list[tuple]:
    return [(p.title, p.authors, p.year, p.doi, p.arxiv) for p in papers]


@pytest.mark.parametrize(("fmt", "name"), [("csl-json", "back.json"), ("ris", "back.ris")])
def test_csl_json_and_ris_read_back_with_the_same_titles_authors_years_and_ids(
        fmt: str, name: str, tmp_path: Path) -> None:
    store = open_store(IDENTITY)
    back = _reopen(tmp_path, _export(store, fmt), name)
    assert _identity_of(back) == _identity_of(store)
    assert [p.key for p in back] == [p.key for p in store]


@pytest.mark.parametrize(("fmt", "name"), [("csl-json", "back.json"), ("ris", "back.ris")])
def test_csl_json_and_ris_of_every_fixture_read_back_the_same(fmt: str, name: str,
                                                             fixtures_dir: Path, tmp_path: Path) -> None:
    store = open_store(fixtures_dir)
    path = tmp_path / name
    path.write_text(_export(store, fmt), encoding="utf-8")
    back = open_store(path)
    assert [p.problems for p in ()] == [] and back.problems == []
    assert len(back) == len(store)
    assert _identity_of(back) == _identity_of(store)
    assert [p.key for p in back] == [p.key for p in store]  # annotations stay on their papers


def test_csl_json_and_ris_carry_tags_notes_and_fields(tmp_path: Path) -> None:
    from tui.model import Annotation

    store = open_store(IDENTITY / "library.bib")
    smith = next(p for p in store if p.citekey == "smith2001")
    notes = {smith.key: Annotation(smith.key, tags=("intro", "to-cite"), note="Read first")}
    item = json.loads(_export([smith], "csl-json", notes))[0]
    assert {k: item[k] for k in ("id", "type", "title", "author", "issued", "container-title",
                                 "volume", "issue", "page", "keyword", "note")} == {
        "id": "smith2001", "type": "article-journal", "title": "Introduction",
        "author": [{"family": "Smith", "given": "John"}], "issued": {"date-parts": [[2001]]},
        "container-title": "Journal of Examples", "volume": "12", "issue": "3", "page": "1-4",
        "keyword": "intro, to-cite", "note": "Read first"}
    ris = _export([smith], "ris", notes)
    assert ris.splitlines() == [
        "TY  - JOUR", "ID  - smith2001", "TI  - Introduction", "AU  - Smith, John", "PY  - 2001",
        "DA  - 2001/", "T2  - Journal of Examples", "VL  - 12", "IS  - 3", "SP  - 1", "EP  - 4",
        "KW  - intro", "KW  - to-cite", "N1  - Read first", "ER  - "]


def _keys_and_fields(papers) -> list[tuple[str, dict[str, str]]]:
    return [(p.key, dict(p.fields)) for p in papers]


def test_papertrays_json_reads_back_fields_holding_escaped_braces(tmp_path: Path) -> None:
    """A field's text is BibTeX, where ``\\{`` and ``\\}`` are braces escaped (as CSL-JSON and
    RIS values are written): reading papertray's own JSON back dropped such a field, and
    with an edition the paper's key changed, leaving its star, tags and note behind."""
    csl = tmp_path / "in.json"
    csl.write_text(json.dumps([
        {"type": "book", "title": "A Book of Braces", "author": [{"family": "Doe", "given": "J"}],
         "issued": {"date-parts": [[2001]]}, "edition": "DY}", "publisher": "A {B"},
        {"type": "book", "title": "Another", "edition": "{2nd} ed\\", "note": 'ndard"}'}]))
    store = open_store(csl)
    assert dict(store[0].fields)["edition"] == "DY\\}"
    back = _reopen(tmp_path, _export(store, "json"), "back.json")
    assert _keys_and_fields(back) == _keys_and_fields(store)
    assert [f["edition"] for _, _, f in _entries(_export(back))] == ["DY\\}", "\\{2nd\\} ed\\textbackslash{}"]


def test_papertrays_json_keeps_a_field_only_where_it_writes_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "own.json"
    path.write_text(json.dumps([{"title": "Odd", "fields": {
        "volume": "3", "note": "closes} early", "series": "ends in a line break\\\\",
        "edition": "{open", "pages": "1\\\\}2", "number": "{1\\}}"}}]))
    paper = open_store(path)[0]
    # "1\\}2": a line break, then a brace that closes the field early
    kept = {"volume": "3", "series": "ends in a line break\\\\", "number": "{1\\}}"}
    assert dict(paper.fields) == kept
    [(_, _, written)] = _entries(_export([paper]))  # what is kept is written back whole
    assert {name: written[name].strip() for name in kept} == kept
    assert _keys_and_fields(_reopen(tmp_path, _export([paper], "json"), "back.json")) == \
        _keys_and_fields([paper])
    assert {n: v.strip() for n, v in _reopen(tmp_path, _export([paper]), "back.bib")[0].fields
            if n in kept} == kept  # and read back whole by papertray


def test_a_field_ending_in_a_line_break_does_not_swallow_the_next_entry(tmp_path: Path) -> None:
    """``address = {Dept. of Physics\\\\ }`` reads as text ending in ``\\\\``; written back
    as ``{...\\\\}`` its closing brace was escaped, and the BibTeX export lost this paper
    and the next."""
    bib = tmp_path / "in.bib"
    bib.write_text("@article{a, title = {First}, author = {Smith, Ann}, year = {2020}}\n"
                   "@article{b, title = {Second}, author = {Jones, Bob}, year = {2021},\n"
                   "  address = {Dept. of Physics\\\\\n  }, pages = {12\\\\ }}\n"
                   "@article{c, title = {Third}, author = {Brown, Cy}, year = {2022}}\n",
                   encoding="utf-8")
    store = open_store(bib)
    back = _reopen(tmp_path, _export(store), "back.bib")
    assert [p.title for p in back] == ["First", "Second", "Third"]
    assert _keys_and_fields(back) == _keys_and_fields(store)
    assert dict(back[1].fields)["address"] == "Dept. of Physics\\\\"


def test_an_escaped_brace_or_hash_in_a_bibtex_value_is_text(tmp_path: Path) -> None:
    """``{\\} C\\# II}``: the escaped brace ended the value early for papertray's reader
    (not for bibtexparser's), so ``\\#`` joined it to a macro "II}" that does not exist."""
    bib = tmp_path / "in.bib"
    bib.write_text("@book{k, title = {\\} C\\# II}, author = {Doe, J.}}\n", encoding="utf-8")
    store = open_store(bib)
    assert store.problems == []
    assert store[0].title == "} C# II"
    back = _reopen(tmp_path, _export(store), "back.bib")
    assert _keys_and_fields(back) == _keys_and_fields(store)


@pytest.mark.parametrize(("fmt", "name"), [("json", "back.json"), ("csl-json", "back.json"),
                                           ("ris", "back.ris"), ("bibtex", "back.bib")])
def test_a_reprint_keeps_its_key_through_every_export(fmt: str, name: str, tmp_path: Path) -> None:
    """A reprint's key carries a reprint mark (it is not the original): a reprint known by
    a relation only, or by an original date that is not a date, lost the mark through
    CSL-JSON and RIS, and its annotations with it."""
    bib = tmp_path / "reprints.bib"
    bib.write_text(
        "@article{moore, author = {Moore, Gordon E.}, title = {Cramming More Components},"
        " journaltitle = {Electronics}, year = {1965}}\n"
        "@article{moore:related, author = {Moore, Gordon E.}, title = {Cramming More Components},"
        " journaltitle = {Proceedings of the IEEE}, year = {1998}, related = {moore},"
        " relatedtype = {reprintfrom}}\n"
        "@book{wirth, author = {Wirth, Niklaus}, title = {Algorithms}, year = {1976},"
        " origdate = {first edition}}\n", encoding="utf-8")
    store = open_store(bib)
    back = _reopen(tmp_path, _export(store, fmt), name)
    assert [p.key for p in back] == [p.key for p in store]


@pytest.mark.parametrize(("fmt", "name"), [("json", "back.json"), ("bibtex", "back.bib")])
def test_every_fixture_keeps_its_keys_and_fields_through_papertrays_own_formats(
        fmt: str, name: str, fixtures_dir: Path, tmp_path: Path) -> None:
    store = open_store(fixtures_dir)
    path = tmp_path / name
    path.write_text(_export(store, fmt), encoding="utf-8")
    back = open_store(path)
    assert sorted(p.key for p in back) == sorted(p.key for p in store)
    if fmt == "json":  # BibTeX adds the fields it has columns for (title, author...)
        assert sorted(_keys_and_fields(back)) == sorted(_keys_and_fields(store))


def test_a_title_with_html_tags_reads_back_from_papertrays_json_as_it_was(tmp_path: Path) -> None:
    """Crossref's titles carry <sub> and <i>; papertray's JSON writes a title exactly, and
    reading it took the tags for CSL-JSON's rich text, so the key changed."""
    bib = _write_bib(tmp_path, "@article{doe2019, title = {Photoreduction of CO<sub>2</sub> on "
                               "<i>titania</i>}, author = {Doe, Jane}, year = {2019}}\n")
    store = open_store(bib)
    back = _reopen(tmp_path, _export(store, "json"), "back.json")
    assert [(p.key, p.title) for p in back] == [
        (store[0].key, "Photoreduction of CO<sub>2</sub> on <i>titania</i>")]
    csl = tmp_path / "csl.json"  # CSL-JSON's rich text is still read as text
    csl.write_text(json.dumps([{"title": "CO<sub>2</sub> on <i>titania</i>", "type": "article"}]))
    assert open_store(csl)[0].title == "CO2 on titania"


def _write_bib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.bib"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("fmt", "name"), [("bibtex", "back.bib"), ("ris", "back.ris"),
                                           ("csl-json", "back.json"), ("json", "back.json")])
def test_a_title_with_invisible_characters_keeps_its_key_through_every_export(
        fmt: str, name: str, tmp_path: Path) -> None:
    """A zero-width space or a bidi mark inside a word is not shown and not exported
    ("Deep\\u200blearning" is seen "Deeplearning"); the key took it for a space, so the
    exported paper had another key."""
    titles = ["Deep\u200blearning for graphs", "Trojan \u202esource\u202c code", "Zero\u2060width\ufeff"]
    bib = _write_bib(tmp_path, "".join(f"@article{{k{i}, title = {{{t}}}, author = {{Smith, Ann}},"
                                       f" year = {{2020}}}}\n" for i, t in enumerate(titles)))
    store = open_store(bib)
    back = _reopen(tmp_path, _export(store, fmt), name)
    assert [p.key for p in back] == [p.key for p in store]


@pytest.mark.parametrize(("fmt", "name"), [("bibtex", "back.bib"), ("json", "back.json")])
def test_names_with_a_suffix_or_a_comma_read_back_as_they_were(fmt: str, name: str,
                                                               tmp_path: Path) -> None:
    """BibTeX read "Martin Luther King, Jr." as written back ("Last, First") as given name
    "Jr."; papertray's JSON turned "Barnes and Noble, Inc." round."""
    authors = ("Martin Luther King, Jr.", "Guy L. Steele Jr.", "Barnes and Noble, Inc.",
               "Ludwig van Beethoven, III", "Ann Lee")
    paper = with_key(Paper(key="", title="Names", authors=authors, year=2001))
    back = _reopen(tmp_path, _export([paper], fmt), name)
    assert [(p.key, p.authors) for p in back] == [(paper.key, authors)]


def test_every_reader_finds_an_arxiv_id_named_where_zotero_writes_it(tmp_path: Path) -> None:
    """A preprint's journal is "arXiv:1706.03762 [cs]" in Zotero's exports; the BibTeX reader
    found the id there, the CSL-JSON and RIS readers did not, so the same paper had an
    ``arxiv:`` key from one file and a ``ref:`` key from the other."""
    csl = tmp_path / "zotero.json"
    csl.write_text(json.dumps([
        {"type": "article", "title": "Attention is all you need", "author": [
            {"family": "Vaswani", "given": "Ashish"}], "container-title": "arXiv:1706.03762 [cs]",
         "issued": {"date-parts": [[2017]]}},
        {"type": "article", "title": "Old one", "number": "arXiv:hep-th/9901001"},
        {"type": "article", "title": "Noted", "note": "arXiv: 2101.00001"}]), encoding="utf-8")
    ris = tmp_path / "zotero.ris"
    ris.write_text("TY  - JOUR\nTI  - Attention is all you need\nAU  - Vaswani, Ashish\nPY  - 2017\n"
                   "T2  - arXiv:1706.03762 [cs]\nER  - \n\nTY  - JOUR\nTI  - Old one\n"
                   "JO  - arXiv:hep-th/9901001\nER  - \n", encoding="utf-8")
    bib = _write_bib(tmp_path, "@article{v, title = {Attention is all you need}, author = {Vaswani, Ashish},"
                               " journal = {arXiv:1706.03762 [cs]}, year = {2017}}\n")
    assert [p.key for p in open_store(csl)] == ["arxiv:1706.03762", "arxiv:hep-th/9901001",
                                                "arxiv:2101.00001"]
    assert [p.key for p in open_store(ris)] == ["arxiv:1706.03762", "arxiv:hep-th/9901001"]
    assert [p.key for p in open_store(bib)] == ["arxiv:1706.03762"]


def test_a_title_cut_to_the_longest_kept_keeps_its_key_through_an_export(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    path.write_text(json.dumps([{"title": "Word " * 4_000, "authors": ["Ann Lee"], "year": 2020}]))
    store = open_store(path)
    assert len(store[0].title) == 10_000 and any("title is" in p.message for p in store.problems)
    for fmt, name in (("json", "back.json"), ("bibtex", "back.bib")):
        assert [p.key for p in _reopen(tmp_path, _export(store, fmt), name)] == [store[0].key]


def test_an_arxiv_id_cited_in_a_note_or_journal_is_not_the_papers_own(tmp_path: Path) -> None:
    """"Reply to arXiv:1706.03762" names another paper: taken as this one's id, it gave
    this paper that paper's key, and the two were merged into one."""
    ris = tmp_path / "cites.ris"
    ris.write_text("TY  - JOUR\nTI  - Attention Is All You Need\nAU  - Vaswani, Ashish\nPY  - 2017\n"
                   "UR  - https://arxiv.org/abs/1706.03762\nER  - \n\n"
                   "TY  - JOUR\nTI  - A Survey\nAU  - Lee, Kim\nPY  - 2022\n"
                   "T2  - Companion to arXiv:1706.03762 special issue\nER  - \n\n"
                   "TY  - JOUR\nTI  - Commentary\nAU  - Park, Jin\nPY  - 2022\n"
                   "N1  - Reply to arXiv:1706.03762\nER  - \n", encoding="utf-8")
    csl = tmp_path / "cites.json"
    csl.write_text(json.dumps([{"type": "article", "title": "Efficient Transformers", "DOI": "10.1000/x",
                                "note": "Builds on the Transformer (arXiv:1706.03762)."}]))
    bib = _write_bib(tmp_path, "@article{o, title={A Different Paper}, author={Lee, Kim},"
                               " year=2021, journaltitle={Proceedings, see also arXiv:1706.03762}}\n")
    store = open_store([ris, csl, bib])
    assert len(store) == 5 and store.merges == []
    assert [p.key for p in store if p.key.startswith("arxiv:")] == ["arxiv:1706.03762"]
    assert any(p.key == "doi:10.1000/x" for p in store)
