"""Per-user annotations: stars, tags, notes and triage states, never lost.

A profile is a folder (``<data dir>/profiles/<name>/``) holding::

    annotations/00.json ... ff.json   TinyDB files, one per shard of keys (sha1 of key, 2 hex)
    backups/<shard>-<UTC time>.json   rotating copies of each shard (5 per shard by default)
    drafts/                           note drafts, as typed (see :mod:`tui.userdata.drafts`)
    undo/                             the command line's bulk changes, for ``papertray undo``
    .lock                             flock'ed around every read-merge-write

Sharding keeps each write small: at 100,000 annotations a shard holds about 400, so one
triage key rewrites ~150 kB instead of the whole profile. Annotations are read into memory
(a lazy profile reads a shard when first needed, and knows the others by their cache
summaries meanwhile: :mod:`tui.userdata.summary`); a change is written to its shard at
once, atomically and durably, under the profile lock, after re-reading the shard and
merging what another instance wrote there, field by field. A failed write keeps the
change pending in memory; the next change or :meth:`UserData.flush` merges it the same
way and writes it.
"""

from __future__ import annotations

import threading
import types
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterable, Mapping, TypeVar

from tui import paths
from tui.model import STATES, Annotation, Fingerprint, State
from tui.userdata.clock import now_stamp
from tui.userdata.drafts import Drafts, merge_note
from tui.userdata.format import normalise_tags
from tui.userdata.readcache import ShardCache
from tui.userdata.record import FieldChange, Record, diff, edit, merge, revert
from tui.userdata.shards import SaveError, ShardedFiles, shard_of
from tui.userdata.outcomes import ImportReport, Outcome
from tui.userdata.summary import ProfileView
from tui.userdata.storage import atomic_write
from tui.userdata.transfer import export_payload, read_annotation_file

__all__ = ["SaveError", "ImportReport", "Outcome", "UserData", "shard_of"]

Result = TypeVar("Result")


