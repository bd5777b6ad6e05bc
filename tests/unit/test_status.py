"""What the title bar and an empty list say, worked out without a terminal."""

from __future__ import annotations

from tui.loader import LoadStep
from tui.model import Problem
from tui.status import (ViewSummary, empty_list_message, loading_message, loading_status,
                        selection_label)


def test_the_title_bar_counts_read_shown_of_all_then_the_inbox() -> None:
    summary = ViewSummary(shown=1234, total=100_000, inbox=99_000)
    assert str(summary) == "1,234 of 100,000 · inbox 99,000"


def test_marks_and_loading_progress_join_the_counts_only_while_there_are_some() -> None:
    summary = ViewSummary(shown=12, total=12, inbox=9, marked=3, status="Reading 40%")
    assert str(summary) == "Reading 40% · 12 of 12 · inbox 9 · 3 marked"
    emphasis = dict(summary.pieces())
    assert emphasis["12 of 12"] == emphasis[" · 3 marked"] == "strong"
    assert emphasis["Reading 40% · "] == "status"


def test_an_empty_list_says_why_and_the_way_out() -> None:
    assert "opens another file or folder" in empty_list_message(0, "")
    empty = empty_list_message(0, "", label="empty.bib",
                               problems=[Problem("/tmp/empty.bib", None, "the file is empty")])
    assert empty.startswith("  No papers in empty.bib: the file is empty.")
    assert empty_list_message(12, "Starred · #thesis") == (
        "  Nothing in Starred · #thesis matches.\n  a shows All papers; f goes to the filters.")
    assert empty_list_message(12, "") == "  No papers match.\n  esc clears the search."
    assert "a shows" not in empty_list_message(12, "All papers · #thesis", all_papers=True)


def test_loading_progress_in_words() -> None:
    reading = LoadStep("reading", 40, 100, 5)
    indexing = LoadStep("indexing", 20_000, 100_000, 100_000)
    assert loading_status(reading) == "Reading 40%"
    assert loading_status(indexing) == "Indexing 20%"
    assert loading_message(reading, "big.jsonl") == "Reading big.jsonl… 40%"
    assert loading_message(indexing, "big.jsonl") == "Indexing 20,000 of 100,000 papers…"


def test_what_an_export_applies_to_is_named() -> None:
    assert selection_label(3, marked=True) == "3 marked papers"
    assert selection_label(1024, marked=False) == "1,024 papers in view"
