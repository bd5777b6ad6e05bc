"""Shared test setup: every test runs with its own data, config and cache folders."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""The project's shared folder of real-world inputs; tests that read it skip without it."""

SEED = SHARED / "seeds" / "000_6a1d5033a11aa64f.txt"
FIXTURES = SHARED / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run long soaks")
    parser.addoption("--run-benchmark", action="store_true", help="run benchmarks")
    parser.addoption("--run-screenshots", action="store_true", help="regenerate screenshots/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    opt_in = {"slow": "--run-slow", "benchmark": "--run-benchmark", "screenshots": "--run-screenshots"}
    for item in items:
        for marker, option in opt_in.items():
            if marker in item.keywords and not config.getoption(option):
                item.add_marker(pytest.mark.skip(reason=f"opt in with {option}"))


@pytest.fixture(autouse=True)
def hermetic_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point data, config and cache at a fresh folder so no test touches real user data."""
    home = tmp_path / "papertray-home"
    monkeypatch.setenv("PAPERTRAY_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PAPERTRAY_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("PAPERTRAY_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("PAPERTRAY_USER", "tester")
    monkeypatch.delenv("EDITOR", raising=False)
    return home


@pytest.fixture
def seed_path() -> Path:
    """The real captured listing of 119 papers."""
    if not SEED.exists():
        pytest.skip(f"shared seed not present at {SEED}")
    return SEED


@pytest.fixture
def fixtures_dir() -> Path:
    """Real-world files from ../shared/fixtures."""
    if not FIXTURES.exists():
        pytest.skip(f"shared fixtures not present at {FIXTURES}")
    return FIXTURES
