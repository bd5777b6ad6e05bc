"""The tag editor: one line of tags to add (and ``-tag`` to remove), with completion."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, Static

from tui.widgets.text import one_line

if TYPE_CHECKING:
    from textual.app import App

    from tui.model import Paper
    from tui.triage_keys import Outcome, TriageKeys

__all__ = ["TagPicker", "TagChange", "parse_tag_input", "TagSuggester", "ask_for_tags"]

_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class TagChange:
    """Tags to add and to remove, as the person typed them."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)

    def describe(self) -> str:
        """A short sentence part such as "+thesis −draft"."""
        return " ".join([f"+{tag}" for tag in self.add] + [f"−{tag}" for tag in self.remove])


def parse_tag_input(text: str) -> TagChange:
    """Split ``thesis, to-cite -draft`` into tags to add and tags to remove."""
    add: list[str] = []
    remove: list[str] = []
    for token in _SEPARATORS.split(text.strip().lower()):
        if token.startswith("-"):
            token = token.lstrip("-")
            if token and token not in remove:
                remove.append(token)
        elif token and token not in add:
            add.append(token)
    return TagChange(tuple(add), tuple(remove))


class TagSuggester(Suggester):
    """Completes the tag being typed (the last word) from the tags already in use."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        match = re.search(r"(-?)([^\s,-][^\s,]*)$", value)
        if match is None:
            return None
        partial = match.group(2)
        for tag in self.tags:
            if tag.startswith(partial) and tag != partial:
                return value[: match.start(2)] + tag
        return None


class TagPicker(ModalScreen[TagChange | None]):
    """Ask which tags to add or remove; dismisses with a TagChange, or None on escape."""

    BINDINGS = [
        # A priority key: taken as it arrives, so keys typed right after it are not in the
        # tags but go, once the dialog is gone, to the list ("s" stars the paper).
        Binding("enter", "apply", "Apply", id="tags.apply", priority=True,
                tooltip="Apply the tags typed and close"),
        Binding("escape", "cancel", "Cancel", id="tags.cancel", tooltip="Close without changes"),
        Binding("tab", "complete", "Complete", id="tags.complete",
                tooltip="Accept the suggested tag"),
    ]

    def __init__(self, target: str, current: Sequence[str],
                 known: Sequence[tuple[str, int]]) -> None:
        super().__init__()
        self.target = target
        """What is being tagged, e.g. a paper title or "3 marked papers"."""
        self.current = tuple(current)
        """Tags the paper already has (shown; for several papers, their union)."""
        self.known = list(known)
        """Every tag in use with its count, most used first."""
        self._leaving = False
        self._gone = False
        self._held: list[events.Key] = []

    def compose(self) -> ComposeResult:
        yield Footer()
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Static(Text(f"Tags · {one_line(self.target, 200)}", end=""),
                         classes="dialog-title")
            current = " ".join(f"#{one_line(tag, 40)}" for tag in self.current)
            yield Static(Text(f"Now: {current or 'no tags'}", end=""), id="tag-current")
            names = [tag for tag, _ in sorted(self.known, key=lambda item: (-item[1], item[0]))]
            yield Input(placeholder="thesis, to-cite  -draft", id="tag-input",
                        suggester=TagSuggester(names))
            yield Static(Text("space or comma between tags · -tag removes · tab completes · "
                              "enter applies · esc cancels", end=""), classes="dialog-hint")
            if self.known:
                known = "  ".join(f"#{one_line(tag, 30)} {count:,}"
                                  for tag, count in self.known[:40])
                yield Static(Text(f"In use: {known}"), id="tag-known")

    def on_mount(self) -> None:
        self.query_one("#tag-input", Input).focus()

    async def action_apply(self) -> None:
        """Apply what was typed before enter (an empty line changes nothing)."""
        if self._leaving:
            return
        self._leaving = True
        field = self.query_one("#tag-input", Input)
        self.set_focus(None)  # keys typed from now on are the list's, held in on_key
        # A callback joins the input's queue behind the keys already there: once it has
        # run, the value holds all of them and none typed after enter.
        caught_up = asyncio.Event()
        if field.call_later(caught_up.set):
            await caught_up.wait()
        change = parse_tag_input(field.value)
        self.dismiss(change if change else None)
        self._gone = True
        for key in self._held:
            self.app.post_message(events.Key(key.key, key.character))

    def on_key(self, event: events.Key) -> None:
        """Keys typed after enter: handed to the screen below once this dialog is gone."""
        if self._leaving:
            event.stop()
            event.prevent_default()
            if self._gone:
                self.app.post_message(events.Key(event.key, event.character))
            else:
                self._held.append(event)

    def action_complete(self) -> None:
        """Accept the suggested completion, ready for the next tag."""
        field = self.query_one("#tag-input", Input)
        before = field.value
        field.action_end()
        field.action_cursor_right()  # at the end, this accepts the pending suggestion
        if field.value != before:
            field.insert_text_at_cursor(" ")

    def action_cancel(self) -> None:
        """Close without changing anything."""
        if not self._leaving:
            self.dismiss(None)


def ask_for_tags(app: App[object], papers: list[Paper], triage_keys: TriageKeys,
                 known: Sequence[tuple[str, int]], done: Callable[[Outcome], object]) -> None:
    """Ask which tags to add to or remove from ``papers`` (``known``: every tag in use, for
    completion, with their counts), apply the change and hand its outcome to ``done``; esc changes nothing."""
    what = papers[0].title if len(papers) == 1 else f"{len(papers)} marked papers"

    def chosen(change: TagChange | None) -> None:
        if change:
            done(triage_keys.change_tags(papers, change.add, change.remove, change.describe()))

    app.push_screen(TagPicker(what, triage_keys.tags_on(papers), known), chosen)
