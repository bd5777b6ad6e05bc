"""Writers that turn papers (and a person's annotations) into BibTeX, CSL-JSON, RIS,
Markdown, CSV or JSON (CSL-JSON and RIS are in :mod:`tui.interchange`).

The CLI's ``export`` command, the TUI's export view and its "copy citation" key all use
these, so a paper reads the same wherever it goes. BibTeX is written so that bibtexparser 2
(and BibTeX itself) read back the same keys and titles; Markdown is a reading-group
handout with each person's notes; CSV opens in a spreadsheet; JSON is exact.
Text bound for humans (BibTeX, Markdown, CSV) is cleaned of terminal controls; JSON keeps
every character, escaped. No textual or rich here.
"""

from __future__ import annotations

import csv
import itertools
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from tui.model import STOPWORDS, UNTITLED, Annotation, Paper, family_name
from tui.interchange import split_name
from tui.sanitize import clean, dumps_json
from tui.store.formats.bibfields import VENUE_FIELDS, escape, escape_verbatim

__all__ = [
    "FORMATS",
    "EXTENSIONS",
    "format_of",
    "write_papers",
    "bibtex_entry",
    "citekey_for",
    "CitekeyAllocator",
    "paper_record",
    "annotation_fields",
]

FORMATS = ("bibtex", "csl-json", "ris", "markdown", "csv", "json")
"""Export formats, in the order the CLI and the export view offer them."""

EXTENSIONS = {"bibtex": ".bib", "csl-json": ".csl.json", "ris": ".ris", "markdown": ".md",
              "csv": ".csv", "json": ".json"}
"""The file extension each export format gets by default."""

_FORMAT_BY_SUFFIX = {**{ext: fmt for fmt, ext in EXTENSIONS.items()}, ".bibtex": "bibtex",
                     ".markdown": "markdown", ".csljson": "csl-json"}


def format_of(name: str) -> tuple[str, str] | None:
    """(format, suffix) a file name asks for, the longest suffix first: ``x.csl.json`` is
    CSL-JSON, ``x.json`` JSON."""
    lowered = name.lower()
    return next(((fmt, suffix) for suffix, fmt in
                 sorted(_FORMAT_BY_SUFFIX.items(), key=lambda item: -len(item[0]))
                 if lowered.endswith(suffix)), None)

_VALID_CITEKEY = re.compile(r"^[^\s,{}()=#%\"'\\~]+$")
_ENTRY_TYPE = re.compile(r"^[a-z][a-z0-9_-]*$")
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|~])")
_SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_CSV_COLUMNS = ("key", "citekey", "title", "authors", "year", "venue", "doi", "arxiv", "url",
                "categories", "starred", "tags", "state", "note", "abstract")


# ---------------------------------------------------------------------------- records

def annotation_fields(annotation: Annotation | None) -> dict[str, Any]:
    """The person's annotation as plain JSON values (defaults when there is none)."""
    ann = annotation or Annotation(key="")
    return {"starred": ann.starred, "tags": list(ann.tags), "state": ann.state, "note": ann.note}


def paper_record(paper: Paper, annotation: Annotation | None = None) -> dict[str, Any]:
    """Every field of a paper and its annotation as a JSON-ready dict, text kept exact."""
    return {
        "key": paper.key,
        "title": paper.title,
        "authors": list(paper.authors),
        "year": paper.year,
        "venue": paper.venue,
        "abstract": paper.abstract,
        "doi": paper.doi,
        "arxiv": paper.arxiv,
        "url": paper.url,
        "categories": list(paper.categories),
        "date": paper.date,
        "citekey": paper.citekey,
        "entry_type": paper.entry_type,
        "fields": dict(paper.fields),
        **annotation_fields(annotation),
    }


# ---------------------------------------------------------------------------- citekeys

