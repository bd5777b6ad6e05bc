"""The cache file format: numpy arrays and large text blobs in one checked file.

A cache file is rebuilt from the papers at any time, so it is never trusted: every byte
used is covered by a CRC-32 that is checked before use. A file is memory-mapped when
opened, and everything is read from that mapping: another process may replace the file
at any time (it rebuilds the cache) and this one goes on reading the file it opened.
Arrays are checked when read (big ones stay in the mapping and cost no memory for the
check). Blobs (abstracts) are read by byte range; each 64 KB block has its own CRC,
checked by :meth:`LazyBlob.check_all` when the file is opened (without keeping the text
in memory) or, failing that, the first time the block is read.

Layout (little-endian)::

    b"PTCACHE\\x00"                         8 bytes, the start magic
    arrays and blobs, each 64-byte aligned
    header: JSON (kind, format version, meta, where each array and blob is, its CRC)
    trailer: b"PTCEND\\x00\\x00", header offset u64, header length u64, header CRC u32, pad

A file is written (by :class:`tui.cache.writer.ContainerWriter`) to a temporary name in
the same folder and moved into place with ``os.replace``, so a reader sees the old file
or the new one, never half of one. A
truncated, damaged or foreign file, or one of another format version, raises
:class:`CacheDamaged` and the caller rebuilds it.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CacheDamaged", "Container", "LazyBlob", "FORMAT_VERSION", "TEMP_SUFFIX", "MAGIC",
           "END_MAGIC", "TRAILER", "ALIGN", "BLOCK"]

FORMAT_VERSION = 1
"""Bump when the layout of any cache file changes; older files are then rebuilt."""

MAGIC = b"PTCACHE\x00"
END_MAGIC = b"PTCEND\x00\x00"
TRAILER = struct.Struct("<8sQQI4x")
ALIGN = 64
BLOCK = 1 << 16
"""Bytes per checked block of a lazily read blob."""
MEMMAP_BYTES = 16 << 20
"""Arrays at least this big are memory-mapped (after their check) rather than copied."""
_READ_CHUNK = 8 << 20


TEMP_SUFFIX = ".tmp"
"""Ending of a cache file being written (named ``.<final name>.<random>.tmp``)."""


class CacheDamaged(Exception):
    """A cache file that cannot be used: truncated, damaged, foreign or out of date."""


def _crc_of_map(mapping: mmap.mmap, offset: int, length: int) -> int:
    """CRC-32 of a byte range of a mapped file, a window at a time; each window is given
    back to the system once checked, so checking a big file costs no resident memory."""
    crc = 0
    view = memoryview(mapping)
    try:
        for start in range(offset, offset + length, _READ_CHUNK):
            end = min(start + _READ_CHUNK, offset + length)
            crc = zlib.crc32(view[start:end], crc)
            _release(mapping, start, end)
    finally:
        view.release()
    return crc


def _release(mapping: mmap.mmap, start: int, end: int) -> None:
    """Drop the pages of ``[start, end)`` from this process (they stay in the page cache
    and come back on the next read), where the system allows it."""
    if _DONTNEED is None:
        return
    # A read maps the pages around the ones it touches too (Linux maps whole runs of the
    # page cache at once, half a megabyte here, aligned in memory, not in the file): they
    # go as well, or a store's scattered reads keep them all (a store full of duplicates
    # stayed two-thirds resident as it was indexed).
    first = max(start - _AROUND, 0)
    first -= first % mmap.PAGESIZE
    last = min(end + _AROUND, len(mapping))
    try:
        mapping.madvise(_DONTNEED, first, last - first)
    except (OSError, ValueError):
        pass


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)
_AROUND = 2 << 20
"""How far around a read its pages are given back (the largest run mapped at once)."""
_HAS_PREAD = hasattr(os, "pread")


class LazyBlob:
    """A blob in a cache file, read by byte range; each block is checked on first read.

    Reads come from the file's memory map, which stays valid whatever happens to the file
    by its name afterwards: another papertray rebuilding the cache replaces the file, and
    this one keeps reading what it opened."""

    def __init__(self, box: "Container", offset: int, length: int, block_crcs: np.ndarray) -> None:
        self._box = box
        self._map = box._map
        self._name = name = box.path.name
        self.offset = offset
        self.length = length
        self._crcs = block_crcs.tolist()
        self._checked = bytearray(len(block_crcs))  # cheaper to test than a numpy array
        if len(block_crcs) != (length + BLOCK - 1) // BLOCK:
            raise CacheDamaged(f"{name}: blob block count does not match its length")

    def check_all(self) -> None:
        """Check every block now (costing no resident memory); raises CacheDamaged."""
        self.check_blocks(0, len(self._crcs))

    def parts(self, count: int) -> list[tuple[int, int]]:
        """The blocks cut into ``count`` runs of about equal size, ``(first, stop)`` each,
        to check on several threads (reading and CRC-32 run outside the interpreter)."""
        blocks = len(self._crcs)
        bounds = [blocks * i // count for i in range(count + 1)]
        return [(lo, hi) for lo, hi in zip(bounds, bounds[1:]) if hi > lo]

    def check_blocks(self, first: int, stop: int) -> None:
        """Check blocks ``first..stop`` now; raises CacheDamaged."""
        window = 128
        for lo in range(first, stop, window):
            hi = min(lo + window, stop)
            start = lo * BLOCK
            size = min(hi * BLOCK, self.length) - start
            data = self._box.read(self.offset + start, size)
            view = memoryview(data)
            for block in range(lo, hi):
                at = (block - lo) * BLOCK
                if zlib.crc32(view[at:at + BLOCK]) != self._crcs[block]:
                    raise CacheDamaged(f"{self._name}: a block of text is damaged")
                self._checked[block] = 1
            view.release()

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the blob."""
        if not 0 <= start <= end <= self.length:
            raise CacheDamaged(f"{self._name}: a record points outside its blob")
        if start == end:
            return b""
        first, last = start // BLOCK, (end - 1) // BLOCK
        checked = self._checked
        if checked[first] and checked[last] and (last - first < 2 or all(checked[first:last])):
            return self._map[self.offset + start:self.offset + end]
        # Check the whole blocks the range touches, then cut.
        lo, hi = first * BLOCK, min((last + 1) * BLOCK, self.length)
        data = self._map[self.offset + lo:self.offset + hi]
        view = memoryview(data)
        for block in range(first, last + 1):
            if not self._checked[block]:
                part = view[(block - first) * BLOCK:(block - first + 1) * BLOCK]
                if zlib.crc32(part) != self._crcs[block]:
                    raise CacheDamaged(f"{self._name}: a block of text is damaged")
                checked[block] = 1
        return data[start - lo:end - lo]

    def read_once(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the blob, as :meth:`read`, for a pass that will not
        come back soon (indexing every paper): the file's pages they were copied from are
        given back to the system, so walking a whole store does not keep it resident (the
        pages stay in the page cache, and a later read maps them again)."""
        data = self.read(start, end)
        if end > start:
            _release(self._map, self.offset + start, self.offset + end)
        return data


class Container:
    """An opened cache file: header checked, arrays available after their check.

    The file is memory-mapped once and its descriptor closed: a store of a thousand
    files holds no descriptors, and everything read afterwards comes from the file as it
    was opened, even when another process replaces it (the system keeps a replaced file
    while it is mapped). Cache files are only ever replaced whole, never changed in place."""

    def __init__(self, path: Path, kind: str) -> None:
        """Open ``path`` expecting a file of ``kind``; raises CacheDamaged (or OSError
        when it cannot be read at all, FileNotFoundError when there is none)."""
        self.path = path
        self._fd: int | None = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = os.fstat(self._fd).st_size
            if size < len(MAGIC) + TRAILER.size:
                raise CacheDamaged(f"{path.name} is truncated")
            self._map = mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ)
        except BaseException:
            self.close()
            raise
        try:
            self._read_header(path, kind, size)
        except BaseException:
            self.close()
            raise

    def _read_header(self, path: Path, kind: str, size: int) -> None:
        if self.read(0, len(MAGIC)) != MAGIC:
            raise CacheDamaged(f"{path.name} is not a papertray cache file")
        self.trailer = self.read(size - TRAILER.size, TRAILER.size)
        magic, offset, length, crc = TRAILER.unpack(self.trailer)
        if magic != END_MAGIC or offset + length + TRAILER.size != size:
            raise CacheDamaged(f"{path.name} is truncated or damaged")
        header = self.read(offset, length)
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

    def close(self) -> None:
        """Close the file's descriptor, kept open only for the checks made when it is
        opened (plain reads check faster than the mapping); what was read stays usable."""
        fd = getattr(self, "_fd", None)  # None too when opening failed
        if fd is not None:
            self._fd = None
            os.close(fd)

    def __del__(self) -> None:
        self.close()

    def read(self, offset: int, length: int) -> bytes:
        """Bytes of the file: by a plain read while the descriptor is open (no resident
        memory kept), else from the mapping."""
        if self._fd is None or not _HAS_PREAD:
            data = self._map[offset:offset + length]
        else:
            data = os.pread(self._fd, length, offset)
        if len(data) != length:
            raise CacheDamaged(f"{self.path.name} ends early")
        return data

    def crc(self, offset: int, length: int) -> int:
        """CRC-32 of a byte range, read in big chunks without keeping it in memory."""
        if self._fd is None or not _HAS_PREAD:
            return _crc_of_map(self._map, offset, length)
        crc = 0
        for start in range(offset, offset + length, _READ_CHUNK):
            chunk = os.pread(self._fd, min(_READ_CHUNK, offset + length - start), start)
            if not chunk:
                raise CacheDamaged(f"{self.path.name} ends early")
            crc = zlib.crc32(chunk, crc)
        return crc

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
        """The array ``name``, checked; big ones stay in the mapped file (read-only)."""
        offset, dtype, shape, nbytes, crc = self._where(name)
        if nbytes >= MEMMAP_BYTES:
            if self.crc(offset, nbytes) != crc:
                raise CacheDamaged(f"{self.path.name}: array {name!r} is damaged")
            count = nbytes // dtype.itemsize if dtype.itemsize else 0
            return np.frombuffer(self._map, dtype=dtype, count=count, offset=offset).reshape(shape)
        data = self.read(offset, nbytes)  # a plain read while open: no mapped pages touched
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
        return LazyBlob(self, offset, length, self.array(f"{name}.blocks"))
