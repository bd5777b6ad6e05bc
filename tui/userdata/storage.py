"""Durable files for user data: a TinyDB storage that never leaves a half-written file.

Every write goes to a temporary file in the same folder, is flushed and fsynced, then
renamed over the old file with ``os.replace`` and the folder itself fsynced; a crash or a
``kill -9`` at any instant leaves either the old file or the new one. TinyDB's own
JSONStorage rewrites the file in place and was measured leaving a broken file in 67 of
1,000 kills. Also here: the inter-process profile lock, moving damaged files aside, the
cleanup of temporary files a killed writer left, and rotating backups.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any, Iterator, Mapping

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from tui.model import Annotation
from tui.userdata.clock import Reading
from tui.userdata.format import READABLE, SCHEMA_VERSION, TABLE, encode_tables, from_document
from tui.userdata.record import Record

try:  # POSIX; elsewhere a single instance per profile is assumed
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

Signature = tuple[int, int, int, int]
"""(inode, size, mtime_ns, ctime_ns): cheap evidence that a file changed since last seen."""

TEMP_SUFFIX = ".tmp"


class DamagedFile(Exception):
    """A file that cannot be read as annotations; the message says what is wrong with it."""


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in ``folder`` survive a power cut."""
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder; renames are journaled
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def file_signature(path: Path) -> Signature | None:
    """The file's signature, or None when it does not exist."""
    try:
        return _signature(os.stat(path))
    except FileNotFoundError:
        return None


def atomic_write(path: Path, data: bytes, *, durable: bool = True, sync_dir: bool = True) -> Signature:
    """Replace ``path`` by ``data`` all at once; on any error the old file is untouched.

    ``durable=False`` skips the fsyncs, for copies that can be made again (backups).
    ``sync_dir=False`` leaves the folder's fsync to the caller, who writes several files
    and syncs the folder once before saying they are saved.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
            stat = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    if durable and sync_dir:
        fsync_dir(path.parent)
    # A rename keeps the inode and mtime; only ctime moves, so stat again for the signature.
    return file_signature(path) or _signature(stat)


def read_file(path: Path) -> tuple[bytes | None, Signature | None]:
    """The file's bytes and the signature of exactly those bytes (None, None if absent)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, None
    try:
        signature = _signature(os.fstat(fd))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), signature
    finally:
        os.close(fd)


def digest(data: bytes) -> bytes:
    """A short content hash, to tell whether a file changed since we last read or wrote it."""
    return hashlib.blake2b(data, digest_size=16).digest()


