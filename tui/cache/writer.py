"""Writing a cache file (the format is described in :mod:`tui.cache.container`).

A file is written to a temporary name in the same folder, held by an exclusive lock while
it is written (so a killed writer's leftover can be told from a file still being
written), and moved into place with ``os.replace``: a reader sees the old file or the
new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from tui.cache.container import ALIGN, BLOCK, END_MAGIC, FORMAT_VERSION, MAGIC, TEMP_SUFFIX, TRAILER

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["ContainerWriter", "hold", "is_held"]


def hold(fd: int) -> None:
    """Mark the temporary file open on ``fd`` as being written by a live process: an
    exclusive lock that the system drops when the process ends, however it ends, so the
    next papertray can tell a killed writer's leftover from a file still being written."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass


def is_held(path: Path) -> bool:
    """True while some process is writing the temporary file at ``path`` (see
    :func:`hold`). Without POSIX locks (Windows) a file open elsewhere cannot be
    removed anyway, so it counts as not held and removing it simply fails."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # gone or unreadable: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the lock taken just now
    return False


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
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX,
                                        dir=path.parent)
        self._temp = Path(name)
        hold(handle)
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
            self._handle.write(TRAILER.pack(END_MAGIC, offset, len(header), zlib.crc32(header)))
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
