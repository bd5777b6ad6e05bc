"""PaperTrayApp: wires the store, the person's annotations and the settings to the screens.

The app receives everything through its constructor, so the command line and the tests
build it the same way. It owns only what is global: quit, help, the command palette,
the theme (remembered in the config file), the key remapping and re-reading the
annotations when another instance may have written them.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import os
import threading
from typing import TYPE_CHECKING, Any, Callable

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from tui.messages import AnnotationsChanged
from tui.quit_signals import QUIT_SIGNALS
from tui.screens.main import MainScreen
from tui.settings import Settings, SettingsError, save_theme
from tui.store import PaperStore, Store
from tui.userdata import SaveError, UserData

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.loader import StoreLoader
    from tui.search import SearchEngine

log = logging.getLogger(__name__)

__all__ = ["PaperTrayApp"]

DEFAULT_THEME = "textual-dark"
QUIT_GRACE_SECONDS = 5.0
"""After a quit signal, the longest papertray takes to close before it is ended outright."""
RELOAD_SECONDS = 5.0
"""How often annotations are re-read in case another instance changed them."""


def _commands() -> type[Provider]:
    """The palette's own commands, imported when the palette first opens (Textual takes
    a function here) rather than before the first screen."""
    from tui.commands import PaperTrayCommands

    return PaperTrayCommands


def end_soon(status: int, seconds: float = QUIT_GRACE_SECONDS) -> None:
    """End the process with ``status`` in ``seconds`` unless it has ended by then.

    After a quit signal the reader closes the normal way, but a terminal that has gone
    away (its window closed) can leave Textual's output thread dead and the close waiting
    on it for ever, holding the process and its memory. Every change is saved as it is
    made and a note being typed is kept as a draft as it is typed, so nothing is lost by
    ending there."""
    timer = threading.Timer(seconds, os._exit, args=(status,))
    timer.daemon = True  # a reader that closes in time does not wait for it
    timer.start()


class PaperTrayApp(App[None]):
    """The papertray reader."""

    CSS_PATH = "app.tcss"
    TITLE = "papertray"
    COMMANDS = App.COMMANDS | {_commands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit",
                tooltip="Quit papertray (every change is already saved)"),
        # Textual's own ctrl+c only says "Press ctrl+q to quit"; people expect it to quit.
        Binding("ctrl+c", "quit", "Quit", show=False, id="quit-ctrl-c",
                tooltip="Quit papertray, as q does"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Show every key"),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", show=False,
                priority=True, tooltip="Search every command and saved search"),
    ]

    def __init__(self, store: PaperStore | None, userdata: UserData, settings: Settings | None = None,
                 engine: SearchEngine | None = None, loader: StoreLoader | None = None,
                 on_loaded: Callable[[], object] | None = None) -> None:
        """``store``: a ready Store; or None with ``loader``, a ``tui.loader.StoreLoader``
        that opens the store in a worker once the screen is up (papers appear as read).
        ``on_loaded`` is called once, when the store and its index are both in memory."""
        super().__init__()
        if store is None:
            store = Store([], label=loader.label if loader is not None else "empty")
        self.userdata = userdata
        """The person's annotations; every change is saved by it at once."""
        self.settings = settings if settings is not None else Settings()
        """Settings from config.toml (theme, key remapping, saved searches)."""
        self.main_screen = MainScreen(store, userdata, self.settings, engine, loader,
                                      on_loaded=on_loaded)
        """The screen people spend their time on."""
        self._theme_loaded = False
        self._told_of_drafts = False
        self._told_of_unsaved = False
        self._signals_before: dict[int, Any] = {}
        self.notices: list[str] = []
        """Said once the reader is up (from the command line: "this is your library")."""

    @property
    def store(self) -> PaperStore:
        """The paper store (read-only); while a loader runs, the papers read so far."""
        return self.main_screen.store

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first on the stack: no blank screen is composed and
        styled before it (that was a tenth of the first screen's time)."""
        return self.main_screen

    def on_mount(self) -> None:
        """Apply theme and keys, show the main screen and any warnings from the data."""
        theme = self.settings.theme or DEFAULT_THEME
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME
        if theme not in self.available_themes:
            self.notify(f"Unknown theme {theme!r} in the settings; using {DEFAULT_THEME}.",
                        severity="warning", markup=False)
        self._theme_loaded = True
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.settings.keys:
            self._apply_keymap()
        for title, warnings in (("Settings", self.settings.warnings),
                                ("Your annotations", self.userdata.warnings)):
            for warning in warnings:
                self.notify(warning, title=title, severity="warning", timeout=15,
                            markup=False)
        for notice in self.notices:
            self.notify(notice, timeout=10, markup=False)
        self.set_interval(RELOAD_SECONDS, self.check_userdata, name="reload annotations")
        self._catch_signals()

    def _catch_signals(self) -> None:
        """Quit the normal way on SIGTERM, SIGHUP (the terminal closed) and SIGINT (a kill
        from another shell: ctrl+c is a key here): the terminal is given back as it was
        (alternate screen off, cursor shown, mouse reporting off), the screens close as on
        ``q``, and the exit status says which signal ended papertray.

        A Python-level handler, not the event loop's: it runs even while the loop is stuck
        writing to a terminal that is gone, and arms a last resort (see
        :func:`end_soon`)."""
        loop = asyncio.get_running_loop()

        def caught(signum: int, _frame: object) -> None:
            end_soon(128 + signum)
            loop.call_soon_threadsafe(self.exit_on_signal, signum)

        for signum in QUIT_SIGNALS:
            try:
                self._signals_before[signum] = signal.signal(signum, caught)
            except (ValueError, OSError):
                pass  # not the main thread: the default handling stays

    def on_unmount(self) -> None:
        """Give the signals back (tests run many apps in one process)."""
        for signum, before in self._signals_before.items():
            try:
                signal.signal(signum, before)
            except (ValueError, OSError, TypeError):
                pass
        self._signals_before.clear()

    def exit_on_signal(self, signum: int) -> None:
        """Quit as ``q`` does, with the shell's status for a signal (128 + its number)."""
        log.info("quitting on signal %s", signum)
        self.exit(return_code=128 + signum)

    def _apply_keymap(self) -> None:
        """Use the entries of ``[keys]`` that work; each other one is reported (shown with
        the settings warnings) and its binding keeps its default key."""
        from tui.keymap import bindings_of, check_keymap
        from tui.screens.keys import key_scopes

        usable, problems = check_keymap(self.settings.keys, bindings_of(key_scopes(type(self))),
                                        getattr(self.settings, "key_places", None))
        self.settings.keys = usable
        self.settings.warnings = [*getattr(self.settings, "warnings", ()), *problems]
        self.set_keymap(usable)

    def _remember_theme(self, theme: Theme) -> None:
        if not self._theme_loaded or theme.name == self.settings.theme:
            return
        self.settings.theme = theme.name
        try:
            save_theme(theme.name)
        except (SettingsError, OSError) as exc:
            self.notify(str(exc), title="Theme not remembered", severity="warning",
                        markup=False)

    def on_app_focus(self) -> None:
        """Coming back to the terminal: pick up what another instance may have saved."""
        self.check_userdata()

    def check_userdata(self) -> None:
        """Retry unsaved changes and re-read annotations written by another instance."""
        try:
            self.userdata.flush()
        except SaveError:
            pass  # the person was told when the change was made; keep retrying quietly
        try:
            changed = self.userdata.reload()
        except SaveError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if changed:
            self.main_screen.post_message(AnnotationsChanged(()))

    async def action_quit(self) -> None:
        """Quit; with changes not yet saved, or unsaved note drafts, say so first (q again
        quits)."""
        if self.userdata.unsaved:
            try:  # one more try first: the folder may be writable again
                self.userdata.flush()
            except SaveError:
                pass
        if (unsaved := self.userdata.unsaved) and not self._told_of_unsaved:
            self._told_of_unsaved = True
            self.notify(f"{unsaved} paper{'s' if unsaved != 1 else ''}: changes not saved "
                        "yet (the data folder cannot be written); quitting now loses them. "
                        "Make the folder writable and they are saved at once; press q again "
                        "to quit anyway.", title="Not saved", severity="error", markup=False)
            return
        drafts = self.userdata.drafts
        unwritten = len(drafts.write_unwritten())  # one more try: the disk may have room now
        count = len(drafts.written_here())
        if count and not self._told_of_drafts:
            self._told_of_drafts = True
            if unwritten:
                self.notify(f"{unwritten} note draft{' is' if unwritten == 1 else 's are'} not "
                            "saved and could not be written to disk: they are printed in the "
                            "terminal when papertray ends, to copy from there. Press q again "
                            "to quit.", title="Drafts not on disk", severity="error", markup=False)
            else:
                self.notify(f"{count} note draft{' is' if count == 1 else 's are'} not saved. "
                            "Drafts are kept: n on the paper reopens one, now or after a "
                            "restart. Press q again to quit.", title="Unsaved drafts",
                            severity="warning", markup=False)
            return
        await super().action_quit()

    def action_command_palette(self) -> None:
        """Open the command palette, with the footer listing its keys."""
        from tui.commands import ReaderPalette  # first use, not before the first screen

        if self.use_command_palette and self.screen.id != "--command-palette":  # not open yet
            self.push_screen(ReaderPalette(id="--command-palette"))

    def action_help(self) -> None:
        """Show every key, generated from the bindings after remapping."""
        # Help knows every screen's keys: imported when asked for, not before the first screen.
        from tui.screens.help import HelpScreen
        from tui.screens.keys import help_sections

        sections = help_sections(self, self.settings.keys)
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(sections))
