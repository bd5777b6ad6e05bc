"""Per-user annotations: stars, tags, notes and triage states, never lost.

A profile is a folder (``<data dir>/profiles/<name>/``) holding::

    annotations/00.json ... ff.json   TinyDB files, one per shard of keys (sha1 of key, 2 hex)
    backups/<shard>-<UTC time>.json   rotating copies of each shard (5 per shard by default)
    .lock                             flock'ed around every read-merge-write

Sharding keeps each write small: at 100,000 annotations a shard holds about 400, so one
triage key rewrites ~150 kB instead of the whole profile. Every annotation lives in memory
for reads; a change is written to its shard at once, atomically and durably, under the
profile lock, after re-reading the shard and merging what another instance wrote there.
A failed write raises SaveError and keeps the change pending in memory; the next change
or :meth:`UserData.flush` writes it again.
"""

from __future__ import annotations

import threading
import types
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping, TypeVar

from tui import paths
from tui.model import STATES, Annotation, Problem, State
from tui.userdata.format import is_newer, normalise_tags, now_stamp
from tui.userdata.shards import SaveError, ShardedFiles, shard_of
from tui.userdata.storage import atomic_write
from tui.userdata.transfer import export_payload, read_annotation_file

__all__ = ["SaveError", "ImportReport", "UserData", "shard_of"]

Result = TypeVar("Result")


@dataclass
class ImportReport:
    """What an import did, per paper: nothing is dropped without being counted here."""

    added: int = 0
    """Papers that had no annotation here."""
    updated: int = 0
    """Papers whose annotation in the file was newer than ours."""
    kept: int = 0
    """Papers whose annotation here was newer, so ours stayed."""
    problems: list[Problem] = field(default_factory=list)
    """Records or files that could not be read, as ``file:line``."""
    unchanged: int = 0
    """Papers whose annotation was already exactly this one (importing twice changes nothing)."""


