"""JSON objects to papers: the arXiv snapshot schema, the generic schema and CSL-JSON.

JSON Lines and JSON arrays hold the same kinds of objects, so both readers hand each
object to :func:`paper_from_record`. The arXiv snapshot gets its own lean path because
a snapshot holds millions of records and its text needs little work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tui.model import Paper, Problem, keyed, normalise_arxiv_id, with_key
from tui.store.clean import (
    CONTROL_CHARACTERS as _CONTROL,
)
from tui.store.clean import (
    arxiv_from_doi,
    arxiv_from_url,
    arxiv_in_text,
    clean_block,
    clean_line,
    decode_accents,
    display_name,
    first_doi,
    iso_date,
    name_from_text,
    parse_date,
    parse_year,
    split_author_string,
    split_keywords,
)
from tui.store.formats.bibfields import (
    EDITOR_SEPARATOR,
    EMPTY_RECORD,
    bib_fields,
    braces_pair,
    is_empty_record,
)

__all__ = ["RecordError", "paper_from_record", "read_record", "is_arxiv_record", "CSL_TYPES"]


class RecordError(ValueError):
    """A record that cannot become a paper; the message says why, in one sentence."""


CSL_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "article": "article", "paper-conference": "inproceedings", "book": "book",
    "chapter": "incollection", "thesis": "phdthesis", "report": "techreport",
    "webpage": "online", "post-weblog": "online", "manuscript": "unpublished",
    "dataset": "dataset", "software": "software", "patent": "patent", "standard": "standard",
}
"""CSL item types in BibTeX terms, for :attr:`Paper.entry_type`."""

# CSL-JSON's own rich-text tags (italic, bold, super/subscript, case protection); they
# are formatting of the citation format, not part of the title.
_CSL_MARKUP = re.compile(r"</?(?:i|b|sup|sub|sc)>|<span (?:class=\"nocase\"|style=\"[^\"<>]*\")>|</span>")


_ARXIV_NAMED_IN = ("container-title", "number", "note", "journal", "publisher")
"""Where a record may name its arXiv id in text, as the BibTeX and RIS readers look."""
_ARXIV_NAMED_IN_SET = frozenset(_ARXIV_NAMED_IN)


def _strip_csl_markup(value: str) -> str:
    return _CSL_MARKUP.sub("", value) if "<" in value else value


def is_arxiv_record(record: dict[str, Any]) -> bool:
    """True for an object in the arXiv metadata snapshot schema."""
    return "id" in record and ("authors_parsed" in record or "update_date" in record
                               or "versions" in record or "journal-ref" in record)


def _kind(value: object) -> str:
    """How a JSON value is named in a message: "a number", "an object"..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else "text"


def _text(record: dict[str, Any], *names: str, notes: list[str]) -> str:
    """The first non-empty text among ``names``; numbers are read as text, other
    types noted and skipped."""
    for name in names:
        value = record.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value) if value == value else ""
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return str(value[0])  # CSL-JSON from some tools wraps single values in lists
        notes.append(f"{name} is {_kind(value)}, not text; ignored")
    return ""


def _name(value: object) -> str:
    """One author as a display name, from text or a CSL / Zotero / arXiv name object."""
    if isinstance(value, str):
        return name_from_text(value)
    if isinstance(value, dict):
        if literal := value.get("literal") or value.get("name"):
            return clean_line(str(literal))
        family = value.get("family") or value.get("lastName") or value.get("last") or ""
        given = value.get("given") or value.get("firstName") or value.get("first") or ""
        particle = value.get("non-dropping-particle") or ""
        if particle and isinstance(family, str):
            family = f"{particle} {family}"
        suffix = value.get("suffix") or ""
        return display_name(str(family), str(given), str(suffix))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return display_name(*value[:3])  # [family, given, suffix]
    return ""


