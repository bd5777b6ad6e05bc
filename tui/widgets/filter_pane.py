"""The filter pane: views (inbox, starred, ...), tags, years, categories, saved searches.

Choices become query qualifiers (``is:inbox tag:thesis year:2021``) that the main screen
puts in front of the typed query, so the pane and the search bar compose through the one
query language instead of a second filtering path. The pane counts its own years and
categories over the view, in a worker, once typing pauses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Iterable, Mapping

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.model import Annotation
from tui.widgets.text import one_line, shorten

if TYPE_CHECKING:
    from tui.search import SearchEngine

__all__ = ["FilterPane", "VIEWS", "FACETS_DELAY"]

FACETS_DELAY = 0.3
"""Seconds of quiet typing before the year and category counts are redone."""

VIEWS: dict[str, tuple[str, str]] = {
    "inbox": ("Inbox", "is:inbox"),
    "starred": ("Starred", "is:starred"),
    "later": ("Later", "is:later"),
    "read": ("Read", "is:read"),
    "skipped": ("Skipped", "is:skipped"),
    "all": ("All papers", ""),
}
"""View id -> (label, qualifier). Exactly one view is in force at a time."""


@dataclass(frozen=True)
class _Facets:
    """Everything the pane lists besides the views, with counts."""

    tags: tuple[tuple[str, int], ...] = ()
    years: tuple[tuple[str, int], ...] = ()
    categories: tuple[tuple[str, int], ...] = ()
    saved: tuple[tuple[str, str], ...] = ()


class FilterPane(OptionList):
    """Pick a view; toggle tags and categories; pick a year or a saved search."""

    BINDINGS = [
        Binding("space", "select", "Toggle", id="filters.toggle",
                tooltip="Apply or remove the highlighted filter"),
        Binding("j", "cursor_down", "Down", show=False, id="filters.down",
                tooltip="Move to the next filter"),
        Binding("k", "cursor_up", "Up", show=False, id="filters.up",
                tooltip="Move to the previous filter"),
        Binding("escape", "leave", "Back to list", id="filters.back",
                tooltip="Return to the paper list"),
    ]

    @dataclass
    class Changed(Message):
        """The chosen filters changed (:attr:`FilterPane.qualifiers` is their query text)."""

        filter_pane: "FilterPane"

        @property
        def control(self) -> "FilterPane":
            return self.filter_pane

    def __init__(self, *, view: str = "inbox", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view = view if view in VIEWS else "inbox"
        """The view in force (a key of VIEWS)."""
        self.problems = 0
        """Records the store skipped or merged, shown as a Problems row when any."""
        self.chosen: dict[str, str] = {}
        """Option id -> qualifier for every tag, year, category or saved search chosen."""
        self._counts: Mapping[str, int] = {}
        self._facets = _Facets()
        self._shown: list[tuple[str | None, str]] = []
        self._facets_timer: Timer | None = None

    # -- what the pane contributes to the query -----------------------------------------
    @property
    def qualifiers(self) -> str:
        """The query text of the view and every chosen filter."""
        parts = [VIEWS[self.view][1], *self.chosen.values()]
        return " ".join(part for part in parts if part)

    @property
    def facet_qualifiers(self) -> str:
        """The query text without chosen years and categories: their counts are taken
        over this, so choosing 2020 still shows how many papers 2019 would give."""
        parts = [VIEWS[self.view][1]]
        parts += [q for option_id, q in self.chosen.items()
                  if not option_id.startswith(("year:", "cat:"))]
        return " ".join(part for part in parts if part)

    @property
    def summary(self) -> str:
        """A short human description for the search bar ("Inbox · #thesis · 2021")."""
        parts = [VIEWS[self.view][0]]
        parts += [option_id.split(":", 1)[1] if not option_id.startswith("tag:")
                  else "#" + option_id[4:] for option_id in self.chosen]
        return " · ".join(parts)

    def choose_view(self, view: str) -> None:
        """Put ``view`` in force and tell the screen."""
        self.view = view
        self._changed()

    def choose_saved(self, name: str, query: str) -> None:
        """Apply a saved search in place of any other saved search."""
        for option_id in [o for o in self.chosen if o.startswith("saved:")]:
            del self.chosen[option_id]
        self.chosen[f"saved:{name}"] = query
        self._changed()

    def _changed(self) -> None:
        self._rebuild()
        self.post_message(self.Changed(self))

    # -- counts in --------------------------------------------------------------------
    def update_counts(self, *, counts: Mapping[str, int] | None = None,
                      tags: Iterable[tuple[str, int]] | None = None,
                      years: Iterable[tuple[str, int]] | None = None,
                      categories: Iterable[tuple[str, int]] | None = None,
                      saved: Mapping[str, str] | None = None) -> None:
        """Refresh the counts shown; arguments left out keep their previous values."""
        if counts is not None:
            self._counts = dict(counts)
        facets = self._facets
        self._facets = _Facets(
            tags=tuple(tags) if tags is not None else facets.tags,
            years=tuple(years) if years is not None else facets.years,
            categories=tuple(categories) if categories is not None else facets.categories,
            saved=tuple(saved.items()) if saved is not None else facets.saved,
        )
        self._rebuild()

    def recount_facets_soon(self, engine: SearchEngine, typed: str,
                            annotations: Mapping[str, Annotation]) -> None:
        """Recount years and categories for the view and ``typed`` once typing pauses
        (the first time at once): recounting on every key would compete with the search
        itself for the CPU."""
        if self._facets_timer is None:
            self.recount_facets(engine, typed, annotations)
        else:
            self._facets_timer.stop()
        self._facets_timer = self.set_timer(
            FACETS_DELAY, partial(self.recount_facets, engine, typed, annotations))

    def recount_facets(self, engine: SearchEngine, typed: str,
                       annotations: Mapping[str, Annotation]) -> None:
        """Recount years and categories for the view and ``typed`` now, in a worker.
        Chosen years and categories are left out of the query (see facet_qualifiers)."""
        query = " ".join(part for part in (self.facet_qualifiers, typed) if part)
        self._count_facets(engine, query, annotations)

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _count_facets(self, engine: SearchEngine, query: str,
                      annotations: Mapping[str, Annotation]) -> None:
        result = engine.run(query, annotations=annotations)
        years = engine.facets(result, "year", limit=30)
        categories = engine.facets(result, "category", limit=30)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.update_counts, years=years, categories=categories)

    def on_resize(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        options = list(self._build_options())
        shown = [(option.id, str(option.prompt)) for option in options]
        if shown == self._shown:
            return  # same rows: replacing them would cost a layout for nothing
        self._shown = shown
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self.set_options(options)
        ids = [option.id for option in options]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif self.highlighted is None:
            self.highlighted = 1

    def _build_options(self) -> Iterable[Option]:
        yield self._heading("Views")
        for view, (label, _) in VIEWS.items():
            count = self._counts.get(view, self._counts.get("total") if view == "all" else None)
            yield self._row(f"view:{view}", label, count, chosen=view == self.view, radio=True)
        saved: tuple[tuple[str, int | None], ...] = tuple((n, None) for n, _ in self._facets.saved)
        sections = (("Saved searches", "saved", saved),
                    ("Tags", "tag", self._facets.tags),
                    ("Years", "year", self._facets.years),
                    ("Categories", "cat", self._facets.categories))
        if self.problems:
            yield self._heading("Store")
            yield self._row("problems:", "Problems", self.problems, chosen=False)
        for title, kind, items in sections:
            if not items:
                continue
            yield self._heading(title)
            seen: set[str] = set()
            for value, count in items:
                option_id = f"{kind}:{value}"
                if option_id in seen:
                    continue  # one row per value, whatever the caller passed twice
                seen.add(option_id)
                label = f"#{value}" if kind == "tag" else value
                yield self._row(option_id, label, count, chosen=option_id in self.chosen)

    def _heading(self, title: str) -> Option:
        return Option(Text(title.upper(), style="bold", end=""), id=f"heading:{title}",
                      disabled=True)

    def _row(self, option_id: str, label: str, count: int | None, *, chosen: bool,
             radio: bool = False) -> Option:
        width = max(12, self.scrollable_content_region.width or 26)
        mark = ("●" if chosen else "○") if radio else ("✓" if chosen else " ")
        number = "" if count is None else f"{count:,}"  # as the header writes it
        room = width - len(number) - 4
        text = Text(end="", no_wrap=True)
        text.append(mark + " ", style="bold" if chosen else "")
        text.append(shorten(one_line(label, 200), room).ljust(room), "bold" if chosen else "")
        text.append(" " + number, style="dim")
        return Option(text, id=option_id)

    # -- choosing ---------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Apply the chosen option: views are exclusive, years and saved searches too."""
        event.stop()
        option_id = event.option.id or ""
        kind, _, value = option_id.partition(":")
        if kind == "problems":
            self.post_message(self.ProblemsChosen())
            return
        if kind == "view":
            self.view = value
        elif option_id in self.chosen:
            del self.chosen[option_id]
        else:
            if kind in ("year", "saved"):
                for other in [o for o in self.chosen if o.startswith(kind + ":")]:
                    del self.chosen[other]
            saved = dict(self._facets.saved)
            self.chosen[option_id] = saved.get(value, "") if kind == "saved" else (
                f"{kind}:{value}")
        self._changed()

    def show_problems(self, count: int) -> None:
        """How many records the store skipped or merged (0: no Problems row)."""
        self.problems = count
        self._rebuild()

    @dataclass
    class ProblemsChosen(Message):
        """The person asked for the store's skipped and merged records."""

    @dataclass
    class Left(Message):
        """The person is done with the filters (escape)."""

    def action_leave(self) -> None:
        """Return to the paper list."""
        self.post_message(self.Left())
