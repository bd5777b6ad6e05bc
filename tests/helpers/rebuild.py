"""A folder of many small paper files big enough to be cached, and another papertray
process that rebuilds its cache underneath a running one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = 200
PAPERS_PER_FILE = 3


def write_folder(folder: Path, edition: str) -> Path:
    """200 small JSON Lines files, about 3 KB each (600 KB: past the cache threshold)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(FILES):
        lines = [json.dumps({"title": f"{edition} paper {number}-{i}", "authors": "Ada Lovelace",
                             "abstract": f"{edition} abstract " + "text " * 180})
                 for i in range(PAPERS_PER_FILE)]
        (folder / f"file{number:03d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def stats_in_another_process(folder: Path) -> subprocess.CompletedProcess[str]:
    """``papertray stats FOLDER`` as another shell would run it (same cache folder)."""
    return subprocess.run([sys.executable, "-m", "tui", "stats", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