def _authors(record: dict[str, Any], notes: list[str], *, exact: bool = False) -> tuple[str, ...]:
    """The record's names; ``exact``: papertray's own JSON, whose names are display names
    as written ("Barnes and Noble, Inc." is not turned round)."""
    if exact and isinstance(names := record.get("authors"), list) and all(isinstance(n, str) for n in names):
        return tuple(name for name in map(clean_line, names) if name)
    for field in ("authors", "author", "creators", "editor"):
        value = record.get(field)
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, str):
            return split_author_string(value)
        if isinstance(value, list):
            names = tuple(n for n in map(_name, value) if n)
            if names:
                return names
            notes.append(f"{field} holds no names; ignored")
        elif isinstance(value, dict) and ("family" in value or "literal" in value):
            return (_name(value),)
        else:
            notes.append(f"{field} is {_kind(value)}, not a list of names; ignored")
    return ()


def _csl_date(value: object) -> str:
    """ISO date from a CSL date object: ``date-parts`` (strings or numbers), ``raw``,
    ``literal``; the first of a range."""
    if not isinstance(value, dict):
        return parse_date(value) if isinstance(value, str) else ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers: list[int | None] = []
        for part in parts[0][:3]:
            try:
                numbers.append(int(part))
            except (TypeError, ValueError, OverflowError):  # OverflowError: 1e999 reads as inf
                numbers.append(None)
        return iso_date(*numbers)
    for name in ("raw", "literal"):
        if isinstance(value.get(name), str):
            return parse_date(value[name])
    return ""


def _date_words(value: object) -> str:
    """A CSL date's ``literal`` or ``raw`` text that names no date ("first edition")."""
    text = value.get("literal") or value.get("raw") if isinstance(value, dict) else value
    return clean_line(text) if isinstance(text, str) else ""


def _categories(record: dict[str, Any]) -> tuple[str, ...]:
    for field in ("categories", "tags", "keywords", "keyword"):
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            if field == "categories" and "," not in value and ";" not in value:
                return tuple(value.split())  # arXiv: "cs.CL cs.LG"
            return split_keywords(value)
        if isinstance(value, list):
            words = (v if isinstance(v, str) else v.get("tag", "") if isinstance(v, dict) else ""
                     for v in value)
            found = tuple(dict.fromkeys(w for w in map(clean_line, words) if w))
            if found:
                return found
    return ()


def _arxiv_date(arxiv_id: str) -> str:
    """Year and month of submission, read off the identifier (``2104.08821`` is
    2021-04, ``hep-th/9901001`` 1999-01), which saves parsing a date per record."""
    digits = arxiv_id.rpartition("/")[2]
    if len(digits) < 4 or not digits[:4].isdigit():
        return ""
    yy, mm = int(digits[:2]), int(digits[2:4])
    year = 1900 + yy if yy >= 91 else 2000 + yy
    return f"{year}-{mm:02d}" if 1 <= mm <= 12 else f"{year}"


_PLAIN_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}")


def _arxiv_authors(record: dict[str, Any]) -> tuple[str, ...]:
    """Authors from ``authors_parsed`` ([family, given, suffix] each), else from the
    ``authors`` string. Written for speed: this runs for every snapshot record."""
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        try:
            for item in parsed:
                family, given = item[0], item[1] if len(item) > 1 else ""
                name = f"{given} {family}" if given else family
                if len(item) > 2 and item[2]:
                    name = f"{name}, {item[2]}"
                if "\\" in name or "{" in name:
                    name = decode_accents(name)
                if not name.isprintable() or "  " in name:
                    name = clean_line(name)
                if name:
                    names.append(name)
            return tuple(names)
        except (TypeError, IndexError, AttributeError):
            pass  # not lists of strings: fall back to the authors string
    raw = record.get("authors")
    return split_author_string(decode_accents(raw)) if isinstance(raw, str) else ()


_ASCII_CONTROLS = bytes([*range(0, 9), *range(11, 32), 127])


def _has_controls(text: str) -> bool:
    """True if ``text`` holds a character :func:`clean_block` would remove. For ASCII
    text (nearly every abstract) a bytes translation answers in a fraction of the
    time the regular expression takes."""
    if text.isascii():
        encoded = text.encode("ascii")
        return len(encoded.translate(None, _ASCII_CONTROLS)) != len(encoded)
    return _CONTROL.search(text) is not None