def decode_tables(data: bytes) -> tuple[dict[str, dict[str, Any]], int]:
    """Parse one annotation file into TinyDB tables and its schema_version, checking both."""
    if not data.strip():
        raise DamagedFile("the file is empty")
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise DamagedFile("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise DamagedFile(f"it is not valid JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(value, dict):
        raise DamagedFile(f"it holds {json.dumps(value)[:20]} instead of an object")
    version = value.pop("schema_version", None)
    if type(version) is not int or version not in READABLE:
        raise DamagedFile(f"its schema_version is {version!r}, not {SCHEMA_VERSION}"
                          + (" (a newer papertray wrote it)" if type(version) is int
                             and version > SCHEMA_VERSION else ""))
    for name, table in value.items():
        if not isinstance(table, dict):
            raise DamagedFile(f'its "{name}" table is not an object')
    return value, version


def decode_records(data: bytes, reading: Reading | None = None) -> dict[str, Record]:
    """Every record in the bytes of one annotation file, by key; raises DamagedFile."""
    return AnnotationDB(storage=_InMemory, data=decode_tables(data)[0]).records(reading)


def decode_annotations(data: bytes) -> dict[str, Annotation]:
    """Every annotation in the bytes of one annotation file, by key; raises DamagedFile."""
    return {key: record.annotation for key, record in decode_records(data).items()}


class _InMemory(Storage):
    """Tables already parsed (a backup being checked), for reading through TinyDB."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise OSError(errno.EROFS, "a parsed copy is read only")


class DurableJSONStorage(Storage):
    """A TinyDB storage for one annotation file, written atomically and durably.

    ``schema_version`` sits at the top of the file beside the tables; it is checked on
    read (a file that is not ours raises :class:`DamagedFile`) and added on write, so
    TinyDB itself only ever sees tables. Every TinyDB operation reads the whole file and
    writes it whole; two things keep that cheap: the parsed tables are kept while the
    file's bytes stay the same (checked by hash, not by a timestamp), and inside
    :meth:`batch` the writes of several operations become one write of the file.
    """

    def __init__(self, path: str | os.PathLike[str], durable: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.durable = durable
        self.digest: bytes | None = None
        """Hash of the file's bytes as last read or written (None: absent or unknown)."""
        self.signature: Signature | None = None
        """The file's signature as last read or written."""
        self.payload = b""
        """The bytes of the last write (for the backup copy)."""
        self.version = SCHEMA_VERSION
        """The schema_version of the file as last read (1: to be upgraded when written)."""
        self._tables: dict[str, dict[str, Any]] | None = None
        self._batching = 0
        self._dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The file's tables (None when there is no file); raises DamagedFile."""
        if self._batching and self._tables is not None:
            return self._tables  # this batch's own writes, not yet on disk
        data, self.signature = read_file(self.path)
        if data is None:
            self.digest, self._tables = None, None
            return None
        data_digest = digest(data)
        if data_digest != self.digest or self._tables is None:
            self._tables, self.digest = None, data_digest  # a damaged file's hash is kept too
            self._tables, self.version = decode_tables(data)
        return self._tables

    def peek(self) -> bytes | None:
        """The hash of the file's bytes now (None: no file), without parsing them; tables
        parsed from other bytes are dropped."""
        data, self.signature = read_file(self.path)
        seen = None if data is None else digest(data)
        if seen != self.digest:
            self._tables = None
        self.digest = seen
        return seen

    @property
    def parsed(self) -> bool:
        """True while the tables of the file's last seen bytes are kept."""
        return self._tables is not None

    def prime(self, tables: dict[str, dict[str, Any]]) -> None:
        """Tables known to hold what the file (as last seen) holds, rebuilt by the caller
        from what it read there, so that a write need not parse the file again."""
        self._tables = tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file by ``data`` (at the end of the batch, when batching)."""
        self._tables = data
        if self._batching:
            self._dirty = True
            return
        self._write_now(sync_dir=True)

    @contextlib.contextmanager
    def batch(self, *, sync_dir: bool = True) -> Iterator[None]:
        """Write the file once, at the end, for every TinyDB operation inside.

        ``sync_dir=False`` leaves the folder's fsync to the caller, who writes several
        files and syncs their folder once before saying they are saved.
        """
        self._batching += 1
        try:
            yield
        except BaseException:
            self.forget()  # TinyDB changed the kept tables in place: they are not the file
            raise
        finally:
            self._batching -= 1
        if self._dirty and not self._batching:
            self._dirty = False
            self._write_now(sync_dir=sync_dir)

    def forget(self) -> None:
        """Drop the parsed tables (memory); the next read parses the file again."""
        self._tables, self._dirty = None, False

    def _write_now(self, *, sync_dir: bool) -> None:
        assert self._tables is not None
        payload = encode_tables(self._tables)
        try:
            self.signature = atomic_write(self.path, payload, durable=self.durable, sync_dir=sync_dir)
        except BaseException:
            self.forget()
            raise
        self.digest, self.payload, self.version = digest(payload), payload, SCHEMA_VERSION


class AnnotationTable(Table):
    """A TinyDB table whose document ids are the papers' stable keys, not integers."""

    document_id_class = str  # type: ignore[assignment]


class AnnotationDB(TinyDB):
    """TinyDB opened on one annotation file: ``AnnotationDB(path).table("annotations")``."""

    table_class = AnnotationTable
    default_storage_class = DurableJSONStorage  # type: ignore[assignment]  # ours is durable

    @property
    def durable(self) -> DurableJSONStorage:
        """The storage, typed."""
        storage = self.storage
        assert isinstance(storage, DurableJSONStorage)
        return storage

    def records(self, reading: Reading | None = None,
                tables: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Record]:
        """Every record in the file, by key; raises DamagedFile if any is wrong. Odd
        change times are interpreted by ``reading``, which notes them. ``tables``: what
        the storage's ``read()`` just returned, so the file is not read again.

        The table's documents are read as they are, not copied one by one into TinyDB's
        Document (a third of the cost of reading 100,000 annotations); one that is not
        an object becomes what TinyDB would make of it, and when it cannot, the file is
        damaged (TinyDB's own iteration would raise and stop the profile opening).
        """
        if tables is None:
            tables = self.storage.read()
        found: dict[str, Record] = {}
        for key, doc in (tables or {}).get(TABLE, {}).items():
            key = str(key)  # AnnotationTable's ids are the papers' keys
            if type(doc) is not dict:
                try:
                    doc = Document(doc, doc_id=key)  # type: ignore[arg-type]  # str ids
                except (TypeError, ValueError):
                    pass  # from_document says what it is instead of an object
            try:
                record = from_document(doc, reading)
            except ValueError as error:
                raise DamagedFile(f"the annotation {key!r} is wrong: {error}") from None
            if record.key != key:
                raise DamagedFile(f"the annotation stored as {key!r} says its key is {record.key!r}")
            found[key] = record
        return found

    def put(self, docs: Mapping[str, Mapping[str, Any] | None]) -> None:
        """Replace papers' documents by key (None removes one), through TinyDB's API.

        Two table operations whatever the count (each rebuilds the table): a bulk change
        of 400 papers in one shard would otherwise rebuild it 400 times.
        """
        table = self.table(TABLE)
        table.remove(doc_ids=list(docs))  # type: ignore[arg-type]  # str ids
        table.insert_multiple([Document(doc, doc_id=key)  # type: ignore[arg-type]  # str ids
                               for key, doc in docs.items() if doc is not None])


class ProfileLock:
    """An exclusive inter-process lock (``flock``) on the profile's lock file.

    Held only around read-merge-write of a file, so a few milliseconds. A stuck holder
    (a suspended papertray) makes us give up after ``timeout`` seconds with an OSError
    instead of freezing the app.
    """

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0  # re-entered by the same holder (a nested step of one save)

    def __enter__(self) -> "ProfileLock":
        if self._depth:
            self._depth += 1
            return self
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if fcntl is None:  # pragma: no cover
            self._depth = 1
            return self
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._depth = 1
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OSError(errno.EWOULDBLOCK, "another papertray has held the profile lock "
                                  f"for {self.timeout:g} seconds", str(self.path)) from None
                time.sleep(0.002)

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and fcntl is not None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Release the lock file handle."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
