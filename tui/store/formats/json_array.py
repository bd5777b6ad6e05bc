"""JSON documents: an array of paper objects (generic schema, arXiv schema, CSL-JSON as
Zotero and Better BibTeX export it), or an object holding such an array.

The array is walked one element at a time with ``raw_decode`` so that each paper knows
the line it starts on, and a broken element is reported where it breaks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from tui.model import Paper, Problem
from tui.store.formats.records import read_record
from tui.store.reading import LineIndex, read_text

__all__ = ["parse", "parse_text", "LIST_KEYS"]

LIST_KEYS = ("items", "papers", "references", "records", "entries", "data", "results")
"""Names under which a JSON object may keep its list of papers."""

_decoder = json.JSONDecoder(parse_constant=lambda name: None)  # NaN, Infinity -> null
_WHITESPACE = " \t\n\r"


def parse(path: Path) -> Iterator[Paper | Problem]:
    """Read a JSON file of papers."""
    text, problems = read_text(path)
    yield from problems
    yield from parse_text(text, str(path))


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def parse_text(text: str, name: str) -> Iterator[Paper | Problem]:
    """Read papers from the text of a JSON document; ``name`` is used in sources."""
    lines = LineIndex(text)
    start = _skip(text, 0)
    if start == len(text):
        yield Problem(name, None, "the file is empty")
        return
    if text[start] == "[":
        yield from _walk_array(text, start, name, lines)
    elif text[start] == "{":
        yield from _walk_object(text, start, name, lines)
    else:
        yield Problem(name, lines.line_of(start), "not a JSON array or object of papers")


def _decode(text: str, index: int, name: str, lines: LineIndex,
            consequence: str = "") -> tuple[object, int] | Problem:
    """The JSON value starting at ``index`` and the offset after it, or the problem."""
    try:
        return _decoder.raw_decode(text, index)
    except RecursionError:
        return Problem(name, lines.line_of(index), f"JSON nested too deeply to read{consequence}")
    except json.JSONDecodeError as error:
        return Problem(name, lines.line_of(error.pos),
                       f"not valid JSON ({error.msg.lower()}){consequence}")


def _walk_array(text: str, index: int, name: str, lines: LineIndex) -> Iterator[Paper | Problem]:
    """Yield one paper per element of the array whose ``[`` is at ``index``."""
    index = _skip(text, index + 1)
    if index < len(text) and text[index] == "]":
        return
    while index < len(text):
        line = lines.line_of(index)
        decoded = _decode(text, index, name, lines, "; the rest of the file is skipped")
        if isinstance(decoded, Problem):
            yield decoded
            return
        value, index = decoded
        yield from read_record(value, name, line)
        index = _skip(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
        elif index < len(text) and text[index] == "]":
            return
        else:
            yield Problem(name, lines.line_of(min(index, len(text) - 1)),
                          "the JSON array is not closed; the file may be cut short")
            return
    yield Problem(name, lines.line_of(len(text) - 1),
                  "the JSON array is not closed; the file may be cut short")


def _walk_object(text: str, index: int, name: str, lines: LineIndex) -> Iterator[Paper | Problem]:
    """An object is either one paper or a wrapper whose list member holds the papers."""
    line = lines.line_of(index)
    decoded = _decode(text, index, name, lines)
    if isinstance(decoded, Problem):
        yield decoded
        return
    value = decoded[0]
    if not isinstance(value, dict):
        return
    if "title" in value:
        yield from read_record(value, name, line)
        return
    for key in (*LIST_KEYS, *value):
        if isinstance(value.get(key), list):
            # Find where that list starts, so each element can report its own line.
            position = _find_member(text, index, key)
            if position is not None:
                yield from _walk_array(text, position, name, lines)
            else:
                for item in value[key]:
                    yield from read_record(item, name, line)
            return
    yield Problem(name, line, "a JSON object without a title or a list of papers")


def _find_member(text: str, index: int, key: str) -> int | None:
    """Offset of the ``[`` that opens member ``key`` of the object at ``index``."""
    index = _skip(text, index + 1)
    while index < len(text) and text[index] == '"':
        member, index = _decoder.raw_decode(text, index)
        index = _skip(text, index)
        if index >= len(text) or text[index] != ":":
            return None
        index = _skip(text, index + 1)
        if member == key and index < len(text) and text[index] == "[":
            return index
        _, index = _decoder.raw_decode(text, index)
        index = _skip(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
    return None
