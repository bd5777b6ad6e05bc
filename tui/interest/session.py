"""The for-you order while a person reads: one model per store, learning from each change
they make, read by the list whenever it sorts.

The reader calls :meth:`ForYou.learn` from a worker thread after every change (with the
keys that changed, so a profile of 100,000 annotations is not relabelled per key) and
re-sorts when it returns True; meanwhile the list keeps using the last scores, so it
never waits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

import numpy as np

from tui.interest.labels import Decisions, label_of
from tui.interest.model import InterestModel
from tui.interest.reasons import Reason, explain
from tui.model import Annotation, Paper
from tui.search import SearchEngine

__all__ = ["ForYou"]


class ForYou:
    """A person's for-you order over one search engine's store."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self._model: InterestModel | None = None
        self._labels: dict[int, int] = {}
        self._lock = threading.Lock()

    def learn(self, annotations: Mapping[str, Annotation], keys: Iterable[str] | None = None) -> bool:
        """Learn the person's decisions; ``keys`` are the papers changed since the last
        call (None: look at every annotation). True when the order changed."""
        with self._lock:
            store = self.engine.store
            if self._model is None or keys is None:
                labels = dict(Decisions.of(annotations, store.indices_of).labels)
            else:
                labels = dict(self._labels)
                for key in keys:
                    doc = store.index_of(key)
                    if doc is None:
                        continue
                    annotation = annotations.get(key)
                    label = label_of(annotation) if annotation is not None else 0
                    if label:
                        labels[doc] = label
                    else:
                        labels.pop(doc, None)
            model = self._model or InterestModel(self.engine.features.get())
            changed = model.update(labels)
            self._model, self._labels = model, labels
            return changed

    @property
    def ready(self) -> bool:
        """True once the model has learned (possibly nothing)."""
        return self._model is not None

    def counts(self) -> tuple[int, int]:
        """(papers the person chose, papers they skipped) learned so far."""
        return (0, 0) if self._model is None else self._model.counts

    @property
    def enough(self) -> bool:
        """Enough decisions both ways for the inbox to open in for-you order."""
        return Decisions(self._labels).enough

    def scores(self) -> np.ndarray | None:
        """Every paper's for-you score, or None before the first :meth:`learn`."""
        model = self._model
        return None if model is None else model.scores()

    def why(self, paper: Paper) -> Reason | None:
        """Why ``paper`` ranks where it does, or None (no model yet, not in the store)."""
        model = self._model
        doc = self.engine.doc_of(paper.key)
        if model is None or doc is None or not model.labels:
            return None
        return explain(model, doc, paper)
