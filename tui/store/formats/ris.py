"""RIS files (Zotero, EndNote, Mendeley, PubMed via citation managers, Scopus, Web of
Science, Ovid) and the Web of Science tagged format, read with rispy.

rispy parses a whole file at once and knows no line numbers, so the file is first cut
into records here (``TY`` to ``ER``, or ``PT`` to ``ER``), each record remembering its
first line, and rispy reads one record at a time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import rispy

from tui.model import Paper, Problem, normalise_arxiv_id, with_key
from tui.store.clean import (
    arxiv_from_doi,
    arxiv_from_url,
    arxiv_in_text,
    clean_block,
    clean_line,
    first_doi,
    name_from_text,
    parse_date,
    parse_year,
    split_keywords,
)
from tui.store.formats.bibfields import EDITOR_SEPARATOR, EMPTY_RECORD, bib_fields, is_empty_record
from tui.store.reading import iter_lines, read_text

__all__ = ["parse", "parse_text", "is_wok", "RIS_TYPES"]

RIS_TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article",
    "NEWS": "article", "ABST": "article", "INPR": "article", "CONF": "inproceedings",
    "CPAPER": "inproceedings", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "incollection", "ECHAP": "incollection", "THES": "phdthesis",
    "RPRT": "techreport", "ELEC": "online", "BLOG": "online", "WEB": "online",
    "UNPB": "unpublished", "MANSCPT": "unpublished", "PAT": "patent", "DATA": "dataset",
    "COMP": "software", "STAND": "standard",
}
"""RIS reference types in BibTeX terms; anything else is ``misc``."""

_WOK_START = re.compile(r"^(FN |PT [A-Z])", re.MULTILINE)


def is_wok(text: str) -> bool:
    """True for Web of Science's own tagged format (``PT J`` ... ``ER``), not RIS."""
    return bool(_WOK_START.search(text[:4096])) and "TY  -" not in text[:4096]


def parse(path: Path) -> Iterator[Paper | Problem]:
    """Read a RIS or Web of Science file."""
    text, problems = read_text(path)
    yield from problems
    yield from parse_text(text, str(path))


def _ris_tag(line: str) -> str:
    """The tag of a RIS line ("TY  - JOUR" -> "TY"), or "" for a continuation."""
    if line[2:5] == "  -" and line[:1].isalpha() and line[:2].isupper():
        return line[:2]
    return ""


def _wok_tag(line: str) -> str:
    if len(line) >= 2 and line[:2].isalnum() and line[:2].isupper() and line[2:3] in (" ", ""):
        return line[:2]
    return ""


class _Record:
    """The lines of one record as read, each run of continuation lines of a one-value tag
    (an abstract wrapped over many lines) gathered into one continuation line.

    rispy adds each continuation to the value string, copying it whole every time:
    quadratic in the value's length. Joining first gives the same value in linear time
    (and keeps one string per run, not one per line); list tags, where each continuation
    is another author or keyword, are left as they are."""

    def __init__(self, parser: rispy.RisParser, first: str) -> None:
        self._parser = parser
        self.lines: list[str] = []
        self._run: io.StringIO | None = None
        self._joinable = False
        self.add(first)

    def add(self, line: str) -> None:
        """Take the next line of the record."""
        parser = self._parser
        tag, content = parser.parse_line(line)
        if tag is None and self._joinable:
            if self._run is None:
                self._run = io.StringIO()
            else:
                self._run.write(" ")
            self._run.write(content)
            return
        self._flush()
        self.lines.append(line)
        if tag is not None and tag not in parser.ignore:
            self._joinable = (tag in parser.mapping and tag not in parser.list_tags
                              and tag not in parser.delimiter_map)

    def _flush(self) -> None:
        if self._run is not None:
            self.lines.append("   " + self._run.getvalue())  # still a continuation to rispy
            self._run = None

    def done(self) -> list[str]:
        """Every line of the record."""
        self._flush()
        return self.lines


