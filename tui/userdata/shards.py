"""A profile's folder of shard files, and the merge with what other instances wrote.

Each paper's record lives in shard ``sha1(key)[:2]`` (256 TinyDB databases, each opened
through the durable storage), so a change rewrites one small file. Before writing,
under the profile lock, the shard is read again and what someone else wrote there is
merged in field by field (:func:`~tui.userdata.record.merge`): the merge keeps every
field's later change, so nothing either side wrote is lost, whatever the order. A
change that could not be written stays pending as our record and is merged the same
way when it finally is. Damaged files are moved aside and never written over.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from tui.userdata.backups import Backups, leftover_temp_files, move_aside
from tui.userdata.clock import Reading
from tui.userdata.format import SCHEMA_VERSION, TABLE, RecordDocument, shard_of
from tui.userdata.readcache import ShardCache
from tui.userdata.record import Record, merge
from tui.userdata.summed import SummedUp
from tui.userdata.storage import (
    AnnotationDB, DamagedFile, ProfileLock, Signature, digest, file_signature, fsync_dir, read_file,
)

__all__ = ["SaveError", "ShardedFiles", "shard_of"]

log = logging.getLogger(__name__)

Result = TypeVar("Result")


class SaveError(Exception):
    """A change could not be written; it is kept in memory and saved again later."""


class StuckDamagedFile(OSError):
    """A damaged shard that could not be moved aside: writing to its shard must fail."""


_now_ns = time.time_ns
"""The wall clock, as file times are (tests move it)."""


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: reading a large profile builds hundreds of
    thousands of objects and no cycle, and the collector would walk them all again and
    again meanwhile (a sixth of the time opening 100,000 annotations took)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ShardedFiles(SummedUp):
    """Reads, merges and writes one profile's shard files (not thread-safe: lock outside).

    ``get(key)`` is what the person sees for a paper; ``put(key, record)`` changes it
    and returns whether it differed.
    """

    def __init__(self, profile_dir: Path, get: Callable[[str], Record | None],
                 put: Callable[[str, Record], bool], *, backups_kept: int = 5,
                 backup_every: float = 900.0, lock_timeout: float = 5.0,
                 put_new: Callable[[dict[str, Record]], bool] | None = None,
                 cache: ShardCache | None = None) -> None:
        """``put_new(records)`` does ``put`` for papers ``get`` knows nothing of, all at
        once (opening a profile puts 100,000 of them). ``cache``: where shards read are
        kept, to be read quickly next time while their files stay as they were."""
        super().__init__()
        self.folder = profile_dir / TABLE
        self.backups = Backups(profile_dir / "backups", keep=backups_kept, every=backup_every)
        self.lock = ProfileLock(profile_dir / ".lock", lock_timeout)
        self.warnings: list[str] = []
        self.damaged: list[tuple[Path, Path, Path | None]] = []
        self._get, self._put = get, put
        self.cache = cache
        self._put_new = put_new or (lambda records: any([put(k, r) for k, r in records.items()]))
        self._dbs: dict[str, AnnotationDB] = {}
        self._warm: list[str] = []  # shards whose parsed tables are kept, most recent last
        self._digest: dict[str, bytes] = {}  # shard -> hash of its bytes as last read/written
        self._signature: dict[str, Signature | None] = {}  # shard -> stat, for cheap reload()
        self._keys: dict[str, set[str]] = {}  # shard -> papers we know to be in it
        self._pending: dict[str, set[str]] = {}  # shard -> papers whose record is not saved
        self.read: set[str] = set()  # shards read at least once (all of them after load())
        self.from_cache: set[str] = set()  # shards whose first reading came from the cache

    @property
    def unsaved(self) -> int:
        """How many papers have changes waiting to be written."""
        return sum(len(keys) for keys in self._pending.values())

    def path(self, stem: str) -> Path:
        """The file of one shard."""
        return self.folder / f"{stem}.json"

    def load(self) -> None:
        """Read every shard; clean what a killed writer left; set damaged files aside."""
        self._clean_leftovers()
        self.load_stems(self._stems_on_disk())

    def _clean_leftovers(self) -> None:
        folders = (self.folder, self.backups.folder)
        if any(leftover_temp_files(folder) for folder in folders):
            try:  # under the lock, so a live writer's temp file is never taken for a leftover
                with self.lock:
                    for temp in [t for folder in folders for t in leftover_temp_files(folder)]:
                        temp.unlink()
            except OSError as error:
                self._warn(f"Could not remove unfinished temporary files in {self.folder} ({error}).")

    def load_stems(self, stems: set[str]) -> None:
        """Read the shards ``stems`` not read yet (a command about a few papers reads only
        theirs); set damaged files aside."""
        with _no_cycle_collection():
            self._load_stems(stems)

    def _load_stems(self, stems: set[str]) -> None:
        for stem in sorted(stems - self.read):
            try:
                if not self._from_cache(stem):
                    self._absorb(stem, keep=True)
                    self._db(stem).durable.forget()  # 256 parsed files would double the memory
            except StuckDamagedFile:
                pass  # already told
            except OSError as error:
                self._warn(f"Could not read the annotation file {self.path(stem)} "
                           f"({error.strerror or error}); nothing will be saved over it.")

    def stage(self, key: str, record: Record) -> None:
        """Record a change to save (call inside :meth:`transaction`)."""
        stem = shard_of(key)
        self._pending.setdefault(stem, set()).add(key)
        self._keys.setdefault(stem, set()).add(key)
        self._put(key, record)

    def transaction(self, stems: set[str], apply: Callable[[], Result]) -> Result:
        """Under the profile lock: re-read ``stems``, ``apply()``, write every pending shard.

        Without the lock (a read-only folder) the change is still applied in memory and
        kept pending. Raises SaveError naming the first file that could not be written.
        """
        if not stems and not self._pending:
            return apply()  # nothing to read or write: leave the folder alone
        try:
            self.lock.__enter__()
        except OSError as error:
            apply()
            raise self._save_error(self.lock.path, error) from error
        try:
            fresh = set()  # shards read again under this lock
            for stem in sorted(stems):
                try:
                    self._absorb(stem)
                    fresh.add(stem)
                except OSError:
                    pass  # reported below, when writing the shard fails the same way
            result = apply()
            failures = self._write_pending(fresh)
        finally:
            self.lock.__exit__()
        if failures:
            path, failure = failures[0]
            raise self._save_error(path, failure) from failure
        return result

    def reload(self) -> bool:
        """Take in shards other instances changed since; True when an annotation changed."""
        changed = False
        for stem in sorted(self._stems_on_disk() | set(self._signature)):
            path = self.path(stem)
            if file_signature(path) == self._signature.get(stem):
                continue
            try:
                if stem in self.summaries:
                    changed |= self._absorb_summed_up(stem)
                else:
                    changed |= self._absorb(stem)
                self._cool(stem)
            except OSError as error:
                log.warning("could not reload %s: %s", path, error)
        return changed

    def _stems_on_disk(self) -> set[str]:
        try:
            names = [p.name for p in self.folder.iterdir()]
        except OSError:
            return set()
        return {n[:2] for n in names if len(n) == 7 and n.endswith(".json") and
                all(c in "0123456789abcdef" for c in n[:2])}

    def _db(self, stem: str) -> AnnotationDB:
        """The TinyDB database of one shard (opened once; opening reads nothing)."""
        db = self._dbs.get(stem)
        if db is None:
            db = self._dbs[stem] = AnnotationDB(self.path(stem))
        return db

    def _cool(self, stem: str, keep: int = 8) -> None:
        """Keep the parsed tables of the few shards used last; forget the others'."""
        if stem in self._warm:
            self._warm.remove(stem)
        self._warm.append(stem)
        while len(self._warm) > keep:
            self._db(self._warm.pop(0)).durable.forget()

    def _from_cache(self, stem: str) -> bool:
        """Take in a shard as the read cache has it, when the cache still holds what the
        file holds; False (nothing done) otherwise. Its digest is left unknown, so the
        next change to it reads the real file again (under the lock) and merges it."""
        if self.cache is None:
            return False
        path = self.path(stem)
        try:
            signature = file_signature(path)
        except OSError:
            return False  # reading it says why
        if signature is None:
            return False
        summary = self.summaries.get(stem)
        theirs = None
        if summary is None or summary.signature != signature or not summary.fetched():
            theirs = self.cache.load(stem, path, signature)
            if theirs is None:
                return False
        self._take_summary(stem)  # when it is the very reading summed up, nothing else to take
        self.read.add(stem)
        self.from_cache.add(stem)
        if theirs is not None:
            self._take(stem, theirs)
        self._signature[stem] = signature
        return True

    def _absorb(self, stem: str, *, keep: bool = False) -> bool:
        """Read a shard through TinyDB and merge it into what we know, field by field;
        True when what the person sees changed. ``keep``: put what the file holds in the
        read cache (when the reading can be trusted later)."""
        db = self._db(stem)
        storage = db.durable
        theirs = None
        self._take_summary(stem)
        self.read.add(stem)
        try:
            # Only hash when there is something to compare with (opening reads once).
            seen = storage.peek() if stem in self._digest else True
            if seen is not None and seen == self._digest.get(stem):
                self._signature[stem] = storage.signature
                return False  # the same bytes as we last read or wrote
            read_ns = _now_ns()  # before reading: a change after it shows in the signature
            if seen is not None and (tables := storage.read()) is not None and (
                    storage.digest != self._digest.get(stem)):
                reading = Reading(str(self.path(stem)))
                theirs = db.records(reading, tables)
                for note in reading.notes:
                    self._warn(note)
                if keep and self.cache is not None and not reading.notes and (
                        storage.version == SCHEMA_VERSION):
                    # Not a file with odd times: how those read depends on the day.
                    self.cache.store(stem, self.path(stem), storage.signature, read_ns, theirs)
        except DamagedFile as damage:
            self._set_aside(stem, storage.digest, str(damage))
        known = self._keys.setdefault(stem, set())
        if theirs is None:
            # Gone or set aside: everything we know of it is written again with the next save.
            if known:
                self._pending.setdefault(stem, set()).update(known)
            self._digest.pop(stem, None)
            storage.forget()
            self._signature[stem] = file_signature(self.path(stem))
            return False
        changed = self._take(stem, theirs)
        self._digest[stem] = storage.digest  # type: ignore[assignment]  # read just now
        self._signature[stem] = storage.signature
        return changed

    def _take(self, stem: str, theirs: dict[str, Record]) -> bool:
        """Merge a shard's records into what we know, field by field; papers where we know
        more than the file are written with the next save. True when what the person
        sees changed."""
        known = self._keys.setdefault(stem, set())
        changed = False
        lacking = known - theirs.keys()  # the file was replaced by an older copy (a sync)
        new: dict[str, Record] = {}  # papers we knew nothing of, put in one go, in order
        for key, record in theirs.items():
            ours = self._get(key)
            if ours is None:
                new[key] = record
                continue
            if new:
                changed |= self._put_new(new)
                new = {}
            merged = merge(ours, record)
            if merged != ours:
                changed |= self._put(key, merged)
            if merged != record:
                lacking.add(key)  # we know more than the file: write it with the next save
        if new:
            changed |= self._put_new(new)
        known.update(theirs)
        if lacking:
            self._pending.setdefault(stem, set()).update(lacking)
        return changed

    def _set_aside(self, stem: str, damaged: bytes | None, reason: str) -> None:
        """Move a damaged shard (whose bytes hash to ``damaged``) aside, never overwrite
        it, and tell the person."""
        path = self.path(stem)
        try:
            with self.lock:
                current, _ = read_file(path)
                if current is None or digest(current) != damaged:
                    return  # replaced meanwhile; the next read judges the new file
                moved = move_aside(path)
        except OSError as error:
            self._warn(f"The annotation file {path} could not be read because {reason}, and it "
                       f"could not be moved aside ({error.strerror or error}), so it is left as "
                       "it is and nothing will be saved over it.")
            raise StuckDamagedFile(errno.EIO, "it is damaged and could not be moved aside") from error
        backup = self.backups.latest_good(stem)
        self.damaged.append((path, moved, backup))
        offer = (f"its last good backup is {backup} (`papertray annotations import {backup}` "
                 "brings it back)" if backup else "there is no backup of it yet")
        self._warn(f"The annotation file {path} could not be read because {reason}, so it was "
                   f"moved to {moved} untouched and {offer}.")

    def _warn(self, sentence: str) -> None:
        log.warning("%s", sentence)
        if sentence not in self.warnings:
            self.warnings.append(sentence)

    def _write_pending(self, fresh: set[str]) -> list[tuple[Path, OSError]]:
        """Write the pending shards: first those that only gain or change annotations, made
        durable, and only then those that clear one. An annotation moving to another key
        (and shard) is so on disk at every instant, in its new place or its old one or both
        (following it again finds them one), whatever stops the writing half way: a full
        disk, a read-only file, a kill. After a failure, shards that clear stay pending."""
        failures: list[tuple[Path, OSError]] = []
        clearing = {stem for stem, keys in self._pending.items()
                    if any((record := self._get(key)) is None or record.annotation.is_blank
                           for key in keys)}
        for group in (sorted(set(self._pending) - clearing), sorted(clearing)):
            if failures and group and group[0] in clearing:
                break  # what they clear may be on disk nowhere else yet
            written = []
            for stem in group:
                try:
                    if stem not in fresh:
                        self._absorb(stem)
                    self._write(stem)
                    written.append(stem)
                except OSError as error:
                    failures.append((self.path(stem), error))
            if written:
                try:  # one folder sync makes every rename above durable
                    fsync_dir(self.folder)
                except OSError as error:
                    for stem in written:  # not known to be durable: keep them to write again
                        self._pending[stem] = set(self._keys.get(stem, ()))
                    failures.append((self.folder, error))
        return failures

    def _write(self, stem: str) -> None:
        """Write a shard's pending records through TinyDB, as one durable file write; a
        file of an earlier format is kept in the backups first, then upgraded whole."""
        db = self._db(stem)
        storage = db.durable
        keys = set(self._pending[stem])
        if storage.digest is not None and storage.version < SCHEMA_VERSION:
            data, _ = read_file(self.path(stem))
            if data is not None and digest(data) == storage.digest:
                self.backups.keep_earlier_version(stem, data, storage.version)
            keys |= self._keys.get(stem, set())
        if not storage.parsed and storage.digest is not None and storage.digest == self._digest.get(stem):
            # The file holds what we last read or wrote there, and every paper of it whose
            # record differs from the file is pending: rebuilding its tables from the
            # records costs a third of parsing it again (a shard is ~200 kB at 100k papers).
            storage.prime({TABLE: {key: RecordDocument(record) for key in self._keys.get(stem, ())
                                   if (record := self._get(key)) is not None}})
        docs = {key: RecordDocument(record) for key in sorted(keys)
                if (record := self._get(key)) is not None}
        self.folder.mkdir(parents=True, exist_ok=True)
        with storage.batch(sync_dir=False):
            db.put(docs)
        self._cool(stem)
        self.backups.maybe_copy(stem, storage.payload)
        storage.payload = b""
        self._digest[stem] = storage.digest  # type: ignore[assignment]  # just written
        self._signature[stem] = storage.signature
        del self._pending[stem]

    @staticmethod
    def _save_error(path: Path, error: OSError) -> SaveError:
        reason = error.strerror or str(error)
        return SaveError(f"Could not save annotations to {path} ({reason}); the change is kept "
                         "and saved as soon as the file can be written.")
