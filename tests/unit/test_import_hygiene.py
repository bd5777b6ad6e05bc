"""The domain knows nothing of the terminal: domain modules import neither textual nor rich,
and the non-interactive commands start without loading them (startup speed)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "tui.model", "tui.paths", "tui.store", "tui.query", "tui.search", "tui.userdata",
    "tui.export", "tui.settings", "tui.sanitize", "tui.follow", "tui.interchange", "tui.library",
    "tui.status", "tui.export_job", "tui.external_editor", "tui.triage_keys",
]
UI_LIBRARIES = ("textual", "rich")


def modules_loaded_by(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter and list the UI library modules it loaded."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(m for m in sys.modules " \
                   "if m.split('.')[0] in %r)))" % (UI_LIBRARIES,)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_imports_neither_textual_nor_rich(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not written yet")
    assert modules_loaded_by(f"import {module}") == []


def test_the_command_line_module_does_not_load_the_ui() -> None:
    assert modules_loaded_by("import tui.cli, tui.__main__") == []


def test_a_non_interactive_command_never_loads_the_ui(tmp_path) -> None:
    code = ("import os, sys\n"
            f"os.environ['PAPERTRAY_DATA_DIR'] = {str(tmp_path / 'data')!r}\n"
            f"os.environ['PAPERTRAY_CONFIG_DIR'] = {str(tmp_path / 'config')!r}\n"
            f"os.environ['PAPERTRAY_CACHE_DIR'] = {str(tmp_path / 'cache')!r}\n"
            "from tui.cli import run\n"
            "import io, contextlib\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    status = run(['stats', '--json'])\n"
            "assert status == 0, status\n")
    assert modules_loaded_by(code) == []
