"""A helper process that takes its task and never answers (stopped, or stuck in I/O),
for the tests of what waits for helpers (:mod:`tui.cache.helpers`)."""

from __future__ import annotations

from pathlib import Path

import pytest

MUTE = "import sys, time\nsys.stdin.readline()\nsys.stdin.readline()\ntime.sleep(3600)\n"


def mute_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object) -> None:
    """Make ``module`` start a helper that never answers, and helpers be waited for one
    second at least instead of thirty."""
    from tui.cache import helpers

    (tmp_path / "mute_helper.py").write_text(MUTE, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(module, "HELPER_MODULE", "mute_helper")
    monkeypatch.setattr(helpers, "PATIENCE_SECONDS", 1.0)
