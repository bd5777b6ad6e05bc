"""Folder tricks the durability tests share."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make a folder truly read-only, even for root (who ignores permission bits)."""
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)],
                                                        capture_output=True).returncode:
            pytest.skip("running as root without chattr +i: cannot make a folder read-only")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
