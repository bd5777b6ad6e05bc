"""The records a store left out or merged, as one list the reader and the CLI can show."""

from __future__ import annotations

from dataclasses import dataclass

from tui.store.base import PaperStore

__all__ = ["StoreProblem", "store_problems", "problems_notice"]


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """One record the person might look for and not find as its own paper."""

    kind: str
    """"skipped" (a record that could not be read) or "merged" (one paper with another)."""
    where: str
    """``file:line`` of the record (or the file, when the whole file is at fault)."""
    reason: str
    """Why, as one short sentence."""


def store_problems(store: PaperStore) -> list[StoreProblem]:
    """The store's skipped records, then its merged ones, in reading order."""
    found = [StoreProblem("skipped", p.path if p.line is None else f"{p.path}:{p.line}", p.message)
             for p in store.problems]
    found += [StoreProblem("merged", m.merged, f"{m.reason}: one paper with {m.kept}")
              for m in store.merges]
    return found


def problems_notice(problems: list[StoreProblem]) -> str:
    """One sentence for when the store opens ("" when nothing was left out or merged)."""
    skipped = sum(1 for p in problems if p.kind == "skipped")
    merged = len(problems) - skipped
    parts = [f"{skipped:,} record{'s' if skipped != 1 else ''} skipped" if skipped else "",
             f"{merged:,} merged into other papers" if merged else ""]
    said = ", ".join(p for p in parts if p)
    return f"{said} — see Problems in the filters" if said else ""
