"""The read-only paper store: one or more files or folders of papers, merged into one
list in reading order, with everything wrong in them reported rather than raised.

    >>> store = open_store("library.bib")
    >>> len(store), store.problems[:1], store[0].title

:mod:`tui.store.files` finds the files and reads each with its format's reader
(:mod:`tui.store.formats`); this module merges what they yield. Papers with the same
stable key are one paper: the first file to give a field wins, later files fill the gaps.
Big stores go through the on-disk cache (:mod:`tui.store.cache`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.model import Paper, Problem
from tui.store import cache as store_cache
from tui.store import files as store_files
from tui.store.base import PaperStore, ProgressCallback, Store, merge_papers
from tui.store.files import (
    MAX_PROBLEMS_PER_FILE,
    READERS,
    StorePaths,
    as_paths,
    expand,
    label_of,
    sample_path,
    store_bytes,
)

__all__ = ["PaperStore", "Store", "open_store", "store_bytes", "sample_path", "merge_papers",
           "READERS", "MAX_PROBLEMS_PER_FILE", "StorePaths"]


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
        if cache or store_cache.worth_caching(sum(sizes.values())):
            opened = store_cache.open_cached(given, files, sizes, problems, label, progress, watch)
            if opened is not None:
                return opened
    return _open_plain(given, files, sizes, problems, label, progress, watch)


def _open_plain(given: list[Path], files: list[Path], sizes: dict[Path, int],
                problems: list[Problem], label: str, progress: ProgressCallback | None,
                watch: Callable[[Paper], None] | None) -> Store:
    """Read every file into memory: the way for small stores."""
    total = sum(sizes.values())
    papers: list[Paper] = []
    index: dict[str, int] = {}
    counts: dict[str, int] = {}

    def add(paper: Paper) -> None:
        if watch is not None:
            watch(paper)
        position = index.get(paper.key)
        if position is None:
            index[paper.key] = len(papers)
            papers.append(paper)
        else:
            papers[position] = merge_papers(papers[position], paper)

    done = 0
    if progress is not None:
        progress(0, total)
    for file in files:
        counts[str(file)] = store_files.read_file(file, add, problems,
                                             store_files.file_progress(progress, done, total))
        done += sizes[file]
        if progress is not None:
            progress(done, total)
    return Store(papers, paths=tuple(given), label=label, problems=problems,
                 source_counts=counts)


