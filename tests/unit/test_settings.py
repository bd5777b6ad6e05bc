"""The config file: read what is usable, explain what is not, remember the theme."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui import paths
from tui.settings import Settings, SettingsError, load_settings, save_theme

FULL = """\
# my papertray
store = ["~/papers", "lists/today.txt"]
user = "ada"
theme = "gruvbox"

[keys]
star = "S"
later = ["L", "w"]

[searches]
thesis = "tag:thesis -is:read"
"recent retrieval" = "retrieval year:>=2023"
"""


def write_config(text: str) -> Path:
    file = paths.config_file()
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


def test_missing_file_gives_defaults_without_complaint() -> None:
    assert load_settings() == (Settings(), [])


def test_full_file_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    file = write_config(FULL)
    settings, problems = load_settings()
    assert problems == []
    assert settings.profile == "ada" and settings.theme == "gruvbox"
    assert settings.keys == {"star": "S", "later": "L,w"}
    assert list(settings.saved_searches.items()) == [
        ("thesis", "tag:thesis -is:read"), ("recent retrieval", "retrieval year:>=2023")]
    monkeypatch.setenv("HOME", "/home/ada")
    assert settings.store_paths() == [Path("/home/ada/papers"), file.parent / "lists/today.txt"]


def test_for_you_can_be_turned_off_and_a_wrong_value_is_named() -> None:
    assert Settings().for_you, "by default the inbox opens for you once there are enough decisions"
    write_config("for_you = false\n")
    assert load_settings() == (Settings(for_you=False, path=paths.config_file()), [])
    file = write_config('theme = "nord"\nfor_you = "no"\n')
    settings, problems = load_settings()
    assert settings.for_you and settings.theme == "nord"
    assert problems == [f"{file}:2: 'for_you' should be true or false; it is ignored."]


def test_store_may_be_one_string() -> None:
    write_config('store = "/data/papers.bib"\n')
    assert load_settings()[0].store == ["/data/papers.bib"]


def test_invalid_toml_names_file_and_line_and_falls_back() -> None:
    file = write_config('theme = "nord"\nstore = [unclosed\n')
    settings, problems = load_settings()
    assert settings.theme == "" and settings.store == []
    assert len(problems) == 1
    assert problems[0].startswith(f"{file}:2: this is not valid TOML")
    assert "default settings" in problems[0]


def test_wrong_types_are_reported_with_their_line_and_the_rest_kept() -> None:
    file = write_config('theme = "nord"\nuser = 7\nstore = [1, 2]\ncolour = "red"\n'
                        '[keys]\nstar = 5\nlater = "l"\n')
    settings, problems = load_settings()
    assert settings.theme == "nord" and settings.keys == {"later": "l"}
    assert settings.warnings == problems
    assert problems == [
        f"{file}:3: 'store' should be a path or a list of paths; it is ignored.",
        f"{file}:2: 'user' should be a string; it is ignored.",
        f"{file}:6: keys.star should be a non-empty string; it is ignored.",
        f"{file}:4: unknown setting 'colour' (papertray knows store, user, theme, for_you, keys, "
        "searches); "
        "it is ignored.",
    ]


def test_non_utf8_file_is_reported() -> None:
    file = paths.config_file()
    file.parent.mkdir(parents=True)
    file.write_bytes(b'theme = "a"\nuser = "\xff"\n')
    settings, problems = load_settings()
    assert problems == [f"{file}:2: this is not UTF-8 text; papertray uses its default settings."]


def test_save_theme_creates_the_file() -> None:
    save_theme("nord")
    assert load_settings()[0].theme == "nord"


def test_save_theme_rewrites_only_the_theme_line() -> None:
    file = write_config(FULL)
    save_theme("textual-light")
    assert file.read_text() == FULL.replace('theme = "gruvbox"', 'theme = "textual-light"')


def test_save_theme_adds_a_line_before_the_first_table() -> None:
    file = write_config('# hi\n[keys]\ntheme = "t"\n')
    save_theme("dracula")
    data = tomllib.loads(file.read_text())
    assert data == {"theme": "dracula", "keys": {"theme": "t"}}
    assert file.read_text().startswith("# hi\n")


def test_save_theme_where_no_folder_can_be_made_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be")
    with pytest.raises(SettingsError, match="Cannot save the theme to .*config.toml"):
        save_theme("nord", blocker / "config.toml")
