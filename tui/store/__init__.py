"""The read-only paper store: one or more files or folders of papers, merged into one
list in reading order, with everything wrong in them reported rather than raised.

    >>> store = open_store("library.bib")
    >>> len(store), store.problems[:1], store[0].title

Each format is a module with ``parse(path) -> Iterator[Paper | Problem]``; this module
only finds the files, picks a reader for each, and merges what they yield. Papers with
the same stable key are one paper: the first file to give a field wins, later files
fill the gaps.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path

from tui.model import Paper, Problem
from tui.store.formats import jsonl
from tui.store.detect import detect_format, iter_store_files
from tui.store.reading import UnreadableFile

__all__ = ["Store", "open_store", "store_bytes", "sample_path", "merge_papers", "read_file",
           "READERS", "MAX_PROBLEMS_PER_FILE"]

logger = logging.getLogger(__name__)

def _reader(module: str) -> Callable[[Path], Iterator[Paper | Problem]]:
    """A reader that imports its module on first use: bibtexparser, pylatexenc, rispy
    and the XML parser cost start-up time a store without those formats need not pay."""

    def parse(path: Path) -> Iterator[Paper | Problem]:
        return importlib.import_module(f"tui.store.formats.{module}").parse(path)

    return parse


READERS: dict[str, Callable[[Path], Iterator[Paper | Problem]]] = {
    "jsonl": jsonl.parse,
    "json": _reader("json_array"),
    "bibtex": _reader("bibtex"),
    "ris": _reader("ris"),
    "medline": _reader("medline"),
    "atom": _reader("atom"),
    "listing": _reader("listing"),
}
"""Format name to reader."""

MAX_PROBLEMS_PER_FILE = 200
"""A damaged million-line file would otherwise make a million problems; past this
many, one line says how many more there were."""

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read so far, total bytes of all files)."""


def sample_path() -> Path:
    """The bundled sample store: the 119 papers of a copied web listing."""
    return Path(str(resources.files("tui") / "data" / "sample.txt"))


class Store:
    """Papers read from one or more files, merged, in reading order.

    A plain list inside; :class:`tui.store.compact.CompactStore` implements the same
    interface over the on-disk cache for big stores."""

    def __init__(self, papers: list[Paper], *, paths: tuple[Path, ...] = (), label: str = "",
                 problems: list[Problem] | None = None,
                 source_counts: dict[str, int] | None = None) -> None:
        self.paths = paths
        """What was opened: the files and folders as given."""
        self.label = label
        """A short human name: "sample", a file or folder name."""
        self.problems: list[Problem] = problems if problems is not None else []
        """Everything wrong in the input, each with file and line."""
        self.source_counts: dict[str, int] = source_counts if source_counts is not None else {}
        """File to the number of papers read from it, before merging."""
        self._papers = papers
        self._index = {paper.key: i for i, paper in enumerate(papers)}

    @property
    def papers(self) -> Sequence[Paper]:
        """All papers, merged, in reading order."""
        return self._papers

    def __len__(self) -> int:
        return len(self._papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._papers)

    def __getitem__(self, index: int) -> Paper:
        return self._papers[index]

    def get(self, key: str) -> Paper | None:
        """The paper with this stable key, or None."""
        index = self._index.get(key)
        return None if index is None else self._papers[index]

    def index_of(self, key: str) -> int | None:
        """The position of the paper with this stable key, or None."""
        return self._index.get(key)

    def __repr__(self) -> str:
        return f"Store({self.label!r}, {len(self)} papers, {len(self.problems)} problems)"


_FIELDS = [f.name for f in dataclasses.fields(Paper) if f.name not in ("key", "source")]


def merge_papers(first: Paper, later: Paper) -> Paper:
    """``first`` with its empty fields filled from ``later`` (same key)."""
    gaps = {name: getattr(later, name) for name in _FIELDS
            if not getattr(first, name) and getattr(later, name)}
    return dataclasses.replace(first, **gaps) if gaps else first