def _ascii_word(text: str) -> str:
    """Lowercase ASCII letters and digits of ``text`` (accents folded: Müller -> muller)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def citekey_for(paper: Paper) -> str:
    """The paper's own BibTeX key when it has a usable one, else author + year + title word
    (``tsukagoshi2023japanese``), the convention most reference managers follow."""
    if paper.citekey and _VALID_CITEKEY.match(paper.citekey):
        return paper.citekey
    words = paper.first_author.partition(",")[0].split()
    family = _ascii_word(words[-1]) if words else ""
    title_words = (_ascii_word(word) for word in paper.title.split())
    title_word = next((w for w in title_words if w and w not in STOPWORDS), "")
    year = str(paper.year) if paper.year else ""
    return f"{family or 'anon'}{year}{title_word}" if (family or year or title_word) else "paper"


class CitekeyAllocator:
    """Hands out citekeys unique within one export (BibTeX keys are case-insensitive):
    a second ``smith2020deep`` becomes ``smith2020deepa``, then ``...b`` and so on."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, paper: Paper) -> str:
        """A key for ``paper`` that no earlier call returned."""
        base = citekey_for(paper)
        suffixes = itertools.chain([""], string.ascii_lowercase, map(str, itertools.count(2)))
        for suffix in suffixes:
            candidate = base + suffix
            if candidate.casefold() not in self._used:
                self._used.add(candidate.casefold())
                return candidate
        raise AssertionError("unreachable: the suffixes never run out")


# ---------------------------------------------------------------------------- BibTeX

def _bibtex_escape(text: str, *, multiline: bool = False) -> str:
    """Plain text as a BibTeX value body: controls shown, LaTeX specials escaped,
    ligatures broken."""
    return escape(clean(text, multiline=multiline, max_chars=None))


def _bibtex_verbatim(text: str) -> str:
    """A DOI, URL or eprint as written (see :func:`escape_verbatim`)."""
    return escape_verbatim(clean(text, max_chars=None))


def _bibtex_title(title: str) -> str:
    """Escape a title and brace words with inner capitals (``{SimCSE}``, ``{BERT}``) so
    bibliography styles that lowercase titles keep them as written."""
    words = []
    for word in clean(title, max_chars=None).split(" "):
        escaped = _bibtex_escape(word)
        needs_protection = any(ch.isupper() for ch in word[1:])
        words.append(f"{{{escaped}}}" if needs_protection else escaped)
    return " ".join(words)


def _bibtex_author(name: str) -> str:
    """One author; a name that itself contains " and " is braced so it stays one name,
    and one with a suffix ("Martin Luther King, Jr.") is written "King, Jr., Martin
    Luther", as BibTeX reads it (else its given name would be "Jr.")."""
    if re.search(r"\sand\s", name):
        return f"{{{_bibtex_escape(name)}}}"
    family, given, suffix = split_name(name)
    if suffix and given and "," not in family + given + suffix:
        return ", ".join(map(_bibtex_escape, (family, suffix, given)))
    return _bibtex_escape(name)


def _entry_type(paper: Paper) -> str:
    kind = paper.entry_type.lower()
    if _ENTRY_TYPE.match(kind):
        return kind
    return "article" if paper.venue and not paper.arxiv else "misc"


VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
               "conference": "booktitle", "inbook": "booktitle", "book": "publisher",
               "proceedings": "publisher", "techreport": "institution", "report": "institution",
               "phdthesis": "school", "mastersthesis": "school", "thesis": "school"}
"""Where a paper's venue goes in each BibTeX entry type (else ``howpublished``)."""

_SAME_AS = {"author": ("author",), "year": ("year", "date"), "month": ("month", "date"),
            "eprint": ("eprint", "arxivid"), "venue": VENUE_FIELDS}
"""Fields a paper read from BibTeX may already hold under another name: a column is written
only when none of these is among the paper's own fields."""


BibField = tuple[str, str]
"""A BibTeX field: its name and its value as BibTeX text."""


def _typed_fields(paper: Paper, kind: str, with_abstract: bool) -> tuple[list[BibField], list[BibField]]:
    """The paper's columns as BibTeX fields: those written before its own fields (author,
    title, venue, year) and those after (identifiers, link, abstract)."""
    before: list[tuple[str, str]] = []
    if paper.authors:
        before.append(("author", " and ".join(_bibtex_author(a) for a in paper.authors)))
    if paper.title:
        before.append(("title", _bibtex_title(paper.title)))
    if paper.venue:
        before.append(("venue", _bibtex_escape(paper.venue)))
    if paper.year:
        before.append(("year", str(paper.year)))
        if len(paper.date) >= 7:
            before.append(("month", str(int(paper.date[5:7]))))
    after: list[tuple[str, str]] = []
    if paper.doi:
        after.append(("doi", _bibtex_verbatim(paper.doi)))
    if paper.arxiv:
        after += [("eprint", _bibtex_verbatim(paper.arxiv)), ("archiveprefix", "arXiv")]
        if paper.categories and "." in paper.categories[0]:
            after.append(("primaryclass", _bibtex_escape(paper.categories[0])))
    if paper.url:
        after.append(("url", _bibtex_verbatim(paper.url)))
    if paper.abstract and with_abstract:
        after.append(("abstract", _bibtex_escape(paper.abstract, multiline=True)))
    return before, after


