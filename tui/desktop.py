"""The desktop around the terminal: the program that opens files and links, and the
system clipboard tools.

Pure standard library (no Textual), so it is tested on its own with stand-in programs on
``PATH``. Nothing here guesses a terminal browser: ``webbrowser`` would start lynx or w3m
in the very terminal the reader is drawn in, so only desktop openers are used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

__all__ = ["CLIPBOARD_TOOLS", "Opened", "clipboard_tool", "copy_with_tool", "find_opener",
           "open_with"]

CLIPBOARD_TOOLS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # (program, its arguments to read the clipboard text from stdin, what it needs)
    ("wl-copy", (), "WAYLAND_DISPLAY"),
    ("xclip", ("-selection", "clipboard"), "DISPLAY"),
    ("xsel", ("--clipboard", "--input"), "DISPLAY"),
    ("pbcopy", (), ""),
    ("clip.exe", (), ""),  # WSL: the Windows clipboard
)
"""System clipboard tools, most specific first; each is used only where it can work."""

TOOL_SECONDS = 5.0
"""How long a clipboard tool or an opener may take to say whether it worked."""


def find_opener() -> list[str] | None:
    """The command that opens a file or a link in the person's desktop programs, or None
    when there is none (a server over ssh, a bare container)."""
    if sys.platform == "darwin" and shutil.which("open"):
        return ["open"]
    if sys.platform == "win32":
        return ["cmd", "/c", "start", ""]
    if shutil.which("wslview"):
        return ["wslview"]
    if (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and shutil.which("xdg-open"):
        return ["xdg-open"]
    return None


@dataclass(frozen=True)
class Opened:
    """How opening went: ``ok``, else why not in words a person reads."""

    ok: bool
    reason: str = ""


def open_with(opener: list[str], target: str) -> Opened:
    """Run ``opener`` on ``target`` detached from the terminal; wait a little for its verdict
    (xdg-open exits non-zero when no program handles the file)."""
    try:
        process = subprocess.Popen([*opener, target], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
    except OSError as error:
        return Opened(False, f"{opener[0]} could not be started ({error.strerror or error})")
    try:
        status = process.wait(timeout=TOOL_SECONDS)
    except subprocess.TimeoutExpired:
        return Opened(True)  # still starting the viewer: that is success enough
    return Opened(True) if status == 0 else Opened(False, f"{opener[0]} failed (status {status})")


def clipboard_tool() -> tuple[str, ...] | None:
    """The command line of the system clipboard tool that can work here, or None."""
    for program, arguments, needs in CLIPBOARD_TOOLS:
        if needs and not os.environ.get(needs):
            continue
        if path := shutil.which(program):
            return (path, *arguments)
    return None


def copy_with_tool(command: tuple[str, ...], text: str) -> bool:
    """Give ``text`` to the clipboard tool ``command``; True when it took it."""
    try:
        # No pipes kept open: xclip and xsel stay behind to serve the clipboard.
        done = subprocess.run(command, input=text.encode("utf-8"), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=TOOL_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
