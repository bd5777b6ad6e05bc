"""What the reader's triage keys decide, without a terminal.

Each key (star, later/read/skip/inbox, tags, note, undo, redo) becomes one call here that
changes annotations through :class:`tui.triage.Triage` and answers with an
:class:`Outcome`: which papers changed, what to tell the person, whether the marks are
used up and where the cursor goes. The main screen only carries the outcome out, so the
rules ("a bulk change uses up the marks and says how to undo it", "a decision on one paper
moves on to the next") are tested here on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from tui.model import Paper
from tui.triage import Step, Triage
from tui.userdata import UserData

__all__ = ["TriageKeys", "Outcome", "Notice", "STATE_LABELS"]

STATE_LABELS = {"later": "later", "read": "read", "skipped": "skip", "inbox": "back to inbox"}
"""How a state change is named in "Undid later" and "Read 3 papers · z undoes"."""


@dataclass(frozen=True)
class Notice:
    """One message for the person."""

    text: str
    severity: Literal["information", "warning", "error"] = "information"
    title: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a triage key did, for the screen to show."""

    refresh: bool = True
    """False when nothing was touched (nothing to undo): rows and counts stay as they are."""
    keys: tuple[str, ...] = ()
    """The papers whose annotations changed (empty: none, or unknown)."""
    notices: tuple[Notice, ...] = ()
    clear_marks: bool = False
    """The marks were used up by a change to every marked paper."""
    move_on: bool = False
    """Move the cursor to the next paper (a decision on one paper was made)."""
    cursor_key: str | None = None
    """Put the cursor on this paper first (undoing or redoing a change to one paper)."""


class TriageKeys:
    """Turns the triage keys into annotation changes, one undoable step per key."""

    def __init__(self, triage: Triage, userdata: UserData) -> None:
        self.triage = triage
        self.userdata = userdata

    def toggle_star(self, papers: Sequence[Paper]) -> Outcome:
        """Star every paper; unstar them when all are starred already."""
        star = not all(self._starred(paper) for paper in papers)
        return self._apply("star" if star else "unstar", papers, starred=star)

    def set_state(self, papers: Sequence[Paper], state: str) -> Outcome:
        """Set later / read / skipped / inbox; on a single paper, move on to the next."""
        return self._apply(STATE_LABELS.get(state, state), papers, move=len(papers) == 1,
                           state=state)

    def change_tags(self, papers: Sequence[Paper], add: Sequence[str], remove: Sequence[str],
                    description: str) -> Outcome:
        """Add and remove tags (``description`` says which, "+thesis −draft")."""
        return self._apply(f"tag {description}", papers, add_tags=add, remove_tags=remove)

    def write_note(self, paper: Paper, text: str, base: str | None = None) -> Outcome:
        """Replace the paper's note with ``text``, written from the note ``base``: if the
        note was changed elsewhere since, both texts are kept."""
        return self._apply("note", [paper], note=text, note_base=base)

    def tags_on(self, papers: Sequence[Paper]) -> list[str]:
        """Every tag on any of ``papers``, sorted."""
        return sorted({tag for paper in papers if (note := self.userdata.get(paper.key))
                       for tag in note.tags})

    def undo(self) -> Outcome:
        """Undo the last change (a bulk change is one step)."""
        return self._history(*self.triage.undo(), verb="Undid", nothing="Nothing to undo.")

    def redo(self) -> Outcome:
        """Redo the last undone change."""
        return self._history(*self.triage.redo(), verb="Redid", nothing="Nothing to redo.")

    def _starred(self, paper: Paper) -> bool:
        note = self.userdata.get(paper.key)
        return note is not None and note.starred

    def _apply(self, label: str, papers: Sequence[Paper], *, move: bool = False,
               **changes: object) -> Outcome:
        step, error = self.triage.apply(label, [(p.key, p.title) for p in papers], **changes)
        bulk = len(papers) > 1
        notices = [_not_saved(error)] if error else []
        if bulk and step:
            notices.append(Notice(f"{step.describe().capitalize()} · z undoes"))
        return Outcome(keys=step.keys if step else (), notices=tuple(notices), clear_marks=bulk,
                       move_on=move and not bulk)

    def _history(self, step: Step | None, error: str, *, verb: str, nothing: str) -> Outcome:
        if step is None:
            return Outcome(refresh=False, notices=(Notice(nothing),))
        notices = [_not_saved(error)] if error else []
        kept = len(self.triage.left_alone)  # fields someone changed since: left as they are
        also = (f" {kept} field{'s' if kept != 1 else ''} changed elsewhere since kept as "
                f"{'they are' if kept != 1 else 'it is'}." if kept else "")
        if kept and kept >= len(step.changes):  # every field was changed since: none put back
            done = "Nothing undone" if verb == "Undid" else "Nothing redone"
            notices.append(Notice(f"{done}: {step.describe()} was changed elsewhere since, "
                                  "and is kept as it is there."))
        else:
            notices.append(Notice(f"{verb} {step.describe()}.{also}"))
        return Outcome(keys=step.keys, notices=tuple(notices),
                       cursor_key=step.keys[0] if len(step.keys) == 1 else None)


def _not_saved(error: str) -> Notice:
    return Notice(error, "error", "Not saved yet")
