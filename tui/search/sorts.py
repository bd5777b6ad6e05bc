"""The orders a result can be shown in, and what each puts first.

Plain names only (no numpy): the reader's first screen and the command palette need them
before the search engine is imported.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Sort", "SORTS", "SORT_HELP", "next_sort"]

Sort = Literal["relevance", "date", "title", "author", "venue", "annotated", "for-you"]
SORTS: tuple[Sort, ...] = ("relevance", "date", "title", "author", "venue", "annotated", "for-you")
"""The orders a result can be shown in (``for-you``: by a model of the person's interest),
in the order the reader's ``O`` cycles through them."""

SORT_HELP: dict[Sort, str] = {
    "relevance": "Best match for the query first (words matched, typos, field, nearness)",
    "date": "Newest first, by publication date",
    "title": "Alphabetically by title",
    "author": "Alphabetically by the first author's family name",
    "venue": "Alphabetically by journal or conference, newest first within one",
    "annotated": "Papers you starred, tagged, noted or triaged most recently first",
    "for-you": "Most like what you star and read first (learned from your decisions)",
}
"""What each order puts first, as the command palette says it."""


def next_sort(sort: Sort) -> Sort:
    """The order after ``sort`` in :data:`SORTS`, back to the first after the last."""
    return SORTS[(SORTS.index(sort) + 1) % len(SORTS)]
