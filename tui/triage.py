"""Triage bookkeeping for the reader: apply a change, undo it, redo it, keep counts.

Pure Python (no textual, no rich) so the undo rules are tested without a terminal.
A change to several papers at once is one step, so ``z`` after "mark 40 papers read"
puts all 40 back exactly as they were, using ``UserData.restore``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.model import Annotation, Fingerprint
from tui.store.base import PaperStore
from tui.userdata import SaveError, UserData

log = logging.getLogger(__name__)

__all__ = ["Step", "Triage", "count_states"]

COUNT_NAMES = ("inbox", "later", "read", "skipped", "starred", "annotated", "total")


@dataclass(frozen=True)
class Step:
    """One undoable change: every touched paper's annotation before and after."""

    label: str
    """What the change was, for "Undid: read 3 papers"."""
    before: Mapping[str, Annotation | None]
    after: Mapping[str, Annotation | None] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[str, ...]:
        """The papers this step touched, in the order they were given."""
        return tuple(self.before)

    def describe(self) -> str:
        """"read 3 papers" / "star"."""
        count = len(self.before)
        return self.label if count == 1 else f"{self.label} {count} papers"


def count_states(annotations: Mapping[str, Annotation], total: int, in_store: Callable[[str], bool]) -> dict[str, int]:
    """Counts for the header and the filter pane, only for papers in the store.

    ``in_store(key)`` says whether a paper is in the store: annotations of papers that
    left the store must not make the inbox count go negative.
    """
    counts = dict.fromkeys(COUNT_NAMES, 0)
    counts["total"] = counts["inbox"] = total
    for key, annotation in annotations.items():
        if in_store(key):
            _adjust(counts, annotation, +1)
    return counts


def _adjust(counts: dict[str, int], annotation: Annotation | None, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) one paper's contribution to the counts."""
    if annotation is None:
        return
    if annotation.state != "inbox":
        counts["inbox"] -= sign
        counts[annotation.state] += sign
    counts["starred"] += sign * annotation.starred
    counts["annotated"] += sign * (not annotation.is_blank)


class Triage:
    """Applies annotation changes through UserData and keeps their undo history."""

    def __init__(self, store: PaperStore, userdata: UserData, *, depth: int = 500) -> None:
        self.store = store
        self.userdata = userdata
        self.depth = depth
        """How many steps ``z`` can go back."""
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []
        self.counts: dict[str, int] = {}
        """inbox / later / read / skipped / starred / annotated / total, for papers in the store."""
        self.recount()

    def recount(self) -> None:
        """Count from scratch (at start, and when another instance changed things)."""
        annotations = self.userdata.annotations()
        keys = list(annotations)  # looked up at once: much faster for a compact store
        present = {keys[i] for i, doc in enumerate(self.store.indices_of(keys).tolist()) if doc >= 0}
        in_store = present.__contains__
        self.counts = count_states(annotations, len(self.store), in_store)

    def apply(self, label: str, items: Iterable[tuple[str, str]], **changes: Any
              ) -> tuple[Step | None, str]:
        """Change the papers ``items`` ((key, title) pairs) as UserData.update would.

        Returns the step (None when nothing changed) and the save error sentence, if the
        change could not be written yet (it is kept in memory and retried by UserData).
        """
        pairs = [(key, self._about(key, title)) for key, title in dict(items).items()]
        if not pairs:
            return None, ""
        before = {key: self.userdata.get(key) for key, _ in pairs}
        error = ""
        try:
            if len(pairs) == 1:
                key, title = pairs[0]
                self.userdata.update(key, title=title, **changes)
            else:
                self.userdata.update_many(pairs, **changes)
        except SaveError as exc:  # the change is kept in memory and retried by UserData
            error = str(exc)
        after = {key: self.userdata.get(key) for key, _ in pairs}
        step = Step(label, before, after)
        if before == after:
            return None, error
        self._account(step.before, step.after)
        self.undo_stack.append(step)
        del self.undo_stack[: -self.depth]
        self.redo_stack.clear()
        return step, error

    def _about(self, key: str, title: str) -> str | Fingerprint:
        """What the annotation remembers of its paper: the paper's fingerprint, so it can
        follow the paper if the paper's key changes (a title typo fixed, a DOI added)."""
        paper = self.store.get(key)
        return Fingerprint.of(paper) if paper is not None else title

    def undo(self) -> tuple[Step | None, str]:
        """Put the papers of the last step back as they were before it."""
        return self._move(self.undo_stack, self.redo_stack, "before")

    def redo(self) -> tuple[Step | None, str]:
        """Apply the last undone step again."""
        return self._move(self.redo_stack, self.undo_stack, "after")

    def _move(self, source: list[Step], target: list[Step], side: str) -> tuple[Step | None, str]:
        if not source:
            return None, ""
        step = source.pop()
        values = step.before if side == "before" else step.after
        current = {key: self.userdata.get(key) for key in values}
        error = ""
        try:
            self.userdata.restore(values)
        except SaveError as exc:
            error = str(exc)
        self._account(current, {key: self.userdata.get(key) for key in values})
        target.append(step)
        return step, error

    def _account(self, old: Mapping[str, Annotation | None],
                 new: Mapping[str, Annotation | None]) -> None:
        for key in old:
            if self.store.index_of(key) is not None:
                _adjust(self.counts, old[key], -1)
                _adjust(self.counts, new.get(key), +1)