def _records(lines: Iterable[str], wok: bool,
             parser: rispy.RisParser) -> Iterator[tuple[int, list[str], bool]]:
    """Cut lines into records: (first line number, lines, closed by ER)."""
    start_tag, tag_of = ("PT", _wok_tag) if wok else ("TY", _ris_tag)
    current: _Record | None = None
    first = 0
    for number, line in enumerate(lines, start=1):
        tag = tag_of(line)
        if current is None:
            if tag == start_tag:
                current, first = _Record(parser, line), number
            continue
        current.add(line)
        if tag == "ER":
            yield first, current.done(), True
            current = None
    if current is not None:
        yield first, current.done(), False


def parse_text(text: str, name: str) -> Iterator[Paper | Problem]:
    """Read papers from RIS (or Web of Science) text; ``name`` is used in sources."""
    wok = is_wok(text)
    implementation = rispy.WokParser if wok else rispy.RisParser
    found = False
    for line, lines, closed in _records(iter_lines(text), wok, implementation()):
        found = True
        if not closed:
            yield Problem(name, line, "the last record has no ER line; the file may be cut short")
            lines = [*lines, "ER  - " if not wok else "ER"]
        try:
            entries = implementation().parse_lines(iter(lines))
        except Exception as error:  # rispy has no error type of its own
            yield Problem(name, line, f"record skipped: {error}")
            continue
        for entry in entries:
            paper = _paper(entry, f"{name}:{line}", wok)
            if isinstance(paper, str):
                yield Problem(name, line, paper)
            else:
                yield paper
    if not found and text.strip():
        yield Problem(name, None, "no RIS records (TY  - ... ER  - ) found")


def _first(entry: dict[str, Any], *keys: str) -> str:
    """The first non-empty value among ``keys``, a list giving its first item."""
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), "")
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _list(entry: dict[str, Any], *keys: str) -> list[str]:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return [value]
        if isinstance(value, list) and any(isinstance(v, str) and v.strip() for v in value):
            return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _ris_date(year_field: str, date_field: str) -> str:
    """PY holds "2018" or "2018/07/01/"; DA holds a full date, or only "SEP" or "Mar 1"
    (Web of Science, PubMed). The most precise reading wins."""
    from_date = parse_date(date_field)
    from_year = parse_date(year_field, month=date_field if not from_date else "")
    return max(from_date, from_year, key=len)


