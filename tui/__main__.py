"""Entry point for ``papertray`` and ``python -m tui``: the process-wide knobs, then the CLI.

Settings that affect the whole process live here, set once, and reach the reader as a
``ProcessTuning``; code that tests call (``tui.cli.run``, the app) never changes the
process behind their back.
"""

from __future__ import annotations

import gc
import sys

from tui.cli import ProcessTuning, run

FRAME_RATE = 240
"""Frames a second Textual may draw (its default is 60). After a pause, Textual's frame
timer waits for the second frame boundary, so at 60 a search result waited 17-33 ms to be
painted, longer than the search. Frames are only drawn when something changed (the reader
has next to no animation), so a higher rate costs nothing while idle; measured, 240 paints
a typed key's results 6 ms sooner than 120."""


def freeze_loaded_objects() -> None:
    """Leave everything loaded so far out of the garbage collector's full passes. Called
    once the store and its index are in memory: they live as long as the process, and
    scanning their millions of objects stalled a typed key by 50-90 ms."""
    gc.freeze()


READER_TUNING = ProcessTuning(frame_rate=FRAME_RATE, on_loaded=freeze_loaded_objects)
"""How the real program runs the reader (the benchmark uses it too)."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    return run(sys.argv[1:] if argv is None else argv, tuning=READER_TUNING)


if __name__ == "__main__":
    sys.exit(main())
