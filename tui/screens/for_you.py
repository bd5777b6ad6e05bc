"""The for-you order in the reader (MainScreen's for-you half): learning from each key in a
worker, re-sorting when the model has learned (keeping the paper under the cursor), the
reason in the detail pane, the inbox opening in for-you order once there are enough
decisions, and the key that lists papers like the current one.

The model itself is :class:`tui.interest.ForYou`; nothing here waits for it: the list
keeps the last order until the new one is ready.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from textual import work

from tui.interest import ForYou
from tui.model import Paper
from tui.widgets.text import one_line

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["ForYouOrder"]

log = logging.getLogger(__name__)

_REASONS_KEPT = 64
"""Reasons remembered per model (the papers a person moves over)."""


class ForYouOrder:
    """Mixin for MainScreen: the for-you sort order and similar papers."""

    for_you: ForYou | None = None
    """The person's model over the current engine, once there is an engine."""
    sort_chosen: bool = False
    """The person picked a sort order this session: the inbox no longer switches by itself."""
    _reasons: OrderedDict[str, str]
    _learned = 0
    _sort_before_similar: str | None = None
    """The order in force before ``m`` listed similar papers (most alike first)."""

    def start_for_you(self: "MainScreen", engine: Any) -> None:
        """A new engine: learn the person's decisions over its store, from scratch."""
        self.for_you = ForYou(engine)
        self._reasons = OrderedDict()
        self.learn_interest(None)

    def learn_interest(self: "MainScreen", keys: tuple[str, ...] | None) -> None:
        """Learn what changed (``keys``; None: everything) in a worker; the list re-sorts
        when it is done, if it is in for-you order."""
        if self.for_you is not None:
            self._learn(self.for_you, self.userdata.annotations(), keys)

    @work(thread=True, group="for-you", exit_on_error=False)
    def _learn(self: "MainScreen", for_you: ForYou, annotations: Any,
               keys: tuple[str, ...] | None) -> None:
        # Not exclusive: every change must be learned, and each takes milliseconds.
        try:
            changed = for_you.learn(annotations, keys)
        except Exception:  # the reader goes on in its other orders
            log.exception("learning the for-you order failed")
            return
        self.app.call_from_thread(self._interest_learned, for_you, changed)

    def _interest_learned(self: "MainScreen", for_you: ForYou, changed: bool) -> None:
        if for_you is not self.for_you:
            return  # a newer store replaced this model
        if changed or not self._learned:
            self._learned += 1
            self._reasons.clear()
        current = self.paper_list.current
        if (for_you.enough and self.sort == "relevance" and not self.sort_chosen
                and self.settings_for_you() and self.filter_pane.view == "inbox"):
            self.sort = "for-you"
            self.app.notify("The inbox is sorted for you: by what you star, read and skip. "
                            "O changes the order.", markup=False)
            if self.paper_list.cursor == 0:
                current = None  # not moved yet: start at the top of the new order
        elif not changed:
            return
        if self.sort == "for-you":
            self.start_search(keep_key=current.key if current else None)

    def settings_for_you(self: "MainScreen") -> bool:
        """The ``for_you`` setting (True when the settings do not say)."""
        return bool(getattr(self.settings, "for_you", True))

    def for_you_scores(self: "MainScreen") -> Any:
        """The scores the search sorts by in for-you order (None until learned)."""
        return self.for_you.scores() if self.for_you is not None else None

    # -- the reason in the detail pane -------------------------------------------------------
    def reason_of(self: "MainScreen", paper: Paper | None) -> str | None:
        """Why ``paper`` ranks where it does, when the view is in for-you order: the
        remembered reason, else "…" while a worker works it out."""
        if paper is None or self.sort != "for-you" or self.for_you is None:
            return None
        if not self.for_you.ready:
            return "learning from your decisions…"
        known = self._reasons.get(paper.key)
        if known is None:
            self._explain(self.for_you, paper, self._learned)
            return "…"
        return known

    @work(thread=True, exclusive=True, group="why", exit_on_error=False)
    def _explain(self: "MainScreen", for_you: ForYou, paper: Paper, learned: int) -> None:
        reason = for_you.why(paper)
        text = reason.text if reason is not None else "nothing chosen or skipped yet"
        self.app.call_from_thread(self._explained, paper.key, text, learned)

    def _explained(self: "MainScreen", key: str, text: str, learned: int) -> None:
        if learned != self._learned:
            return  # the model learned more since: this reason is stale
        self._reasons[key] = text
        while len(self._reasons) > _REASONS_KEPT:
            self._reasons.popitem(last=False)
        current = self.paper_list.current
        if current is not None and current.key == key:
            self.show_detail(current)

    # -- similar papers ---------------------------------------------------------------------
    def action_similar(self: "MainScreen") -> None:
        """List the papers most like the one under the cursor, most alike first."""
        paper = self.paper_list.current
        if paper is None:
            return
        if self.sort != "relevance":
            self._sort_before_similar = self._sort_before_similar or self.sort
            self.sort = "relevance"  # most alike first
        self.search_bar.value = f"similar:{paper.key}"
        self.app.notify(f"Papers like “{one_line(paper.title, 60)}” · esc goes back", markup=False)

    def leave_similar(self: "MainScreen") -> None:
        """Once the query no longer asks for similar papers, the order the person had
        before ``m`` is back (the inbox in for-you order stays so)."""
        previous = self._sort_before_similar
        if previous is not None and "similar:" not in self.search_bar.value:
            if self.sort == "relevance":  # else the person picked an order meanwhile: theirs
                self.sort = previous
            self._sort_before_similar = None
