"""Turning paper data into terminal-safe rich Text, never markup.

Every widget that shows a title, an author, an abstract, a tag or a note builds its text
here, so there is one place that decides how hostile input is neutralised:

* text is only ever appended to ``rich.text.Text`` as plain strings, so ``[bold]``,
  ``[/]`` or ``[@click=app.quit]`` in a title is shown literally and never parsed;
* control characters and escape sequences are made visible (``␛``) by ``tui.sanitize``
  before they reach the terminal;
* huge fields are cut before any work is done on them, so a 10 MB abstract costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from rich.style import Style
from rich.text import Text

from tui.model import Span
from tui.sanitize import clean

if TYPE_CHECKING:
    from textual.widget import Widget

__all__ = ["one_line", "multi_line", "highlighted", "shorten", "component_text_style", "ELLIPSIS"]

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


def cut_note(dropped: int) -> str:
    """Said where a huge field stops being shown."""
    return f"{ELLIPSIS} [{dropped:,} more characters]"


def _safe(text: str, multiline: bool) -> str:
    # Tabs become spaces here: a tab's width depends on where it falls, which would
    # throw off every cell count after it.
    return clean(text, multiline=multiline, max_chars=None).replace("\t", "    ")


def one_line(text: str, limit: int = 400) -> str:
    """A field shown on one line: controls made visible, breaks folded, length capped."""
    return _safe(text[:limit], False) + (ELLIPSIS if len(text) > limit else "")


def multi_line(text: str, limit: int = 20_000) -> str:
    """A field shown as a paragraph (abstract, note): line breaks kept, length capped."""
    shown = _safe(text[:limit], True)
    return shown + (cut_note(len(text) - limit) if len(text) > limit else "")


def highlighted(raw: str, spans: Iterable[Span], match: Style | str, *,
                base: Style | str = "", multiline: bool = False, limit: int = 400) -> Text:
    """``raw`` made safe, as Text, with the character ranges ``spans`` styled ``match``.

    Each stretch between span edges is cleaned on its own, so the spans (which index into
    the raw field) stay right even where cleaning drops or replaces characters.
    """
    cut = raw[:limit]
    text = Text(style=base, end="", no_wrap=not multiline)
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(cut))
        if start >= end:
            continue
        text.append(_safe(cut[position:start], multiline))
        text.append(_safe(cut[start:end], multiline), match)
        position = end
    text.append(_safe(cut[position:], multiline))
    if len(raw) > limit:
        text.append(ELLIPSIS if not multiline else cut_note(len(raw) - limit))
    return text


def component_text_style(widget: "Widget", name: str) -> Style:
    """A component class's text style without its background, so a cursor or focus
    background shows through; colours come out blended (``$text-muted`` has an alpha)."""
    full = widget.get_component_rich_style(name)
    return Style(color=full.color, bold=full.bold, italic=full.italic,
                 underline=full.underline, dim=full.dim, reverse=full.reverse)
