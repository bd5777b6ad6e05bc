"""One export from the reader: which papers, which format, which file, and what to say after.

The reader's ``e`` key builds an :class:`ExportJob` on the UI thread (where the marks and
the result on screen are) and runs it in a worker, so a 100,000-paper export never freezes
the screen. Running it needs no terminal, so it is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol

from tui.export import write_papers
from tui.output import atomic_output
from tui.model import Annotation, Paper

__all__ = ["ExportJob", "ExportOutcome", "RankedPapers", "papers_in"]


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

    def run(self) -> ExportOutcome:
        """Write the file whole or not at all (an existing file is left as it was when
        the write fails); never raises for a file that cannot be written."""
        try:
            with atomic_output(self.path) as out:
                write_papers(self.papers, self.fmt, out, self.annotations)
        except OSError as exc:
            return ExportOutcome(False, f"Could not write {self.path}: {exc.strerror or exc}.")
        return ExportOutcome(True, f"Exported to {self.path}")
