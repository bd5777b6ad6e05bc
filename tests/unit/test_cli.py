"""The command line's shape and its manners: usage, --version, --help, and one clear
sentence (never a traceback) for each mistake a person can make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui import __version__, paths
from tui.cli import parse_args, run


def test_no_command_means_the_tui_on_the_given_paths() -> None:
    args = parse_args(["a.bib", "listing.txt", "--user", "ada"])
    assert (args.command, args.paths, args.user) == (None, ["a.bib", "listing.txt"], "ada")
    assert parse_args([]).paths == []


def test_subcommands_are_recognised_after_global_options() -> None:
    args = parse_args(["--user", "ada", "search", "dense retrieval", "x.bib", "--json", "--limit", "5"])
    assert (args.command, args.query, args.paths, args.json, args.limit, args.user) == (
        "search", "dense retrieval", ["x.bib"], True, 5, "ada")
    assert parse_args(["search", "x", "--user", "bob"]).user == "bob"
    assert parse_args(["search", "x"]).user is None


def test_a_file_called_like_a_command_opens_with_a_path_prefix() -> None:
    assert parse_args(["./search"]).command is None
    assert parse_args(["--", "search"]).paths == ["search"]


def test_annotate_options() -> None:
    args = parse_args(["annotate", "key:arxiv:2104.08821", "--star", "--tag", "thesis",
                       "--tag", "to-cite", "--untag", "old", "--state", "read", "--note", "good"])
    assert (args.starred, args.tag, args.untag, args.state, args.note) == (
        True, ["thesis", "to-cite"], ["old"], "read", "good")
    assert parse_args(["annotate", "x", "--unstar"]).starred is False


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"papertray {__version__}"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("search QUERY", "import FILE", "annotate QUERY", "export [PATH",
                    "annotations export FILE", "annotations import FILE", "stats [PATH"):
        assert command in out


@pytest.mark.parametrize("argv", [["search"], ["search", "x", "--limit", "many"],
                                  ["annotate", "x", "--state", "done"], ["export", "--format", "docx"],
                                  ["annotations", "delete", "f"], ["annotate", "x", "--star", "--unstar"]])
def test_usage_mistakes_exit_2_with_a_message(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["search", "x"], ["stats"], ["export"], ["annotate", "x", "--star"]])
def test_missing_path_is_one_sentence_naming_it(command: list[str], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.bib"
    assert run([*command, str(missing)]) == 1
    err = capsys.readouterr().err
    assert err == f"papertray: Cannot open {missing}: no such file or folder.\n"


def test_tui_on_a_missing_path_fails_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == f"papertray: Cannot open {tmp_path / 'nowhere'}: no such file or folder.\n"


def test_import_of_missing_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", str(tmp_path / "gone.ris")]) == 1
    assert capsys.readouterr().err == f"papertray: Cannot import {tmp_path / 'gone.ris'}: no such file or folder.\n"


def test_missing_configured_store_names_the_config_file(capsys: pytest.CaptureFixture[str]) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text('store = "/no/such/papers.bib"\n')
    assert run(["stats"]) == 1
    assert capsys.readouterr().err == (
        f"papertray: Cannot open /no/such/papers.bib (the store named in {config}): "
        "no such file or folder.\n")


def test_annotate_without_a_change_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["annotate", "simcse"]) == 2
    assert "Nothing to change: give --star" in capsys.readouterr().err


def test_file_names_with_controls_are_cleaned_in_errors(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["stats", str(tmp_path / "evil\x1b]0;owned\x07.bib")]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "evil␛]0;owned␇.bib" in err


def papertray(*argv: str, env_home: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``python -m tui`` with its own data, config and cache folders."""
    env = dict(os.environ, PAPERTRAY_DATA_DIR=str(env_home / "data"), **extra_env,
               PAPERTRAY_CONFIG_DIR=str(env_home / "config"), PAPERTRAY_CACHE_DIR=str(env_home / "cache"))
    return subprocess.run([sys.executable, "-m", "tui", *argv], capture_output=True, text=True,
                          env=env, timeout=120)


def test_real_process_reports_a_mistake_without_traceback(tmp_path: Path) -> None:
    done = papertray("export", "--query", "x", "-o", str(tmp_path / "out.bib"),
                     str(tmp_path / "missing.txt"), env_home=tmp_path)
    assert done.returncode == 1
    assert done.stderr == f"papertray: Cannot open {tmp_path / 'missing.txt'}: no such file or folder.\n"
    assert done.stdout == ""


def test_real_process_on_an_ascii_terminal_prints_escapes_not_a_traceback(tmp_path: Path) -> None:
    store = tmp_path / "papers.jsonl"
    store.write_text('{"title": "Über naïve Bayes", "authors": ["Jürgen Müller"], "year": 2020}\n',
                     encoding="utf-8")
    done = papertray("search", "naive", str(store), env_home=tmp_path, PYTHONIOENCODING="ascii")
    assert (done.returncode, done.stderr) == (0, "")
    assert "\\xdcber na\\xefve Bayes" in done.stdout


def test_profile_names_that_would_share_one_folder_are_refused(capsys, monkeypatch) -> None:
    """"a b", "a/b" and "a_b" were one folder: two people's stars in one profile. A name
    that is not a folder name as written is refused, with one sentence, and changes nothing."""
    assert run(["--user", "a_b", "annotate", "japanese simcse", "--star"]) == 0
    capsys.readouterr()
    for name in ("a b", "a/b", "_a_b", "a\\b"):
        assert run(["--user", name, "annotate", "japanese simcse", "--tag", "theirs"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"papertray: --user names the profile {name!r}") and "Traceback" not in err
    monkeypatch.setenv("PAPERTRAY_USER", "x y")
    assert run(["stats"]) == 2
    assert "PAPERTRAY_USER names the profile 'x y'" in capsys.readouterr().err
    monkeypatch.delenv("PAPERTRAY_USER")
    assert run(["--user", "a_b", "search", "tag:theirs"]) == 1, "no other name wrote into a_b"
