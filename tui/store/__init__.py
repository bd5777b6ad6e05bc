"""The read-only paper store: one or more files or folders of papers, merged into one
list in reading order, with everything wrong in them reported rather than raised.

    >>> store = open_store("library.bib")
    >>> len(store), store.problems[:1], store[0].title

:mod:`tui.store.files` finds the files and reads each with its format's reader
(:mod:`tui.store.formats`); this module merges what they yield. Which records are one
paper is decided by :mod:`tui.store.identity` (same arXiv id or DOI; else the same title
with nothing contradicting it); the first record to give a field wins, later ones fill
the gaps, and every merge is kept in ``store.merges``. Big stores go through the on-disk
cache (:mod:`tui.store.cache`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.model import Paper, Problem
from tui.store import files as store_files
from tui.store.base import (
    CachedPaperStore,
    PaperStore,
    ProgressCallback,
    Store,
    combine_records,
    merge_papers,
    merge_records,
)
from tui.store.files import (
    MAX_PROBLEMS_PER_FILE,
    READERS,
    StorePaths,
    as_paths,
    expand,
    label_of,
    sample_path,
    store_bytes,
    worth_caching,
)

__all__ = ["PaperStore", "CachedPaperStore", "Store", "open_store", "store_bytes", "sample_path", "merge_papers",
           "combine_records", "READERS", "MAX_PROBLEMS_PER_FILE", "StorePaths"]


def open_store(paths: StorePaths = None, *,
               progress: ProgressCallback | None = None, cache: bool | None = None,
               watch: Callable[[Paper], None] | None = None) -> PaperStore:
    """Open files and folders of papers (None: the bundled sample). Never raises for bad
    input: whatever cannot be read is in ``store.problems``.

    ``cache``: True reads through the on-disk cache (:mod:`tui.store.cache`), False never
    does, None (the default) does for stores big enough to gain from it. ``watch`` sees
    each paper as it is parsed (before merging), so a reader can show the first ones
    while the rest are read; papers that come from the cache are not parsed, not seen."""
    given = as_paths(paths)
    problems: list[Problem] = []
    files = expand(given, problems)
    sizes = {}
    for file in files:
        try:
            sizes[file] = file.stat().st_size
        except OSError:
            sizes[file] = 0
    label = label_of(given, paths is None)
    if cache is not False:
        if cache or worth_caching(sum(sizes.values())):
            # Only here: the cache's modules load numpy, which a small store never needs.
            from tui.store import cache as store_cache  # noqa: PLC0415

            opened = store_cache.open_cached(given, files, sizes, problems, label, progress, watch)
            if opened is not None:
                return opened
    return _open_plain(given, files, sizes, problems, label, progress, watch)


def _open_plain(given: list[Path], files: list[Path], sizes: dict[Path, int],
                problems: list[Problem], label: str, progress: ProgressCallback | None,
                watch: Callable[[Paper], None] | None) -> Store:
    """Read every file into memory: the way for small stores."""
    total = sum(sizes.values())
    records: list[Paper] = []
    counts: dict[str, int] = {}

    def add(paper: Paper) -> None:
        if watch is not None:
            watch(paper)
        records.append(paper)

    done = 0
    if progress is not None:
        progress(0, total)
    for file in files:
        counts[str(file)] = store_files.read_file(file, add, problems,
                                             store_files.file_progress(progress, done, total))
        done += sizes[file]
        if progress is not None:
            progress(done, total)
    papers, merges = merge_records(records)
    return Store(papers, paths=tuple(given), label=label, problems=problems,
                 source_counts=counts, merges=merges)


