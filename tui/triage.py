"""Triage bookkeeping for the reader: apply a change, undo it, redo it, keep counts.

Pure Python (no textual, no rich) so the undo rules are tested without a terminal.
A change to several papers at once is one step, so ``z`` after "mark 40 papers read"
puts all 40 back exactly as they were, using ``UserData.restore``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from tui.model import Annotation
from tui.userdata import SaveError

log = logging.getLogger(__name__)

__all__ = ["COUNT_NAMES", "Step", "Triage", "count_states", "papers_in_store"]

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


def papers_in_store(store: Any, keys: list[str]) -> set[str]:
    """Which of ``keys`` are papers of ``store`` (a compact store answers all at once)."""
    indices_of = getattr(store, "indices_of", None)
    if indices_of is not None:
        return {keys[i] for i, doc in enumerate(indices_of(keys).tolist()) if doc >= 0}
    return {key for key in keys if store.index_of(key) is not None}


def count_states(annotations: Mapping[str, Annotation], store: Any) -> dict[str, int]:
    """The one count of triage states, for the reader's header and filter pane and for
    ``papertray stats``: inbox / later / read / skipped / starred / annotated / total.

    Only papers in the store count: annotations of papers that left it must not make
    the inbox count go negative. A paper never annotated is in the inbox.
    """
    counts = dict.fromkeys(COUNT_NAMES, 0)
    counts["total"] = counts["inbox"] = len(store)
    keys = list(annotations)
    for key in papers_in_store(store, keys):
        _adjust(counts, annotations[key], +1)
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

    def __init__(self, store: Any, userdata: Any, *, depth: int = 500) -> None:
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
        self.counts = count_states(self.userdata.annotations(), self.store)

    def apply(self, label: str, items: Iterable[tuple[str, str]], **changes: Any
              ) -> tuple[Step | None, str]:
        """Change the papers ``items`` ((key, title) pairs) as UserData.update would.

        Returns the step (None when nothing changed) and the save error sentence, if the
        change could not be written yet (it is kept in memory and retried by UserData).
        """
        items = list(dict(items).items())
        if not items:
            return None, ""
        before = {key: self.userdata.get(key) for key, _ in items}
        error = ""
        try:
            if len(items) == 1:
                key, title = items[0]
                self.userdata.update(key, title=title, **changes)
            else:
                self.userdata.update_many(items, **changes)
        except SaveError as exc:  # the change is kept in memory and retried by UserData
            error = str(exc)
        after = {key: self.userdata.get(key) for key, _ in items}
        step = Step(label, before, after)
        if before == after:
            return None, error
        self._account(step.before, step.after)
        self.undo_stack.append(step)
        del self.undo_stack[: -self.depth]
        self.redo_stack.clear()
        return step, error

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
