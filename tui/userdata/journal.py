"""The command line's bulk changes, kept so that ``papertray undo`` can take them back.

Each ``papertray annotate`` (or ``annotations import``) that changed something leaves one
file in the profile's ``undo/`` folder: what the command was, when, and every field it
changed, old and new. ``papertray undo`` applies the inverse of the newest one not yet
undone to the papers as they are now (``UserData.revert``): a field changed since by
anyone is left as it is and counted. The newest :data:`KEEP` entries are kept.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from tui.userdata.clock import now_stamp, stamp_for_filename
from tui.userdata.record import FieldChange
from tui.userdata.storage import atomic_write

__all__ = ["Entry", "Journal", "UnreadableEntry", "moved_key"]

log = logging.getLogger(__name__)

KEEP = 50
"""How many bulk changes ``papertray undo`` can go back."""
MOVES = "moves.jsonl"
"""Keys whose annotations followed their papers to new keys, one JSON line a move, so
that an undo made after a move puts the fields back on the paper's new key."""


class UnreadableEntry(Exception):
    """The newest change kept for undo cannot be read: undoing an older one instead would
    take back something the person did not mean."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"The newest change kept for undo, {path}, cannot be read "
                         f"({reason}); nothing was undone. Move that file away to undo the "
                         "change before it.")
        self.path = path


@dataclass(frozen=True)
class Entry:
    """One bulk change, as recorded."""

    path: Path
    label: str
    """The command, e.g. ``annotate 'simcse' --state read``."""
    made: str
    """When, as a canonical time."""
    changes: tuple[FieldChange, ...]
    undone: str = ""
    """When it was undone ("" while it stands)."""
    pending: bool = False
    """Kept before the change was written, and not confirmed since (a full disk, a kill):
    ``made`` is then earlier than the change itself."""

    @property
    def papers(self) -> int:
        """How many papers it changed."""
        return len({change.key for change in self.changes})


class Journal:
    """A profile's ``undo/`` folder."""

    def __init__(self, profile_dir: Path) -> None:
        self.folder = Path(profile_dir) / "undo"

    def record(self, label: str, changes: tuple[FieldChange, ...] | list[FieldChange],
               *, replacing: Path | None = None, pending: bool = False) -> Path | None:
        """Keep a bulk change for ``papertray undo``; None when it changed nothing.
        ``replacing``: the entry kept for this change before it was written (what it
        was to change), now replaced by what it did change. ``pending``: kept before the
        change is written (its time is not the change's)."""
        if not changes:
            return None
        path = replacing or self.folder / f"{stamp_for_filename()}-{os.getpid()}.json"
        payload = {"changes": [change.to_json() for change in changes], "label": label,
                   "made": now_stamp(), "schema_version": 1, "undone": ""}
        if pending:
            payload["pending"] = True
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
                     .encode("utf-8", "surrogatepass"))
        for old in self._paths()[:-KEEP]:
            try:
                old.unlink()
            except OSError as error:
                log.warning("could not remove the old undo entry %s: %s", old, error)
        return path

    def _paths(self) -> list[Path]:
        try:
            return sorted(p for p in self.folder.iterdir() if p.suffix == ".json")
        except OSError:
            return []

    def _read(self, path: Path) -> Entry:
        try:
            value = json.loads(path.read_text(encoding="utf-8", errors="surrogatepass"))
            return Entry(path, str(value["label"]), str(value["made"]),
                         tuple(FieldChange.from_json(c) for c in value["changes"]),
                         str(value.get("undone", "")), bool(value.get("pending", False)))
        except (OSError, ValueError, KeyError, TypeError) as error:
            reason = getattr(error, "strerror", None) or f"{type(error).__name__}: {error}"
            raise UnreadableEntry(path, str(reason)) from error

    def last(self) -> Entry | None:
        """The newest bulk change not undone yet, or None. Raises UnreadableEntry when the
        newest one cannot be read (never skips to an older one)."""
        for path in reversed(self._paths()):
            entry = self._read(path)
            if not entry.undone:
                return entry
        return None

    def mark_undone(self, entry: Entry) -> None:
        """Note that ``entry`` was undone, so the next undo goes one further back."""
        value = json.loads(entry.path.read_text(encoding="utf-8", errors="surrogatepass"))
        value["undone"] = now_stamp()
        atomic_write(entry.path, json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
                     .encode("utf-8", "surrogatepass"))

    def note_moves(self, moves: Mapping[str, str]) -> None:
        """Remember that the annotations of ``moves``'s keys followed their papers to new
        keys (a failure to write only costs undo its way there, and is logged)."""
        if moves:
            self._append([{"old": old, "new": new, "at": now_stamp()} for old, new in moves.items()])

    def note_refused(self, moves: Mapping[str, str]) -> None:
        """Remember that the person took back these moves (``z`` after annotations
        followed their papers): following never makes them again; the annotations stay
        orphans under their old keys, listed, unless the move is redone."""
        self._append([{"old": old, "new": new, "at": now_stamp(), "refused": True}
                      for old, new in moves.items()])

    def _append(self, entries: list[dict[str, object]]) -> None:
        lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / MOVES, "a", encoding="utf-8", errors="surrogatepass") as log_file:
                log_file.write(lines)
        except OSError as error:
            log.warning("could not note the keys annotations moved to: %s", error)

    def moves(self) -> dict[str, str]:
        """Every noted move that stands, old key -> the key its annotation went to (the
        latest move of a key wins; a move taken back is gone)."""
        return self.history()[0]

    def history(self) -> tuple[dict[str, str], set[tuple[str, str]]]:
        """The moves that stand (old -> new) and those the person took back ((old, new)),
        read in order: a later line overrides an earlier one about the same move."""
        moves: dict[str, str] = {}
        refused: set[tuple[str, str]] = set()
        try:
            with open(self.folder / MOVES, encoding="utf-8", errors="surrogatepass") as log_file:
                for line in log_file:
                    try:
                        entry = json.loads(line)
                        old, new = str(entry["old"]), str(entry["new"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line a kill cut short
                    if entry.get("refused"):
                        refused.add((old, new))
                        if moves.get(old) == new:
                            del moves[old]
                    else:
                        moves[old] = new
                        refused.discard((old, new))
        except OSError:
            pass
        return moves, refused

    def rekeyed(self, changes: Iterable[FieldChange]) -> tuple[FieldChange, ...]:
        """``changes`` on the keys their papers have now, following every noted move."""
        moves = self.moves()
        return tuple(replace(change, key=moved_key(moves, change.key)) for change in changes)


def moved_key(moves: Mapping[str, str], key: str) -> str:
    """Where ``key``'s annotation is now, following ``moves`` (old -> new) from move to
    move; a loop (a title fixed, then put back) ends where it would come round again."""
    seen = {key}
    while (key := moves.get(key, key)) not in seen:
        seen.add(key)
    return key
