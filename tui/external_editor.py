"""The person's own editor ($VISUAL, else $EDITOR) for notes: which program, and running it.

Everything that can go wrong is found out before the reader hands the terminal over: a
command that cannot be split into words (an unbalanced quote) or a program that is not
there. Handing the terminal over and then failing left a blank screen in cooked mode
where no key worked. Each problem is one sentence for the person. No textual here.
"""

from __future__ import annotations

import shlex
import shutil
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tui.sanitize import clean_line

__all__ = ["EditorError", "editor_command", "run_editor"]


class EditorError(Exception):
    """The editor cannot be run; the message is one sentence for the person."""


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor command from ``environ`` as words, its program found on the PATH.

    Raises :class:`EditorError` saying what is wrong and that ``n`` still works."""
    variable = "VISUAL" if environ.get("VISUAL") else "EDITOR"
    command = environ.get(variable, "")
    if not command.strip():
        raise EditorError("Set $EDITOR (or $VISUAL) to edit notes in your own editor; "
                          "n opens the built-in editor.")
    shown = clean_line(command, 200)
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise EditorError(f"${variable} ({shown}) cannot be read: {error}; "
                          "n opens the built-in editor.") from None
    if not words:
        raise EditorError(f"${variable} names no program; n opens the built-in editor.")
    if shutil.which(words[0]) is None:
        raise EditorError(f"The editor {clean_line(words[0], 200)} (from ${variable}) was not "
                          "found; n opens the built-in editor.")
    return words


def run_editor(words: list[str], path: Path) -> tuple[int, str | None]:
    """Run the editor on ``path`` and wait: (exit status, None), or (-1, the reason it
    could not start). Never raises, so a caller that handed the terminal over always
    gets it back."""
    before = signal.getsignal(signal.SIGINT)
    try:
        # ctrl+c pressed in the editor reaches the whole terminal's process group, this
        # waiting papertray too: it is the editor's (vim's way out of insert mode), never
        # a quit. A handler, not "ignore", so the editor starts with the default.
        signal.signal(signal.SIGINT, lambda *_: None)
        taken = True
    except ValueError:  # not the main thread: nothing to take over
        taken = False
    try:
        return subprocess.call([*words, str(path)]), None
    except OSError as error:
        return -1, (f"Could not run {clean_line(words[0], 200)}: {error.strerror or error}; "
                    "n opens the built-in editor.")
    finally:
        if taken:
            signal.signal(signal.SIGINT, before if before is not None else signal.SIG_DFL)
