"""arXiv Atom feeds and API responses (and other Atom or RSS 2.0 feeds of papers).

The XML is parsed with the standard library only after refusing any document type
declaration: with no DTD there are no entities, so neither external entities nor an
entity-expansion bomb can reach the parser (the rule defusedxml applies by default).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.utils import parsedate_tz
from pathlib import Path

from tui.model import Paper, Problem, normalise_arxiv_id, with_key
from tui.store.clean import (
    arxiv_from_url,
    clean_block,
    clean_line,
    first_doi,
    parse_date,
    split_author_string,
)
from tui.store.formats.bibfields import EMPTY_RECORD, bib_fields, is_empty_record
from tui.store.reading import read_text

__all__ = ["parse", "parse_text"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"

_DOCTYPE = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_ENTRY_START = re.compile(r"<(?:[\w.-]+:)?(entry|item)[\s>/]")
# rss.arxiv.org puts "arXiv:2104.08821v2 Announce Type: new Abstract: ..." in the summary.
_ANNOUNCE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?", re.IGNORECASE)


def parse(path: Path) -> Iterator[Paper | Problem]:
    """Read an Atom or RSS feed of papers."""
    text, problems = read_text(path)
    yield from problems
    yield from parse_text(text, str(path))


def parse_text(text: str, name: str) -> Iterator[Paper | Problem]:
    """Read papers from feed XML; ``name`` is used in sources and problems."""
    if match := _DOCTYPE.search(text):
        line: int | None = text.count("\n", 0, match.start()) + 1
        yield Problem(name, line, "XML with a document type declaration is not read "
                                  "(entities could reach outside the file)")
        return
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        yield Problem(name, line, f"not well-formed XML ({str(error).split(':')[0]})")
        return
    # ElementTree keeps no line numbers; entries appear in document order, so the n-th
    # <entry> start tag in the text is the n-th entry element.
    starts = _lines_of(text, (m.start() for m in _ENTRY_START.finditer(text)))
    entries = root.findall(f"{ATOM}entry") or root.findall("channel/item") or root.findall("item")
    if not entries and root.tag not in (f"{ATOM}feed", "rss", "{http://purl.org/rss/1.0/}RDF"):
        yield Problem(name, None, "XML that is not an Atom or RSS feed")
        return
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else None
        result = _atom_entry(entry, f"{name}:{line}") if entry.tag == f"{ATOM}entry" else \
            _rss_item(entry, f"{name}:{line}")
        yield Problem(name, line, result) if isinstance(result, str) else result


def _lines_of(text: str, offsets: Iterator[int]) -> list[int]:
    """The line of each offset (ascending), counting each stretch of text once: counting
    from the start for every entry made a feed of 80,000 entries take minutes."""
    lines, line, counted = [], 1, 0
    for offset in offsets:
        line += text.count("\n", counted, offset)
        counted = offset
        lines.append(line)
    return lines


def _text(element: ET.Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _atom_entry(entry: ET.Element, source: str) -> Paper | str:
    identifier = _text(entry.find(f"{ATOM}id")).strip()
    title = clean_line(_text(entry.find(f"{ATOM}title")))
    summary = _text(entry.find(f"{ATOM}summary")) or _text(entry.find(f"{ATOM}content"))
    if "/api/errors" in identifier:
        return f"the feed reports an error: {clean_line(summary) or title}"
    arxiv_id = normalise_arxiv_id(identifier.replace("oai:arXiv.org:", "")) or \
        normalise_arxiv_id(arxiv_from_url(identifier))
    authors = tuple(clean_line(_text(a.find(f"{ATOM}name"))) for a in entry.findall(f"{ATOM}author"))
    if not any(authors):
        authors = split_author_string(_text(entry.find(f"{DC}creator")))
    url = next((link.get("href", "") for link in entry.findall(f"{ATOM}link")
                if link.get("rel", "alternate") == "alternate"), "")
    date = parse_date(_text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated")))
    categories = tuple(dict.fromkeys(
        c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")))
    doi = first_doi(_text(entry.find(f"{ARXIV}doi")))
    authors = tuple(a for a in authors if a)
    abstract = clean_block(_ANNOUNCE.sub("", summary))
    if is_empty_record(title=title, authors=authors, abstract=abstract, doi=doi, arxiv=arxiv_id,
                       url=url):
        return EMPTY_RECORD
    comment = clean_line(_text(entry.find(f"{ARXIV}comment")))
    return with_key(Paper(
        key="",
        title=title,
        authors=authors,
        year=int(date[:4]) if date else None,
        venue=clean_line(_text(entry.find(f"{ARXIV}journal_ref"))),
        abstract=abstract,
        doi=doi,
        arxiv=arxiv_id,
        url=clean_line(url),
        categories=categories,
        date=date,
        entry_type="misc",
        source=source,
        fields=bib_fields([("note", comment)]),
    ))


def _rss_item(item: ET.Element, source: str) -> Paper | str:
    title = clean_line(_text(item.find("title")))
    link = clean_line(_text(item.find("link")))
    guid = _text(item.find("guid"))
    arxiv_id = normalise_arxiv_id(arxiv_from_url(link)) or \
        normalise_arxiv_id(guid.replace("oai:arXiv.org:", ""))
    date = parse_date(_rss_date(_text(item.find("pubDate")) or _text(item.find(f"{DC}date"))))
    authors = split_author_string(_text(item.find(f"{DC}creator")) or _text(item.find("author")))
    abstract = clean_block(_ANNOUNCE.sub("", _text(item.find("description"))))
    if is_empty_record(title=title, authors=authors, abstract=abstract, doi="", arxiv=arxiv_id,
                       url=link):
        return EMPTY_RECORD
    return with_key(Paper(
        key="",
        title=title,
        authors=authors,
        year=int(date[:4]) if date else None,
        abstract=abstract,
        arxiv=arxiv_id,
        url=link,
        categories=tuple(dict.fromkeys(clean_line(_text(c)) for c in item.findall("category"))),
        date=date,
        entry_type="misc",
        source=source,
    ))


def _rss_date(value: str) -> str:
    """RSS dates are RFC 822 ("Mon, 12 Apr 2021 00:00:00 -0400"); ISO ones pass through."""
    parts = parsedate_tz(value) if value and not value[:4].isdigit() else None
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}" if parts else value