def _editors_are_authors(paper: Paper, own: Mapping[str, str]) -> bool:
    """True when a paper without an ``author`` field shows its editors as authors (the
    BibTeX reader does that), rather than having authors and editors of its own."""
    if "author" in own or "editor" not in own:
        return False
    editors = [part.partition(",")[0].split()[-1:] if "," in part else part.split()[-1:]
               for part in re.split(r"\s+and\s+", own["editor"])]
    return [family_name(" ".join(e)) for e in editors] == [family_name(a) for a in paper.authors]


def bibtex_fields(paper: Paper, annotation: Annotation | None = None, *,
                  with_abstract: bool = True) -> list[tuple[str, str]]:
    """Every field of ``paper``'s BibTeX entry, values as BibTeX text: the fields it was
    read with (a .bib entry's own, or another format's volume, pages...) as they were,
    and its columns where it had no such field; the annotation adds its tags to
    ``keywords`` and its note to ``annote``."""
    # A file's own field text is written as it was, cleaned like every string bound for a
    # person: an escape sequence in a field must not reach a terminal or a clipboard.
    own = {name: clean(value, multiline=True, max_chars=None) for name, value in paper.fields
           if name != "abstract" or with_abstract}
    kind = _entry_type(paper)
    before, after = _typed_fields(paper, kind, with_abstract)
    fields: dict[str, str] = {}
    for name, value in before:
        if name == "venue":
            if not any(own.get(n, "").strip() for n in VENUE_FIELDS):
                fields[VENUE_FIELD.get(kind, "howpublished")] = value
        elif name == "author" and _editors_are_authors(paper, own):
            continue  # an edited book's editors stand in for its authors; written once
        elif not any(n in own for n in _SAME_AS.get(name, (name,))):
            fields[name] = value
    fields.update(own)
    for name, value in after:
        if name == "archiveprefix" and "eprint" in own:
            continue
        if not any(n in own for n in _SAME_AS.get(name, (name,))) and name not in fields:
            fields[name] = value
    tags = annotation.tags if annotation else ()
    if "keywords" in own:
        new_tags = [t for t in tags if t not in paper.categories]
        if new_tags:
            fields["keywords"] = own["keywords"] + ", " + _bibtex_escape(", ".join(new_tags))
    elif paper.categories or tags:
        fields["keywords"] = _bibtex_escape(", ".join(dict.fromkeys([*paper.categories, *tags])))
    if annotation and annotation.note:
        note = _bibtex_escape(annotation.note, multiline=True)
        fields["annote"] = f"{own['annote']}\n\n{note}" if "annote" in own else note
    return list(fields.items())


def _closable(value: str) -> str:
    """``value`` such that the brace written after it closes it: a value ending in a
    backslash (``Dept. of Physics\\\\``, a LaTeX line break) would escape that brace and
    the entry would swallow the next, so it ends in a space (read back stripped)."""
    return value + " " if value.endswith("\\") else value


def bibtex_entry(paper: Paper, annotation: Annotation | None = None, *,
                 citekey: str | None = None, with_abstract: bool = True) -> str:
    """One BibTeX entry for ``paper`` (its type, key and every field, see
    :func:`bibtex_fields`). ``citekey`` overrides the paper's own (used to keep keys unique
    in one file); ``with_abstract=False`` leaves the abstract out, for a citation."""
    fields = bibtex_fields(paper, annotation, with_abstract=with_abstract)
    # The key is written bare (no braces around it), so it is cleaned like every other
    # string from a file: an escape sequence in a citekey must not reach a terminal.
    key = clean(citekey or citekey_for(paper), max_chars=None)
    body = ",\n".join(f"  {name} = {{{_closable(value)}}}" for name, value in fields)
    return f"@{_entry_type(paper)}{{{key},\n{body}\n}}\n"


