"""Caps on what one file can make papertray do, so work and memory stay in proportion to
the input whatever the file holds.

Every reader is linear in its input, but some inputs multiply: a BibTeX ``@string``
macro may be defined from others (``a1 = a0 # a0`` doubles each time, so 1 KB of them
describes gigabytes), and a single field may be hundreds of megabytes (a 200 MB
"abstract"). Such text is of no use to a person and every later step (cleaning,
indexing, caching, display) would pay for it again, so it is cut here, with a
``file:line`` problem saying what was cut. Real papers never come near these limits.
"""

from __future__ import annotations

import dataclasses

from tui.model import Paper, with_key

__all__ = ["MAX_ABSTRACT_CHARS", "MAX_FIELD_CHARS", "MAX_AUTHORS", "macro_budget",
           "MacroBudget", "bounded"]

MAX_ABSTRACT_CHARS = 1_000_000
"""Longest abstract kept (a long real abstract is 5,000 characters; a book's blurb 50,000)."""
MAX_FIELD_CHARS = 10_000
"""Longest title, venue, identifier, URL, date, citekey or author name kept."""
MAX_AUTHORS = 10_000
"""Most authors kept for one paper (the largest physics collaborations list about 5,000)."""
MAX_CATEGORIES = 1_000
"""Most categories or keywords kept for one paper."""

_TEXT_FIELDS = ("title", "venue", "doi", "arxiv", "url", "date", "citekey", "entry_type")
_QUICK_LIMIT = MAX_FIELD_CHARS
"""Papers whose fields add up to less than this cannot break any cap: checked first,
so a million ordinary papers cost one sum each."""


def macro_budget(text_chars: int) -> int:
    """How many characters ``@string`` macros may expand to in all, for a file of
    ``text_chars`` characters: plenty for every real file (journal abbreviations used
    thousands of times), a bounded multiple of the input for a hostile one."""
    return 1_000_000 + 16 * text_chars


class MacroBudget:
    """Counts the characters macro expansion produces in one file, and stops it once it
    has produced :func:`macro_budget` of them."""

    def __init__(self, text_chars: int) -> None:
        self.limit = macro_budget(text_chars)
        self.left = self.limit
        self.exhausted = False
        """True once an expansion was refused."""

    def take(self, chars: int) -> bool:
        """Whether ``chars`` more characters may be produced (and count them if so)."""
        if chars > self.left:
            self.exhausted = True
            return False
        self.left -= chars
        return True


def _cut(value: str, limit: int, name: str, notes: list[str]) -> str:
    if len(value) <= limit:
        return value
    notes.append(f"{name} is {len(value):,} characters long; only the first {limit:,} are kept")
    return value[:limit]


def bounded(paper: Paper) -> tuple[Paper, list[str]]:
    """``paper`` with every field within the caps, and a sentence for each field cut."""
    total = (len(paper.abstract) + len(paper.title) + len(paper.venue) + len(paper.url)
             + len(paper.authors) + len(paper.categories))
    if (total < _QUICK_LIMIT and len(paper.citekey) + len(paper.doi) < _QUICK_LIMIT
            and all(len(author) < _QUICK_LIMIT for author in paper.authors)):
        return paper, []
    notes: list[str] = []
    changes: dict[str, object] = {
        name: _cut(getattr(paper, name), MAX_FIELD_CHARS, name, notes) for name in _TEXT_FIELDS}
    changes["abstract"] = _cut(paper.abstract, MAX_ABSTRACT_CHARS, "abstract", notes)
    authors = paper.authors
    if len(authors) > MAX_AUTHORS:
        notes.append(f"{len(authors):,} authors; only the first {MAX_AUTHORS:,} are kept")
        authors = authors[:MAX_AUTHORS]
    changes["authors"] = tuple(_cut(a, MAX_FIELD_CHARS, "an author's name", notes) for a in authors)
    categories = paper.categories
    if len(categories) > MAX_CATEGORIES:
        notes.append(f"{len(categories):,} categories; only the first {MAX_CATEGORIES:,} are kept")
        categories = categories[:MAX_CATEGORIES]
    changes["categories"] = tuple(_cut(c, MAX_FIELD_CHARS, "a category", notes) for c in categories)
    if not notes:
        return paper, []
    kept = dataclasses.replace(paper, **changes)  # type: ignore[arg-type]
    if kept.title != paper.title or kept.authors[:1] != paper.authors[:1]:
        # The key is made of what is kept, as every export writes it: a key made of the
        # whole title would change when the paper is read back from its export.
        kept = with_key(kept)
    return kept, notes
