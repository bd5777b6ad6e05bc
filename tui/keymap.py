"""Checking the person's key remapping (``[keys]`` in config.toml) before it is applied.

Textual takes any string as a key, so a typo (``star = "not a key!!"``) showed up in the
footer as a key that no press could ever match, and a key taken from another binding
(``star = "q"``) silently left Quit without one. Each entry here is checked against the
reader's bindings and Textual's key names; an entry that fails is reported (file, line,
what is wrong) and that binding keeps its default key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import KEY_ALIASES, KEY_NAME_REPLACEMENTS, Keys, _character_to_key

__all__ = ["BindingInfo", "check_keymap", "bindings_of", "is_key"]

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset({key.value for key in Keys} | set(KEY_ALIASES)
                        | set(KEY_NAME_REPLACEMENTS.values()) | {"space"})
SHARED_SCOPE = "Anywhere"
"""Bindings that work wherever the person is in the main screen."""
MAIN_WIDGETS = frozenset({"Paper list", "Reading a paper", "Filter pane", "Search bar"})
"""Parts of the main screen, where the keys of SHARED_SCOPE work too."""


@dataclass(frozen=True)
class BindingInfo:
    """One remappable binding: its id, default keys, description and where it works."""

    id: str
    keys: tuple[str, ...]
    description: str
    scope: str


def bindings_of(scopes: Iterable[tuple[str, Iterable[type]]]) -> list[BindingInfo]:
    """Every binding with an id of the classes in each scope (name, classes)."""
    found = []
    for scope, owners in scopes:
        for owner in owners:
            for binding in owner.BINDINGS:  # type: ignore[attr-defined]
                if isinstance(binding, Binding) and binding.id:
                    found.append(BindingInfo(binding.id, _keys(binding.key), binding.description
                                             or binding.id, scope))
    return found


def _keys(text: str) -> tuple[str, ...]:
    return tuple(_character_to_key(k) if len(k) == 1 else k
                 for k in (part.strip() for part in text.split(",")) if k)


def is_key(key: str) -> bool:
    """Whether Textual can ever match ``key``: modifiers joined by ``+`` to one printable
    character or a key name (``ctrl+s``, ``S``, ``question_mark``, ``pagedown``, ``f5``)."""
    *modifiers, base = key.split("+")
    if any(m not in MODIFIERS for m in modifiers) or not base:
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _NAMED_KEYS:
        return True
    try:  # character names: question_mark, full_stop, left_square_bracket...
        unicodedata.lookup(base.replace("_", " ").upper())
    except KeyError:
        return False
    return base == base.lower()


def _clashes(scope: str, other: str) -> bool:
    """Whether a key bound in ``scope`` would hide or be hidden by the same key in ``other``."""
    if scope == other:
        return True
    return (scope == SHARED_SCOPE and other in MAIN_WIDGETS) or (
        other == SHARED_SCOPE and scope in MAIN_WIDGETS)


def check_keymap(keymap: Mapping[str, str], bindings: list[BindingInfo],
                 where: Mapping[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The usable entries of ``keymap`` and one sentence for each entry left out.

    ``where`` names the place of each entry for messages (``config.toml:12``)."""
    by_id = {info.id: info for info in bindings}
    usable: dict[str, str] = {}
    problems: list[str] = []

    def report(binding_id: str, text: str) -> None:
        place = (where or {}).get(binding_id, "config.toml")
        problems.append(f"{place}: keys.{binding_id}: {text}")

    wanted: dict[str, tuple[str, ...]] = {}
    for binding_id, value in keymap.items():
        info = by_id.get(binding_id)
        if info is None:
            report(binding_id, "no binding has this id (press ? in the reader or see the "
                               "README for the ids); it is ignored.")
            continue
        keys = _keys(value)
        bad = [key for key in keys if not is_key(key)]
        if bad or not keys:
            report(binding_id, f"{', '.join(repr(k) for k in bad) or repr(value)} is not a key "
                               f"(write keys like \"S\", \"ctrl+s\" or \"pagedown\"); "
                               f"{info.description} keeps {', '.join(info.keys)}.")
            continue
        wanted[binding_id] = keys
    for binding_id, keys in wanted.items():
        info = by_id[binding_id]
        clash = next(((key, other) for key in keys if key not in info.keys for other in bindings
                      if other.id != binding_id and _clashes(info.scope, other.scope)
                      and key in wanted.get(other.id, other.keys)), None)
        if clash is not None:
            key, other = clash
            report(binding_id, f"{key} is already the key of {other.description} "
                               f"({other.id}); {info.description} keeps {', '.join(info.keys)}.")
            continue
        usable[binding_id] = keymap[binding_id]
    return usable, problems

