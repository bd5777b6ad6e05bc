"""Giving back the pages of mapped cache files once they have been read.

Searching a big store reads hundreds of megabytes of postings from the mapped index files,
and those pages stayed counted in the reader's memory until it ended (2.7 million papers:
1.9 GB after a few queries). :func:`release_mapped_pages` drops them from the process;
they stay in the system's page cache and the next read maps them again, for a few
milliseconds. Cache files are replaced whole, never changed in place, so what comes back
is what was there. Kept apart from :mod:`tui.cache.container`, whose source names the
cache format's version: changing this must not make every store be indexed again.
"""

from __future__ import annotations

import mmap
import weakref

from tui.cache.container import Container, _release

__all__ = ["release_mapped_pages", "track"]

_MAPPED: "weakref.WeakSet[mmap.mmap]" = weakref.WeakSet()
"""The mapped cache files still in use (by arrays or blobs read from them)."""


def track(box: Container) -> None:
    """Remember ``box``'s mapping, so its pages can be given back later."""
    _MAPPED.add(box._map)  # noqa: SLF001 - the mapping is the container's own business


def release_mapped_pages(above: int = 0) -> bool:
    """Give back the pages of every tracked mapping, when the process holds more than
    ``above`` bytes of file pages (0: always); True if it did."""
    if above and resident_file_bytes() <= above:
        return False
    for mapping in list(_MAPPED):
        try:
            _release(mapping, 0, len(mapping))
        except (OSError, ValueError):  # closed meanwhile
            pass
    return True


def resident_file_bytes() -> int:
    """Bytes of file pages this process holds (Linux; elsewhere 0, so that nothing is
    given back but when asked to always)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"RssFile:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
