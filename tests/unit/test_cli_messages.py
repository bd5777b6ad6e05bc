"""The command line says each thing once, in words that are true: a damaged profile file,
a cache that cannot be written (not a bad record), a save that failed (nothing kept)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def big_store(tmp_path: Path) -> Path:
    """A store past the cache threshold (512 KB)."""
    path = tmp_path / "A.jsonl"
    path.write_text("".join(json.dumps({"title": f"Paper {i}", "abstract": "word " * 40}) + "\n"
                            for i in range(3000)), encoding="utf-8")
    return path


def _papertray(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so what reaches stderr is what a person sees."""
    return subprocess.run([sys.executable, "-m", "tui", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_damaged_profile_file_is_reported_once(hermetic_dirs: Path, big_store: Path) -> None:
    shard = hermetic_dirs / "data" / "profiles" / "tester" / "annotations" / "00.json"
    shard.parent.mkdir(parents=True)
    shard.write_text("garbage", encoding="utf-8")
    done = _papertray("search", "paper", str(big_store), "--limit", "1")
    assert done.returncode == 0
    assert done.stderr.count("could not be read") == 1, done.stderr


def test_an_unwritable_cache_is_named_as_such_once(hermetic_dirs: Path, big_store: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = hermetic_dirs / "not-a-folder"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("PAPERTRAY_CACHE_DIR", str(blocker / "cache"))
    done = _papertray("search", "paper", str(big_store), "--limit", "1")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        f"papertray: {blocker}/cache/store: the cache folder cannot be written (Not a "
        "directory); papers were read without it, which is slower for a big store"]


def test_a_failed_save_in_the_cli_does_not_claim_the_change_is_kept(
        hermetic_dirs: Path, big_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import run

    profile = hermetic_dirs / "data" / "profiles" / "tester"
    profile.mkdir(parents=True)
    (profile / "annotations").write_text("", encoding="utf-8")  # a file where a folder goes
    status = run(["annotate", "paper 1", str(big_store), "--star"])
    err = capsys.readouterr().err
    assert status == 1
    assert "kept" not in err
    assert "nothing was changed" in err
    assert f"{profile / 'annotations'}" in err
    assert not (profile / "undo").exists() or not list((profile / "undo").glob("*.json")), \
        "nothing to undo: nothing was written"
