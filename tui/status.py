"""What the reader tells a person about the papers in view, worked out without a terminal.

The title bar's counts (:class:`ViewSummary`), what an empty list says and how far opening
a store is are plain strings built here and tested without Textual; the widgets only style
and draw them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Sequence

from tui.model import Problem

if TYPE_CHECKING:
    from tui.loader import LoadStep

__all__ = ["ViewSummary", "Emphasis", "empty_list_message", "loading_status",
           "loading_message", "selection_label"]

Emphasis = Literal["", "strong", "status"]
"""How a piece of the title bar stands out: not at all, as a number to watch, as progress."""

PHASE_NAMES = {"reading": "Reading", "indexing": "Indexing", "ready": "Ready"}
"""What each loading phase is called on screen."""


@dataclass(frozen=True)
class ViewSummary:
    """The numbers a person keeps an eye on while triaging, as the title bar says them."""

    shown: int
    """Papers in the current view (the search result)."""
    total: int
    """Papers in the store."""
    inbox: int
    """Papers still waiting for a decision."""
    marked: int = 0
    """Papers marked with space for a bulk action."""
    status: str = ""
    """Loading progress ("Reading 40%"), empty once the store is open."""
    partial: bool = False
    """The view is a scan of the papers read so far, not yet the engine's answer."""

    def pieces(self) -> tuple[tuple[str, Emphasis], ...]:
        """The summary as (text, emphasis) pieces, in reading order:
        ``Reading 40% · 1,234 of 100,000 · inbox 99,000 · 3 marked``."""
        pieces: list[tuple[str, Emphasis]] = []
        if self.status:
            pieces.append((f"{self.status} · ", "status"))
        if self.partial:
            pieces.append(("partial results, ", "status"))
        pieces.append((f"{self.shown:,} of {self.total:,}", "strong"))
        pieces.append((f" · inbox {self.inbox:,}", ""))
        if self.marked:
            pieces.append((f" · {self.marked} marked", "strong"))
        return tuple(pieces)

    def __str__(self) -> str:
        return "".join(text for text, _ in self.pieces())


def empty_list_message(papers_in_store: int, filters: str, *, label: str = "",
                       problems: Sequence[Problem] = (), all_papers: bool = False) -> str:
    """What an empty list says: why it is empty, and the way out. ``filters`` is the
    filter pane's summary when it narrows the view, else empty; ``label`` and
    ``problems`` (the store's) say why an empty store is empty; ``all_papers``: the view
    is already All papers (then only the filters can widen it)."""
    if not papers_in_store:
        where = label or "the store"
        if len(problems) == 1:
            reason = f"{problems[0].message} (line {problems[0].line})" \
                if problems[0].line else problems[0].message
        elif problems:
            reason = f"{len(problems):,} records or files could not be read"
        else:
            reason = "no paper files were found there"
        return (f"  No papers in {where}: {reason}.\n"
                "  papertray stats PATH lists every problem; papertray PATH opens another "
                "file or folder.")
    if filters and all_papers:
        return f"  Nothing in {filters} matches.\n  f goes to the filters: space unselects one."
    if filters:
        return f"  Nothing in {filters} matches.\n  a shows All papers; f goes to the filters."
    return "  No papers match.\n  esc clears the search."


def loading_status(step: LoadStep) -> str:
    """Opening progress for the title bar: ``Reading 40%``."""
    return f"{PHASE_NAMES[step.phase]} {step.fraction:.0%}"


def loading_message(step: LoadStep, store_label: str) -> str:
    """What the list says while it has no papers to show yet: ``Reading papers.jsonl… 40%``,
    then ``Indexing 20,000 of 100,000 papers…``."""
    if step.phase == "indexing":
        return f"Indexing {step.done:,} of {step.total:,} papers…"
    return f"{PHASE_NAMES[step.phase]} {store_label}… {step.fraction:.0%}"


def selection_label(count: int, *, marked: bool) -> str:
    """The papers an action applies to: ``3 marked papers`` or ``1,024 papers in view``."""
    return f"{count:,} marked papers" if marked else f"{count:,} papers in view"
