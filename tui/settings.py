"""A person's settings: the TOML file in the config folder.

```toml
store = ["~/papers", "~/Downloads/arxiv.bib"]   # or one string
user = "ada"                                     # the profile to use
theme = "gruvbox"
for_you = false                                  # the inbox never opens in for-you order by itself

[keys]          # binding id -> key(s), comma separated for several
star = "S"
later = "L,w"

[searches]      # saved searches, offered in the filter pane and the command palette
thesis = "tag:thesis -is:read"
recent-retrieval = "retrieval year:>=2023"
```

A bad file never stops papertray: :func:`load_settings` returns the defaults (or whatever
parts were usable) together with sentences naming the file and line for the person.
No textual or rich here.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui import paths
from tui.output import atomic_output
from tui.sanitize import dumps_json

__all__ = ["Settings", "SettingsError", "load_settings", "save_theme"]

_KNOWN_KEYS = ("store", "user", "theme", "for_you", "keys", "searches")
_TABLE_HEADER = re.compile(r"^\s*\[")
_THEME_LINE = re.compile(r"^\s*theme\s*=")


class SettingsError(Exception):
    """The settings file could not be written; the message is one sentence for the person."""


@dataclass
class Settings:
    """What the config file says, with defaults for everything it leaves out."""

    store: list[str] = field(default_factory=list)
    """Files or folders to open when papertray is started without a PATH."""
    profile: str = ""
    """The profile (``user = ...`` in the file); empty means the login name."""
    theme: str = ""
    """A Textual theme name; empty means the app's default."""
    for_you: bool = True
    """Open the inbox in for-you order once there are enough decisions (``for_you = false``:
    only when the person picks that order)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id to key string (``"S"`` or ``"L,w"``), given to ``App.set_keymap``."""
    saved_searches: dict[str, str] = field(default_factory=dict)
    """Name to query, in the order the file lists them."""
    key_places: dict[str, str] = field(default_factory=dict, compare=False)
    """Where each ``[keys]`` entry is written (``file:line``), for messages about it."""
    path: Path | None = None
    """The file these settings were read from, or None when there was none."""
    warnings: list[str] = field(default_factory=list, compare=False)
    """What was wrong with the file (the same sentences :func:`load_settings` returns), so
    the app can show them once its screen is up."""

    def store_paths(self) -> list[Path]:
        """The configured store as paths, ``~`` and ``$VARS`` expanded; relative paths are
        taken from the config file's folder, so the file means the same from anywhere."""
        base = self.path.parent if self.path else Path.cwd()
        return [base / Path(os.path.expandvars(entry)).expanduser() for entry in self.store]


def _line_of(text: str, name: str, table: str | None = None) -> int | None:
    """The line where ``name = ...`` is set (inside ``[table]`` when given), for messages."""
    current: str | None = None
    pattern = re.compile(rf"^\s*(\"?){re.escape(name)}\1\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if header := re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line):
            current = header.group(1)
        elif current == table and pattern.match(line):
            return number
    return None


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def _string_table(data: Any, table: str, path: Path, text: str, problems: list[str]) -> dict[str, str]:
    """A ``[table]`` of name -> string (a list of strings is joined with commas)."""
    if not isinstance(data, dict):
        problems.append(f"{_where(path, _line_of(text, table))}: '{table}' should be a table "
                        f"like [{table}]; it is ignored.")
        return {}
    result: dict[str, str] = {}
    for name, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if isinstance(value, str) and value.strip():
            result[str(name)] = value.strip()
        else:
            problems.append(f"{_where(path, _line_of(text, name, table))}: {table}.{name} should be "
                            "a non-empty string; it is ignored.")
    return result


def _parse(text: str, path: Path, problems: list[str]) -> Settings:
    """Settings from TOML text; each unusable part is reported and left at its default."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib says "... (at line 3, column 7)"; keep its words, put the file first.
        message = str(error)
        line = re.search(r"at line (\d+)", message)
        problems.append(f"{_where(path, int(line.group(1)) if line else None)}: this is not valid "
                        f"TOML ({message}); papertray uses its default settings.")
        return Settings(path=path)
    settings = Settings(path=path)
    store = data.get("store", [])
    if isinstance(store, str):
        store = [store]
    if isinstance(store, list) and all(isinstance(s, str) and s.strip() for s in store):
        settings.store = [s.strip() for s in store]
    else:
        problems.append(f"{_where(path, _line_of(text, 'store'))}: 'store' should be a path or a "
                        "list of paths; it is ignored.")
    for name, attribute in (("user", "profile"), ("theme", "theme")):
        value = data.get(name, "")
        if isinstance(value, str):
            setattr(settings, attribute, value.strip())
        else:
            problems.append(f"{_where(path, _line_of(text, name))}: '{name}' should be a string; "
                            "it is ignored.")
    for_you = data.get("for_you", True)
    if isinstance(for_you, bool):
        settings.for_you = for_you
    else:
        problems.append(f"{_where(path, _line_of(text, 'for_you'))}: 'for_you' should be true or "
                        "false; it is ignored.")
    settings.keys = _string_table(data.get("keys", {}), "keys", path, text, problems)
    settings.key_places = {name: _where(path, _line_of(text, name, "keys")) for name in settings.keys}
    settings.saved_searches = _string_table(data.get("searches", {}), "searches", path, text, problems)
    for unknown in sorted(set(data) - set(_KNOWN_KEYS)):
        problems.append(f"{_where(path, _line_of(text, unknown))}: unknown setting '{unknown}' "
                        f"(papertray knows {', '.join(_KNOWN_KEYS)}); it is ignored.")
    return settings


def load_settings(path: str | os.PathLike[str] | None = None) -> tuple[Settings, list[str]]:
    """Read the settings file (default: ``paths.config_file()``).

    Returns the settings and a list of problems, each one sentence naming the file and
    line. A missing file is not a problem: it gives the defaults.
    """
    file = Path(path) if path is not None else paths.config_file()
    problems: list[str] = []
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return Settings(), problems
    except OSError as error:
        problems.append(f"{file}: cannot be read ({error.strerror or error}); papertray uses its "
                        "default settings.")
        return Settings(warnings=problems), problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(f"{file}:{line}: this is not UTF-8 text; papertray uses its default settings.")
        return Settings(path=file, warnings=problems), problems
    settings = _parse(text, file, problems)
    settings.warnings = problems
    return settings, problems


def save_theme(name: str, path: str | os.PathLike[str] | None = None) -> None:
    """Remember the chosen theme: rewrite only the top-level ``theme = ...`` line (adding
    one before the first table if there is none, creating the file if needed), atomically,
    so the person's comments and layout stay as they wrote them.

    Raises SettingsError with one sentence when the file cannot be written.
    """
    file = Path(path) if path is not None else paths.config_file()
    new_line = f"theme = {dumps_json(name)}"
    try:
        lines = file.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        lines = []
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise SettingsError(f"Cannot save the theme to {file}: it cannot be read ({reason}).") from error
    first_table = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), len(lines))
    existing = next((i for i in range(first_table) if _THEME_LINE.match(lines[i])), None)
    if existing is not None:
        lines[existing] = new_line
    else:
        # Before the first table, or TOML would read it as a key of that table.
        insert = [new_line, ""] if first_table < len(lines) else [new_line]
        lines[first_table:first_table] = insert
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(file) as out:
            out.write("\n".join(lines) + "\n")
    except OSError as error:
        raise SettingsError(f"Cannot save the theme to {file}: {error.strerror or error}.") from error
