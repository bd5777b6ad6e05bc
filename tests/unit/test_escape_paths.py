"""Every command-line output path cleans what comes from a paper file or the config, the
BibTeX citekey included: a file cannot retitle the terminal or clear the screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.hostile import EVIL, obeyable, write_evil_bibtex
from tui.cli import run
from tui.store import open_store


@pytest.fixture
def evil_bib(tmp_path: Path) -> Path:
    return write_evil_bibtex(tmp_path / "evil.bib")


@pytest.mark.parametrize("argv", [
    ["search", "evil"], ["stats"], ["export"], ["export", "--format", "bibtex"],
    ["export", "--format", "markdown"], ["export", "--format", "csv"],
    ["export", "--query", "evil"],
])
def test_terminal_output_obeys_nothing_in_the_file(argv: list[str], evil_bib: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*argv, str(evil_bib)]) == 0
    out, err = capsys.readouterr()
    assert "evil" in out.lower()
    assert obeyable(out) == [] and obeyable(err) == []


def test_the_citekey_is_exported_shown_not_obeyed(evil_bib: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run(["export", str(evil_bib)])
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line == "@article{ev\u241b]0;OWNED\u2407il\u241b[2J,"


def test_an_exported_file_and_the_annotations_paths_obey_nothing(
        evil_bib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("bib", "md", "csv"):
        target = tmp_path / f"out.{fmt}"
        assert run(["export", str(evil_bib), "-o", str(target)]) == 0
        assert obeyable(target.read_text(encoding="utf-8")) == [], fmt
    assert run(["annotate", "evil", str(evil_bib), "--note", f"note {EVIL}", "--tag", "t"]) == 0
    assert run(["search", "evil", str(evil_bib)]) == 0
    backup = tmp_path / f"backup{EVIL}.json"
    assert run(["annotations", "export", str(backup)]) == 0
    assert run(["annotations", "import", str(backup)]) == 0
    out, err = capsys.readouterr()
    assert "note ev" in out
    assert obeyable(out) == [] and obeyable(err) == []
    # JSON stays exact: the note comes back whole from the backup.
    saved = json.loads(backup.read_text(encoding="utf-8"))
    assert saved["annotations"][0]["note"] == f"note {EVIL}"


def test_json_output_is_exact_and_still_obeys_nothing(evil_bib: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["search", "evil", str(evil_bib), "--json"]) == 0
    assert run(["export", str(evil_bib), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert obeyable(out) == []
    hit = json.loads(out.splitlines()[0])
    assert hit["key"] == open_store(evil_bib)[0].key  # raw controls and all, escaped
    exported = json.loads("\n".join(out.splitlines()[1:]))
    assert exported[0]["citekey"] == EVIL


def test_config_strings_reach_the_terminal_cleaned(evil_bib: Path, hermetic_dirs: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = hermetic_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'store = "{evil_bib}"\n{json.dumps("bad" + EVIL)} = 2\n'
                      f'[searches]\n{json.dumps(EVIL)} = ""\n', encoding="utf-8")
    assert run(["stats"]) == 0
    out, err = capsys.readouterr()
    assert "unknown setting" in err
    assert obeyable(out) == [] and obeyable(err) == []