def _as_tags(tags: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if tags is None:
        return None
    return normalise_tags([tags] if isinstance(tags, str) else tags)


class UserData:
    """One profile's annotations, in memory for reads and saved on every change.

    Safe to share between threads (one lock guards everything) and between processes
    on the same profile (a file lock, and a merge that keeps each field's later change).
    """

    def __init__(self, profile_dir: Path, profile: str = "", *, backups_kept: int = 5,
                 backup_every: float = 900.0, lock_timeout: float = 5.0,
                 lazy: bool = False, cache_dir: Path | None = None) -> None:
        """``lazy``: read each shard file when one of its papers is first asked about (or
        changed), every one of them only when all annotations are; a command about one
        paper then reads one file of the 256, whatever the size of the profile.
        ``cache_dir``: the cache folder where what each shard held is kept, so the next
        opening reads it from there while the shard's file stays as it was (see
        :mod:`tui.userdata.readcache`); None reads the files only. Lazy with a cache,
        opening knows every shard at once, by its cache entry's summary (keys, stars,
        states, tags: :mod:`tui.userdata.summary`) where that still holds what the file
        holds, else by reading the file (so a damaged one is found and said at once);
        all annotations are then those summaries, each built when first looked at."""
        self.profile_dir = Path(profile_dir)
        self.profile = profile or self.profile_dir.name
        self._lock = threading.RLock()  # TinyDB and our caches are not thread-safe
        self._records: dict[str, Record] = {}
        self._cache: dict[str, Annotation] = {}
        self._tags: Counter[str] = Counter()
        self._snapshot: Mapping[str, Annotation] | None = None
        self._files = ShardedFiles(self.profile_dir, self._records.get, self._put,
                                   backups_kept=backups_kept, backup_every=backup_every,
                                   lock_timeout=lock_timeout, put_new=self._put_new,
                                   cache=ShardCache.for_profile(self.profile_dir, cache_dir)
                                   if cache_dir is not None else None)
        self.warnings: list[str] = self._files.warnings
        """Sentences for the person: files moved aside, backups to restore, odd times."""
        self.damaged: list[tuple[Path, Path, Path | None]] = self._files.damaged
        """(file, where it was moved, its last good backup or None) for each damaged file."""
        self.backups = self._files.backups
        self._read_all = not lazy
        self._summed_up = -1  # the shards' summaries the snapshot was made with
        with self._lock:
            if not lazy:
                self._files.load()
            elif self._files.cache is not None:
                self._files.summarise(clean=True)
        self.drafts = Drafts(self.profile_dir)
        """Note drafts as typed, kept until saved or given up."""
        self.warnings.extend(self.drafts.warnings)

    @classmethod
    def open(cls, profile: str | None = None, *, lazy: bool = False,
             **options: float) -> "UserData":
        """Open a profile by name (default: ``PAPERTRAY_USER`` or the login name)."""
        name = paths.safe_profile_name(profile) if profile else paths.default_profile()
        return cls(paths.profile_dir(name), name, lazy=lazy, cache_dir=paths.cache_dir(),
                   **options)  # type: ignore[arg-type]

    # ----- reading ---------------------------------------------------------------------

    def _read_shards_of(self, keys: Iterable[str]) -> None:
        """(Under the lock.) Make sure what the files say of ``keys`` is in memory."""
        if not self._read_all:
            self._files.load_stems({shard_of(key) for key in keys})

    def _read_every_shard(self) -> None:
        """(Under the lock.) Make sure every annotation is in memory."""
        if not self._read_all:
            self._files.load()
            self._read_all = True

    def _know_every_shard(self) -> None:
        """(Under the lock.) Make sure every annotation is in memory or summed up."""
        if self._read_all:
            return
        if self._files.cache is None:
            self._read_every_shard()
        else:
            self._files.summarise()

    def get(self, key: str) -> Annotation | None:
        """The annotation of one paper, or None when it says nothing (never annotated, or
        every change taken back)."""
        with self._lock:
            summary = self._files.summaries.get(shard_of(key)) if self._files.summaries else None
            if summary is not None:  # known without reading the file again
                if key not in summary:
                    return None
                try:
                    return summary.annotations()[key]
                except LookupError:  # that reading is gone: the file as it is now
                    pass
            self._read_shards_of((key,))
            return self._cache.get(key)

    def record(self, key: str) -> Record | None:
        """One paper's annotation with the change time of each field."""
        with self._lock:
            self._read_shards_of((key,))
            return self._records.get(key)

    def annotations(self) -> Mapping[str, Annotation]:
        """A read-only snapshot of every annotation by key; later changes do not alter it."""
        with self._lock:
            self._know_every_shard()
            summaries = self._files.summaries
            if self._snapshot is None or self._summed_up != self._files.summed_up:
                self._snapshot = ProfileView(dict(self._cache), summaries, self.get) if summaries else \
                    types.MappingProxyType(dict(self._cache))
                self._summed_up = self._files.summed_up
            return self._snapshot

    def __len__(self) -> int:
        with self._lock:
            self._know_every_shard()
            return len(self._cache) + sum(len(s.keys) for s in self._files.summaries.values())

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in use with the number of papers carrying it, alphabetically."""
        with self._lock:
            self._know_every_shard()
            tags = Counter(self._tags)
            for summary in self._files.summaries.values():
                tags.update(tag for tags_of_one in summary.tags for tag in tags_of_one)
            return sorted(tags.items())

    @property
    def unsaved(self) -> int:
        """How many papers have changes waiting to be written after a failed save."""
        with self._lock:
            return self._files.unsaved

    # ----- changing --------------------------------------------------------------------

    def update(self, key: str, *, title: str | Fingerprint = "", starred: bool | None = None,
               tags: Iterable[str] | None = None, add_tags: Iterable[str] = (),
               remove_tags: Iterable[str] = (), note: str | None = None,
               state: State | None = None) -> Annotation:
        """Change one paper's annotation and save it before returning.

        None (or empty) arguments leave a field as it is; ``tags`` replaces the tags, then
        ``add_tags`` and ``remove_tags`` apply. ``title`` is the paper's title, copied, or
        its :class:`~tui.model.Fingerprint` (title and what else finds the paper again).
        Raises SaveError (the change kept in memory) when it cannot be written.
        """
        return self.update_many([(key, title)], starred=starred, tags=tags, add_tags=add_tags,
                                remove_tags=remove_tags, note=note, state=state)[0]

    def update_many(self, items: Iterable[tuple[str, str | Fingerprint]], **changes: object
                    ) -> list[Annotation]:
        """:meth:`change`, raising SaveError when it could not be written (it is kept)."""
        outcome = self.change(items, **changes)  # type: ignore[arg-type]
        if outcome.error:
            raise SaveError(outcome.error)
        return outcome.annotations

    def change(self, items: Iterable[tuple[str, str | Fingerprint]], *,
               starred: bool | None = None,
               tags: Iterable[str] | None = None, add_tags: Iterable[str] = (),
               remove_tags: Iterable[str] = (), note: str | None = None,
               state: State | None = None, note_base: str | None = None,
               append_note: str | None = None, dry_run: bool = False) -> Outcome:
        """Apply one change to many papers (``(key, title or fingerprint)`` pairs) as a
        single step.

        Each touched shard is written once. What changed, field by field, comes back
        for undo; a save that failed comes back as ``error`` (the change is kept).
        ``note_base`` is the note ``note`` was written from: if the note was changed
        since (read again under the lock, just before writing), both texts are kept.
        ``append_note`` adds a paragraph to each paper's note. ``dry_run`` only works
        out the changes (nothing is written, nothing locked).
        """
        if state is not None and state not in STATES:
            raise ValueError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
        pairs = [(key, title) for key, title in items]
        for key, _ in pairs:
            if not isinstance(key, str) or not key.strip():
                raise ValueError(f"a paper key must be a non-empty string, not {key!r}")
        fields = dict(starred=starred, tags=_as_tags(tags), add_tags=_as_tags(add_tags) or (),
                      remove_tags=_as_tags(remove_tags) or (), note=note, state=state)
        changes: list[FieldChange] = []

        def apply() -> None:
            for key, title in pairs:
                before = self._records.get(key)
                current = before.annotation.note if before is not None else ""
                if note_base is not None and note is not None:
                    fields["note"] = merge_note(note_base, note, current)
                elif append_note is not None:
                    fields["note"] = f"{current.rstrip()}\n\n{append_note}" if current.strip() else append_note
                new = edit(before, key, title, **fields)  # type: ignore[arg-type]
                if new is not None:
                    if not dry_run:
                        self._files.stage(key, new)
                    changes.extend(diff(key, before, new))

        if dry_run:
            with self._lock:
                self._read_shards_of(key for key, _ in pairs)
                apply()
                return Outcome([], tuple(changes))
        error = self._save({shard_of(key) for key, _ in pairs}, apply)
        with self._lock:
            annotations = [record.annotation if (record := self._records.get(key)) else Annotation(
                key=key, title=title.title if isinstance(title, Fingerprint) else title)
                for key, title in pairs]
        return Outcome(annotations, tuple(changes), (), error)

    def revert(self, changes: Iterable[FieldChange], *, forward: bool = False,
               since: str = "") -> Outcome:
        """Undo ``changes`` (or redo them, ``forward``) on the papers as they are now.

        Only the fields those changes touched are put back, and only where they still
        hold what the change left: what anyone changed since stays (``skipped``); with
        ``since`` (when the change was made), so does a field changed after it.
        """
        by_key: dict[str, list[FieldChange]] = defaultdict(list)
        for change in changes:
            by_key[change.key].append(change)
        done: list[FieldChange] = []
        skipped: list[FieldChange] = []

        def apply() -> None:
            for key, own in by_key.items():
                before = self._records.get(key)
                new, left = revert(before, key, own, forward=forward, since=since)
                skipped.extend(left)
                if new is not None:
                    self._files.stage(key, new)
                    done.extend(diff(key, before, new))

        error = self._save({shard_of(key) for key in by_key}, apply)
        with self._lock:
            annotations = [self._cache.get(key) or Annotation(key=key) for key in by_key]
        return Outcome(annotations, tuple(done), tuple(skipped), error)

    def restore(self, values: Mapping[str, Annotation | None]) -> Outcome:
        """Set papers' annotations to exactly these values (None: blank), as one change
        made now (an annotation following its paper to a new key); tags and text are kept
        as given. Raises SaveError (the change kept in memory) when it cannot be written."""
        for key, value in values.items():
            if value is not None and value.key != key:
                raise ValueError(f"the annotation given for {key!r} belongs to {value.key!r}")
        done: list[FieldChange] = []

        def apply() -> None:
            for key, value in values.items():
                before = self._records.get(key)
                base = before or Record(Annotation(key=key))
                wanted = Record(value or Annotation(key=key))
                names = [change.name for change in diff(key, before, wanted)]
                about = value.fingerprint if value is not None else ""
                if not names and (value is None or value.fingerprint == base.annotation.fingerprint):
                    continue
                new = base.with_values({name: wanted.value(name) for name in names},
                                       now_stamp(after=base.annotation.updated), about)
                self._files.stage(key, new)
                done.extend(diff(key, before, new))

        error = self._save({shard_of(key) for key in values}, apply)
        if error:
            raise SaveError(error)
        with self._lock:
            annotations = [self._cache.get(key) or Annotation(key=key) for key in values]
        return Outcome(annotations, tuple(done))

    def flush(self) -> None:
        """Write every change a failed save left pending; raises SaveError if one still fails."""
        self._transaction(set(), lambda: None)

    def reload(self) -> bool:
        """Take in what other instances saved since; True when an annotation changed."""
        with self._lock:
            self._know_every_shard()
            return self._files.reload()

    # ----- files -----------------------------------------------------------------------

    def export_payload(self) -> tuple[bytes, int]:
        """Every record (removals included, each field with its change time) as the bytes
        of one sorted, indented JSON file, and how many papers it holds."""
        with self._lock:
            self._read_every_shard()
            records = list(self._records.values())
        return export_payload(self.profile, records), len(records)

    def export(self, path: str | Path) -> int:
        """Write :meth:`export_payload` to ``path`` atomically; return how many papers."""
        payload, count = self.export_payload()
        atomic_write(Path(path), payload)
        return count

    def import_file(self, path: str | Path) -> ImportReport:
        """Merge an annotation file (export, shard or backup) field by field: each field
        keeps its later change, so a removal made here or there travels too."""
        incoming, problems = read_annotation_file(path)
        report = ImportReport(problems=problems)

        def apply() -> None:
            for record in incoming:
                local = self._records.get(record.key)
                merged = record if local is None else merge(local, record)
                if local is None:
                    report.added += 1
                elif merged == local:
                    if record == local:
                        report.unchanged += 1
                    else:
                        report.kept += 1
                    continue
                else:
                    report.updated += 1
                report.changes.extend(diff(record.key, local, merged))
                if local is not None and local.annotation.note.strip() and (
                        merged.annotation.note != local.annotation.note):
                    report.notes_replaced.append(record.key)
                self._files.stage(record.key, merged)

        try:
            self._transaction({shard_of(r.key) for r in incoming}, apply)
        except SaveError as error:
            report.error = str(error)
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
                report.changes += part.changes
                report.error = report.error or part.error
        return report

    def _save(self, stems: set[str], apply: Callable[[], None]) -> str:
        """Run a change as a transaction; the save error's sentence, or "" when saved
        (a change that could not be written is applied in memory and kept)."""
        try:
            self._transaction(stems, apply)
        except SaveError as error:
            return str(error)
        return ""

    def _transaction(self, stems: set[str], apply: Callable[[], Result]) -> Result:
        with self._lock:
            if not self._read_all:
                # Read first, lock or no lock: a change that cannot be saved now is still
                # made on what the files say, never on an annotation not read yet.
                self._files.load_stems(stems)
            return self._files.transaction(stems, apply)

    def close(self) -> None:
        """Release the lock file handle (changes are already saved)."""
        self._files.lock.close()

    def __enter__(self) -> "UserData":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- internals -------------------------------------------------------------------

    def _put(self, key: str, record: Record) -> bool:
        """Set what the person sees for one paper, keeping tag counts current."""
        old = self._records.get(key)
        if old == record:
            return False
        self._records[key] = record
        before = old.annotation if old is not None else None
        if before == record.annotation:
            return False
        for annotation, step in ((before, -1), (record.annotation, 1)):
            if annotation is not None:
                for tag in annotation.tags:
                    self._tags[tag] += step
                    if not self._tags[tag]:
                        del self._tags[tag]  # no paper carries it any more
        if record.annotation.is_blank:
            # Nothing said about it any more (all taken back): not an annotation the person
            # sees, but the record stays, so that the removals travel in merges and exports.
            self._cache.pop(key, None)
        else:
            self._cache[key] = record.annotation
        self._snapshot = None
        return True

    def _put_new(self, records: dict[str, Record]) -> bool:
        """:meth:`_put` for papers with no record yet, all at once (opening a profile)."""
        self._records.update(records)
        cache = self._cache
        tags: list[str] = []
        for key, record in records.items():
            annotation = record.annotation
            tags += annotation.tags
            if not annotation.is_blank:  # a blank one is a record, not an annotation
                cache[key] = annotation
        self._tags.update(tags)
        self._snapshot = None
        return bool(records)
