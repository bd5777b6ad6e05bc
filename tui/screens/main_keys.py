"""The main screen's keys: its bindings, which of them need a paper, and the paper keys
held while the reader opens.

Kept apart from the screen so the key map reads as one table (the help screen, the command
palette and the key documentation are all generated from ``MAIN_BINDINGS``).
"""

from __future__ import annotations

import functools
from typing import Callable, Protocol, TypeVar

from textual.binding import Binding, BindingType

__all__ = ["MAIN_BINDINGS", "PAPER_ACTIONS", "HeldKeys", "needs_paper", "unused_keys_notice"]

MAIN_BINDINGS: list[BindingType] = [
    # Search is not in the footer: the search bar's own "/" says it, and the footer
    # needs the room on 80 columns for the triage keys, help and quit.
    # A priority key, so it takes effect before the keys typed right after it are handed
    # on: they belong in the query, never to the list as triage keys.
    Binding("slash", "focus_search", "Search", show=False, id="search",
            tooltip="Type a query", priority=True),
    Binding("s", "toggle_star", "Star", id="star", tooltip="Star or unstar the paper"),
    Binding("t", "edit_tags", "Tags", id="tags", tooltip="Add or remove tags"),
    Binding("n", "edit_note", "Note", id="note", tooltip="Write a Markdown note"),
    Binding("N", "external_note", "Note in $EDITOR", show=False, id="note-external",
            tooltip="Edit the note in your own editor ($VISUAL or $EDITOR)"),
    Binding("l", "set_state('later')", "Later", id="later",
            tooltip="Queue for later and move on"),
    Binding("r", "set_state('read')", "Read", id="read", tooltip="Mark read and move on"),
    Binding("x", "set_state('skipped')", "Skip", id="skip", tooltip="Skip and move on"),
    Binding("u", "set_state('inbox')", "To inbox", show=False, id="inbox",
            tooltip="Put back in the inbox and move on"),
    Binding("space", "toggle_mark", "Mark", show=False, id="mark",
            tooltip="Mark the paper; the next key applies to every marked paper"),
    Binding("z", "undo", "Undo", id="undo", tooltip="Undo the last change"),
    Binding("Z", "redo", "Redo", show=False, id="redo", tooltip="Redo what was undone"),
    Binding("o", "open_link", "Open", show=False, id="open-link",
            tooltip="Open the paper's PDF (when its record names one here), else its web page"),
    Binding("y", "copy_citation", "Copy…", show=False, id="copy-citation",
            tooltip="Copy BibTeX, \\cite{key}, the DOI or the link (y y: BibTeX)"),
    Binding("e", "export", "Export", show=False, id="export",
            tooltip="Export the papers in view (or the marked ones)"),
    Binding("f", "toggle_filters", "Filters", show=False, id="filters",
            tooltip="Go to the filter pane (f again or esc goes back)"),
    Binding("tab", "app.focus_next", "Next pane", show=False, id="next-pane",
            tooltip="Move to the next pane: search, filters, list, detail"),
    Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="previous-pane",
            tooltip="Move to the previous pane"),
    Binding("a", "widen_view", "All papers", show=False, id="widen",
            tooltip="Show all papers, keeping the query"),
    Binding("O", "cycle_sort", "Sort", show=False, id="sort",
            tooltip="Sort by relevance, date, title, first author, venue, annotated or for you"),
    Binding("R", "reverse_sort", "Reverse", show=False, id="reverse-sort",
            tooltip="Reverse the order"),
    Binding("m", "similar", "Similar", show=False, id="similar",
            tooltip="List the papers most like this one"),
    Binding("ctrl+r", "refresh_view", "Refresh", show=False, id="refresh",
            tooltip="Run the search again, so papers triaged out of the view leave it, "
                    "reading files added to the store or changed since"),
    # In the footer only while papers are marked (MainScreen.check_action hides it else).
    Binding("escape", "clear_marks", "Clear marks", id="clear-marks",
            tooltip="Forget the marks"),
]
"""The main screen's bindings, each with an id so a person can remap it."""

PAPER_ACTIONS = {"toggle_star", "edit_tags", "edit_note", "external_note", "set_state",
                 "toggle_mark", "open_link", "copy_citation", "export", "similar"}
"""Actions that need a paper under the cursor; disabled (dimmed) in an empty view."""


class HeldKeys:
    """Paper keys pressed before the first papers reached the list, carried out on them in
    order as soon as they do (a person reaches for ``s`` as soon as the counts show)."""

    def __init__(self) -> None:
        self.opening = True
        """True until the first papers (or the news that there are none) reach the list."""
        self._held: list[Callable[[], None]] = []

    def offer(self, key: Callable[[], None]) -> bool:
        """Keep ``key`` until the first papers are shown, if they are not yet; True when
        it was kept."""
        if self.opening:
            self._held.append(key)
        return self.opening

    def release(self, in_charge: Callable[[], bool] = lambda: True) -> int:
        """The first papers are shown: carry out the held keys (dropped if the reader
        opened on no papers at all: the list says why). Once one of them opens a dialog
        (``n``, ``t``…), ``in_charge()`` is False and the rest are dropped, never acted on:
        they were typed for the dialog (a note's letters must not triage papers). Returns
        how many were dropped."""
        if not self.opening:
            return 0
        self.opening = False
        held, self._held = self._held, []
        for done, key in enumerate(held, 1):
            key()
            if not in_charge():
                return len(held) - done
        return 0


def unused_keys_notice(dropped: int) -> str:
    """What to tell a person whose ``dropped`` keys were typed for a dialog that opened."""
    return (f"{dropped} key{'s' if dropped != 1 else ''} typed while papertray opened went "
            f"unused: this dialog opened first. Type {'them' if dropped != 1 else 'it'} again.")


class PaperHost(Protocol):
    """What a paper action's screen offers :func:`needs_paper`."""

    held_keys: HeldKeys

    def has_paper(self) -> bool: ...


Action = TypeVar("Action", bound=Callable[..., None])


def needs_paper(action: Action) -> Action:
    """Hold a paper action pressed while the reader opens, instead of dropping it."""

    @functools.wraps(action)
    def run(screen: PaperHost, *args: object) -> None:
        if screen.has_paper() or not screen.held_keys.offer(functools.partial(run, screen, *args)):
            action(screen, *args)

    return run  # type: ignore[return-value]
