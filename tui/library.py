"""The personal library: papers a person imported, kept as one JSON Lines file.

``papertray import`` reads any supported file through the store (so the papers are
normalised exactly as the TUI shows them), then merges them into
``<data dir>/library/library.jsonl`` by stable key: a paper already there keeps its fields
and only gains those it lacked, so importing the same file twice changes nothing (and the
file is not even rewritten). Each line is an object in the generic schema the store reads
back. The file is replaced atomically; a library line that cannot be read stops the import
rather than being dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui import paths
from tui.export import atomic_output, paper_record
from tui.model import Paper, stable_key
from tui.sanitize import dumps_json

__all__ = ["LibraryError", "LibraryImport", "LIBRARY_FILE_NAME", "library_file", "read_library",
           "merge_into_library"]

LIBRARY_FILE_NAME = "library.jsonl"


def library_file() -> Path:
    """The JSON Lines file ``papertray import`` keeps the personal library in."""
    return paths.library_dir() / LIBRARY_FILE_NAME


class LibraryError(Exception):
    """The library cannot be read or written; the message is one sentence naming the file."""

_ANNOTATION_FIELDS = ("starred", "tags", "state", "note")


@dataclass(frozen=True)
class LibraryImport:
    """What an import did, for the one line the person reads afterwards."""

    added: int
    completed: int
    """Papers already in the library that gained fields they lacked."""
    unchanged: int
    total: int
    """Papers in the library afterwards."""
    path: Path


def library_record(paper: Paper) -> dict[str, Any]:
    """A paper as one generic-schema object: empty fields and annotations left out."""
    record = paper_record(paper)
    return {name: value for name, value in record.items()
            if name not in _ANNOTATION_FIELDS and (value or name in ("key", "title"))}


def _record_key(record: dict[str, Any]) -> str:
    key = record.get("key")
    if isinstance(key, str) and key:
        return key
    return stable_key(title=str(record.get("title", "")), doi=str(record.get("doi", "")),
                      arxiv=str(record.get("arxiv", "")))


def read_library(path: Path) -> dict[str, dict[str, Any]]:
    """The library's records by key, in file order. A line that is not a JSON object raises
    LibraryError naming the line: rewriting the file would otherwise lose it."""
    records: dict[str, dict[str, Any]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return records
    except (OSError, UnicodeDecodeError) as error:
        raise LibraryError(f"Cannot read the library {path}: {error}.") from error
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            record = error
        if not isinstance(record, dict):
            raise LibraryError(f"{path}:{number}: this line is not a paper object; fix it or move the "
                           "file aside before importing.")
        records.setdefault(_record_key(record), record)
    return records


def merge_into_library(papers: Iterable[Paper]) -> LibraryImport:
    """Add ``papers`` to the library, deduplicated by stable key; write only if it changed."""
    path = library_file()
    records = read_library(path)
    added = completed = unchanged = 0
    for paper in papers:
        fresh = library_record(paper)
        existing = records.get(paper.key)
        if existing is None:
            records[paper.key] = fresh
            added += 1
            continue
        missing = {name: value for name, value in fresh.items() if not existing.get(name)}
        if missing:
            existing.update(missing)
            completed += 1
        else:
            unchanged += 1
    if added or completed:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(path) as out:
                for record in records.values():
                    out.write(dumps_json(record) + "\n")
        except OSError as error:
            raise LibraryError(f"Cannot write the library {path}: {error.strerror or error}.") from error
    return LibraryImport(added, completed, unchanged, len(records), path)