def _paper(entry: dict[str, Any], source: str, wok: bool) -> Paper | str:
    """A paper from one rispy record, or the reason it cannot be one."""
    unknown = entry.get("unknown_tag") or {}
    if wok:
        title = _first(entry, "document_title")
        names = _list(entry, "author_full_name", "authors", "group_authors", "book_authors")
        venue = _first(entry, "publication_name", "conference_title", "publisher")
        keywords = _first(entry, "author_keywords", "keywords_plus")
        categories = split_keywords(keywords) if keywords else ()
        date = parse_date(_first(entry, "publication_year"), _first(entry, "publication_date"))
        kind = _first(entry, "publication_type")
        entry_type = {"J": "article", "B": "book", "S": "incollection", "P": "patent"}.get(
            kind.strip(), "misc")
        urls: list[str] = []
    else:
        title = (_first(entry, "title", "primary_title", "translated_title")
                 or _first(unknown, "BT") or _first(entry, "short_title"))
        names = _list(entry, "authors", "first_authors") or _list(entry, "secondary_authors")
        venue = _first(entry, "secondary_title", "alternate_title3", "journal_name",
                       "alternate_title1", "alternate_title2", "publisher")
        categories = tuple(dict.fromkeys(
            clean_line(k).lstrip("*") for k in _list(entry, "keywords") if clean_line(k).lstrip("*")
        ))
        date = _ris_date(_first(entry, "year", "publication_year"), _first(entry, "date"))
        entry_type = RIS_TYPES.get(_first(entry, "type_of_reference").strip().upper(), "misc")
        urls = _list(entry, "urls")
    title = clean_line(title)
    doi = first_doi(_first(entry, "doi"))
    url = clean_line(urls[0]) if urls else ""
    arxiv_id = normalise_arxiv_id(arxiv_from_doi(doi)) or next(
        (normalise_arxiv_id(arxiv_from_url(u)) for u in urls if arxiv_from_url(u)), "")
    if not arxiv_id:
        arxiv_id = normalise_arxiv_id(arxiv_in_text(
            *_list(entry, "notes"), _first(entry, "note"),
            _first(entry, "journal_name", "secondary_title", "alternate_title3")))
    year = parse_year(date) if date else None
    authors = tuple(n for n in (name_from_text(n) for n in names) if n)
    abstract = clean_block(_first(entry, "abstract", "notes_abstract"))
    venue = clean_line(venue)
    citekey = "" if wok else clean_line(_first(entry, "id"))
    if is_empty_record(title=title, authors=authors, abstract=abstract, doi=doi, arxiv=arxiv_id,
                       url=url, citekey=citekey):
        return EMPTY_RECORD
    return with_key(Paper(
        key="",
        title=title,
        authors=authors,
        year=year,
        venue=venue,
        abstract=abstract,
        doi=doi,
        arxiv=arxiv_id,
        url=url,
        categories=categories,
        date=date,
        citekey=citekey,
        entry_type=entry_type,
        source=source,
        fields=() if wok else _bib_fields(entry, entry_type) + _file_field(entry),
    ))


def _file_field(entry: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """L1 (the PDF) as BibTeX's ``file`` field, kept as written (a path is not LaTeX).
    Some exporters write a placeholder ("File Attachments 1"): only a path or a web
    address is kept."""
    files = [clean_line(v) for v in _list(entry, "file_attachments1")
             if "/" in v or "\\" in v or v.strip().lower().endswith(".pdf")]
    return (("file", ";".join(files)),) if files else ()


def _bib_fields(entry: dict[str, Any], entry_type: str) -> tuple[tuple[str, str], ...]:
    """The RIS fields papertray has no column for, under their BibTeX names."""
    start, end = clean_line(_first(entry, "start_page")), clean_line(_first(entry, "end_page"))
    pages = f"{start}--{end}" if start and end and start != end else start or end
    container = clean_line(_first(entry, "secondary_title", "journal_name", "alternate_title3",
                                  "alternate_title1", "alternate_title2"))
    editors = [name_from_text(n) for n in _list(entry, "editor", "secondary_authors")
               if _list(entry, "authors", "first_authors")]
    venue_field = {"article": "journal", "inproceedings": "booktitle",
                   "incollection": "booktitle"}.get(entry_type, "")
    pairs = [
        (venue_field, container) if venue_field else ("", ""),
        ("editor", EDITOR_SEPARATOR.join(n for n in editors if n)),
        ("volume", clean_line(_first(entry, "volume"))),
        ("number", clean_line(_first(entry, "number"))),
        ("pages", pages),
        ("publisher", clean_line(_first(entry, "publisher"))),
        ("address", clean_line(_first(entry, "place_published"))),
        ("edition", clean_line(_first(entry, "edition"))),
        ("series", clean_line(_first(entry, "tertiary_title"))),
        ("issn" if entry_type == "article" else "isbn", clean_line(_first(entry, "issn"))),
        ("language", clean_line(_first(entry, "language"))),
        ("origdate", clean_line(_first(entry, "original_publication"))),  # a reprint's original
    ]
    fields = bib_fields((name, value) for name, value in pairs if name)
    # A page range is BibTeX's "--": written unescaped, so it reads back as a dash.
    return tuple((name, value.replace("-{}-", "--")) if name == "pages" else (name, value)
                 for name, value in fields)
