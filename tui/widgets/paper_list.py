"""The paper list: a virtual list that renders only the rows on screen.

It uses Textual's Line API (``ScrollView`` + ``render_line``): a million results cost
nothing until a row scrolls into view, and only then is its ``Hit`` (with the matched
character spans) fetched from the ResultSet. DataTable and ListView build a widget or a
row object per paper and take seconds to minutes at that size.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from dataclasses import dataclass
from typing import Callable, Protocol

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model import UNTITLED, Annotation, Hit, Paper
from tui.widgets.text import ELLIPSIS, component_text_style, highlighted, one_line, shorten

__all__ = ["PaperList", "Results", "STATE_GLYPHS", "ROW_LEGEND"]

STATE_GLYPHS = {"inbox": " ", "later": "◷", "read": "✓", "skipped": "✗"}
"""One-cell marks for a paper's triage state; the inbox is blank so new papers stand out."""
MARK_GLYPH = "▌"
STAR_GLYPH = "★"

ROW_LEGEND: tuple[tuple[str, str], ...] = (
    (MARK_GLYPH, "marked (space): the next key acts on every marked paper"),
    (STAR_GLYPH, "starred"),
    *((glyph, {"later": "queued for later", "read": "read",
               "skipped": "skipped"}[state]) for state, glyph in STATE_GLYPHS.items()
      if glyph.strip()),
    ("#tag", "your tags, after the title"),
    ("dim", "read or skipped: stays in view until ctrl+r refreshes it"),
    (ELLIPSIS, "the title goes on (the detail shows it whole)"),
)
"""What each mark a row can draw means (help's legend is made from this)."""


class Results(Protocol):
    """What the list needs from a search result (the engine's ResultSet fits)."""

    def __len__(self) -> int: ...
    def hit(self, rank: int) -> Hit: ...


@dataclass(frozen=True)
class _Columns:
    """Cell widths of one row layout, worked out once per width."""

    title: int
    author: int
    year: int


