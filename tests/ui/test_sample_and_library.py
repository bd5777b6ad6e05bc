"""papertray --sample opens the bundled sample whatever the default store; after an import,
plain papertray opens the library and says how to reach the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import SIZE, settle
from tui.cli import run
from tui.cli.factory import build_app
from tui.cli.main import parse_args

FIXTURE = Path(__file__).parent / "papers.jsonl"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATA", "CONFIG", "CACHE"):
        monkeypatch.setenv(f"PAPERTRAY_{name}_DIR", str(tmp_path / name.lower()))
    monkeypatch.setenv("PAPERTRAY_USER", "newcomer")
    return tmp_path


def _said(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_after_an_import_papertray_opens_the_library_and_offers_the_sample(home, capsys):
    assert run(["import", str(FIXTURE)]) == 0
    app = build_app(parse_args([]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(app.store) == 12
        assert "papertray --sample" in _said(app)


async def test_sample_opens_the_sample_whatever_the_default(home, capsys):
    config = home / "config"
    config.mkdir()
    (config / "config.toml").write_text(f'store = "{FIXTURE}"\n')
    assert run(["import", str(FIXTURE)]) == 0
    app = build_app(parse_args(["--sample"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.store.label == "sample" and len(app.store) == 119


def test_sample_with_a_path_is_a_usage_error(capsys):
    assert run(["--sample", str(FIXTURE)]) == 2
    assert "--sample" in capsys.readouterr().err
