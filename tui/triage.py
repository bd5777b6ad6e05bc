"""Triage bookkeeping for the reader: apply a change, undo it, redo it, keep counts.

Pure Python (no textual, no rich) so the undo rules are tested without a terminal.
A change to several papers at once is one step, so ``z`` after "mark 40 papers read"
puts all 40 back. Undo applies the inverse of the person's own change, field by field, to
the papers as they are now (``UserData.revert``): undoing a star touches only the star,
and a tag or a note another window or the command line wrote meanwhile stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tui.model import Annotation, Fingerprint
from tui.store.base import PaperStore, docs_of_keys
from tui.userdata import FieldChange, Outcome, UserData
from tui.userdata.clock import now_stamp
from tui.userdata.journal import Journal
from tui.userdata.summary import summed_up

log = logging.getLogger(__name__)

__all__ = ["COUNT_NAMES", "Step", "Triage", "count_states", "papers_in_store"]

COUNT_NAMES = ("inbox", "later", "read", "skipped", "starred", "annotated", "total")


@dataclass(frozen=True)
class Step:
    """One undoable change: the papers it touched and each field it changed."""

    label: str
    """What the change was, for "Undid: read 3 papers"."""
    keys: tuple[str, ...]
    """The papers this step touched, in the order they were given."""
    changes: tuple[FieldChange, ...] = field(default=())
    """Each field it changed, from what to what: undo puts back exactly these."""
    moves: tuple[tuple[str, str], ...] = field(default=())
    """Annotations this step moved to their papers' new keys (old, new): undone, the
    person refused them, and following never makes them again (redone, it may)."""
    at: str = ""
    """When it was made (or last undone or redone): a field changed after that was changed
    since by someone else, even when it holds the same value again."""

    def describe(self) -> str:
        """"read 3 papers" / "star" / "the move of 2 annotations to their papers"."""
        if self.moves:
            count = len(self.moves)
            return ("the move of an annotation to its paper's new key" if count == 1
                    else f"the move of {count:,} annotations to their papers' new keys")
        count = len(self.keys)
        return self.label if count == 1 else f"{self.label} {count:,} papers"


def papers_in_store(store: PaperStore, keys: list[str]) -> set[str]:
    """Which of ``keys`` are papers of ``store`` (looked up at once: much faster for a
    compact store than one by one; a store in memory looks them up in its dict, which
    needs no numpy before the first screen)."""
    return set(docs_of_keys(store, keys))


def count_states(annotations: Mapping[str, Annotation], store: PaperStore) -> dict[str, int]:
    """The one count of triage states, for the reader's header and filter pane and for
    ``papertray stats``: inbox / later / read / skipped / starred / annotated / total.

    Only papers in the store count: annotations of papers that left it must not make
    the inbox count go negative. A paper never annotated is in the inbox. A profile's
    summaries answer (no annotation is built).
    """
    counts = dict.fromkeys(COUNT_NAMES, 0)
    counts["total"] = counts["inbox"] = len(store)
    keys, starred, states = summed_up(annotations, "keys", "starred", "states")
    for row in _rows_in_store(store, keys):
        if states[row] != "inbox":
            counts["inbox"] -= 1
            counts[states[row]] += 1
        counts["starred"] += starred[row]
        counts["annotated"] += 1  # these are annotations that say something
    return counts


def count_tags(annotations: Mapping[str, Annotation], store: PaperStore) -> list[tuple[str, int]]:
    """Every tag on a paper of ``store`` with how many of its papers carry it, by name.
    Tags only on papers of other stores are left out: choosing one would show nothing."""
    keys, tags = summed_up(annotations, "keys", "tags")
    counts: dict[str, int] = {}
    for row in _rows_in_store(store, keys):
        for tag in tags[row]:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items())


def _rows_in_store(store: PaperStore, keys: list[str]) -> list[int]:
    """The positions in ``keys`` of those that are papers of ``store``, in order: found by
    a few scans at C speed when they are few (a year of annotations of other papers)."""
    present = papers_in_store(store, keys)
    if len(present) <= 4:
        return sorted(map(keys.index, present))
    return [row for row, key in enumerate(keys) if key in present]


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
        self.left_alone: tuple[FieldChange, ...] = ()
        """Fields the last undo or redo left as they were: someone changed them since."""
        self.counts: dict[str, int] = {}
        """inbox / later / read / skipped / starred / annotated / total, for papers in the store."""
        self.recount()

    def recount(self) -> None:
        """Count from scratch (at start, and when another instance changed things)."""
        self.counts = count_states(self.userdata.annotations(), self.store)

    def tag_counts(self) -> list[tuple[str, int]]:
        """The tags on papers of this store, with their counts (see :func:`count_tags`)."""
        return count_tags(self.userdata.annotations(), self.store)

    def apply(self, label: str, items: Iterable[tuple[str, str]], **changes: Any
              ) -> tuple[Step | None, str]:
        """Change the papers ``items`` ((key, title) pairs) as UserData.change would.

        Returns the step (None when nothing changed) and the save error sentence, if the
        change could not be written yet (it is kept in memory and retried by UserData).
        """
        pairs = [(key, self._about(key, title)) for key, title in dict(items).items()]
        if not pairs:
            return None, ""
        before = {key: self.userdata.get(key) for key, _ in pairs}
        outcome: Outcome = self.userdata.change(pairs, **changes)
        if not outcome.changes:
            return None, outcome.error
        step = Step(label, tuple(dict.fromkeys(c.key for c in outcome.changes)), outcome.changes,
                    at=now_stamp())
        self._account(before, step.keys)
        self.undo_stack.append(step)
        del self.undo_stack[: -self.depth]
        self.redo_stack.clear()
        return step, outcome.error

    def _about(self, key: str, title: str) -> str | Fingerprint:
        """What the annotation remembers of its paper: the paper's fingerprint, so it can
        follow the paper if the paper's key changes (a title typo fixed, a DOI added)."""
        paper = self.store.get(key)
        return Fingerprint.of(paper) if paper is not None else title

    def rekey(self, moves: Mapping[str, str]) -> None:
        """Papers' annotations followed them to new keys (``old -> new``): so do the undo
        and redo steps, or z would put back fields of a key no paper has any more."""
        if not moves:
            return

        def moved(step: Step) -> Step:
            if not any(key in moves for key in step.keys):
                return step
            keys = tuple(dict.fromkeys(moves.get(key, key) for key in step.keys))
            changes = tuple(replace(change, key=moves.get(change.key, change.key))
                            for change in step.changes)
            # The move rewrote the fields' change times: the values tell what changed since.
            return replace(step, keys=keys, changes=changes, at="")

        self.undo_stack[:] = [moved(step) for step in self.undo_stack]
        self.redo_stack[:] = [moved(step) for step in self.redo_stack]

    def record(self, step: Step) -> None:
        """Keep a change made outside :meth:`apply` (annotations following their papers)
        so that ``z`` takes it back like any other."""
        if step.changes:
            self.undo_stack.append(step if step.at else replace(step, at=now_stamp()))
            del self.undo_stack[: -self.depth]
            self.redo_stack.clear()

    def undo(self) -> tuple[Step | None, str]:
        """Take the last step's changes back, where nobody changed those fields since."""
        return self._move(self.undo_stack, self.redo_stack, forward=False)

    def redo(self) -> tuple[Step | None, str]:
        """Apply the last undone step again, where nobody changed those fields since."""
        return self._move(self.redo_stack, self.undo_stack, forward=True)

    def _move(self, source: list[Step], target: list[Step], *, forward: bool
              ) -> tuple[Step | None, str]:
        self.left_alone = ()
        if not source:
            return None, ""
        made = source.pop()
        step = self._where_now(made)
        before = {key: self.userdata.get(key) for key in step.keys}
        # A move rewrote its papers' change times: the values alone tell what changed since.
        since = step.at if step is made else ""
        outcome: Outcome = self.userdata.revert(step.changes, forward=forward, since=since)
        if step.moves:
            journal = Journal(self.userdata.profile_dir)
            (journal.note_moves if forward else journal.note_refused)(dict(step.moves))
        self.left_alone = outcome.skipped
        self._account(before, step.keys)
        target.append(replace(step, at=now_stamp()))
        return step, outcome.error

    def _where_now(self, step: Step) -> Step:
        """``step`` on the keys its papers have now: another window or the command line
        may have moved their annotations to new keys (a title typo fixed) since."""
        if step.moves:  # a move itself: its changes name both keys as they were
            return step
        journal = Journal(self.userdata.profile_dir)
        changes = journal.rekeyed(step.changes)
        if changes == step.changes:
            return step
        keys = tuple(dict.fromkeys(change.key for change in changes))
        return replace(step, keys=keys, changes=changes)

    def _account(self, old: Mapping[str, Annotation | None], keys: Iterable[str]) -> None:
        present = papers_in_store(self.store, list(keys))
        for key in present:
            _adjust(self.counts, old.get(key), -1)
            _adjust(self.counts, self.userdata.get(key), +1)
