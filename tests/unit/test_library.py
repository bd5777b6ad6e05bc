"""The personal library: safe when two imports run at once, and prunable with
``papertray remove`` (library only, --dry-run, annotations kept, nothing guessed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import run
from tui.library import library_file
from tui.userdata import UserData

IDENTITY = Path(__file__).resolve().parents[1] / "data" / "identity"


def _papers(path: Path, prefix: str, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps({"title": f"{prefix} study number {number} of {count}",
                                  "authors": [f"Author {prefix}{number}"], "year": 2000 + number % 25,
                                  "abstract": f"What {prefix} found in case {number}."}) + "\n")
    return path


def _parallel_imports(tmp_path: Path, count: int) -> None:
    first, second = _papers(tmp_path / "a.jsonl", "alpha", count), _papers(tmp_path / "b.jsonl", "beta", count)
    env = dict(os.environ)
    runs = [subprocess.Popen([sys.executable, "-m", "tui", "import", str(file)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for file in (first, second)]
    outputs = [proc.communicate(timeout=600) for proc in runs]
    for proc, (out, err) in zip(runs, outputs):
        assert proc.returncode == 0, err
        assert f"{count:,} added" in out
    lines = library_file().read_text(encoding="utf-8").splitlines()
    assert len(lines) == len({json.loads(line)["title"] for line in lines}) == 2 * count


def test_two_imports_at_once_keep_both(tmp_path: Path) -> None:
    """Without the lock, both read the empty library and the second write lost the first."""
    _parallel_imports(tmp_path, 3_000)


@pytest.mark.slow
def test_two_imports_of_20000_papers_at_once_leave_40000(tmp_path: Path) -> None:
    _parallel_imports(tmp_path, 20_000)


def _say(capsys, argv: list[str], status: int = 0) -> tuple[str, str]:
    assert run(argv) == status
    return capsys.readouterr()


def test_remove_takes_papers_out_of_the_library_only_and_keeps_annotations(tmp_path: Path, capsys) -> None:
    _say(capsys, ["import", str(IDENTITY)])
    before = library_file().read_text(encoding="utf-8")
    hit = json.loads(_say(capsys, ["search", "dense retrieval", "--json", "--limit", "1"])[0])
    _say(capsys, ["annotate", f"key:{hit['key']}", "--star", "--note", "keep me"])
    out, _ = _say(capsys, ["remove", "dense retrieval everyone", "--dry-run"])
    assert out.splitlines()[:2] == [
        "Would remove 1 paper from the library (their annotations are kept):",
        "  Dense Retrieval for Everyone · doi:10.5555/dense.2020"]
    assert library_file().read_text(encoding="utf-8") == before
    out, _ = _say(capsys, ["remove", "dense retrieval everyone"])
    assert out.startswith("Removed 1 paper") and "The library holds 7 papers" in out
    assert "Dense Retrieval" not in library_file().read_text(encoding="utf-8")
    assert UserData.open().get(hit["key"]).note == "keep me"
    # The files imported from are never touched, and still hold the paper.
    assert "Dense Retrieval for Everyone" in (IDENTITY / "library.bib").read_text(encoding="utf-8")


def test_remove_takes_every_record_of_a_merged_paper(tmp_path: Path, capsys) -> None:
    """The library may hold one paper twice (imported DOI-less, then with its DOI): both go."""
    _say(capsys, ["import", str(IDENTITY / "library.bib")])
    _say(capsys, ["import", str(IDENTITY / "more.ris")])
    assert len(library_file().read_text().splitlines()) == 9
    out, _ = _say(capsys, ["remove", "title:dense"])
    assert out.startswith("Removed 1 paper") and len(library_file().read_text().splitlines()) == 7


def test_remove_guesses_nothing_and_refuses_an_empty_or_bad_query(tmp_path: Path, capsys) -> None:
    _say(capsys, ["import", str(IDENTITY)])
    before = library_file().read_text(encoding="utf-8")
    _, err = _say(capsys, ["remove", "kullb"], status=1)  # the start of a word is not the word
    assert "No paper in the library" in err and "nothing removed" in err
    _, err = _say(capsys, ["remove", "  "], status=2)
    assert "an empty one would remove the whole library, so it is refused" in err
    _, err = _say(capsys, ["remove", "is:strred"], status=2)
    assert "is not one of" in err and "Nothing was removed" in err
    assert library_file().read_text(encoding="utf-8") == before


def test_a_library_written_under_the_old_keys_is_not_imported_twice(tmp_path: Path, capsys) -> None:
    library_file().parent.mkdir(parents=True)
    old = {"key": "title:26aca7941a99", "title": "Introduction", "authors": ["John Smith"],
           "year": 2001, "venue": "Journal of Examples"}
    library_file().write_text(json.dumps(old) + "\n", encoding="utf-8")
    out, _ = _say(capsys, ["import", str(IDENTITY / "library.bib")])
    assert "7 added, 1 already in the library" in out
    assert len(library_file().read_text().splitlines()) == 8
