"""Watching what a function of papertray's gives, in the tests of its parallel work."""

from __future__ import annotations

from typing import Any

import pytest


def given(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[bool]:
    """Wrap ``module.name`` so that each call appends whether it gave something (not
    None) to the list returned; it still gives what it gave."""
    seen: list[bool] = []
    real = getattr(module, name)

    def spy(*args: Any) -> Any:
        result = real(*args)
        seen.append(result is not None)
        return result

    monkeypatch.setattr(module, name, spy)
    return seen
