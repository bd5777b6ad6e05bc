"""What each shard file held when last read, kept in the cache folder to open quickly.

Opening 100,000 annotations parses 61 MB of JSON and checks every document; the same
records loaded from here are about three times cheaper. Each shard's entry records the
file's signature (inode, size, change times) as read, and serves only while the file
still has exactly that signature *and* the file was last changed more than two seconds
before it was read (git's "racy clean" rule: a same-size change within the timestamps'
granularity would keep the signature, so such a reading is never trusted). Entries
live under the cache folder, never in the profile, and are only an accelerator for
reading: every change still reads its shard again from the real file under the profile
lock and merges field by field (:mod:`tui.userdata.shards`), so nothing a person wrote
depends on them. A missing, stale, damaged or unreadable entry is ignored silently and
the file is read instead; nothing here raises.

Layout: ``<cache>/annotations/<profile>-<hash of its folder>/<shard>.marshal``, each the
header line, then two :mod:`marshal` payloads of plain tuples, each after its CRC32
(the first after its length too): what the reading was (file, signature, time) with
the shard's summary (:mod:`tui.userdata.summary`), then its records. Opening a
profile reads the summaries only; a shard's records are read when wanted. The header
names the Python that wrote it (marshal's format changes between versions) and a
digest of the code that reads the files, so a papertray that reads a file otherwise
never uses what another one read there.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import sys
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

from tui.userdata.record import Record
from tui.userdata.storage import Signature, atomic_write
from tui.userdata.format import shard_of
from tui.userdata.summary import ShardSummary, columns_of, rows_to_records

__all__ = ["RACY_NS", "ShardCache"]

log = logging.getLogger(__name__)

FORMAT = 2
"""Bumped whenever what an entry holds changes."""
RACY_NS = 2_000_000_000
"""A file changed less than this before it was read (nanoseconds) is not cached: its
timestamps may not tell a later same-size change apart (FAT's are 2 s apart)."""
_READING_CODE = ("model.py", "userdata/clock.py", "userdata/format.py", "userdata/readcache.py",
                 "userdata/record.py", "userdata/storage.py", "userdata/summary.py")
"""The code that decides what a file reads as: entries other code made are not used."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@lru_cache(maxsize=None)
def _head() -> bytes | None:
    """The first line of every entry: the format, the Python and the reading code that
    made it (None, and no cache, when that code cannot be read)."""
    digest = hashlib.sha1()
    here = Path(__file__).resolve().parents[1]
    try:
        for name in _READING_CODE:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    except OSError:
        return None
    return (f"papertray shard cache {FORMAT} {sys.implementation.cache_tag} marshal "
            f"{marshal.version} code {digest.hexdigest()[:16]}\n").encode()


class ShardCache:
    """The cache entries of one profile's shards."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_profile(cls, profile_dir: Path, cache_root: Path) -> "ShardCache | None":
        """The cache of the profile in ``profile_dir`` under ``cache_root``; None when it
        would be inside the profile folder (the cache is never kept there)."""
        try:
            profile = profile_dir.resolve()
            root = cache_root.resolve()
        except (OSError, RuntimeError):
            return None
        if _head() is None:
            return None
        name = _UNSAFE.sub("_", profile.name)[:40] or "profile"
        folder = root / "annotations" / f"{name}-{hashlib.sha1(str(profile).encode()).hexdigest()[:16]}"
        if folder == profile or profile in folder.parents:
            return None
        return cls(folder)

    def path(self, stem: str) -> Path:
        """The entry of one shard."""
        return self.folder / f"{stem}.marshal"

    def load(self, stem: str, shard: Path, signature: Signature) -> dict[str, Record] | None:
        """The records of ``shard`` as last read, if that reading is still what the file
        holds (its signature now is ``signature``); else None."""
        found = self._read(stem, shard, signature, whole=True)
        return None if found is None else self._records(found[1], found[2], None)

    def summary(self, stem: str, shard: Path, signature: Signature,
                otherwise: Callable[[], dict[str, Record] | None] = lambda: None
                ) -> ShardSummary | None:
        """The summary of ``shard`` as last read, if that reading is still what the file
        holds (its signature now is ``signature``) and could be summed up; else None.
        Only the summary is read now; the records, when wanted, from the same entry, or
        from ``otherwise()`` (the file read again) when that entry was replaced since."""
        found = self._read(stem, shard, signature, whole=False)
        if found is None or found[0] is None:
            return None
        columns, identity, rows_at = found
        return ShardSummary(stem, signature, columns,
                            lambda: self._records(identity, rows_at, stem) or otherwise())

    def _read(self, stem: str, shard: Path, signature: Signature, *, whole: bool
              ) -> tuple[Any, Any, int] | None:
        """The summary columns (None: none kept) of the entry of ``shard``, if that reading
        is still what the file holds, with where its records are: the entry's bytes
        (``whole``) or its identity (inode, size, time), and their offset; else None."""
        head = _head() or b"\0"
        start = len(head) + 8
        try:
            with open(self.path(stem), "rb") as file:
                data = file.read() if whole else file.read(start + 65536)
                if data.startswith(head) and not whole:
                    end = start + int.from_bytes(data[start - 4:start], "big") + 4
                    if len(data) < end:
                        data += file.read(end - len(data))
                    stat = os.fstat(file.fileno())
                    identity: Any = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except OSError:
            return None
        try:
            if not data.startswith(head):
                return None
            split = start + int.from_bytes(data[start - 4:start], "big")
            if int.from_bytes(data[len(head):start - 4], "big") != zlib.crc32(memoryview(data)[start:split]):
                return None
            path, seen, read_ns, columns = marshal.loads(memoryview(data)[start:split])
            if path != str(shard) or tuple(seen) != signature or not _settled(signature, read_ns):
                return None
            return columns, (data if whole else identity), split
        except Exception:  # written by something else: read the file instead
            log.debug("ignoring the cache entry %s", self.path(stem), exc_info=True)
            return None

    def _records(self, where: Any, split: int, stem: str | None) -> dict[str, Record] | None:
        """The records after ``split`` in an entry: in ``where`` (its bytes), or in the
        entry of ``stem`` while it is still the one of identity ``where``; else None."""
        try:
            if stem is not None:
                with open(self.path(stem), "rb") as file:
                    stat = os.fstat(file.fileno())
                    if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != where:
                        return None  # replaced since: another reading's records
                    where = file.read()
            rows = memoryview(where)[split + 4:]
            if int.from_bytes(where[split:split + 4], "big") != zlib.crc32(rows):
                return None
            return rows_to_records(marshal.loads(rows))
        except Exception:  # gone, damaged, or written by something else
            log.debug("ignoring the cache entry of %s", stem, exc_info=True)
            return None

    def store(self, stem: str, shard: Path, signature: Signature | None, read_ns: int,
              records: Mapping[str, Record]) -> None:
        """Keep what ``shard`` (with ``signature``, read from ``read_ns`` on) holds;
        nothing when that reading could not be trusted later. Never raises."""
        if signature is None or not _settled(signature, read_ns):
            return
        shared: dict[Any, Any] = {}  # repeated values written once (marshal refers back)
        one = shared.setdefault
        rows = []
        for record in records.values():
            a = record.annotation
            fields = (a.key, a.starred, one(a.tags, a.tags), a.note, one(a.state, a.state),
                      a.title, one(a.created, a.created), one(a.updated, a.updated),
                      one(a.author, a.author), a.year, a.citekey, a.doi, a.arxiv,
                      one(a.source, a.source))
            changed = {one(name, name): one(stamp, stamp) for name, stamp in record.changed.items()}
            rows.append((fields, changed, dict(record.extra) if record.extra else None))
        try:
            # No summary of a file holding another shard's paper (copied in by hand or a
            # sync): it is read whole, with that paper's own shard, so the two merge.
            columns = None if any(shard_of(key) != stem for key in records) else \
                columns_of(records.values(), lambda value: one(value, value))
            about = marshal.dumps((str(shard), signature, read_ns, columns))
            payload = marshal.dumps(tuple(rows))
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path(stem), (_head() or b"\0") + zlib.crc32(about).to_bytes(4, "big")
                         + len(about).to_bytes(4, "big") + about
                         + zlib.crc32(payload).to_bytes(4, "big") + payload, durable=False)
        except (OSError, ValueError) as error:  # a full disk, a read-only cache: read the files
            log.debug("could not keep the cache entry %s: %s", self.path(stem), error)


def _settled(signature: Signature, read_ns: int) -> bool:
    """True when the file with ``signature`` had not changed for RACY_NS before it was
    read at ``read_ns``, so any later change shows in its signature."""
    _, _, mtime_ns, ctime_ns = signature
    return read_ns - max(mtime_ns, ctime_ns) > RACY_NS
