"""The plain data papertray works with: papers, problems, annotations and search hits.

Everything here is a frozen dataclass with no behaviour beyond small derived values, so
the store, the search engine, user data and the UI can pass these around freely and
threads can share them without locks. Nothing here imports textual or rich.
"""

from __future__ import annotations

from functools import lru_cache

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, Mapping

from tui.sanitize import INVISIBLE

__all__ = [
    "Paper",
    "REPRINT_WORD",
    "Problem",
    "Annotation",
    "Hit",
    "Span",
    "STATES",
    "State",
    "Fingerprint",
    "STOPWORDS",
    "UNTITLED",
    "stable_key",
    "paper_key",
    "keyed",
    "with_key",
    "family_name",
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

UNTITLED = "(untitled)"
"""How a paper without a title is shown (its title stays "" in the data and exports)."""


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
    """Stable key: ``arxiv:<id>``, else ``doi:<doi>``, else ``ref:<readable>-<8 hex>``
    (see :func:`stable_key`)."""
    title: str
    """The title; "" for a record that has other content but no title (shown "(untitled)")."""
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
    fields: tuple[tuple[str, str], ...] = ()
    """Every other bibliographic field, as BibTeX ``(name, value)`` pairs in source order:
    values are BibTeX text (LaTeX, braces balanced), so a paper read from a .bib file is
    written back with every field it had, and other formats' volume, pages, publisher...
    land in the right BibTeX field."""

    def field(self, name: str) -> str:
        """The value of one of :attr:`fields` (BibTeX text), or ""."""
        for field_name, value in self.fields:
            if field_name == name:
                return value
        return ""

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
    author: str = ""
    """The paper's first author when the annotation was last written (fingerprint)."""
    year: int | None = None
    """The paper's year (fingerprint)."""
    citekey: str = ""
    """The paper's BibTeX key (fingerprint)."""
    doi: str = ""
    """The paper's DOI (fingerprint)."""
    arxiv: str = ""
    """The paper's arXiv id (fingerprint)."""
    source: str = ""
    """The file the paper was read from (fingerprint): a paper whose key changed is looked
    for again in the store that holds this file (see :mod:`tui.follow`)."""

    @property
    def fingerprint(self) -> "Fingerprint":
        """What this annotation remembers of its paper."""
        return Fingerprint(self.title, self.author, self.year, self.citekey, self.doi,
                           self.arxiv, self.source)

    @property
    def is_blank(self) -> bool:
        """True when the annotation says nothing beyond the defaults."""
        return not (self.starred or self.tags or self.note or self.state != "inbox")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Enough of a paper to find it again when its key changes (a title typo fixed, a DOI
    added): copied into its annotation each time the annotation is written."""

    title: str = ""
    author: str = ""
    year: int | None = None
    citekey: str = ""
    doi: str = ""
    arxiv: str = ""
    source: str = ""
    """The file (without line) the paper was read from."""

    @classmethod
    def of(cls, paper: Paper) -> "Fingerprint":
        """The fingerprint of ``paper``."""
        path, _, line = paper.source.rpartition(":")
        source = path if line.isdigit() else paper.source
        # Absolute (no file system access), so another working folder names the same file.
        return cls(paper.title, paper.first_author, paper.year, paper.citekey, paper.doi,
                   paper.arxiv, os.path.abspath(source) if source else "")


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
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() else 0x20 for c in range(128)) + bytes(128)
"""Translation table keeping ASCII letters and digits, every other byte made a space."""
_ARXIV_PREFIXES = ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/",
                   "http://arxiv.org/pdf/", "arxiv.org/abs/", "arxiv:")
"""What may come before an arXiv id, lowercased."""
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)


def normalise_title(title: str) -> str:
    """Fold a title to the form used for its key: accents and punctuation gone,
    lowercase, single spaces, so the same title from two files gives the same key."""
    global _LAST_TITLE
    last = _LAST_TITLE
    if last[0] is title:  # a paper just read: its key and its cache entry both ask
        return last[1]
    if title.isascii():  # nearly every title: no accents to fold, ten times faster
        # Every byte but a letter or digit made a space: what the regex below does to
        # ASCII (underscore included), in half its time.
        folded = " ".join(title.lower().encode("ascii").translate(_ASCII_WORD_BYTES)
                          .decode("ascii").split())
    else:
        # What clean() removes from the title shown and exported ("Deep\u200blearning" is
        # seen and written "Deeplearning"), the key does not count either.
        decomposed = unicodedata.normalize("NFKD", title.translate(_INVISIBLE))
        no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        no_punct = _NON_WORD.sub(" ", no_marks.casefold()).replace("_", " ")
        folded = _SPACES.sub(" ", no_punct).strip()
    _LAST_TITLE = (title, folded)  # one assignment: a thread reading it sees a whole pair
    return folded


_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
_LAST_TITLE: tuple[str, str] = ("", "")
"""The last title folded and its folding (the same string object asked again gets it)."""


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
    if not text:  # most records of most files: asked three times each while read
        return ""
    lowered = text.lower()
    for prefix in _ARXIV_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix):]
            break
    text = text.removesuffix(".pdf").strip()
    if match := _ARXIV_NEW.match(text):
        return match.group(1)
    if match := _ARXIV_OLD.match(text):
        return match.group(1)
    return ""


STOPWORDS = frozenset(
    "a an the on of for in to and with from by at as is are via towards toward do does "
    "can what how why when we our your der die das ein eine und le la les un une des et".split()
)
"""Words a key or citekey skips to reach the first significant word of a title."""
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
             "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10"}
_REPRINT_FIELDS = ("origyear", "origdate", "origpublisher", "origlocation")
_REPRINT_RELATIONS = frozenset({"origpubin", "reprintof", "reprintfrom"})
REPRINT_WORD = re.compile(r"\breprint", re.IGNORECASE)
"""A note, addendum or publication state that says a record is a reprint."""


def fold_word(text: str, limit: int = 24) -> str:
    """Lowercase letters and digits of ``text``, accents folded (Müller -> muller)."""
    if text.isascii() and text.isalnum():  # a title's word as keys take it: nothing to fold
        return text.lower()[:limit]
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))
    return kept[:limit]


@lru_cache(maxsize=1 << 16)  # the same authors recur across a store's records
def family_name(name: str) -> str:
    """The family name in a display name ("Given Family, Jr."), folded for comparing:
    ``"Solomon Kullback"`` -> ``"kullback"``; "" for no name."""
    words = name.partition(",")[0].split()
    return fold_word(words[-1]) if words else ""


def normalise_edition(text: str) -> str:
    """An edition as a number where it says one ("2", "2nd", "Second", "2. Aufl." -> "2"),
    else its folded words; "" for none."""
    if not text:  # most records: no edition
        return ""
    folded = normalise_title(text)
    if match := re.search(r"\d+", folded):
        return str(int(match.group()))
    for word in folded.split():
        if word in _ORDINALS:
            return _ORDINALS[word]
    return folded


def is_reprint(paper: Paper) -> bool:
    """True when the record says it is a reprint of an earlier publication (biblatex's
    ``origyear``/``origpublisher``..., a ``reprint`` relation, or "Reprint" in its note)."""
    fields = dict(paper.fields)
    if any(fields.get(name, "").strip() for name in _REPRINT_FIELDS):
        return True
    if fields.get("relatedtype", "").strip().lower() in _REPRINT_RELATIONS:
        return True
    return any(REPRINT_WORD.search(fields.get(name, "")) for name in ("note", "addendum", "pubstate"))


def stable_key(*, title: str, doi: str = "", arxiv: str = "", authors: tuple[str, ...] = (),
               year: int | None = None, edition: str = "", reprint: bool = False,
               content: str = "") -> str:
    """The stable key of a paper (DESIGN.md, "stable key"; the README explains it):

    - ``arxiv:<id without version>`` when it has an arXiv id, else
    - ``doi:<lowercased DOI>`` when it has a DOI, else
    - ``ref:<family><year><title word>-<8 hex>``: the first author's family name, the
      year and the first significant title word, for a person to read, then a hash of
      the normalised title with the edition and a reprint mark, so papers that share a
      title but not author, year or edition never share a key
      (``ref:kullback1959information-6f0c2922``). A paper without a title takes
      ``untitled`` as its word and hashes what it has instead (``content``).
    """
    if arxiv and (arxiv_id := normalise_arxiv_id(arxiv)):
        return f"arxiv:{arxiv_id}"
    if doi and (doi_norm := normalise_doi(doi)):
        return f"doi:{doi_norm}"
    normalised = normalise_title(title)
    word = ""
    for word in normalised.split():  # the first significant word (a loop: no generator)
        if word not in STOPWORDS:
            break
    else:
        word = ""
    readable = (family_name(authors[0]) if authors else "") + (f"{year:04d}" if year else "")
    readable += fold_word(word) if normalised else "untitled"
    what = normalised if normalised else "\x00" + content
    digest_input = f"{what}\x1f{normalise_edition(edition)}\x1f{'reprint' if reprint else ''}"
    digest = hashlib.sha1(digest_input.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"ref:{readable}-{digest}"


def _content(paper: Paper) -> str:
    """What an untitled paper's key hashes: what it says (authors, date, venue, link,
    abstract), else only its citekey (an export may have to make one up for a paper
    that had none, and the key must not change when the export is read back)."""
    said = "\x1f".join((paper.url, paper.venue, paper.date, paper.abstract,
                        "\x1e".join(paper.authors)))
    return said if said.strip("\x1f") else "\x1d" + paper.citekey


def paper_key(paper: Paper) -> str:
    """The stable key of ``paper`` from its own fields (:func:`stable_key`)."""
    if paper.arxiv:
        return f"arxiv:{paper.arxiv}"  # readers store the id normalised already
    return stable_key(title=paper.title, doi=paper.doi, authors=paper.authors[:1],
                      year=paper.year, edition=paper.field("edition"),
                      reprint=bool(paper.fields) and is_reprint(paper),
                      content="" if paper.title else _content(paper))


def keyed(paper: Paper) -> Paper:
    """``paper``, just made with an empty key and seen by no one yet, given its
    :func:`paper_key` in place: a reader's second construction of every record (what
    :func:`with_key` does) was a twentieth of reading a big store."""
    key = paper_key(paper)
    if key != paper.key:
        object.__setattr__(paper, "key", key)  # as the frozen class's own __init__ does
    return paper


def with_key(paper: Paper) -> Paper:
    """``paper`` with its :func:`paper_key` as key."""
    key = paper_key(paper)
    if key == paper.key:
        return paper
    # Positional, not dataclasses.replace: readers key every record, and replace's
    # generality costs several times a plain construction.
    p = paper
    return Paper(key, p.title, p.authors, p.year, p.venue, p.abstract, p.doi, p.arxiv, p.url,
                 p.categories, p.date, p.citekey, p.entry_type, p.source, p.fields)
