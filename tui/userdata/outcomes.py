"""What a change to a profile tells: :class:`Outcome` for a change, undo or restore,
:class:`ImportReport` for an import (kept apart from :mod:`tui.userdata.profile`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.model import Annotation, Problem
from tui.userdata.record import FieldChange

__all__ = ["ImportReport", "Outcome"]


@dataclass
class ImportReport:
    """What an import did, per paper: nothing is dropped without being counted here."""

    added: int = 0
    """Papers that had no annotation here."""
    updated: int = 0
    """Papers that took in at least one field changed later in the file than here."""
    kept: int = 0
    """Papers whose every field here was changed later than in the file, so ours stayed."""
    problems: list[Problem] = field(default_factory=list)
    """Records or files that could not be read, as ``file:line``."""
    unchanged: int = 0
    """Papers whose annotation was already exactly this one (importing twice changes nothing)."""
    notes_replaced: list[str] = field(default_factory=list)
    """Keys of papers whose note here gave way to the file's later, different one (undo
    puts each back): said, never done silently."""
    changes: list[FieldChange] = field(default_factory=list)
    """Every field the import changed, so it can be undone."""
    error: str = ""
    """Why the merged result could not be saved yet (kept in memory), or ""."""


@dataclass(frozen=True)
class Outcome:
    """What a change did."""

    annotations: list[Annotation]
    """The papers' annotations after it, in the order given."""
    changes: tuple[FieldChange, ...] = ()
    """Each field it changed, old and new: what undo puts back."""
    skipped: tuple[FieldChange, ...] = ()
    """For undo and redo: fields changed elsewhere since, so left as they are."""
    error: str = ""
    """Why it could not be saved yet ("" when saved); it is kept and saved again later."""
