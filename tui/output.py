"""Writing a file so that it appears whole or not at all, and standard streams by name.

Every file papertray writes for a person (exports, the personal library, settings, backups
of annotations) goes through :func:`atomic_output`: a crash or a full disk mid-write leaves
the old file as it was, never half of the new one.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_output", "standard_stream"]


def _default_mode() -> int:
    """Permissions a newly created file would get under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_STANDARD_STREAMS = {"-": 1, "/dev/stdout": 1, "/dev/fd/1": 1, "/proc/self/fd/1": 1,
                     "/dev/stderr": 2, "/dev/fd/2": 2, "/proc/self/fd/2": 2}
"""Names of the process's standard output and error, written to directly (``-`` is
standard output, as in every Unix tool)."""


def standard_stream(path: str | os.PathLike[str]) -> int | None:
    """1 or 2 when ``path`` names the process's standard output or error, else None."""
    return _STANDARD_STREAMS.get(os.fspath(path))


def _writes_in_place(target: Path) -> bool:
    """True for an existing target that is no regular file (a FIFO, a terminal, a socket,
    ``/dev/stdout``): what is written goes into it, as a shell redirection would do,
    because replacing it would break whoever reads from it."""
    try:
        mode = target.stat().st_mode  # follows symlinks: /dev/stdout is one
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(target))
    return not stat.S_ISREG(mode) or str(Path(os.path.realpath(target))).startswith(("/proc/", "/dev/"))


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, newline: str | None = None) -> Iterator[TextIO]:
    """Open ``path`` for writing text so that it appears complete or not at all: a temp file
    in the same folder, flushed and fsynced, then ``os.replace``-d over the target. On any
    error the target is untouched and the temp file removed. Raises OSError as usual.

    A symlink is written through: the file it points to gets the new content and the link
    stays a link. A FIFO, a terminal or ``/dev/stdout`` is written into, not replaced."""
    standard = standard_stream(path)
    if standard is not None:  # the process's own output, whatever /dev holds on this system
        stream = sys.stdout if standard == 1 else sys.stderr
        stream.flush()
        with open(os.dup(standard), "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        return
    target = Path(path)
    if _writes_in_place(target):
        with open(target, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = _default_mode()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    with suppress(OSError):  # make the rename itself durable where the platform allows
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
