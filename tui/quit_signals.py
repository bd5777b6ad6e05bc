"""The signals that ask papertray to quit, for the reader and the command line alike.

The reader closes the normal way on them (``PaperTrayApp``); a bulk command holds them
until its change is saved whole (``tui.cli.held``). One list, so a signal added for one is
not forgotten by the other. No textual or rich here: the command line never loads them.
"""

from __future__ import annotations

import signal

__all__ = ["QUIT_SIGNALS"]

QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
"""SIGINT (a kill from another shell, or ctrl+c where it is not a key), SIGTERM and SIGHUP
(the terminal closed); SIGHUP does not exist on Windows."""
