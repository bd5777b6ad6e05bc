"""PaperTrayApp: wires the store, the person's annotations and the settings to the screens.

The app receives everything through its constructor, so the command line and the tests
build it the same way. It owns only what is global: quit, help, the command palette,
the theme (remembered in the config file), the key remapping and re-reading the
annotations when another instance may have written them.
"""

from __future__ import annotations

import logging
from typing import Any

from textual.app import App
from textual.binding import Binding

from tui.commands import PaperTrayCommands
from tui.messages import AnnotationsChanged
from tui.screens.help import HelpScreen
from tui.screens.keys import help_sections
from tui.screens.main import MainScreen

log = logging.getLogger(__name__)

__all__ = ["PaperTrayApp"]

DEFAULT_THEME = "textual-dark"
RELOAD_SECONDS = 5.0
"""How often annotations are re-read in case another instance changed them."""


class PaperTrayApp(App[None]):
    """The papertray reader."""

    CSS_PATH = "app.tcss"
    TITLE = "papertray"
    COMMANDS = App.COMMANDS | {PaperTrayCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit",
                tooltip="Quit papertray (every change is already saved)"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Show every key"),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", show=False,
                priority=True, tooltip="Search every command and saved search"),
    ]

    def __init__(self, store: Any, userdata: Any, settings: Any | None = None,
                 engine: Any | None = None, loader: Any | None = None) -> None:
        """``store``: a ready Store; or None with ``loader``, a ``tui.loader.StoreLoader``
        that opens the store in a worker once the screen is up (papers appear as read)."""
        from tui.settings import Settings

        super().__init__()
        if store is None:
            from tui.store import Store

            store = Store([], label=loader.label if loader is not None else "empty")
        self.userdata = userdata
        """The person's annotations; every change is saved by it at once."""
        self.settings = settings if settings is not None else Settings()
        """Settings from config.toml (theme, key remapping, saved searches)."""
        self.engine = engine
        """The search engine; built in a worker on start when not given."""
        self.main_screen = MainScreen(store, userdata, self.settings, engine, loader)
        """The screen people spend their time on."""
        self._theme_loaded = False
        self._told_of_drafts = False

    @property
    def store(self) -> Any:
        """The paper store (read-only); while a loader runs, the papers read so far."""
        return self.main_screen.store

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
            self.set_keymap(self.settings.keys)
        self.push_screen(self.main_screen)
        for title, warnings in (("Settings", getattr(self.settings, "warnings", ())),
                                ("Your annotations", getattr(self.userdata, "warnings", ()))):
            for warning in warnings:
                self.notify(warning, title=title, severity="warning", timeout=15,
                            markup=False)
        self.set_interval(RELOAD_SECONDS, self.check_userdata, name="reload annotations")

    def _remember_theme(self, theme: Any) -> None:
        from tui.settings import SettingsError, save_theme

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
        from tui.userdata import SaveError

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
        """Quit; with unsaved note drafts, say so first (they are kept: q again quits)."""
        count = len(getattr(self.userdata, "drafts", ()))
        if count and not self._told_of_drafts:
            self._told_of_drafts = True
            self.notify(f"{count} note draft{' is' if count == 1 else 's are'} not saved. "
                        "Drafts are kept: n on the paper reopens one, now or after a restart. "
                        "Press q again to quit.", title="Unsaved drafts", severity="warning",
                        markup=False)
            return
        await super().action_quit()

    def action_help(self) -> None:
        """Show every key, generated from the bindings after remapping."""

        sections = help_sections(self, self.settings.keys)
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(sections))
