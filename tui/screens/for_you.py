"""The for-you order for the main screen: the person's interest learned in the background,
the reason a paper ranks where it does, and which order the view takes around ``m``.

Not a screen: a helper the main screen owns. The model itself is
:class:`tui.interest.ForYou`; nothing here waits for it: each change is learned in a
worker, and the screen hears ``on_learned(changed)`` (it re-sorts a for-you view, or lets
the inbox take the for-you order once there are enough decisions) and
``on_explained(key)`` (a reason is ready for the detail pane).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Callable, Mapping

from textual.dom import DOMNode

from tui.model import Annotation, Paper
from tui.settings import Settings
from tui.userdata import UserData

if TYPE_CHECKING:  # the model (and numpy) load with the engine, after the first screen
    import numpy as np
    import numpy.typing as npt

    from tui.interest import ForYou
    from tui.search import SearchEngine, Sort

__all__ = ["ForYouOrder"]

log = logging.getLogger(__name__)

_REASONS_KEPT = 64
"""Reasons remembered per model (the papers a person moves over)."""


class ForYouOrder:
    """The person's model over the current engine, and the order the view is in."""

    def __init__(self, host: DOMNode, userdata: UserData, settings: Settings, *,
                 on_learned: Callable[[bool], object],
                 on_explained: Callable[[str], object]) -> None:
        """``host``: the screen whose workers learn and explain."""
        self._host = host
        self._userdata = userdata
        self._settings = settings
        self._on_learned = on_learned
        self._on_explained = on_explained
        self.model: ForYou | None = None
        """The person's model over the current engine, once there is an engine."""
        self.sort_chosen = False
        """The person picked a sort order this session: the inbox no longer switches by itself."""
        self._before_similar: Sort | None = None
        """The order in force before ``m`` listed similar papers (most alike first)."""
        self._reasons: OrderedDict[str, str] = OrderedDict()
        self._learned = 0

    # -- learning ---------------------------------------------------------------------------
    def start(self, engine: SearchEngine) -> None:
        """A new engine: learn the person's decisions over its store, from scratch."""
        from tui.interest import ForYou  # noqa: PLC0415

        self.model = ForYou(engine)
        self._reasons.clear()
        self.learn(None)

    def learn(self, keys: tuple[str, ...] | None) -> None:
        """Learn what changed (``keys``; None: everything) in a worker."""
        if self.model is not None:
            model, annotations = self.model, self._userdata.annotations()
            # Not exclusive: every change must be learned, and each takes milliseconds.
            self._host.run_worker(lambda: self._learn(model, annotations, keys), thread=True,
                                  group="for-you", exit_on_error=False)

    def _learn(self, model: ForYou, annotations: Mapping[str, Annotation],
               keys: tuple[str, ...] | None) -> None:
        try:
            changed = model.learn(annotations, keys)
        except Exception:  # the reader goes on in its other orders
            log.exception("learning the for-you order failed")
            return
        self._host.app.call_from_thread(self._learned_from, model, changed)

    def _learned_from(self, model: ForYou, changed: bool) -> None:
        if model is not self.model:
            return  # a newer store replaced this model
        if changed or not self._learned:
            self._learned += 1
            self._reasons.clear()
        self._on_learned(changed)

    def scores(self) -> npt.NDArray[np.float64] | None:
        """The scores a for-you search sorts by (None until learned)."""
        return self.model.scores() if self.model is not None else None

    # -- which order ------------------------------------------------------------------------
    def takes_over(self, sort: Sort, view: str) -> bool:
        """Whether the inbox now opens in for-you order by itself: there are enough
        decisions, the person has not picked an order and the settings allow it."""
        return (self.model is not None and self.model.enough and sort == "relevance"
                and not self.sort_chosen and self._settings.for_you and view == "inbox")

    def for_similar(self, sort: Sort) -> Sort:
        """The order for the papers like one (most alike first), remembering ``sort``."""
        if sort != "relevance":
            self._before_similar = self._before_similar or sort
        return "relevance"

    def after_query(self, sort: Sort, query: str) -> Sort:
        """The order once the query changed: the one the person had before ``m`` once the
        query no longer asks for similar papers (unless they picked another meanwhile)."""
        previous = self._before_similar
        if previous is None or "similar:" in query:
            return sort
        self._before_similar = None
        return previous if sort == "relevance" else sort

    # -- the reason in the detail pane ------------------------------------------------------
    def reason_of(self, paper: Paper, sort: Sort) -> str | None:
        """Why ``paper`` ranks where it does in a for-you view: the remembered reason, else
        "…" while a worker works it out."""
        if sort != "for-you" or self.model is None:
            return None
        if not self.model.ready:
            return "learning from your decisions…"
        known = self._reasons.get(paper.key)
        if known is None:
            model, learned = self.model, self._learned
            self._host.run_worker(lambda: self._explain(model, paper, learned), thread=True,
                                  group="why", exclusive=True, exit_on_error=False)
            return "…"
        return known

    def _explain(self, model: ForYou, paper: Paper, learned: int) -> None:
        reason = model.why(paper)
        text = reason.text if reason is not None else "nothing chosen or skipped yet"
        self._host.app.call_from_thread(self._explained, paper.key, text, learned)

    def _explained(self, key: str, text: str, learned: int) -> None:
        if learned != self._learned:
            return  # the model learned more since: this reason is stale
        self._reasons[key] = text
        while len(self._reasons) > _REASONS_KEPT:
            self._reasons.popitem(last=False)
        self._on_explained(key)
