"""The cache file format: numpy arrays and large text blobs in one checked file.

A cache file is rebuilt from the papers at any time, so it is never trusted: every byte
used is covered by a CRC-32 that is checked before use. Arrays are checked when read
(big ones, then memory-mapped, cost no memory for the check). Blobs (abstracts) are read
by byte range; each 64 KB block has its own CRC, checked by :meth:`LazyBlob.check_all`
when the file is opened (in big reads, without keeping the text in memory) or, failing
that, the first time the block is read.

Layout (little-endian)::

    b"PTCACHE\\x00"                         8 bytes, the start magic
    arrays and blobs, each 64-byte aligned
    header: JSON (kind, format version, meta, where each array and blob is, its CRC)
    trailer: b"PTCEND\\x00\\x00", header offset u64, header length u64, header CRC u32, pad

A file is written to a temporary name in the same folder and moved into place with
``os.replace``, so a reader sees the old file or the new one, never half of one. A
truncated, damaged or foreign file, or one of another format version, raises
:class:`CacheDamaged` and the caller rebuilds it.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import threading
import zlib
from collections import OrderedDict
from pathlib import Path
from io import BufferedReader
from typing import Any, BinaryIO

import numpy as np

__all__ = ["CacheDamaged", "ContainerWriter", "Container", "LazyBlob", "FORMAT_VERSION"]

FORMAT_VERSION = 1
"""Bump when the layout of any cache file changes; older files are then rebuilt."""

MAGIC = b"PTCACHE\x00"
END_MAGIC = b"PTCEND\x00\x00"
_TRAILER = struct.Struct("<8sQQI4x")
ALIGN = 64
BLOCK = 1 << 16
"""Bytes per checked block of a lazily read blob."""
MEMMAP_BYTES = 16 << 20
"""Arrays at least this big are memory-mapped (after their check) rather than copied."""
_READ_CHUNK = 8 << 20


class CacheDamaged(Exception):
    """A cache file that cannot be used: truncated, damaged, foreign or out of date."""


def _crc_of_file(handle: BufferedReader, offset: int, length: int) -> int:
    """CRC-32 of a byte range, read in chunks so the check costs no memory."""
    crc = 0
    handle.seek(offset)
    buffer = bytearray(min(length, _READ_CHUNK) or 1)
    view = memoryview(buffer)
    left = length
    while left:
        got = handle.readinto(view[: min(left, len(buffer))])
        if not got:
            raise CacheDamaged("file ends early")
        crc = zlib.crc32(view[:got], crc)
        left -= got
    return crc


class _BlobSink:
    """Streams one blob into the container, checksumming each block as it fills."""

    def __init__(self, handle: BinaryIO, offset: int) -> None:
        self._handle = handle
        self.offset = offset
        self.length = 0
        self._pending = bytearray()
        self.block_crcs: list[int] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._pending += data
        self.length += len(data)
        if len(self._pending) >= BLOCK * 16:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        pending = self._pending
        full = len(pending) if final else len(pending) - len(pending) % BLOCK
        view = memoryview(pending)
        for start in range(0, full, BLOCK):
            self.block_crcs.append(zlib.crc32(view[start:start + BLOCK]))
        self._handle.write(view[:full])
        view.release()
        del pending[:full]

    def close(self) -> None:
        self._flush(final=True)


class ContainerWriter:
    """Writes one cache file atomically: blobs are streamed, arrays added whole.

        with ContainerWriter(path, "shard") as out:
            sink = out.blob("abstracts"); sink.write(b"...")
            out.array("offsets", offsets)
            out.meta["count"] = 3

    Leaving the block without an exception moves the file into place; an exception
    leaves any previous file untouched and removes the temporary one.
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.meta: dict[str, Any] = {}
        """JSON-able facts stored in the header (signature, counts, problems...)."""
        self._arrays: dict[str, dict[str, Any]] = {}
        self._blobs: dict[str, dict[str, Any]] = {}
        self._open_sink: tuple[str, _BlobSink] | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._temp = Path(name)
        self._handle: BinaryIO = os.fdopen(handle, "wb")
        self._handle.write(MAGIC)

    def __enter__(self) -> "ContainerWriter":
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    def _align(self) -> int:
        position = self._handle.tell()
        padding = -position % ALIGN
        if padding:
            self._handle.write(b"\x00" * padding)
        return position + padding

    def _close_sink(self) -> None:
        if self._open_sink is not None:
            name, sink = self._open_sink
            sink.close()
            self._open_sink = None
            crcs = np.array(sink.block_crcs, dtype=np.uint32)
            self._blobs[name] = {"offset": sink.offset, "length": sink.length}
            self.array(f"{name}.blocks", crcs)

    def blob(self, name: str) -> _BlobSink:
        """A sink for one blob, read back lazily in checked blocks (one sink at a time)."""
        self._close_sink()
        sink = _BlobSink(self._handle, self._align())
        self._open_sink = (name, sink)
        return sink

    def array(self, name: str, values: np.ndarray) -> None:
        """Store a whole numpy array (checked when the file is opened)."""
        self._close_sink()
        values = np.ascontiguousarray(values)
        offset = self._align()
        data = memoryview(values).cast("B") if values.size else b""  # type: ignore[arg-type]
        self._handle.write(data)
        self._arrays[name] = {"offset": offset, "dtype": values.dtype.str,
                              "shape": list(values.shape), "crc": zlib.crc32(data)}

    def commit(self) -> None:
        """Write header and trailer, flush, and move the file into place."""
        try:
            self._close_sink()
            header = json.dumps({"kind": self.kind, "version": FORMAT_VERSION, "meta": self.meta,
                                 "arrays": self._arrays, "blobs": self._blobs},
                                ensure_ascii=True).encode("ascii")
            offset = self._handle.tell()
            self._handle.write(header)
            self._handle.write(_TRAILER.pack(END_MAGIC, offset, len(header), zlib.crc32(header)))
            self._handle.flush()
            self._handle.close()
            os.replace(self._temp, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Forget the file being written."""
        try:
            self._handle.close()
        finally:
            self._temp.unlink(missing_ok=True)


def _pread(fd: int, length: int, offset: int) -> bytes:
    """Read ``length`` bytes at ``offset`` (callers hold the handles lock, so the seek and
    read of systems without ``os.pread``, Windows, cannot interleave)."""
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, length)


class _Handles:
    """Open files of cache blobs, shared and bounded: a folder store of a thousand files
    must not hold a thousand descriptors. A file reopened after being closed must still be
    the same file (same trailer and inode), or it was replaced underneath us. Handles are
    kept per file (path and inode): a shard rewritten under the same name while an older
    store still reads the old one must not be read at the old one's offsets."""

    LIMIT = 128

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: OrderedDict[tuple[Path, tuple[int, int]], int] = OrderedDict()

    def pread(self, path: Path, trailer: bytes, length: int, offset: int,
              file_id: tuple[int, int] = (0, 0)) -> bytes:
        with self._lock:
            fd = self._open.get((path, file_id))
            if fd is None:
                fd = self._reopen(path, trailer, file_id)
            else:
                self._open.move_to_end((path, file_id))
            data = _pread(fd, length, offset)
        if len(data) != length:
            raise CacheDamaged(f"{path.name} ends early")
        return data

    def _reopen(self, path: Path, trailer: bytes, file_id: tuple[int, int]) -> int:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        stat = os.fstat(fd)
        size = stat.st_size
        if (size < len(trailer) or _pread(fd, len(trailer), size - len(trailer)) != trailer
                or (file_id != (0, 0) and file_id != (stat.st_dev, stat.st_ino))):
            os.close(fd)
            raise CacheDamaged(f"{path.name} changed while in use")
        self._open[(path, file_id)] = fd
        while len(self._open) > self.LIMIT:
            _, old = self._open.popitem(last=False)
            os.close(old)
        return fd

    def forget(self, path: Path) -> None:
        with self._lock:
            for version in [v for v in self._open if v[0] == path]:
                os.close(self._open.pop(version))


HANDLES = _Handles()


class LazyBlob:
    """A blob in a cache file, read by byte range; each block is checked on first read."""

    def __init__(self, path: Path, trailer: bytes, offset: int, length: int,
                 block_crcs: np.ndarray, file_id: tuple[int, int] = (0, 0)) -> None:
        self.path = path
        self._trailer = trailer
        self._file_id = file_id
        self.offset = offset
        self.length = length
        self._crcs = block_crcs.tolist()
        self._checked = bytearray(len(block_crcs))  # cheaper to test than a numpy array
        if len(block_crcs) != (length + BLOCK - 1) // BLOCK:
            raise CacheDamaged(f"{path.name}: blob block count does not match its length")

    def check_all(self) -> None:
        """Check every block now (in big reads, costing no memory); raises CacheDamaged."""
        chunk = BLOCK * 128
        buffer = bytearray(chunk)
        view = memoryview(buffer)
        with open(self.path, "rb", buffering=0) as handle:
            for start in range(0, self.length, chunk):
                size = min(chunk, self.length - start)
                handle.seek(self.offset + start)
                if handle.readinto(view[:size]) != size:
                    raise CacheDamaged(f"{self.path.name} ends early")
                for i, block_start in enumerate(range(0, size, BLOCK)):
                    block = start // BLOCK + i
                    if zlib.crc32(view[block_start:block_start + BLOCK][:size - block_start]) != self._crcs[block]:
                        raise CacheDamaged(f"{self.path.name}: a block of text is damaged")
                    self._checked[block] = 1

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the blob."""
        if not 0 <= start <= end <= self.length:
            raise CacheDamaged(f"{self.path.name}: a record points outside its blob")
        if start == end:
            return b""
        first, last = start // BLOCK, (end - 1) // BLOCK
        checked = self._checked
        if checked[first] and checked[last] and (last - first < 2 or all(checked[first:last])):
            return HANDLES.pread(self.path, self._trailer, end - start, self.offset + start,
                                 self._file_id)
        # Read whole blocks so the unchecked ones can be checked, then cut.
        lo, hi = first * BLOCK, min((last + 1) * BLOCK, self.length)
        data = HANDLES.pread(self.path, self._trailer, hi - lo, self.offset + lo, self._file_id)
        view = memoryview(data)
        for block in range(first, last + 1):
            if not self._checked[block]:
                part = view[(block - first) * BLOCK:(block - first + 1) * BLOCK]
                if zlib.crc32(part) != self._crcs[block]:
                    raise CacheDamaged(f"{self.path.name}: a block of text is damaged")
                checked[block] = 1
        return data[start - lo:end - lo]


class Container:
    """An opened cache file: header checked, arrays available after their check."""

    def __init__(self, path: Path, kind: str) -> None:
        """Open ``path`` expecting a file of ``kind``; raises CacheDamaged (or OSError
        when it cannot be read at all, FileNotFoundError when there is none)."""
        self.path = path
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            self.file_id = (stat.st_dev, stat.st_ino)
            if size < len(MAGIC) + _TRAILER.size:
                raise CacheDamaged(f"{path.name} is truncated")
            if handle.read(len(MAGIC)) != MAGIC:
                raise CacheDamaged(f"{path.name} is not a papertray cache file")
            handle.seek(size - _TRAILER.size)
            self.trailer = handle.read(_TRAILER.size)
            magic, offset, length, crc = _TRAILER.unpack(self.trailer)
            if magic != END_MAGIC or offset + length + _TRAILER.size != size:
                raise CacheDamaged(f"{path.name} is truncated or damaged")
            handle.seek(offset)
            header = handle.read(length)
        if zlib.crc32(header) != crc:
            raise CacheDamaged(f"{path.name}: damaged header")
        try:
            parsed = json.loads(header)
        except ValueError as error:
            raise CacheDamaged(f"{path.name}: unreadable header") from error
        if not isinstance(parsed, dict) or parsed.get("version") != FORMAT_VERSION:
            raise CacheDamaged(f"{path.name} was written by another version")
        if parsed.get("kind") != kind:
            raise CacheDamaged(f"{path.name} is a {parsed.get('kind')!r} file, not {kind!r}")
        self.size = size
        self._data_end = offset
        self.meta: dict[str, Any] = parsed.get("meta") or {}
        self._arrays: dict[str, dict[str, Any]] = parsed.get("arrays") or {}
        self._blobs: dict[str, dict[str, Any]] = parsed.get("blobs") or {}

    def names(self) -> list[str]:
        """Names of the arrays stored."""
        return list(self._arrays)

    def _where(self, name: str) -> tuple[int, np.dtype, tuple[int, ...], int, int]:
        try:
            entry = self._arrays[name]
            dtype = np.dtype(entry["dtype"])
            shape = tuple(int(n) for n in entry["shape"])
            offset = int(entry["offset"])
            crc = int(entry["crc"])
        except (KeyError, TypeError, ValueError) as error:
            raise CacheDamaged(f"{self.path.name}: array {name!r} missing or misdescribed") from error
        if dtype.hasobject:
            raise CacheDamaged(f"{self.path.name}: array {name!r} has an unsafe type")
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if offset < len(MAGIC) or offset + nbytes > self._data_end:
            raise CacheDamaged(f"{self.path.name}: array {name!r} lies outside the file")
        return offset, dtype, shape, nbytes, crc

    def array(self, name: str) -> np.ndarray:
        """The array ``name``, checked; big ones are read-only memory maps."""
        offset, dtype, shape, nbytes, crc = self._where(name)
        if nbytes >= MEMMAP_BYTES:
            with self.path.open("rb") as handle:
                if _crc_of_file(handle, offset, nbytes) != crc:
                    raise CacheDamaged(f"{self.path.name}: array {name!r} is damaged")
            return np.memmap(self.path, dtype=dtype, mode="r", offset=offset, shape=shape)
        with self.path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read(nbytes)
        if len(data) != nbytes or zlib.crc32(data) != crc:
            raise CacheDamaged(f"{self.path.name}: array {name!r} is damaged")
        return np.frombuffer(data, dtype=dtype).reshape(shape)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array, checked."""
        return {name: self.array(name) for name in self._arrays}

    def blob(self, name: str) -> LazyBlob:
        """The blob ``name``, read on demand in checked blocks."""
        try:
            entry = self._blobs[name]
            offset, length = int(entry["offset"]), int(entry["length"])
        except (KeyError, TypeError, ValueError) as error:
            raise CacheDamaged(f"{self.path.name}: blob {name!r} missing") from error
        if offset < len(MAGIC) or offset + length > self._data_end:
            raise CacheDamaged(f"{self.path.name}: blob {name!r} lies outside the file")
        return LazyBlob(self.path, self.trailer, offset, length, self.array(f"{name}.blocks"),
                        self.file_id)
