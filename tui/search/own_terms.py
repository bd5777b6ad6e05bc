"""Whether one paper's annotation matches an ``is:``, ``has:``, ``tag:`` or ``note:`` term.

Plain Python over one annotation: the engine builds its masks with it
(:mod:`tui.search.filters`) and the early scan checks papers one by one with it
(:mod:`tui.search.scan`), so both read the person's words the same way. Nothing here
loads numpy: the scan answers the first screen before the engine is loaded.
"""

from __future__ import annotations

from typing import Callable

from tui.model import Annotation
from tui.query import Term, words_of

__all__ = ["annotation_test", "annotation_matches", "note_has"]


def note_has(note: str, value: str, open_: bool) -> bool:
    """Whether ``note`` holds the words of a ``note:`` value, in any order (the last one
    may be a beginning while it is typed)."""
    mine = set(words_of(note))
    wanted = words_of(value)
    if not wanted:
        return False
    *done, last = wanted
    return all(w in mine for w in done) and (
        last in mine or (open_ and any(m.startswith(last) for m in mine)))


def annotation_test(term: Term) -> Callable[[Annotation], bool]:
    """Whether an annotated paper matches an ``is:``, ``has:``, ``tag:`` or ``note:`` term,
    before negation (for ``is:inbox`` a paper nobody annotated matches too: see
    :func:`annotation_matches`)."""
    value = term.value
    if term.kind == "is":
        return (lambda a: a.starred) if value == "starred" else (lambda a: a.state == value)
    if term.kind == "has":
        return (lambda a: bool(a.note.strip())) if value == "note" else (lambda a: bool(a.tags))
    if term.kind == "note":
        return lambda a: note_has(a.note, value, term.open)
    if term.open:  # still typing the tag: any tag starting with it
        return lambda a: any(tag.startswith(value) for tag in a.tags)
    return lambda a: value in a.tags


def annotation_matches(term: Term, annotation: Annotation | None) -> bool:
    """Whether a paper with ``annotation`` (None: nobody annotated it) matches an ``is:``,
    ``has:``, ``tag:`` or ``note:`` term, before negation, as the engine's masks say."""
    if term.kind == "is" and term.value == "inbox":
        return annotation is None or annotation.state == "inbox"
    return annotation is not None and annotation_test(term)(annotation)