def _arxiv_abstract(text: str) -> str:
    """An arXiv abstract unwrapped: a line starting with spaces opens a paragraph.
    Plain string methods only; this runs for every snapshot record."""
    if "\t" in text or "\r" in text or "Ã" in text or "Â" in text or _has_controls(text):
        return clean_block(text, indent_starts_paragraph=True)
    paragraphs = (part.replace("\n", " ").strip() for part in text.strip().split("\n  "))
    return "\n\n".join(p for p in paragraphs if p)


def _arxiv_paper(record: dict[str, Any], source: str) -> Paper:
    """The lean path for one arXiv snapshot record."""
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise RecordError(f"title is {_kind(title)}, not text")
    title = clean_line(title or "")
    raw_id = record.get("id")
    raw_id = raw_id if isinstance(raw_id, str) else str(raw_id or "")
    arxiv_id = raw_id if _PLAIN_ARXIV_ID.fullmatch(raw_id) else normalise_arxiv_id(raw_id)
    abstract = record.get("abstract")
    abstract = _arxiv_abstract(abstract) if isinstance(abstract, str) else ""
    doi = record.get("doi")
    doi = first_doi(doi) if isinstance(doi, str) else ""
    venue = record.get("journal-ref")
    venue = clean_line(venue) if isinstance(venue, str) else ""
    categories = record.get("categories")
    categories = tuple(categories.split()) if isinstance(categories, str) else ()
    date = _arxiv_date(arxiv_id)
    if not date and isinstance(record.get("update_date"), str):
        date = parse_date(record["update_date"])
    year = int(date[:4]) if date else None
    paper = Paper(key=f"arxiv:{arxiv_id}", title=title, authors=_arxiv_authors(record), year=year,
                  venue=venue, abstract=abstract, doi=doi, arxiv=arxiv_id, categories=categories,
                  date=date, entry_type="article" if venue else "misc", source=source)
    if arxiv_id:
        return paper  # the key is the id: the common case, a million times over
    if is_empty_record(title=title, authors=paper.authors, abstract=abstract, doi=doi, arxiv="",
                       url=""):
        raise RecordError(EMPTY_RECORD.removesuffix("; skipped"))
    return with_key(paper)


def paper_from_record(record: object, source: str, notes: list[str] | None = None) -> Paper:
    """Build a paper from one JSON object of any supported schema.

    Raises :class:`RecordError` when the object cannot be a paper (not an object, no
    title). Fields of the wrong type are skipped and described in ``notes``."""
    if not isinstance(record, dict):
        raise RecordError(f"expected an object for a paper, found {_kind(record)}")
    if is_arxiv_record(record):
        return _arxiv_paper(record, source)
    notes = notes if notes is not None else []
    raw_title = record.get("title")
    if isinstance(raw_title, (dict, bool)) or (
            isinstance(raw_title, list) and not all(isinstance(t, str) for t in raw_title)):
        # A list of strings is fine: Crossref's JSON gives ["The title"].
        raise RecordError(f"title is {_kind(raw_title)}, not text")
    own = isinstance(record.get("fields"), dict)  # papertray's own JSON: its text is exact
    title = clean_line(_text(record, "title", notes=notes))
    if not own:
        title = _strip_csl_markup(title)
    doi = first_doi(_text(record, "doi", "DOI", notes=notes))
    url = clean_line(_text(record, "url", "URL", "link", notes=notes))
    arxiv_field = _text(record, "arxiv", "arxiv_id", "arXiv", "eprint", notes=notes)
    arxiv_id = (normalise_arxiv_id(arxiv_field) or normalise_arxiv_id(arxiv_from_doi(doi))
                or normalise_arxiv_id(arxiv_from_url(url)))
    if not arxiv_id and not _ARXIV_NAMED_IN_SET.isdisjoint(record):  # most records hold none
        # A preprint as Zotero writes it: "arXiv:1706.03762 [cs]" for its journal.
        arxiv_id = normalise_arxiv_id(arxiv_in_text(*(
            value for name in _ARXIV_NAMED_IN if isinstance(value := record.get(name), str))))
    date = parse_date(_text(record, "date", "published", notes=notes))
    if not date and "issued" in record:
        date = _csl_date(record["issued"])
    year = parse_year(record.get("year")) or (int(date[:4]) if date else None)
    if year and not date:
        date = f"{year:04d}"
    abstract = clean_block(_text(record, "abstract", "summary", notes=notes))
    venue = clean_line(_text(record, "venue", "journal", "container-title", "booktitle",
                             "journal-ref", "publicationTitle", "publisher", notes=notes))
    raw_type = _text(record, "entry_type", "ENTRYTYPE", "type", "itemType", notes=notes)
    entry_type = CSL_TYPES.get(raw_type, raw_type.lower() if raw_type.isalpha() else "")
    citekey = clean_line(_text(record, "citekey", "citation-key", "citationKey", "ID",
                               notes=notes))
    authors = _authors(record, notes, exact=own)
    if is_empty_record(title=title, authors=authors, abstract=abstract, doi=doi, arxiv=arxiv_id,
                       url=url, citekey=citekey):
        raise RecordError(EMPTY_RECORD.removesuffix("; skipped"))
    return keyed(Paper(
        key="",
        title=title,
        authors=authors,
        year=year,
        venue=venue,
        abstract=abstract,
        doi=doi,
        arxiv=arxiv_id,
        url=url,
        categories=_categories(record),
        date=date,
        citekey=citekey,
        entry_type=entry_type,
        source=source,
        fields=_fields(record, entry_type),
    ))


