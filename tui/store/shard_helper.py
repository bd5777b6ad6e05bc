"""A helper process parsing files into their shards, so a big store's files are read on
every core (see :mod:`tui.cache.helpers` and :func:`tui.store.cache.open_cached`).

It reads one line (nothing to open), then one JSON file path a line: it parses that
file into its shard in the cache folder and answers ``ok`` (or ``failed``). A line that
is a JSON object names a part of one big file instead (see :mod:`tui.store.split_parse`).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from tui.cache import file_signature
from tui.store.cache import _build_shard
from tui.store.split_parse import build_part

log = logging.getLogger(__name__)


def serve() -> int:
    """Answer task lines until the input ends."""
    sys.stdin.readline()
    for line in sys.stdin:
        task = json.loads(line)
        file = Path(task["part"] if isinstance(task, dict) else task)
        try:
            if isinstance(task, dict):  # a part of one big file (tui.store.split_parse)
                build_part(file, task["name"], task["start"], task["stop"], Path(task["to"]))
            else:
                _build_shard(file, file_signature(file), None, None)
            answer = "ok"
        except Exception as error:  # noqa: BLE001 - reported, and the main process redoes it
            log.warning("%s not read: %s", file, error)
            answer = "failed"
        print(answer, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