# ---------------------------------------------------------------------------- Markdown

def _md(text: str) -> str:
    """Inline Markdown text: one line, controls shown, characters that would turn a
    title into a link, emphasis or HTML escaped."""
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", clean(text, max_chars=None))


def _md_code(text: str) -> str:
    """Text as an inline code span (no escapes apply inside one, so none are added)."""
    shown = clean(text, max_chars=None)
    return f"`` {shown} ``" if "`" in shown else f"`{shown}`"


def _markdown_paper(rank: int, paper: Paper, ann: Annotation | None) -> str:
    lines = [f"## {rank}. {_md(paper.title) or UNTITLED}", ""]
    facts = [f"**{_md(paper.authors_text)}**"] if paper.authors else []
    facts += [_md(str(v)) for v in (paper.venue, paper.year) if v]
    link = clean(paper.link, max_chars=None)
    for char, code in (("<", "%3C"), (">", "%3E"), (" ", "%20")):
        link = link.replace(char, code)  # what may not stand in an autolink, percent-encoded
    if link:
        facts.append(f"<{link}>" if re.fullmatch(r"https?://\S+", link) else _md(link))
    facts.append(_md_code(paper.key))
    lines += [" · ".join(facts), ""]
    if ann and not ann.is_blank:
        marks = (["★ starred"] if ann.starred else []) + [ann.state]
        if ann.tags:
            marks.append("tags: " + ", ".join(_md_code(t) for t in ann.tags))
        lines += [" · ".join(marks), ""]
        if ann.note.strip():
            note = clean(ann.note.strip(), multiline=True, max_chars=None)
            lines += ["> **Note.** " + note.replace("\n", "\n> "), ""]
    if paper.abstract:
        lines += [_md(paper.abstract), ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- CSV

def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: controls shown, and a leading ``=``/``+``/``-``/
    ``@`` defused with a quote so a hostile title cannot run as a formula."""
    text = clean(str(value), multiline=True, max_chars=None)
    return "'" + text if text.startswith(_SPREADSHEET_FORMULA) else text


def _csv_row(paper: Paper, ann: Annotation | None) -> list[str]:
    record = paper_record(paper, ann)
    record["citekey"] = citekey_for(paper)
    record["year"] = paper.year or ""
    record["starred"] = "yes" if record["starred"] else ""
    for joined in ("authors", "categories", "tags"):
        record[joined] = "; ".join(record[joined])
    return [_csv_cell(record[column]) for column in _CSV_COLUMNS]


# ---------------------------------------------------------------------------- entry point

def write_papers(papers: Iterable[Paper], fmt: str, out: TextIO,
                 annotations: Mapping[str, Annotation] | None = None) -> int:
    """Write ``papers`` to ``out`` in ``fmt`` (one of :data:`FORMATS`); return how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    notes = annotations or {}
    count = 0
    if fmt == "bibtex":
        keys = CitekeyAllocator()
        for count, paper in enumerate(papers, 1):
            ann = notes.get(paper.key)
            out.write(("\n" if count > 1 else "") + bibtex_entry(paper, ann, citekey=keys.take(paper)))
    elif fmt in ("csl-json", "ris"):
        from tui.interchange import write_csl_json, write_ris

        count = (write_csl_json if fmt == "csl-json" else write_ris)(papers, out, notes,
                                                                      CitekeyAllocator())
    elif fmt == "markdown":
        listed = list(papers)
        out.write(f"# Reading list\n\n{len(listed)} paper{'s' if len(listed) != 1 else ''}\n\n")
        for count, paper in enumerate(listed, 1):
            out.write(_markdown_paper(count, paper, notes.get(paper.key)))
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(_CSV_COLUMNS)
        for paper in papers:
            writer.writerow(_csv_row(paper, notes.get(paper.key)))
            count += 1
    else:
        # One paper per line inside the array: valid JSON that still diffs line by line.
        out.write("[")
        for count, paper in enumerate(papers, 1):
            out.write(("," if count > 1 else "") + "\n  " + dumps_json(paper_record(paper, notes.get(paper.key))))
        out.write("\n]\n" if count else "]\n")
    return count
