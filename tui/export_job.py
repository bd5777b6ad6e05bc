"""One export from the reader: which papers, which format, which file, and what to say after.

The reader's ``e`` key builds an :class:`ExportJob` on the UI thread (where the marks and
the result on screen are) and runs it in a worker, so a 100,000-paper export never freezes
the screen. Running it needs no terminal, so it is tested on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol

from tui.export import write_papers
from tui.output import atomic_output
from tui.model import Annotation, Paper

__all__ = ["ExportJob", "ExportOutcome", "RankedPapers", "papers_in", "files_read",
           "overwrites_a_file_read", "inside_the_profile"]


def files_read(sources: Iterable[str]) -> frozenset[str]:
    """The real paths of the files a store was read from (its ``source_counts`` keys)."""
    return frozenset(os.path.realpath(source) for source in sources)


def overwrites_a_file_read(path: Path | str, read: frozenset[str]) -> bool:
    """True when writing ``path`` would replace one of the files the papers were read
    from: papertray never changes the files a person opens."""
    return os.path.realpath(path) in read


def inside_the_profile(path: Path | str, profile_dir: Path | str | None) -> bool:
    """True when ``path`` is in a profile's folder (its annotation files, backups, drafts,
    undo journal): an export written there could replace what a person wrote."""
    if profile_dir is None:
        return False
    folder = os.path.realpath(profile_dir)
    return os.path.commonpath([folder, os.path.realpath(path)]) == folder


class RankedPapers(Protocol):
    """A search result as the export reads it (the engine's ResultSet fits)."""

    def __len__(self) -> int: ...
    def paper(self, rank: int) -> Paper: ...


def papers_in(result: RankedPapers) -> Iterator[Paper]:
    """The papers of ``result`` in the order shown, fetched one at a time as written."""
    return (result.paper(rank) for rank in range(len(result)))


@dataclass(frozen=True)
class ExportOutcome:
    """How an export went, as the one sentence a person is told."""

    ok: bool
    message: str


@dataclass(frozen=True)
class ExportJob:
    """Write ``papers`` with their ``annotations`` to ``path`` in ``fmt``."""

    path: Path
    fmt: str
    """One of :data:`tui.export.FORMATS`."""
    papers: Iterable[Paper]
    annotations: Mapping[str, Annotation]
    read: frozenset[str] = frozenset()
    """The files the papers were read from (see :func:`files_read`): never written."""
    profile_dir: Path | None = None
    """The profile's folder: nothing is written in it."""

    def run(self) -> ExportOutcome:
        """Write the file whole or not at all (an existing file is left as it was when
        the write fails); never raises for a file that cannot be written."""
        if overwrites_a_file_read(self.path, self.read):
            return ExportOutcome(False, f"Not exported: {self.path} is a file the papers are "
                                        "read from, and papertray never changes those. "
                                        "Choose another name.")
        if inside_the_profile(self.path, self.profile_dir):
            return ExportOutcome(False, f"Not exported: {self.path} is in the folder where "
                                        "your annotations are kept. Choose another folder.")
        try:
            with atomic_output(self.path) as out:
                write_papers(self.papers, self.fmt, out, self.annotations)
        except OSError as exc:
            return ExportOutcome(False, f"Could not write {self.path}: {exc.strerror or exc}.")
        return ExportOutcome(True, f"Exported to {self.path}")
