"""Finding a store's files and reading each with the reader of its format.

Each format is a module in :mod:`tui.store.formats` with ``parse(path) -> Iterator[Paper |
Problem]``; this module picks a reader for each file and hands its papers on, with
everything wrong in it reported as problems rather than raised.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from os import PathLike
from pathlib import Path

from tui.model import Paper, Problem
from tui.store.base import ProgressCallback
from tui.store.detect import detect_format, iter_store_files
from tui.store.formats import jsonl
from tui.store.limits import bounded
from tui.store.reading import UnreadableFile, check_regular

__all__ = ["READERS", "MAX_PROBLEMS_PER_FILE", "StorePaths", "sample_path", "as_paths", "label_of",
           "expand", "store_bytes", "file_progress", "read_file", "read_items", "read_whole", "more_problems",
           "CACHE_MIN_BYTES", "worth_caching"]

logger = logging.getLogger(__name__)

StorePaths = str | PathLike[str] | Iterable[str | PathLike[str]] | None
"""What ``open_store`` takes: one path, several, or None for the bundled sample."""


_WITH_PROGRESS = frozenset({"jsonl", "bibtex"})
"""Readers that take a ``progress`` and report how far into the file they are."""


def _reader(module: str) -> Callable[..., Iterator[Paper | Problem]]:
    """A reader that imports its module on first use: bibtexparser, pylatexenc, rispy
    and the XML parser cost start-up time a store without those formats need not pay."""

    def parse(path: Path, progress: Callable[[int], None] | None = None
              ) -> Iterator[Paper | Problem]:
        reader = importlib.import_module(f"tui.store.formats.{module}").parse
        if module in _WITH_PROGRESS:
            return reader(path, progress)  # type: ignore[no-any-return]
        return reader(path)  # type: ignore[no-any-return]

    return parse


READERS: dict[str, Callable[..., Iterator[Paper | Problem]]] = {
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

def sample_path() -> Path:
    """The bundled sample store: the 119 papers of a copied web listing."""
    return Path(str(resources.files("tui") / "data" / "sample.txt"))


def as_paths(paths: StorePaths) -> list[Path]:
    if paths is None:
        return [sample_path()]
    if isinstance(paths, (str, PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def label_of(given: list[Path], is_sample: bool) -> str:
    if is_sample:
        return "sample"
    if not given:
        return "empty"
    name = given[0].name or str(given[0])
    return name if len(given) == 1 else f"{name} +{len(given) - 1}"


def expand(given: list[Path], problems: list[Problem]) -> list[Path]:
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


CACHE_MIN_BYTES = 512 << 10
"""Stores smaller than this are read directly: every format parses that much in about a
fifth of a second (BibTeX, the slowest, at about 0.45 s a MB; JSON Lines 40 times
faster), and the cache's files would only add bookkeeping. The bundled sample and
most daily listings are under it."""


def worth_caching(total_bytes: int) -> bool:
    """Whether a store of this many bytes is opened through the cache."""
    return total_bytes >= CACHE_MIN_BYTES


def store_bytes(paths: StorePaths) -> int:
    """The total size of the files ``paths`` name (folders searched as open_store does)."""
    total = 0
    for file in expand(as_paths(paths), []):
        try:
            total += file.stat().st_size
        except OSError:
            pass
    return total


def file_progress(progress: ProgressCallback | None, base: int, total: int) -> Callable[[int], None]:
    """Progress of one file (bytes read in it) as progress of the whole store."""
    def file_progress(read: int) -> None:
        if progress is not None:
            progress(min(base + read, total), total)

    return file_progress


def _line_of(source: str) -> int | None:
    """The line of a paper's ``path:line`` source."""
    line = source.rpartition(":")[2]
    return int(line) if line.isdigit() else None


def read_file(path: Path, add: Callable[[Paper], None], problems: list[Problem],
              progress: Callable[[int], None] | None = None) -> int:
    """Read one file, handing each paper to ``add`` and appending what is wrong to
    ``problems``; return how many papers it gave. Never raises for bad input."""
    count, unlisted = read_items(path, add, problems, progress)
    if unlisted:
        problems.append(more_problems(str(path), unlisted))
    return count


def read_whole(problems: list[Problem]) -> bool:
    """False when the system broke a read off (not the file's fault): a cache of what was
    read must not be reused, the file is read again next time."""
    return not any(p.line is None and p.message.startswith("cannot be read") for p in problems)


def more_problems(name: str, unlisted: int) -> Problem:
    """The line standing for the problems past :data:`MAX_PROBLEMS_PER_FILE`."""
    return Problem(name, None, f"{unlisted} more problems not listed")


def read_items(path: Path, add: Callable[[Paper], None], problems: list[Problem],
               progress: Callable[[int], None] | None = None, *,
               part: tuple[int, int, int] | None = None) -> tuple[int, int]:
    """:func:`read_file` without the line saying how many problems were not listed:
    the papers given and that number. ``part``: only the JSON Lines between bytes
    ``start`` and ``stop``, numbered from ``first_line`` (see :mod:`tui.store.split_parse`)."""
    name = str(path)
    count = 0
    file_problems = 0
    try:
        if check_regular(path).st_size == 0:
            problems.append(Problem(name, None, "the file is empty"))
            return 0, 0
        fmt = detect_format(path)
        if fmt is None:
            problems.append(Problem(name, None, "not a paper file (binary data or other XML)"))
            return 0, 0
        if part is not None:
            items = jsonl.parse_part(path, *part, progress)
        else:
            items = READERS[fmt](path, progress) if fmt in _WITH_PROGRESS else READERS[fmt](path)
        for item in items:
            if isinstance(item, Problem):
                file_problems += 1
                if file_problems <= MAX_PROBLEMS_PER_FILE:
                    problems.append(item)
                continue
            item, cuts = bounded(item)
            for cut in cuts:
                file_problems += 1
                if file_problems <= MAX_PROBLEMS_PER_FILE:
                    problems.append(Problem(name, _line_of(item.source), cut))
            count += 1
            add(item)
    except UnreadableFile as error:
        problems.append(Problem(name, None, str(error)))
    except OSError as error:
        problems.append(Problem(name, None, f"cannot be read ({error.strerror or error})"))
    except Exception as error:  # a reader bug must not stop the rest of the store opening
        logger.debug("reading %s failed", name, exc_info=True)
        problems.append(Problem(name, None, f"reading stopped early: {type(error).__name__}: {error}"))
    return count, max(0, file_problems - MAX_PROBLEMS_PER_FILE)
