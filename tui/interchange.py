"""CSL-JSON and RIS writers: a reading list back into Zotero, EndNote, Mendeley or JabRef.

Both carry what the BibTeX export carries, in those formats' own terms: type, key,
title, authors (family and given names), date, venue, identifiers, link, abstract, the
bibliographic fields a paper was read with (volume, issue, pages, publisher...), and the
person's tags and note. papertray reads both back with the same titles, authors, years
and identifiers. CSL-JSON keeps every character (escaped); RIS, a line-based text
format, has controls and line breaks inside values shown as spaces. No textual or rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from tui.model import REPRINT_WORD, Annotation, Paper, is_reprint
from tui.sanitize import clean, dumps_json

__all__ = ["split_name", "csl_item", "ris_record", "write_csl_json", "write_ris"]

_PARTICLES = frozenset("van von der den de del della di da du dos la le ter ten zu af av".split())

CSL_TYPE = {"article": "article-journal", "inproceedings": "paper-conference",
            "conference": "paper-conference", "book": "book", "incollection": "chapter",
            "inbook": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
            "thesis": "thesis", "techreport": "report", "report": "report", "online": "webpage",
            "unpublished": "manuscript", "dataset": "dataset", "software": "software",
            "patent": "patent", "standard": "standard", "proceedings": "book"}
"""BibTeX entry types in CSL terms (anything else is ``document``)."""

RIS_TYPE = {"article": "JOUR", "inproceedings": "CONF", "conference": "CONF", "book": "BOOK",
            "proceedings": "BOOK", "incollection": "CHAP", "inbook": "CHAP", "phdthesis": "THES",
            "mastersthesis": "THES", "thesis": "THES", "techreport": "RPRT", "report": "RPRT",
            "online": "ELEC", "unpublished": "UNPB", "patent": "PAT", "dataset": "DATA",
            "software": "COMP", "standard": "STAND"}
"""BibTeX entry types in RIS terms (anything else is ``GEN``)."""

_CSL_FIELDS = (("volume", "volume"), ("number", "issue"), ("pages", "page"),
               ("publisher", "publisher"), ("address", "publisher-place"),
               ("location", "publisher-place"), ("edition", "edition"), ("isbn", "ISBN"),
               ("issn", "ISSN"), ("series", "collection-title"), ("language", "language"),
               ("note", "note"))
_RIS_FIELDS = (("volume", "VL"), ("number", "IS"), ("publisher", "PB"), ("address", "CY"),
               ("location", "CY"), ("edition", "ET"), ("isbn", "SN"), ("issn", "SN"),
               ("series", "T3"), ("language", "LA"), ("note", "N1"))


def split_name(name: str) -> tuple[str, str, str]:
    """A display name ("Given von Family, Jr.") as (family, given, suffix); a name of one
    word (or an organisation's) is all family."""
    base, _, suffix = name.partition(", ")
    words = base.split()
    if len(words) < 2:
        return base, "", suffix
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1  # "van Gennep" is the family name of "Arnold van Gennep"
    return " ".join(words[start:]), " ".join(words[:start]), suffix


def _plain_fields(paper: Paper) -> dict[str, str]:
    """The paper's own bibliographic fields (BibTeX text) as plain text."""
    from tui.store.formats.latex import latex_to_text  # pylatexenc: only when exporting

    plain = {}
    for name, value in paper.fields:
        if name == "pages":
            plain[name] = "-".join(latex_to_text(part) for part in value.split("--"))
        elif name not in plain:
            plain[name] = latex_to_text(value)
    return plain


def _date_parts(paper: Paper) -> list[int]:
    parts = [int(part) for part in paper.date.split("-") if part.isdigit()][:3]
    return parts or ([paper.year] if paper.year else [])


def _reprint_mark(paper: Paper, fields: Mapping[str, str]) -> str:
    """Words that keep a reprint a reprint where the format has no place for what says
    so (a biblatex relation; an original publisher RIS cannot hold): a reprint's key
    carries the mark, and its annotations are under that key."""
    related = fields.get("related", "").strip()
    return (f"Reprint of {related}" if related else "Reprint") if is_reprint(paper) else ""


def _note(fields: Mapping[str, str], annotation: Annotation | None, mark: str = "") -> str:
    notes = [mark, fields.get("note", "")]
    if annotation and annotation.note.strip():
        notes.append(annotation.note.strip())
    return "\n\n".join(n for n in notes if n)


def csl_item(paper: Paper, annotation: Annotation | None = None, *, citekey: str = "") -> dict[str, Any]:
    """One CSL-JSON item for ``paper`` (as Zotero exports it, plus ``arxiv``)."""
    fields = _plain_fields(paper)
    item: dict[str, Any] = {"id": citekey or paper.citekey or paper.key,
                            "type": CSL_TYPE.get(paper.entry_type.lower(), "document")}
    if citekey or paper.citekey:
        item["citation-key"] = citekey or paper.citekey
    if paper.title:
        item["title"] = paper.title
    names = []
    for author in paper.authors:
        family, given, suffix = split_name(author)
        name = {"family": family, "given": given} if given else {"literal": family}
        if suffix:
            name["suffix"] = suffix
        names.append(name)
    if names:
        item["author"] = names
    if (parts := _date_parts(paper)):
        item["issued"] = {"date-parts": [parts]}
    if paper.venue:
        item["container-title" if paper.entry_type not in ("book", "proceedings") else "publisher"] = paper.venue
    for bib, csl in _CSL_FIELDS:
        if fields.get(bib) and csl not in item:
            item[csl] = fields[bib]
    original = fields.get("origyear") or fields.get("origdate", "")
    if original[:4].isdigit():  # a reprint: its first publication
        item["original-date"] = {"date-parts": [[int(original[:4])]]}
    elif original:
        item["original-date"] = {"literal": original}
    for bib, csl in (("origpublisher", "original-publisher"), ("origlocation", "original-publisher-place")):
        if fields.get(bib):
            item[csl] = fields[bib]
    said = any(name.startswith("original-") for name in item) or REPRINT_WORD.search(fields.get("note", ""))
    for variable, value in (("DOI", paper.doi), ("URL", paper.url), ("arxiv", paper.arxiv),
                            ("abstract", paper.abstract)):
        if value:
            item[variable] = value
    keywords = list(dict.fromkeys([*paper.categories, *(annotation.tags if annotation else ())]))
    if keywords:
        item["keyword"] = ", ".join(keywords)
    if note := _note(fields, annotation, "" if said else _reprint_mark(paper, fields)):
        item["note"] = note
    return item


def ris_record(paper: Paper, annotation: Annotation | None = None, *, citekey: str = "") -> str:
    """One RIS record for ``paper``, ``TY`` to ``ER``, one line per value."""
    fields = _plain_fields(paper)
    lines = [("TY", RIS_TYPE.get(paper.entry_type.lower(), "GEN"))]  # OP: a reprint's original
    if citekey or paper.citekey:
        lines.append(("ID", citekey or paper.citekey))
    if paper.title:
        lines.append(("TI", paper.title))
    for author in paper.authors:
        family, given, suffix = split_name(author)
        # RIS names are "Family, Given" or "Family, Given, Suffix".
        lines.append(("AU", ", ".join(p for p in (family, given, suffix) if p) if given else author))
    if paper.year:
        lines.append(("PY", str(paper.year)))
        parts = _date_parts(paper)
        lines.append(("DA", "/".join(f"{p:02d}" for p in parts) + "/"))
    if paper.venue:
        lines.append(("T2" if paper.entry_type not in ("book", "proceedings") else "PB", paper.venue))
    for bib, tag in _RIS_FIELDS:
        if fields.get(bib) and (bib != "note") and all(t != tag for t, _ in lines):
            lines.append((tag, fields[bib]))
    if original := fields.get("origyear") or fields.get("origdate") or _reprint_mark(paper, fields):
        lines.append(("OP", original))  # the only reprint mark RIS reads back
    if pages := fields.get("pages"):
        start, _, end = pages.partition("-")
        lines += [("SP", start)] + ([("EP", end)] if end else [])
    for tag, value in (("DO", paper.doi), ("UR", paper.url), ("AB", paper.abstract)):
        if value:
            lines.append((tag, value))
    if paper.arxiv:
        lines.append(("N1", f"arXiv:{paper.arxiv}"))
    for keyword in dict.fromkeys([*paper.categories, *(annotation.tags if annotation else ())]):
        lines.append(("KW", keyword))
    if note := _note(fields, annotation):
        lines.append(("N1", note))
    # One line per value: a line break inside one would start a new tag or end the record.
    body = "".join(f"{tag}  - {clean(value, max_chars=None).replace(chr(10), ' ').strip()}\n"
                   for tag, value in lines)
    return body + "ER  - \n"


def write_csl_json(papers: Iterable[Paper], out: TextIO, notes: Mapping[str, Annotation],
                   citekeys: Any) -> int:
    """Write a CSL-JSON array, one item per line; return how many."""
    count = 0
    out.write("[")
    for count, paper in enumerate(papers, 1):
        item = csl_item(paper, notes.get(paper.key), citekey=citekeys.take(paper))
        # Exact text, escaped where a terminal would obey it, as the JSON export writes.
        out.write(("," if count > 1 else "") + "\n  " + dumps_json(item))
    out.write("\n]\n" if count else "]\n")
    return count


def write_ris(papers: Iterable[Paper], out: TextIO, notes: Mapping[str, Annotation],
              citekeys: Any) -> int:
    """Write RIS records separated by blank lines; return how many."""
    count = 0
    for count, paper in enumerate(papers, 1):
        out.write(("\n" if count > 1 else "") + ris_record(paper, notes.get(paper.key),
                                                           citekey=citekeys.take(paper)))
    return count