def _as_tags(tags: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if tags is None:
        return None
    return normalise_tags([tags] if isinstance(tags, str) else tags)


@dataclass(frozen=True)
class _Change:
    """One requested edit, applied alike to every paper of a bulk change."""

    starred: bool | None = None
    tags: tuple[str, ...] | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    note: str | None = None
    state: State | None = None

    def apply(self, old: Annotation | None, key: str, title: str) -> Annotation | None:
        """The annotation after this change, or None when it changes nothing."""
        base = old or Annotation(key=key)
        tags = set(base.tags if self.tags is None else self.tags)
        tags = (tags | set(self.add_tags)) - set(self.remove_tags)
        new = replace(
            base,
            starred=base.starred if self.starred is None else self.starred,
            tags=tuple(sorted(tags)),
            note=base.note if self.note is None else self.note,
            state=base.state if self.state is None else self.state,
        )
        if new == base and (old is not None or new.is_blank):
            return None
        stamp = now_stamp(after=base.updated)
        return replace(new, title=title or base.title, created=base.created or stamp, updated=stamp)


class UserData:
    """One profile's annotations, in memory for reads and saved on every change.

    Safe to share between threads (one lock guards everything) and between processes
    on the same profile (a file lock and a merge per paper, newest ``updated`` wins).
    """

    def __init__(self, profile_dir: Path, profile: str = "", *, backups_kept: int = 5,
                 backup_every: float = 900.0, lock_timeout: float = 5.0) -> None:
        self.profile_dir = Path(profile_dir)
        self.profile = profile or self.profile_dir.name
        self._lock = threading.RLock()  # TinyDB and our caches are not thread-safe
        self._files = ShardedFiles(self.profile_dir, self._put, backups_kept=backups_kept,
                                   backup_every=backup_every, lock_timeout=lock_timeout)
        self.warnings: list[str] = self._files.warnings
        """Sentences for the person: files moved aside, backups to restore, failed cleanups."""
        self.damaged: list[tuple[Path, Path, Path | None]] = self._files.damaged
        """(file, where it was moved, its last good backup or None) for each damaged file."""
        self.backups = self._files.backups
        self._cache: dict[str, Annotation] = {}
        self._tags: Counter[str] = Counter()
        self._snapshot: types.MappingProxyType[str, Annotation] | None = None
        with self._lock:
            self._files.load()

    @classmethod
    def open(cls, profile: str | None = None, **options: float) -> "UserData":
        """Open a profile by name (default: ``PAPERTRAY_USER`` or the login name)."""
        name = paths.safe_profile_name(profile) if profile else paths.default_profile()
        return cls(paths.profile_dir(name), name, **options)  # type: ignore[arg-type]

    # ----- reading ---------------------------------------------------------------------

    def get(self, key: str) -> Annotation | None:
        """The annotation of one paper, or None when the person never annotated it."""
        with self._lock:
            return self._cache.get(key)

    def annotations(self) -> Mapping[str, Annotation]:
        """A read-only snapshot of every annotation by key; later changes do not alter it."""
        with self._lock:
            if self._snapshot is None:
                self._snapshot = types.MappingProxyType(dict(self._cache))
            return self._snapshot

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in use with the number of papers carrying it, alphabetically."""
        with self._lock:
            return sorted(self._tags.items())

    @property
    def unsaved(self) -> int:
        """How many changes are waiting to be written after a failed save."""
        with self._lock:
            return self._files.unsaved

    # ----- changing --------------------------------------------------------------------

    def update(self, key: str, *, title: str = "", starred: bool | None = None,
               tags: Iterable[str] | None = None, add_tags: Iterable[str] = (),
               remove_tags: Iterable[str] = (), note: str | None = None,
               state: State | None = None) -> Annotation:
        """Change one paper's annotation and save it before returning.

        None (or empty) arguments leave a field as it is; ``tags`` replaces the tags, then
        ``add_tags`` and ``remove_tags`` apply. ``title`` is the paper's title, copied.
        Raises SaveError (the change kept in memory) when it cannot be written.
        """
        return self.update_many([(key, title)], starred=starred, tags=tags, add_tags=add_tags,
                                remove_tags=remove_tags, note=note, state=state)[0]

    def update_many(self, items: Iterable[tuple[str, str]], *, starred: bool | None = None,
                    tags: Iterable[str] | None = None, add_tags: Iterable[str] = (),
                    remove_tags: Iterable[str] = (), note: str | None = None,
                    state: State | None = None) -> list[Annotation]:
        """Apply one change to many papers (``(key, title)`` pairs) as a single step.

        Each touched shard is written once. Returns the annotations in the order given.
        """
        if state is not None and state not in STATES:
            raise ValueError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
        change = _Change(starred, _as_tags(tags), _as_tags(add_tags) or (),
                         _as_tags(remove_tags) or (), note, state)
        pairs = [(key, title) for key, title in items]
        for key, _ in pairs:
            if not isinstance(key, str) or not key.strip():
                raise ValueError(f"a paper key must be a non-empty string, not {key!r}")

        def apply() -> list[Annotation]:
            results = []
            for key, title in pairs:
                new = change.apply(self._cache.get(key), key, title)
                if new is not None:
                    self._files.stage(key, new)
                results.append(self._cache.get(key) or Annotation(key=key, title=title))
            return results

        return self._transaction({shard_of(key) for key, _ in pairs}, apply)

    def restore(self, values: Mapping[str, Annotation | None]) -> None:
        """Put exact annotations back (undo/redo); None removes a paper's annotation."""
        for key, value in values.items():
            if value is not None and value.key != key:
                raise ValueError(f"the annotation given for {key!r} belongs to {value.key!r}")

        def apply() -> None:
            for key, value in values.items():
                if value != self._cache.get(key):
                    self._files.stage(key, value)

        self._transaction({shard_of(key) for key in values}, apply)

    def flush(self) -> None:
        """Write every change a failed save left pending; raises SaveError if one still fails."""
        self._transaction(set(), lambda: None)

    def reload(self) -> bool:
        """Take in what other instances saved since; True when an annotation changed."""
        with self._lock:
            return self._files.reload()

    # ----- files -----------------------------------------------------------------------

    def export(self, path: str | Path) -> int:
        """Write every annotation to one sorted, indented JSON file; return how many."""
        with self._lock:
            annotations = list(self._cache.values())
        atomic_write(Path(path), export_payload(self.profile, annotations))
        return len(annotations)

    def import_file(self, path: str | Path) -> ImportReport:
        """Merge an annotation file (export, shard or backup) per paper: newest wins."""
        incoming, problems = read_annotation_file(path)
        report = ImportReport(problems=problems)

        def apply() -> None:
            for annotation in incoming:
                local = self._cache.get(annotation.key)
                if local is None:
                    report.added += 1
                elif local == annotation:
                    report.unchanged += 1
                    continue
                elif is_newer(annotation, local):
                    report.updated += 1
                else:
                    report.kept += 1
                    continue
                self._files.stage(annotation.key, annotation)

        self._transaction({shard_of(a.key) for a in incoming}, apply)
        return report

    def restore_backups(self) -> ImportReport:
        """Merge the last good backup of every file that was found damaged and moved aside."""
        report = ImportReport()
        for _, _, backup in list(self.damaged):
            if backup is not None:
                part = self.import_file(backup)
                report.added += part.added
                report.updated += part.updated
                report.kept += part.kept
                report.unchanged += part.unchanged
                report.problems += part.problems
        return report

    def _transaction(self, stems: set[str], apply: Callable[[], Result]) -> Result:
        with self._lock:
            return self._files.transaction(stems, apply)

    def close(self) -> None:
        """Release the lock file handle (changes are already saved)."""
        self._files.lock.close()

    def __enter__(self) -> "UserData":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- internals -------------------------------------------------------------------

    def _put(self, key: str, value: Annotation | None) -> bool:
        """Set what the person sees for one paper, keeping counts current."""
        old = self._cache.get(key)
        if old == value:
            return False
        for annotation, step in ((old, -1), (value, 1)):
            if annotation is not None:
                for tag in annotation.tags:
                    self._tags[tag] += step
                    if not self._tags[tag]:
                        del self._tags[tag]  # no paper carries it any more
        if value is None:
            del self._cache[key]
        else:
            self._cache[key] = value
        self._snapshot = None
        return True
