"""Which papers a view holds while a person works in it, and where the others went.

A paper triaged out of the view (``l`` in the inbox) stays in the list until ``ctrl+r``,
so the cursor never jumps under a person's hands; it stays in the view's searches too
(:class:`KeptInView`), or a search typed a moment later would lose it. Plain objects: no
terminal here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator, Mapping

from tui.model import Annotation

__all__ = ["KeptInView", "ViewScope"]


class KeptInView(Mapping[str, Annotation]):
    """The annotations, except that the papers triaged since the view was opened keep the
    state and star they had then: the view's ``is:`` filters still see them where they
    were. Tags and notes are the current ones (a new note is searchable at once)."""

    def __init__(self, current: Mapping[str, Annotation],
                 before: Mapping[str, Annotation | None]) -> None:
        self._current = current
        self._before = before

    def __getitem__(self, key: str) -> Annotation:
        now = self._current.get(key)
        if key not in self._before:
            if now is None:
                raise KeyError(key)
            return now
        old = self._before[key]
        return replace(now or Annotation(key), state=old.state if old else "inbox",
                       starred=old.starred if old else False)

    def __iter__(self) -> Iterator[str]:
        yield from self._current
        yield from (key for key in self._before if key not in self._current)

    def __len__(self) -> int:
        return len(self._current) + sum(key not in self._current for key in self._before)


class ViewScope:
    """The annotations as the view saw them when it was opened, and the papers triaged
    since (they stay in the view until it is refreshed)."""

    def __init__(self) -> None:
        self._opened: Mapping[str, Annotation] = {}
        self._before: dict[str, Annotation | None] = {}
        self._cached: tuple[Mapping[str, Annotation], int, Mapping[str, Annotation]] | None = None

    def reset(self, annotations: Mapping[str, Annotation]) -> None:
        """The view is (re)opened now: only what changes from here on is kept in it."""
        self._opened = annotations
        self._before = {}
        self._cached = None

    def touched(self, keys: Iterable[str]) -> None:
        """The annotations of ``keys`` changed: keep those papers where they were."""
        for key in keys:
            if key not in self._before:
                self._before[key] = self._opened.get(key)

    @property
    def kept(self) -> int:
        """How many papers changed since the view was opened."""
        return len(self._before)

    def annotations(self, current: Mapping[str, Annotation]) -> Mapping[str, Annotation]:
        """What the view's searches filter with: ``current``, or a :class:`KeptInView` of it
        (the same object while nothing changes, so the engine keeps its table)."""
        if not self._before:
            return current
        cached = self._cached
        if cached is not None and cached[0] is current and cached[1] == len(self._before):
            return cached[2]
        kept = KeptInView(current, dict(self._before))
        self._cached = (current, len(self._before), kept)
        return kept
