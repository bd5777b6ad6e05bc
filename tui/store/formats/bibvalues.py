"""BibTeX field values as the reader shows them: names, abstracts, URLs, and field text
kept one line per paragraph.

Split from :mod:`tui.store.formats.bibtex` (which finds the entries) because these only
turn one value into text; they use bibtexparser's name splitting, so the light readers
(:mod:`tui.store.formats.bibfields`) do not import them.
"""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from tui.store.formats.bibfields import unescape_verbatim
from tui.store.formats.latex import latex_to_text

__all__ = ["display_names", "abstract_text", "first_url", "one_line_per_paragraph"]

_WORD_COMMAND_AFTER_SPACE = re.compile(r"(?<=\s)(?=\\[a-zA-Z])")
"""Where a name starts with a command (``and \\O stergaard``): bibtexparser's name splitter
drops such a command, so an empty group is put before it, which TeX ignores."""
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")


def one_line_per_paragraph(value: str) -> str:
    """A field's text with each line break read as the space (Bib)TeX reads it, blank
    lines (paragraph breaks) kept, so a value written back reads the same everywhere."""
    value = value.replace("\r\n", "\n").strip()
    if "\n" not in value:
        return value
    return "\n\n".join(_LINE_BREAK.sub(" ", part) for part in _PARAGRAPH_BREAK.split(value))


def display_names(value: str) -> tuple[str, ...]:
    """BibTeX names ("Family, Given and ...", braces protecting corporate names) as
    display names."""
    names = []
    if "\\" in value:
        value = _WORD_COMMAND_AFTER_SPACE.sub("{}", value)
    for person in split_multiple_persons_names(value):
        if person.strip().lower() == "others":
            names.append("et al.")
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except Exception:  # a name bibtexparser cannot split is still a name
            names.append(latex_to_text(person))
            continue
        display = latex_to_text(" ".join(parts.first + parts.von + parts.last))
        if parts.jr:
            display = f"{display}, {latex_to_text(' '.join(parts.jr))}"
        if display:
            names.append(display)
    return tuple(names)


def abstract_text(value: str) -> str:
    """An abstract's text, its paragraphs (blank lines or ``\\par``) kept apart."""
    paragraphs = re.split(r"\n[ \t]*\n|\\par\b", value)
    return "\n\n".join(t for t in (latex_to_text(p) for p in paragraphs) if t)


def first_url(value: str) -> str:
    """The first URL of a ``url`` field, as written."""
    words = unescape_verbatim(value).split()
    return words[0] if words else ""