_CSL_FIELDS = (("volume", "volume"), ("issue", "number"), ("number", "number"), ("page", "pages"),
               ("pages", "pages"), ("publisher", "publisher"), ("publisher-place", "address"),
               ("edition", "edition"), ("collection-title", "series"), ("ISBN", "isbn"),
               ("ISSN", "issn"), ("language", "language"), ("note", "note"),
               ("original-publisher", "origpublisher"),
               ("original-publisher-place", "origlocation"))
"""CSL-JSON variables (and the generic schema's) under their BibTeX names."""
_CSL_NAMES = frozenset(csl for csl, _ in _CSL_FIELDS)


def _fields(record: dict[str, Any], entry_type: str) -> tuple[tuple[str, str], ...]:
    """Bibliographic fields papertray has no column for: a ``fields`` object (BibTeX text,
    as papertray's own JSON export writes it) is taken as it is; CSL variables are
    escaped into BibTeX text under their BibTeX names."""
    own = record.get("fields")
    if isinstance(own, dict):
        return tuple((str(name).lower(), value) for name, value in own.items()
                     if isinstance(value, str) and value.strip() and braces_pair(value))
    pairs: list[tuple[str, str]] = []
    container = record.get("container-title")
    if isinstance(container, str) and container.strip():
        name = "booktitle" if entry_type in ("inproceedings", "incollection") else "journal"
        pairs.append((name, clean_line(_strip_csl_markup(container))))
    editors = record.get("editor")
    if isinstance(editors, list) and record.get("author"):
        pairs.append(("editor", EDITOR_SEPARATOR.join(n for n in map(_name, editors) if n)))
    if not _CSL_NAMES.isdisjoint(record):  # most records of a big listing hold none
        for csl, bib in _CSL_FIELDS:
            value = record.get(csl)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                pairs.append((bib, clean_line(str(value))))
    if "original-date" in record:  # a reprint: when it was first published
        original = record["original-date"]
        pairs.append(("origdate", _csl_date(original) or _date_words(original)))
    fields = bib_fields(pairs)
    return tuple((n, v.replace("-{}-", "--")) if n == "pages" else (n, v) for n, v in fields)


def read_record(record: object, name: str, line: int) -> Iterator[Paper | Problem]:
    """The paper in one JSON value read from ``name`` at ``line``, then a problem for
    each field that had to be skipped; or only the problem if there is no paper."""
    notes: list[str] = []
    try:
        yield paper_from_record(record, f"{name}:{line}", notes)
    except RecordError as error:
        yield Problem(name, line, str(error))
    except RecursionError:
        yield Problem(name, line, "JSON nested too deeply to read")
    for note in notes:
        yield Problem(name, line, note)
