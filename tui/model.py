"""The plain data papertray works with: papers, problems, annotations and search hits.

Everything here is a frozen dataclass with no behaviour beyond small derived values, so
the store, the search engine, user data and the UI can pass these around freely and
threads can share them without locks. Nothing here imports textual or rich.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, Mapping

__all__ = [
    "Paper",
    "Problem",
    "Annotation",
    "Hit",
    "Span",
    "STATES",
    "State",
    "stable_key",
    "normalise_title",
    "normalise_doi",
    "normalise_arxiv_id",
]

State = Literal["inbox", "later", "read", "skipped"]
"""A paper's triage state. Every paper starts in the inbox."""

STATES: tuple[State, ...] = ("inbox", "later", "read", "skipped")
"""All triage states, in the order the filter pane lists them."""

Span = tuple[int, int]
"""A matched character range ``[start, end)`` within one field's text."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, reported to the person instead of a traceback."""

    path: str
    """The file the problem is in."""
    line: int | None
    """1-based line number, or None when the whole file is at fault."""
    message: str
    """What is wrong, as one short sentence without a trailing full stop."""

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as read from a store. Text fields are plain Unicode, never markup."""

    key: str
    """Stable key: ``arxiv:<id>``, else ``doi:<doi>``, else ``title:<12 hex>``."""
    title: str
    authors: tuple[str, ...] = ()
    """Display names, "Given Family" order where the source allowed telling them apart."""
    year: int | None = None
    venue: str = ""
    """Journal, conference or publisher, whatever the source calls where it appeared."""
    abstract: str = ""
    doi: str = ""
    arxiv: str = ""
    """arXiv identifier without version, e.g. ``2104.08821`` or ``hep-th/9901001``."""
    url: str = ""
    categories: tuple[str, ...] = ()
    """Subject categories (arXiv ``cs.CL``) or keywords the source gives."""
    date: str = ""
    """ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) when known, for sorting."""
    citekey: str = ""
    """The BibTeX key when the paper came from a .bib file."""
    entry_type: str = ""
    """Kind of publication in BibTeX terms: article, inproceedings, misc..."""
    source: str = ""
    """Where the paper was first read, ``path:line``."""

    @property
    def authors_text(self) -> str:
        """Authors joined for display and search; search spans on "authors" index into it."""
        return ", ".join(self.authors)

    @property
    def first_author(self) -> str:
        """The first author's name, or an empty string."""
        return self.authors[0] if self.authors else ""

    @property
    def link(self) -> str:
        """The best link to the paper: its URL, else its arXiv page, else its DOI."""
        if self.url:
            return self.url
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """What one person wrote about one paper. Stored per user, never in the paper store."""

    key: str
    starred: bool = False
    tags: tuple[str, ...] = ()
    """Sorted, lowercase, unique."""
    note: str = ""
    """Markdown."""
    state: State = "inbox"
    title: str = ""
    """A copy of the paper's title, so the annotation stays readable without its store."""
    created: str = ""
    """ISO 8601 UTC timestamp of the first change."""
    updated: str = ""
    """ISO 8601 UTC timestamp of the last change; the newest wins when merging."""

    @property
    def is_blank(self) -> bool:
        """True when the annotation says nothing beyond the defaults."""
        return not (self.starred or self.tags or self.note or self.state != "inbox")


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the paper, its score and the characters that matched."""

    paper: Paper
    score: float
    spans: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    """Field name (``title``, ``authors``, ``abstract``, ``venue``) to matched ranges.
    ``authors`` ranges index into :attr:`Paper.authors_text`."""


_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)


def normalise_title(title: str) -> str:
    """Fold a title to the form used for its key: accents and punctuation gone,
    lowercase, single spaces, so the same title from two files gives the same key."""
    decomposed = unicodedata.normalize("NFKD", title)
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    no_punct = _NON_WORD.sub(" ", no_marks.casefold()).replace("_", " ")
    return _SPACES.sub(" ", no_punct).strip()


def normalise_doi(doi: str) -> str:
    """Lowercase a DOI and strip any resolver prefix (``https://doi.org/``, ``doi:``)."""
    value = doi.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
                   "http://dx.doi.org/", "doi.org/", "doi:"):
        if value.startswith(prefix):
            value = value[len(prefix):]
            break
    return value.strip()


def normalise_arxiv_id(value: str) -> str:
    """Return an arXiv id without ``arXiv:`` prefix, URL or version, or "" if it is none."""
    text = value.strip()
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/",
                   "http://arxiv.org/pdf/", "arxiv.org/abs/", "arXiv:", "arxiv:"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix):]
            break
    text = text.removesuffix(".pdf").strip()
    if match := _ARXIV_NEW.match(text):
        return match.group(1)
    if match := _ARXIV_OLD.match(text):
        return match.group(1)
    return ""


def stable_key(*, title: str, doi: str = "", arxiv: str = "") -> str:
    """The stable key DESIGN.md defines: arXiv id, else DOI, else a hash of the title."""
    if arxiv_id := normalise_arxiv_id(arxiv):
        return f"arxiv:{arxiv_id}"
    if doi_norm := normalise_doi(doi):
        return f"doi:{doi_norm}"
    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]
    return f"title:{digest}"
