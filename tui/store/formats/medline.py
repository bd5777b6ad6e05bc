"""PubMed's own export format (MEDLINE tags, ``.nbib`` or ``.txt``): ``PMID- ``,
``TI  - ``, ``FAU - `` ... with six-space continuation lines and a blank line between
records. RIS exported from PubMed by a citation manager goes through :mod:`ris`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tui.model import Paper, Problem, with_key
from tui.store.formats.bibfields import EMPTY_RECORD, bib_fields, is_empty_record
from tui.store.clean import clean_block, clean_line, first_doi, name_from_text, parse_date
from tui.store.reading import read_text

__all__ = ["parse", "parse_text"]


def parse(path: Path) -> Iterator[Paper | Problem]:
    """Read a MEDLINE file."""
    text, problems = read_text(path)
    yield from problems
    yield from parse_text(text, str(path))


def _tag(line: str) -> str:
    """"PMID- 1" -> "PMID", "TI  - x" -> "TI"; "" for a continuation or other line."""
    if len(line) >= 5 and line[4] == "-" and line[:4].rstrip().isalnum() and line[:1].isupper():
        return line[:4].rstrip()
    return ""


def _records(text: str) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """Each record's first line and its tags, values in order, continuations joined."""
    record: dict[str, list[str]] = {}
    continued: dict[tuple[str, int], list[str]] = {}
    first, last_tag = 0, ""
    for number, line in enumerate(text.split("\n"), start=1):
        tag = _tag(line)
        if tag == "PMID" and record:
            yield first, _joined(record, continued)
            record, continued = {}, {}
        if tag:
            if not record:
                first = number
            record.setdefault(tag, []).append(line[6:].strip())
            last_tag = tag
        elif line.startswith("      ") and record and last_tag:
            # Gathered and joined once: adding to the string in the list each time
            # copied it whole per line (a long abstract took quadratic time).
            continued.setdefault((last_tag, len(record[last_tag]) - 1), []).append(line.strip())
    if record:
        yield first, _joined(record, continued)


def _joined(record: dict[str, list[str]],
            continued: dict[tuple[str, int], list[str]]) -> dict[str, list[str]]:
    """The record with each value's continuation lines joined on."""
    for (tag, index), lines in continued.items():
        record[tag][index] = " ".join([record[tag][index], *lines])
    return record


def parse_text(text: str, name: str) -> Iterator[Paper | Problem]:
    """Read papers from MEDLINE text; ``name`` is used in sources and problems."""
    for line, record in _records(text):
        title = clean_line(" ".join(record.get("TI", record.get("BTI", []))))
        if title.endswith(".") and not title.endswith(".."):
            title = title[:-1].rstrip()  # MEDLINE closes every title with a full stop
        doi = next((first_doi(v) for v in record.get("LID", []) + record.get("AID", [])
                    if v.endswith("[doi]")), "")
        date = parse_date(*(record.get("DP", [""])[0].split(" ", 1) + [""])[:2])
        pmid = record.get("PMID", [""])[0]
        names = record.get("FAU") or record.get("AU") or []
        keywords = record.get("OT") or record.get("MH") or []
        authors = tuple(n for n in map(name_from_text, names + record.get("CN", [])) if n)
        abstract = clean_block("\n\n".join(record.get("AB", [])))
        venue = clean_line((record.get("JT") or record.get("TA") or [""])[0])
        url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else ""
        if is_empty_record(title=title, authors=authors, abstract=abstract, doi=doi, arxiv="",
                           url=url):
            yield Problem(name, line, EMPTY_RECORD)
            continue
        yield with_key(Paper(
            key="",
            title=title,
            authors=authors,
            year=int(date[:4]) if date else None,
            venue=venue,
            abstract=abstract,
            doi=doi,
            url=url,
            categories=tuple(dict.fromkeys(clean_line(k).lstrip("*") for k in keywords)),
            date=date,
            entry_type="article",
            source=f"{name}:{line}",
            fields=bib_fields([("volume", clean_line(" ".join(record.get("VI", [])))),
                               ("number", clean_line(" ".join(record.get("IP", [])))),
                               ("pages", clean_line(" ".join(record.get("PG", [])))),
                               ("issn", clean_line((record.get("IS") or [""])[0]))]),
        ))
