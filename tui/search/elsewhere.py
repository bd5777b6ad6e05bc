"""The papers a query matches outside the view's triage state, so the reader can say
"2 more in Later, Read" instead of losing a paper the person just triaged."""

from __future__ import annotations

import numpy as np

from tui.query import Query, Term
from tui.search.filters import AnnotationTable
from tui.search.own_words import VIEW_STATES

__all__ = ["is_view_term", "matches_elsewhere"]


def is_view_term(term: Term) -> bool:
    """A triage state's ``is:`` term (``is:inbox``, ``is:later``...), as a view sets."""
    return term.kind == "is" and term.value in VIEW_STATES


def matches_elsewhere(query: Query, table: AnnotationTable | None, required: list[np.ndarray],
                      outside: np.ndarray | None, allowed: np.ndarray | None) -> dict[str, int]:
    """How many papers match every word of ``query`` in each triage state outside the
    view's (``{"later": 2}``). ``required``: each required word's match codes;
    ``outside``: the mask of the query's filters but the view's; ``allowed``: all of them.
    Papers outside the inbox are all annotated, so for the inbox view only those few are
    checked."""
    views = [t for t in query.terms if is_view_term(t)]
    if not required or len(views) != 1 or views[0].negated or table is None:
        return {}
    state = views[0].value
    states = [a.state for a in table.annotations]
    if state == "inbox":
        picked = [i for i, s in enumerate(states) if s != "inbox"]
        docs = table.docs[picked]
    else:
        docs = np.flatnonzero(~allowed) if allowed is not None else np.zeros(0, np.int64)
    if outside is not None:
        docs = docs[outside[docs]]
    for codes in required:
        docs = docs[codes[docs] > 0]
    if not len(docs):
        return {}
    state_of = dict(zip(table.docs.tolist(), states))
    counts: dict[str, int] = {}
    for doc in docs.tolist():
        found = state_of.get(doc, "inbox")
        if found != state:
            counts[found] = counts.get(found, 0) + 1
    return {s: counts[s] for s in VIEW_STATES if s in counts}
