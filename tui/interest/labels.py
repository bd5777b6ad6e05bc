"""What a person's decisions say about their interest: each annotation as a label.

A paper they starred, read, queued for later or tagged is one they are interested in;
a paper they skipped (and did not star) is one they are not. Papers still in the inbox
and untagged say nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tui.model import Annotation

__all__ = ["INTERESTED", "NOT_INTERESTED", "label_of", "Decisions", "ENOUGH_POSITIVE",
           "ENOUGH_NEGATIVE"]

INTERESTED = 1
NOT_INTERESTED = -1

ENOUGH_POSITIVE = 10
"""Papers a person must have shown interest in before the inbox opens in for-you order."""
ENOUGH_NEGATIVE = 10
"""Papers a person must have skipped before the inbox opens in for-you order."""


def label_of(annotation: Annotation) -> int:
    """+1 (interested), -1 (not) or 0 (no decision yet). A star outweighs a skip: a
    person may star a paper and still clear it from the inbox with ``x``."""
    if annotation.starred or annotation.state in ("read", "later"):
        return INTERESTED
    if annotation.state == "skipped":
        return NOT_INTERESTED
    return INTERESTED if annotation.tags else 0


@dataclass(frozen=True)
class Decisions:
    """The labelled papers of one store, by store position."""

    labels: Mapping[int, int]
    """Store position to +1 or -1 (papers without a decision are left out)."""

    @classmethod
    def of(cls, annotations: Mapping[str, Annotation],
           positions: Callable[[Sequence[str]], npt.NDArray[np.int64]]) -> Decisions:
        """The decisions in ``annotations`` about papers in the store; ``positions`` looks
        up many keys at once, as :meth:`tui.store.PaperStore.indices_of` does."""
        keys = list(annotations)
        found = positions(keys)
        labels: dict[int, int] = {}
        for key, doc in zip(keys, found.tolist()):
            if doc >= 0 and (label := label_of(annotations[key])):
                labels[doc] = label
        return cls(labels)

    @property
    def positive(self) -> int:
        """Papers the person is interested in."""
        return sum(1 for label in self.labels.values() if label > 0)

    @property
    def negative(self) -> int:
        """Papers the person skipped."""
        return len(self.labels) - self.positive

    @property
    def enough(self) -> bool:
        """Enough decisions both ways for the for-you order to be the inbox's default."""
        return self.positive >= ENOUGH_POSITIVE and self.negative >= ENOUGH_NEGATIVE