def _columns(width: int, paper: Paper) -> _Columns:
    # 5 cells of gutter: mark, star, space, state, space. Author and year give way first
    # on narrow terminals because the title is what a person scans; a paper without an
    # author or a year lends those cells to its title.
    year = 5 if width >= 40 and paper.year else 0
    # From 44 cells (the list beside both panes at 120 columns, scrollbar and all) a
    # surname fits.
    author = min(22, max(15, width // 5)) if width >= 44 and paper.authors else 0
    return _Columns(title=max(8, width - 5 - year - author), author=author, year=year)


def _held_while_empty(action: Callable[["PaperList"], None]) -> Callable[["PaperList"], None]:
    """A move pressed before the first papers are shown is offered to ``hold_key`` (the
    screen keeps it with the paper keys, in order), so ``j j j s`` typed as the reader
    opens stars the fourth paper, not the first."""

    def run(self: "PaperList") -> None:
        if not len(self) and self.hold_key(lambda: run(self)):
            return
        action(self)

    run.__doc__ = action.__doc__
    run.__name__ = action.__name__
    return run


class PaperList(ScrollView, can_focus=True):
    """The ranked papers of the current view, one row each, with a cursor and marks."""

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--star",
        "paper-list--mark",
        "paper-list--author",
        "paper-list--year",
        "paper-list--tag",
        "paper-list--state",
        "paper-list--done",
        "paper-list--empty",
    }

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down",
                tooltip="Move to the next paper"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up",
                tooltip="Move to the previous paper"),
        Binding("g,home", "cursor_first", "Top", show=False, id="list.top",
                tooltip="Jump to the first paper"),
        Binding("G,end", "cursor_last", "Bottom", show=False, id="list.bottom",
                tooltip="Jump to the last paper"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page-down",
                tooltip="Move down one screen"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page-up",
                tooltip="Move up one screen"),
        Binding("enter", "select", "Open", show=False, id="list.open",
                tooltip="Read the paper: move to the detail pane"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Rank of the highlighted paper within the results."""

    empty_message: reactive[str] = reactive("Loading papers…", init=False)
    """What the list says when there is nothing to show."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another paper (or onto nothing: ``paper`` is None)."""

        paper_list: "PaperList"
        paper: Paper | None

        @property
        def control(self) -> "PaperList":
            return self.paper_list

    @dataclass
    class Selected(Message):
        """The person chose to read the highlighted paper (enter or double click)."""

        paper_list: "PaperList"

        @property
        def control(self) -> "PaperList":
            return self.paper_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._results: Results | None = None
        self._hits: LRUCache[int, Hit] = LRUCache(1024)
        self._strips: LRUCache[tuple[int, int, bool], Strip] = LRUCache(512)
        self._styles: dict[str, Style] = {}
        """Styles of the list and its parts, worked out once until the styles change
        (asking Textual each row cost a third of drawing the list)."""
        self._annotation: Callable[[str], Annotation | None] = lambda key: None
        self.marked: set[str] = set()
        """Stable keys of the papers marked with space for a bulk action."""
        self.hold_key: Callable[[Callable[[], None]], bool] = lambda key: False
        """Offered a move pressed while there are no papers yet; True when it was kept
        to be carried out once there are."""

    def watch_empty_message(self) -> None:
        """Show a new message (indexing progress, no matches) when the list is empty."""
        if not len(self):
            self.refresh()

    # -- data in ----------------------------------------------------------------------
    def set_annotation_lookup(self, lookup: Callable[[str], Annotation | None]) -> None:
        """Tell the list how to find a paper's star, tags and state for its row."""
        self._annotation = lookup
        self.refresh_rows()

    def show(self, results: Results | None, cursor: int = 0) -> None:
        """Show new results with the cursor on ``cursor`` (clamped)."""
        self._results = results
        self._hits.clear()
        self._strips.clear()
        count = len(results) if results is not None else 0
        self.virtual_size = Size(self.scrollable_content_region.width, count)
        target = max(0, min(cursor, count - 1))
        self.scroll_to(y=max(0, target - self.scrollable_content_region.height // 3),
                       animate=False, immediate=True)
        self.cursor = target
        self.refresh()

    def refresh_rows(self) -> None:
        """Re-render every row (stars, tags or marks changed)."""
        self._strips.clear()
        self.refresh()

    def __len__(self) -> int:
        return len(self._results) if self._results is not None else 0

    @property
    def current(self) -> Paper | None:
        """The paper under the cursor, if any."""
        return self.paper_at(self.cursor)

    def paper_at(self, rank: int) -> Paper | None:
        """The paper at ``rank``, or None when out of range."""
        hit = self.hit_at(rank)
        return hit.paper if hit is not None else None

    def hit_at(self, rank: int) -> Hit | None:
        """The search hit at ``rank`` (fetched lazily and cached), or None."""
        if self._results is None or not 0 <= rank < len(self._results):
            return None
        hit = self._hits.get(rank)
        if hit is None:
            hit = self._results.hit(rank)
            self._hits[rank] = hit
        return hit

    def toggle_mark(self, key: str) -> None:
        """Mark or unmark one paper for a bulk action."""
        self.marked.symmetric_difference_update({key})
        self.refresh_rows()
        self.refresh_bindings()  # the footer offers "esc Clear marks" only while marked

    def rekey_marks(self, moves: Mapping[str, str]) -> None:
        """Marked papers that have new keys after their files were read again stay marked."""
        if moved := {key for key in self.marked if key in moves}:
            self.marked = (self.marked - moved) | {moves[key] for key in moved}
            self.refresh()

    def clear_marks(self) -> None:
        """Forget every mark."""
        if self.marked:
            self.marked.clear()
            self.refresh_rows()
            self.refresh_bindings()

    # -- cursor -------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_rank(old)
        self._refresh_rank(new)
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif height and new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.post_message(self.Highlighted(self, self.paper_at(new)))

    def _refresh_rank(self, rank: int) -> None:
        for cursor_flag in (True, False):
            self._strips.discard((rank, self._row_width, cursor_flag))
        self.refresh_line(rank)

    def move_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows, stopping at either end."""
        if len(self):
            self.cursor = max(0, min(len(self) - 1, self.cursor + delta))

    @_held_while_empty
    def action_cursor_down(self) -> None:
        """Move to the next paper."""
        self.move_cursor(1)

    @_held_while_empty
    def action_cursor_up(self) -> None:
        """Move to the previous paper."""
        self.move_cursor(-1)

    @_held_while_empty
    def action_cursor_first(self) -> None:
        """Jump to the first paper."""
        self.move_cursor(-len(self))

    @_held_while_empty
    def action_cursor_last(self) -> None:
        """Jump to the last paper."""
        self.move_cursor(len(self))

    @_held_while_empty
    def action_page_down(self) -> None:
        """Move down one screen."""
        self.move_cursor(max(1, self.scrollable_content_region.height - 1))

    @_held_while_empty
    def action_page_up(self) -> None:
        """Move up one screen."""
        self.move_cursor(-max(1, self.scrollable_content_region.height - 1))

    @_held_while_empty
    def action_select(self) -> None:
        """Read the highlighted paper."""
        if self.current is not None:
            self.post_message(self.Selected(self))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row; a double click opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        rank = round(self.scroll_y) + offset.y
        if 0 <= rank < len(self):
            self.focus()
            self.cursor = rank
            if event.chain >= 2:
                self.action_select()

    # -- rendering ----------------------------------------------------------------------
    @property
    def _row_width(self) -> int:
        return self.scrollable_content_region.width

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self._row_width, len(self))

    def on_focus(self) -> None:
        self._strips.clear()
        self._styles.clear()  # the cursor row looks different in a focused list
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self._styles.clear()
        self.refresh()

    def _empty_lines(self, width: int) -> list[str]:
        """The empty list's message wrapped to ``width`` (never cut: its second half is
        often the reason), each line keeping its own indent."""
        lines = []
        for line in self.empty_message.splitlines():
            indent = line[:len(line) - len(line.lstrip())]
            lines += textwrap.wrap(one_line(line.strip()), max(8, width), initial_indent=indent,
                                   subsequent_indent=indent) or [""]
        return lines

    def render_line(self, y: int) -> Strip:
        """Render the row on screen line ``y`` (only visible rows are ever asked for)."""
        rank = round(self.scroll_y) + y
        width = self._row_width
        base = self._style("")
        if not len(self):
            lines = self._empty_lines(width - 2)
            if 1 <= y <= len(lines):  # a line of space above, then the message
                text = Text(lines[y - 1], end="")
                text.stylize(self.get_component_rich_style("paper-list--empty"))
                return Strip(text.render(self.app.console, "")).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if rank >= len(self):
            return Strip.blank(width, base)
        is_cursor = rank == self.cursor
        cache_key = (rank, width, is_cursor)
        strip = self._strips.get(cache_key)
        if strip is None:
            strip = self._render_row(rank, width, is_cursor)
            self._strips[cache_key] = strip
        return strip

    def _render_row(self, rank: int, width: int, is_cursor: bool) -> Strip:
        hit = self.hit_at(rank)
        assert hit is not None
        paper = hit.paper
        note = self._annotation(paper.key) or Annotation(paper.key)

        style = self._part_style
        base = self._style("") + (self._style("paper-list--cursor") if is_cursor else Style())
        if note.state in ("read", "skipped"):
            base += style("paper-list--done")
        cols = _columns(width, paper)
        row = Text(style=base, no_wrap=True, end="")
        marked = paper.key in self.marked
        row.append(MARK_GLYPH if marked else " ", style("paper-list--mark") if marked else "")
        row.append(STAR_GLYPH if note.starred else " ", style("paper-list--star"))
        row.append(" ")
        row.append(STATE_GLYPHS.get(note.state, " "), style("paper-list--state"))
        row.append(" ")
        row.append_text(self._title_cell(hit, note, cols.title))
        if cols.author:
            more = f" +{len(paper.authors) - 1}" if len(paper.authors) > 1 else ""
            family = one_line(paper.first_author, 80).split(" ")[-1]  # scanning is by surname
            author = shorten(family, cols.author - 2 - len(more))
            row.append(" " + (author + more).ljust(cols.author - 1), style("paper-list--author"))
        if cols.year:
            row.append(f"{paper.year:>5}", style("paper-list--year"))
        row.truncate(width, pad=True)
        return Strip(row.render(self.app.console, ""), width)

    def _style(self, name: str) -> Style:
        """The list's own style (``name`` empty) or one of its component classes."""
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name)
            self._styles[name] = style
        return style

    def _part_style(self, name: str) -> Style:
        key = f"text:{name}"
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = component_text_style(self, name)
        return style

    def _title_cell(self, hit: Hit, note: Annotation, width: int) -> Text:
        """Title with matches highlighted, then the person's tags, in ``width`` cells."""
        tags = " ".join(f"#{one_line(tag, 40)}" for tag in note.tags)
        tags = shorten(tags, max(0, width // 3)) if tags else ""
        room = width - (len(tags) + 2 if tags else 0) - 1
        cell = highlighted(hit.paper.title, hit.spans.get("title", ()),
                           self._part_style("paper-list--match"),
                           limit=500) if hit.paper.title else Text(UNTITLED, style="italic")
        if cell.cell_len > room:
            cell.truncate(max(3, room - 1))
            cell.append(ELLIPSIS)
        cell.truncate(max(4, room), pad=True)
        if tags:
            cell.append("  ")
            cell.append(tags, self._part_style("paper-list--tag"))
        cell.truncate(width, pad=True)
        return cell
