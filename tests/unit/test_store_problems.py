"""Issue 12: the records a store skipped or merged, as the reader lists them."""

from __future__ import annotations

from tui.model import Paper, Problem
from tui.store import Store
from tui.store.identity import Merge
from tui.store.problems import problems_notice, store_problems


def test_skipped_then_merged_with_where_and_why() -> None:
    store = Store([Paper(key="k", title="t")],
                  problems=[Problem("a.bib", 12, "no title"), Problem("b.ris", None, "not RIS")],
                  merges=[Merge("k", "a.bib:1", "c.bib:3", "same DOI 10.1/x")])
    found = store_problems(store)
    assert [(p.kind, p.where) for p in found] == [
        ("skipped", "a.bib:12"), ("skipped", "b.ris"), ("merged", "c.bib:3")]
    assert "same DOI 10.1/x" in found[2].reason and "a.bib:1" in found[2].reason
    assert problems_notice(found) == (
        "2 records skipped, 1 merged into other papers — see Problems in the filters")
    assert problems_notice([]) == ""
