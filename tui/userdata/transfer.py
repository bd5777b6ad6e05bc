"""Annotation files that travel: the export format, and reading any annotation file back.

An export is one JSON file, sorted and indented, with the annotations in key order::

    {"annotations": [{...}, ...], "profile": "ada", "schema_version": 2}

Reading accepts an export, a profile's own shard files or backups (TinyDB tables:
``{"annotations": {key: {...}}, "schema_version": 2}``), files of schema_version 1, and a
bare list of annotations.
A bad record is skipped and reported as ``file:line``; the others are still read.
"""

from __future__ import annotations

import json
import sys
import re
from pathlib import Path
from typing import Any, Iterable

from tui.model import Annotation, Problem
from tui.userdata.clock import Reading
from tui.userdata.format import SCHEMA_VERSION, TABLE, dump_json, from_document, record_of, to_document
from tui.userdata.record import Record

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def export_payload(profile: str, records: Iterable[Record | Annotation]) -> bytes:
    """The bytes of an export file: the same records always give the same bytes. Records
    keep each field's change time, removals included, so importing merges per field."""
    as_records = [r if isinstance(r, Record) else record_of(r) for r in records]
    docs = [to_document(r) for r in sorted(as_records, key=lambda r: r.key)]
    return dump_json({TABLE: docs, "profile": profile, "schema_version": SCHEMA_VERSION})


def _skip(text: str, index: int) -> int:
    return _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]  # always matches


def _children(text: str, index: int) -> list[tuple[str | None, int]]:
    """(name, start offset) of each member of the valid JSON array/object at ``index``."""
    opener = text[index]
    closer = "]" if opener == "[" else "}"
    index = _skip(text, index + 1)
    members: list[tuple[str | None, int]] = []
    while text[index] != closer:
        name = None
        if opener == "{":
            name, index = _DECODER.raw_decode(text, index)
            index = _skip(text, _skip(text, index) + 1)  # past the colon
        members.append((name, index))
        _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return members


def _record_lines(text: str, top_is_list: bool) -> list[int]:
    """1-based line of each annotation record, in file order."""
    start = _skip(text, 0)
    if not top_is_list:
        start = next(pos for name, pos in _children(text, start) if name == TABLE)
    return [text.count("\n", 0, pos) + 1 for _, pos in _children(text, start)]


def _records(value: Any) -> tuple[list[Any], str]:
    """The raw records of a parsed file, or a reason the file holds none."""
    if isinstance(value, list):
        return value, ""
    if not isinstance(value, dict):
        return [], "it is not an annotation file (no annotations list)"
    version = value.get("schema_version", SCHEMA_VERSION)
    if type(version) is not int or version > SCHEMA_VERSION:
        return [], f"it was written by a newer papertray (schema_version {version!r})"
    table = value.get(TABLE)
    if isinstance(table, list):
        return table, ""
    if isinstance(table, dict):
        # A shard or backup: the key is also the table's document id.
        return [{"key": key, **doc} if isinstance(doc, dict) else doc for key, doc in table.items()], ""
    return [], f'it has no "{TABLE}" list'


def read_annotation_file(path: str | Path) -> tuple[list[Record], list[Problem]]:
    """Every good record in the file (``-``: standard input), and a Problem for each bad one or for the file (or
    for a change time that had to be interpreted: see :class:`~tui.userdata.clock.Reading`)."""
    name = str(path)
    try:
        if name == "-":  # as in every Unix tool: a backup piped in
            name = "standard input"
            text = sys.stdin.read().removeprefix("\ufeff")
        else:
            text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        return [], [Problem(name, None, f"cannot be read ({error.strerror or error})")]
    except UnicodeDecodeError:
        return [], [Problem(name, None, "is not UTF-8 text")]
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [Problem(name, error.lineno, f"is not valid JSON ({error.msg})")]
    records, reason = _records(value)
    if reason:
        return [], [Problem(name, None, reason)]
    found: list[Record] = []
    bad: list[tuple[int, str]] = []
    reading = Reading(name)
    for number, record in enumerate(records):
        try:
            found.append(from_document(record, reading))
        except ValueError as error:
            bad.append((number, str(error)))
    problems = []
    if bad:
        lines = _record_lines(text, isinstance(value, list))
        problems = [Problem(name, lines[n], f"annotation skipped: {why}") for n, why in bad]
    problems += [Problem(name, None, note[len(name) + 2:]) for note in reading.notes]
    return found, problems
