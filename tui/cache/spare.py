"""A helper process started before it has work (:func:`tui.cache.helpers.start_spare`).

It imports what every helper needs, then waits for one line naming the helper module it
is to be, and runs that module as ``python -m`` would: from then on it is that helper,
reading its opening line and tasks from the same input. An empty input (the process that
started it has ended, or let it go) ends it.
"""

from __future__ import annotations

import runpy
import select
import sys

import numpy  # noqa: F401 - imported while waiting: every helper needs it

import tui.store  # noqa: F401 - every helper opens or writes a store's cache


def main() -> int:
    """Wait for a module's name (for as many seconds as the first argument says:
    :data:`tui.cache.helpers.SPARE_WAIT_SECONDS`), then become it."""
    ready, _, _ = select.select([sys.stdin], [], [], float(sys.argv[1]))
    if not ready:
        return 0
    module = sys.stdin.readline().strip()
    if not module:
        return 0
    sys.argv = [module]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
