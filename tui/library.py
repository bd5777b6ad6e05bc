"""The personal library: papers a person imported, kept as one JSON Lines file.

``papertray import`` reads any supported file through the store (so the papers are
normalised exactly as the TUI shows them), then merges them into
``<data dir>/library/library.jsonl`` by stable key: a paper already there keeps its fields
and only gains those it lacked, so importing the same file twice changes nothing (and the
file is not even rewritten). Each line is an object in the generic schema the store reads
back. The file is replaced atomically; a library line that cannot be read stops the import
rather than being dropped. ``papertray remove`` takes papers out again.

Every read-change-write of the file holds ``library/.lock`` (an exclusive ``flock``), so
two imports at once (or an import and a removal) each see what the other wrote: two
parallel imports of 20,000 papers leave 40,000.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui import paths
from tui.export import paper_record
from tui.output import atomic_output
from tui.model import Paper, with_key
from tui.sanitize import dumps_json

__all__ = ["LibraryError", "LibraryImport", "LibraryRemoval", "LIBRARY_FILE_NAME",
           "library_file", "library_lock", "read_library", "merge_into_library",
           "remove_from_library"]

LIBRARY_FILE_NAME = "library.jsonl"
LOCK_TIMEOUT = 300.0
"""Seconds to wait for another import or removal to finish (a big import holds the lock
while it merges and writes the file: seconds, not minutes)."""


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
    """The key the store gives this line's paper today (a line written under an earlier
    key scheme keeps its old ``key`` field, which the store ignores)."""
    from tui.store.formats.records import RecordError, paper_from_record

    try:
        return with_key(paper_from_record(record, "")).key
    except RecordError:
        key = record.get("key")
        return key if isinstance(key, str) and key else json.dumps(record, sort_keys=True)


@contextmanager
def library_lock(timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the library's lock (raises LibraryError when another papertray holds it for
    longer than ``timeout`` seconds)."""
    from tui.userdata.storage import ProfileLock

    lock = ProfileLock(paths.library_dir() / ".lock", timeout)
    try:
        try:
            lock.__enter__()
        except OSError as error:
            raise LibraryError(f"Cannot change the library {library_file()}: "
                               f"{error.strerror or error}.") from error
        try:
            yield
        finally:
            lock.__exit__()
    finally:
        lock.close()


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
    with library_lock():
        return _merge(papers)


def _merge(papers: Iterable[Paper]) -> LibraryImport:
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
        missing = {name: value for name, value in fresh.items() if value and not existing.get(name)}
        if missing:
            existing.update(missing)
            completed += 1
        else:
            unchanged += 1
    if added or completed:
        _write(path, records.values())
    return LibraryImport(added, completed, unchanged, len(records), path)


def _write(path: Path, records: Iterable[dict[str, Any]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as out:
            for record in records:
                out.write(dumps_json(record) + "\n")
    except OSError as error:
        raise LibraryError(f"Cannot write the library {path}: {error.strerror or error}.") from error


@dataclass(frozen=True)
class LibraryRemoval:
    """What ``papertray remove`` did (or would do, with ``--dry-run``)."""

    papers: list[Paper]
    """The library's papers that matched, best first."""
    records: int
    """Lines taken out of the file (a paper may be several lines merged)."""
    total: int
    """Papers in the library afterwards (would be, with ``dry_run``)."""
    path: Path


def remove_from_library(choose: Callable[[Any], Sequence[Paper]], *,
                        dry_run: bool = False) -> LibraryRemoval:
    """Take out of the library the papers ``choose(store)`` picks from it (opened fresh,
    under the lock, so nothing imported meanwhile is lost or removed unseen). Every line
    that makes a chosen paper goes. Annotations are not touched."""
    from tui.store import open_store

    path = library_file()
    with library_lock():
        if not path.is_file():
            return LibraryRemoval([], 0, 0, path)
        store = open_store(path, cache=False)
        chosen = list(choose(store))
        keys = {paper.key for paper in chosen}
        lines = {_line(paper.source) for paper in chosen}
        lines |= {_line(m.merged) for m in store.merges if m.key in keys}
        if lines and not dry_run:
            kept = [line for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                    if number not in lines]
            try:
                with atomic_output(path) as out:
                    out.writelines(line + "\n" for line in kept)
            except OSError as error:
                raise LibraryError(f"Cannot write the library {path}: {error.strerror or error}.") from error
        return LibraryRemoval(chosen, len(lines), len(store) - len(chosen), path)


def _line(source: str) -> int:
    return int(source.rpartition(":")[2])