def _as_paths(paths: str | PathLike[str] | Iterable[str | PathLike[str]] | None) -> list[Path]:
    if paths is None:
        return [sample_path()]
    if isinstance(paths, (str, PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _label(given: list[Path], is_sample: bool) -> str:
    if is_sample:
        return "sample"
    if not given:
        return "empty"
    name = given[0].name or str(given[0])
    return name if len(given) == 1 else f"{name} +{len(given) - 1}"


def _expand(given: list[Path], problems: list[Problem]) -> list[Path]:
    """Files to read: each file as given, each folder's paper files; duplicates once."""
    files: dict[Path, None] = {}
    for path in given:
        try:
            if path.is_dir():
                files.update(dict.fromkeys(iter_store_files(path)))
            elif path.exists():
                files[path] = None
            else:
                problems.append(Problem(str(path), None, "no such file or folder"))
        except OSError as error:
            problems.append(Problem(str(path), None, f"cannot be read ({error.strerror or error})"))
    return list(files)


def store_bytes(paths: str | PathLike[str] | Iterable[str | PathLike[str]] | None) -> int:
    """The total size of the files ``paths`` name (folders searched as open_store does)."""
    total = 0
    for file in _expand(_as_paths(paths), []):
        try:
            total += file.stat().st_size
        except OSError:
            pass
    return total


def open_store(paths: str | PathLike[str] | Iterable[str | PathLike[str]] | None = None, *,
               progress: ProgressCallback | None = None, cache: bool | None = None,
               watch: Callable[[Paper], None] | None = None) -> Store:
    """Open files and folders of papers (None: the bundled sample). Never raises for bad
    input: whatever cannot be read is in ``store.problems``.

    ``cache``: True reads through the on-disk cache (:mod:`tui.store.cache`), False never
    does, None (the default) does for stores big enough to gain from it. ``watch`` sees
    each paper as it is parsed (before merging), so a reader can show the first ones
    while the rest are read; papers that come from the cache are not parsed, not seen."""
    given = _as_paths(paths)
    problems: list[Problem] = []
    files = _expand(given, problems)
    sizes = {}
    for file in files:
        try:
            sizes[file] = file.stat().st_size
        except OSError:
            sizes[file] = 0
    label = _label(given, paths is None)
    if cache is not False:
        from tui.store import cache as store_cache

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
        counts[str(file)] = read_file(file, add, problems, _file_progress(progress, done, total))
        done += sizes[file]
        if progress is not None:
            progress(done, total)
    return Store(papers, paths=tuple(given), label=label, problems=problems,
                 source_counts=counts)


def _file_progress(progress: ProgressCallback | None, base: int, total: int) -> Callable[[int], None]:
    """Progress of one file (bytes read in it) as progress of the whole store."""
    def file_progress(read: int) -> None:
        if progress is not None:
            progress(min(base + read, total), total)

    return file_progress


def read_file(path: Path, add: Callable[[Paper], None], problems: list[Problem],
              progress: Callable[[int], None] | None = None) -> int:
    """Read one file, handing each paper to ``add`` and appending what is wrong to
    ``problems``; return how many papers it gave. Never raises for bad input."""
    name = str(path)
    count = 0
    file_problems = 0
    try:
        if path.stat().st_size == 0:
            problems.append(Problem(name, None, "the file is empty"))
            return 0
        fmt = detect_format(path)
        if fmt is None:
            problems.append(Problem(name, None, "not a paper file (binary data or other XML)"))
            return 0
        items = jsonl.parse(path, progress) if fmt == "jsonl" else READERS[fmt](path)
        for item in items:
            if isinstance(item, Problem):
                file_problems += 1
                if file_problems <= MAX_PROBLEMS_PER_FILE:
                    problems.append(item)
                continue
            count += 1
            add(item)
    except UnreadableFile as error:
        problems.append(Problem(name, None, str(error)))
    except OSError as error:
        problems.append(Problem(name, None, f"cannot be read ({error.strerror or error})"))
    except Exception as error:  # a reader bug must not stop the rest of the store opening
        logger.debug("reading %s failed", name, exc_info=True)
        problems.append(Problem(name, None, f"reading stopped early: {type(error).__name__}: {error}"))
    if file_problems > MAX_PROBLEMS_PER_FILE:
        problems.append(Problem(name, None,
                                f"{file_problems - MAX_PROBLEMS_PER_FILE} more problems not listed"))
    return count
