"""The one place the reader's app is made: the command line and the UI tests both build it here.

``make_app`` takes the pieces (a store or a loader, the person's annotations, the settings)
and imports the UI only when called, so ``papertray search`` never loads Textual.
``build_app`` is what ``papertray [PATH ...]`` runs: it picks the store and the profile
from the command line and hands them to ``make_app``. Process-wide settings (the frame
rate, what to do once everything is loaded) come from the caller as a
:class:`ProcessTuning`: ``tui.__main__`` decides them for the real program, tests leave
them off.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from tui.cli.session import Session

if TYPE_CHECKING:
    from tui.app import PaperTrayApp
    from tui.loader import StoreLoader
    from tui.settings import Settings
    from tui.store import PaperStore
    from tui.userdata import UserData

__all__ = ["ProcessTuning", "UNTUNED", "make_app", "build_app"]


@dataclass(frozen=True)
class ProcessTuning:
    """Settings that belong to the whole process rather than to the app."""

    frame_rate: int | None = None
    """Frames a second Textual may draw (``TEXTUAL_FPS``); None keeps Textual's default."""
    on_loaded: Callable[[], object] | None = None
    """Called once, when the store and its search index are both in memory."""


UNTUNED = ProcessTuning()
"""The process left as it is: what tests and embedding programs get."""


def make_app(*, store: PaperStore | None, userdata: UserData, settings: Settings,
             loader: StoreLoader | None = None,
             tuning: ProcessTuning = UNTUNED) -> PaperTrayApp:
    """The reader on ``store``, or on the store ``loader`` opens in a worker once the
    screen is up (papers appear as they are read)."""
    if tuning.frame_rate is not None:
        _use_frame_rate(tuning.frame_rate)
    from tui.app import PaperTrayApp  # noqa: PLC0415 - the UI loads only for the reader

    return PaperTrayApp(store=store, userdata=userdata, settings=settings, loader=loader,
                        on_loaded=tuning.on_loaded)


def build_app(args: argparse.Namespace, *, tuning: ProcessTuning = UNTUNED
              ) -> PaperTrayApp:
    """The reader for ``papertray [PATH ...]``: its store, the person's annotations and
    settings, as the command line ``args`` choose them."""
    session = Session(args)
    chosen = session.store_paths()  # a missing PATH fails here, before textual is loaded
    from tui.store.files import store_bytes, worth_caching  # noqa: PLC0415

    if worth_caching(store_bytes(chosen)):
        # A big store opens in a worker once the screen is up: the first papers show while
        # the rest are read (or, with a warm cache, the whole store a moment later).
        from tui.loader import StoreLoader  # noqa: PLC0415

        store, loader = None, StoreLoader(chosen)
    else:
        store, loader = session.open_store(), None
    userdata = session.open_userdata()
    app = make_app(store=store, userdata=userdata, settings=session.settings, loader=loader,
                   tuning=tuning)
    if session.default_store == "library" and not userdata.annotations():
        # Someone who imported a file and has not triaged yet may still want the sample.
        app.notices.append("This is your library. papertray --sample opens the bundled "
                           "sample store.")
    return app


def _use_frame_rate(fps: int) -> None:
    """Let Textual draw up to ``fps`` frames a second in this process, unless the person
    chose a rate (``TEXTUAL_FPS``). Textual reads the variable once, when it is imported;
    it is taken out of the environment straight after, so the programs the reader starts
    (an editor, a browser) get their own defaults."""
    if "TEXTUAL_FPS" in os.environ:
        return
    os.environ["TEXTUAL_FPS"] = str(fps)
    try:
        import textual.screen  # noqa: F401, PLC0415 - reads TEXTUAL_FPS now
    finally:
        del os.environ["TEXTUAL_FPS"]
