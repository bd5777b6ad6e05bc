"""The detail pane: everything about one paper and what the person wrote about it.

Paper fields are built as rich Text from plain strings (never markup) by ``tui.widgets.text``;
only the person's own note is rendered as Markdown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Mapping

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.model import UNTITLED, Annotation, Paper, Span
from tui.widgets.text import component_text_style, highlighted, multi_line, one_line

if TYPE_CHECKING:
    from textual.widgets import Markdown

__all__ = ["PaperDetail", "shown_part", "Spans", "TITLE_LIMIT", "AUTHORS_LIMIT", "ABSTRACT_LIMIT"]

TITLE_LIMIT = 2_000
"""Characters of a title shown; the rest of a (hostile) giant title is cut."""
AUTHORS_LIMIT = 100
"""Authors shown; a paper with thousands (a physics collaboration) lists the first 100."""
ABSTRACT_LIMIT = 20_000
"""Characters of an abstract shown, pages and pages of it."""

Spans = Mapping[str, tuple[Span, ...]]
"""Matched character ranges per field ("title", "authors", "abstract")."""

SAFE_LINK_SCHEMES = ("http://", "https://")
"""Links in a note that a click may open; anything else (file:, javascript:) is ignored."""


def shown_part(paper: Paper) -> Paper:
    """``paper`` cut to what the detail pane can show, so highlighting a 10 MB abstract
    costs no more than highlighting the part on screen (the spans there are the same)."""
    if (len(paper.title) <= TITLE_LIMIT and len(paper.abstract) <= ABSTRACT_LIMIT
            and len(paper.authors) <= AUTHORS_LIMIT
            and sum(map(len, paper.authors)) <= AUTHORS_LIMIT * 40):
        return paper
    return replace(paper, title=paper.title[: TITLE_LIMIT + 1],
                   abstract=paper.abstract[: ABSTRACT_LIMIT + 1],
                   authors=tuple(name[:200] for name in paper.authors[:AUTHORS_LIMIT]))


class PaperDetail(VerticalScroll, can_focus=True):
    """Title, authors, venue, identifiers, abstract, tags, state and note of one paper."""

    COMPONENT_CLASSES = {"paper-detail--match"}

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down",
                tooltip="Scroll the paper down a line"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up",
                tooltip="Scroll the paper up a line"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail.top",
                tooltip="Scroll to the title"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail.bottom",
                tooltip="Scroll to the note"),
        Binding("escape", "back", "Back to list", id="detail.back",
                tooltip="Return to the paper list"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.paper: Paper | None = None
        """The paper shown, or None."""
        self._annotation: Callable[[str], Annotation | None] = lambda key: None
        self._matches: Callable[[Paper], Spans] = lambda paper: {}
        self._reason: Callable[[Paper], str | None] = lambda paper: None
        self._draft: Callable[[str], str | None] = lambda key: None
        self._pending: Paper | None = None
        """A paper to show once the screen has been painted (see follow)."""
        self._drawn: tuple[object, ...] | None = None
        """What the shown details were drawn from (see ``show``)."""

    def on_mount(self) -> None:
        # The matches' colour is drawn into the text: a new theme draws the paper anew.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)

    def _redraw(self) -> None:
        if self._pending is None:
            self.follow(self.paper)

    def compose(self) -> ComposeResult:
        yield Static(Text("No paper selected"), id="detail-head")
        yield Static(Text(""), id="detail-abstract")
        yield Static(Text("Note"), id="detail-note-label", classes="section-label")
        # The note's Markdown widget is mounted with the first note shown: Textual's
        # Markdown brings a parser and a dozen widgets, a tenth of a second of every start.

    def set_sources(self, annotation: Callable[[str], Annotation | None],
                    matches: Callable[[Paper], Spans],
                    reason: Callable[[Paper], str | None],
                    draft: Callable[[str], str | None] | None = None) -> None:
        """Tell the pane where a paper's annotation, its query matches, the reason it
        ranks where it does (for-you order) and an unsaved note draft come from."""
        self._annotation = annotation
        self._matches = matches
        self._reason = reason
        if draft is not None:
            self._draft = draft

    def follow(self, paper: Paper | None, *, after_paint: bool = False) -> None:
        """Show ``paper`` (the one under the list's cursor) with its annotation, matches
        and reason. With ``after_paint``, only once the screen has been painted: new results
        while typing never wait for a long abstract to be laid out."""
        if after_paint and paper is not None:
            self._pending = paper
            self.call_after_refresh(self._show_pending)
        elif paper is None:
            self._pending = None
            self.show(None)
        else:
            self._pending = None
            self.show(paper, self._annotation(paper.key), self._matches(shown_part(paper)),
                      reason=self._reason(paper), draft=self._draft(paper.key))

    def _show_pending(self) -> None:
        if self._pending is not None:
            self.follow(self._pending)

    def show(self, paper: Paper | None, annotation: Annotation | None = None,
             spans: Spans | None = None, *, reason: str | None = None,
             draft: str | None = None) -> None:
        """Show ``paper`` with the person's ``annotation``; ``spans`` mark query matches;
        ``reason`` says why it ranks where it does in the for-you order; ``draft``, an
        unsaved note draft, is shown in place of the note and called one.

        Drawn again only when one of these or the theme's match colour changed: the list,
        the first screen and the for-you order all ask for the paper under the cursor, and
        laying out a long abstract is the slowest part of a key press. (The width is not
        among them: the text is wrapped when painted.)"""
        spans = spans or {}
        drawn = (paper, annotation, spans, reason, draft,
                 self._match_style() if paper is not None else None)
        if (self._drawn is not None and self._drawn[0] is paper  # the same object: not
                and self._drawn[1:] == drawn[1:]):                # a re-read, edited paper
            return
        self._drawn = drawn
        previous = self.paper
        self.paper = paper
        head = self.query_one("#detail-head", Static)
        abstract = self.query_one("#detail-abstract", Static)
        note = self._note_widget()
        self.set_class(paper is None, "-empty")
        abstract.display = paper is not None
        if note is not None:
            note.display = paper is not None
        if paper is None:
            head.update(Text("No paper selected", style="italic"))
            self.query_one("#detail-note-label").display = False
            return
        annotation = annotation or Annotation(paper.key)
        head.update(self._head(paper, annotation, spans, reason, draft is not None))
        abstract.update(self._abstract(paper, spans))
        shown = _emphasised(annotation.note, spans.get("note", ())) if draft is None else draft
        note_text = multi_line(shown) if shown else ""
        label = self.query_one("#detail-note-label", Static)
        label.update(Text("Note" if draft is None else "Note · unsaved draft (n reopens it)"))
        label.display = bool(note_text) or draft is not None
        if note is not None:
            note.update(note_text)
        elif note_text:
            self._mount_note(note_text)
        if previous is None or previous.key != paper.key:
            self.scroll_home(animate=False, immediate=True)

    def _note_widget(self) -> Markdown | None:
        """The note's Markdown widget, once a note has been shown."""
        found = self.query("#detail-note")
        return found.first() if found else None  # type: ignore[return-value]

    def _mount_note(self, text: str) -> None:
        from textual.widgets import Markdown  # noqa: PLC0415 - on the first note only

        self.mount(Markdown(text, id="detail-note", open_links=False),
                   after=self.query_one("#detail-note-label"))

    def _head(self, paper: Paper, note: Annotation, spans: Mapping[str, tuple[Span, ...]],
              reason: str | None, drafted: bool = False) -> Text:
        match_style = self._match_style()
        text = Text(end="")
        if paper.title:
            text.append_text(highlighted(paper.title, spans.get("title", ()), match_style,
                                         base="bold", limit=TITLE_LIMIT))
        else:
            text.append(UNTITLED, style="bold italic")
        if paper.authors:
            text.append("\n")
            text.append_text(highlighted(paper.authors_text, spans.get("authors", ()),
                                         match_style, limit=AUTHORS_LIMIT * 40))
        when = one_line(paper.date, 20) or str(paper.year or "")
        where = " · ".join(part for part in (one_line(paper.venue, 300), when) if part)
        if where:
            text.append("\n")
            text.append(where, style="italic")
        text.append("\n\n")
        self._facts(text, paper, note, reason, drafted)
        return text

    def _facts(self, text: Text, paper: Paper, note: Annotation, reason: str | None,
               drafted: bool = False) -> None:
        rows: list[tuple[str, str]] = []
        if paper.citekey:
            rows.append(("Citekey", one_line(paper.citekey, 200)))
        if paper.arxiv:
            rows.append(("arXiv", one_line(paper.arxiv, 60)))
        if paper.doi:
            rows.append(("DOI", one_line(paper.doi, 200)))
        if paper.url:  # links derived from the arXiv id or DOI would only repeat them
            rows.append(("Link", one_line(paper.url, 500)))
        if paper.categories:
            rows.append(("Categories", one_line(", ".join(paper.categories), 500)))
        state = note.state + (" · ★ starred" if note.starred else "")
        rows.append(("State", state))
        rows.append(("Tags", one_line(" ".join(f"#{tag}" for tag in note.tags), 1000)
                     or "none yet · t adds some"))
        if drafted:  # said at the top: the note itself may be below a long abstract
            rows.append(("Note", "unsaved draft · n reopens it"))
        if reason is not None:
            rows.append(("For you", one_line(reason, 1000)))
        for number, (label, value) in enumerate(rows):
            text.append("\n" if number else "")
            text.append(f"{label:<11}", style="bold")
            text.append(value)

    def _abstract(self, paper: Paper, spans: Mapping[str, tuple[Span, ...]]) -> Text:
        if not paper.abstract:
            return Text("No abstract.", style="italic", end="")
        return highlighted(paper.abstract, spans.get("abstract", ()), self._match_style(),
                           multiline=True, limit=ABSTRACT_LIMIT)

    def _match_style(self) -> Style:
        return component_text_style(self, "paper-detail--match")

    def action_back(self) -> None:
        """Return to the paper list."""
        self.screen.query_one("#paper-list").focus()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Open web links in a note; other schemes could run local things, so they don't."""
        event.stop()
        if event.href.lower().startswith(SAFE_LINK_SCHEMES):
            self.app.open_url(event.href)


def _emphasised(note: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The note's Markdown with the query's matches in bold, except on lines where bold
    could change the meaning (code, or emphasis already there)."""
    if not spans:
        return note
    pieces, last = [], 0
    for start, end in spans:
        line_start = note.rfind("\n", 0, start) + 1
        line_end = note.find("\n", end)
        line = note[line_start:line_end if line_end >= 0 else len(note)]
        if "`" in line or "*" in line or "_" in line or line.startswith(("    ", "\t")):
            continue
        pieces += [note[last:start], "**", note[start:end], "**"]
        last = end
    return "".join(pieces) + note[last:]
