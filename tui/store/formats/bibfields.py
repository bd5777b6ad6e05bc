"""Plain text as BibTeX field text, for :attr:`tui.model.Paper.fields`.

A paper keeps the bibliographic fields the store has no column for (volume, pages,
publisher, editor...) as BibTeX ``(name, value)`` pairs, so the BibTeX export writes them
as they were read. Readers of other formats put their plain text through :func:`escape`
here; the BibTeX reader keeps the file's own text. No heavy imports: every reader uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["braces_pair", "escape", "escape_verbatim", "unescape_verbatim", "bib_fields", "is_empty_record",
           "EMPTY_RECORD", "EDITOR_SEPARATOR", "VENUE_FIELDS"]

# LaTeX specials, each replaced by a command that keeps braces balanced and that both
# bibtexparser's LaTeX decoding and papertray's reader turn back into the same character.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\string^",  # \textasciicircum decodes to a look-alike (U+02C6), not "^"
}
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIALS)) + "]")
# TeX joins "--" into a dash and "``" / "''" into curly quotes; an empty group between
# the characters keeps what the text really says.
_TEX_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[?!](?=`))")

VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "eventtitle", "publisher",
                "institution", "school", "organization", "howpublished")
"""BibTeX fields that name where a paper appeared, in the order the reader prefers them."""

EDITOR_SEPARATOR = " and "
"""How names are joined in BibTeX name fields."""


def braces_pair(value: str) -> bool:
    """True when ``value``'s braces pair up as papertray's BibTeX reader counts them: a
    brace after an odd number of backslashes (``\\}``) is escaped, one after an even
    number (``\\\\}``, a line break) is a brace. A value whose braces do not pair would
    end its field early when written as BibTeX."""
    depth, escaping = 0, False
    for char in value:
        if char == "\\":
            escaping = not escaping
            continue
        if not escaping:
            depth += (char == "{") - (char == "}")
            if depth < 0:
                return False
        escaping = False
    return depth == 0


def escape(text: str) -> str:
    """Plain text as a BibTeX value body: LaTeX specials escaped, ligatures broken."""
    escaped = _SPECIAL_RE.sub(lambda m: _SPECIALS[m.group()], text)
    return _TEX_LIGATURE.sub(r"\1{}", escaped)


def escape_verbatim(text: str) -> str:
    """A URL, DOI or eprint for a field (bib)LaTeX reads verbatim: written as it is, but
    for what would unbalance the braces. bibtexparser takes ``\\}`` for an escaped
    brace, so a URL ending in a backslash would swallow the value's closing brace:
    backslashes and braces are written as ``\\textbackslash{}``, ``\\{`` and ``\\}``,
    which :func:`unescape_verbatim` (the reader) turns back."""
    return "".join(_VERBATIM.get(ch, ch) for ch in text) if _VERBATIM_RE.search(text) else text


def unescape_verbatim(value: str) -> str:
    """The text of a verbatim field as :func:`escape_verbatim` (or a person) wrote it:
    ``\\url{...}`` unwrapped, grouping braces dropped, escaped characters restored."""
    value = value.strip()
    if value.startswith("\\url{") and value.endswith("}"):
        value = value[5:-1]
    value = (value.replace("\\textbackslash{}", "\x00").replace("\\{", "\x01")
             .replace("\\}", "\x02").replace("{", "").replace("}", ""))
    for escaped in ("\\_", "\\%", "\\&", "\\#", "\\~", "\\$"):
        value = value.replace(escaped, escaped[1])
    return value.replace("\x00", "\\").replace("\x01", "{").replace("\x02", "}")


_VERBATIM = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}
_VERBATIM_RE = re.compile(r"[\\{}]")


def bib_fields(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """``(BibTeX field name, plain text)`` pairs as :attr:`Paper.fields`: escaped, empty
    values dropped, the first value of a name kept."""
    seen: dict[str, str] = {}
    for name, value in pairs:
        value = value.strip()
        if value and name not in seen:
            seen[name] = escape(value)
    return tuple(seen.items())


EMPTY_RECORD = "record is empty (no title, author, abstract, DOI, arXiv id, link or key); skipped"
"""The problem reported for a record with nothing in it: the only record that is not a paper."""


def is_empty_record(*, title: str, authors: tuple[str, ...], abstract: str, doi: str,
                    arxiv: str, url: str, citekey: str = "") -> bool:
    """True when a record has nothing a person could know a paper by. Any one of these
    makes a paper, shown "(untitled)" when it has no title; a year, a venue or a note
    alone do not."""
    return not (title or authors or abstract or doi or arxiv or url or citekey)
