"""Why a paper ranks where it does for this person: the few words, authors or venue that
weigh most in its for-you score, and the paper they chose that it is most like.

A paper's score is the sum, over its features, of its value there times the model's
weight there, so the features with the largest products are exactly what lifted it.
A word found in both title and abstract counts once, with both shares; an author's
words count for the author, named as the paper writes the name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui.interest.model import InterestModel
from tui.model import Paper
from tui.query import words_of

__all__ = ["Reason", "explain"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why one paper ranks where it does."""

    score: float
    """The paper's for-you score."""
    terms: tuple[str, ...]
    """The words, authors or venue that weigh most, heaviest first (may be empty)."""
    closest: tuple[int, float] | None
    """(store position, cosine) of the chosen paper it is most like, or None."""
    closest_title: str = ""
    """That paper's title."""

    @property
    def text(self) -> str:
        """One line for a person: ``policy · reward · Sergey Levine; like “Deep Q…”``."""
        parts = []
        if self.terms:
            parts.append(" · ".join(self.terms))
        if self.closest is not None:
            parts.append(f"like “{self.closest_title}”")
        return "; ".join(parts) if parts else "nothing in it matches what you chose yet"


def _author_named(paper: Paper, word: str) -> str:
    """The author of ``paper`` whose name has the word ``word`` (else the word)."""
    for author in paper.authors:
        if word in words_of(author):
            return author
    return word


def explain(model: InterestModel, doc: int, paper: Paper, *, limit: int = 3,
            closest: bool = True) -> Reason:
    """Why the paper at store position ``doc`` (``paper``) scores as it does.

    ``closest`` also finds the chosen paper it is most like (one pass over the postings
    of its words: a few milliseconds at 100,000 papers)."""
    features = model.features
    vector = features.vector(doc)
    shares = vector.values * model.weights().at(vector.ids)
    totals: dict[str, float] = {}
    for feature in np.argsort(-shares).tolist():
        share = float(shares[feature])
        if share <= 0:
            break
        kind, value = features.describe(int(vector.ids[feature]))
        if kind in ("title", "abstract") and (len(value) < 3 or value.isdigit()):
            continue  # "(iv)", "2": they count, but say nothing to a person
        name = _author_named(paper, value) if kind == "authors" else value
        totals[name] = totals.get(name, 0.0) + share
    terms: list[str] = []
    for name in sorted(totals, key=lambda name: -totals[name]):
        # "zero-shot" is indexed as zero, shot and zeroshot: name it once.
        if not any(name in chosen or chosen in name for chosen in terms):
            terms.append(name)
        if len(terms) == limit:
            break
    nearest: tuple[int, float] | None = None
    title = ""
    liked = [d for d, label in model.labels.items() if label > 0 and d != doc]
    if closest and liked:
        cosines = features.cosines(vector)[liked]
        best = int(np.argmax(cosines))
        if cosines[best] > 0:
            nearest = (liked[best], float(cosines[best]))
            title = features.paper(liked[best]).title
    return Reason(model.score_of(doc), tuple(terms), nearest, title)
