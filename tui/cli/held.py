"""A bulk change is written whole: ctrl+c, a kill or a closed terminal waits for it.

``papertray annotate`` changes thousands of papers across the profile's files and then
keeps the change for ``papertray undo``. Stopped half way, part of the change was saved
with nothing kept to undo it, and ``papertray undo`` then took back the command *before*
it. Inside :func:`quit_signals_held`, SIGINT, SIGTERM and SIGHUP are noted, not obeyed;
the command ends once the change is saved and kept (``kill -9`` cannot be held: the
files written so far stay, each whole).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

from tui.quit_signals import QUIT_SIGNALS

__all__ = ["Held", "quit_signals_held"]


class Held:
    """The quit signal that arrived while held, if any."""

    def __init__(self) -> None:
        self.signum: int | None = None

    @property
    def status(self) -> int | None:
        """The exit status the signal asks for (128 + its number), or None."""
        return None if self.signum is None else 128 + self.signum

    @property
    def name(self) -> str:
        """The signal's name, as a shell says it."""
        return signal.Signals(self.signum).name if self.signum is not None else ""


@contextlib.contextmanager
def quit_signals_held() -> Iterator[Held]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (the first one is kept)."""
    held = Held()

    def note(signum: int, _frame: object) -> None:
        if held.signum is None:
            held.signum = signum

    before = {}
    for signum in QUIT_SIGNALS:
        try:
            before[signum] = signal.signal(signum, note)
        except (ValueError, OSError):  # not the main thread: nothing can be held
            pass
    try:
        yield held
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
