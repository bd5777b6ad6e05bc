"""The scan that answers a query before the index is ready: every word, the qualifiers
it can check, title hits first."""

from __future__ import annotations

from tui.model import Paper
from tui.query import parse_query
from tui.search.scan import ScanResults, scan
from tui.status import ViewSummary

PAPERS = [
    Paper(key="a", title="Graph networks", authors=("Ada Lovelace",), year=2019,
          abstract="We study dense retrieval."),
    Paper(key="b", title="Dense retrieval at scale", authors=("Alan Turing",), year=2022,
          abstract="Graph methods."),
    Paper(key="c", title="Café culture", authors=("Émile Zola",), year=2021, abstract=""),
    Paper(key="d", title="Sparse retrieval", authors=("Ada Byron",), year=2023, abstract=""),
]


def _keys(text: str) -> list[str]:
    return [PAPERS[i].key for i in scan(PAPERS, parse_query(text))]


def test_every_word_must_match_title_hits_first() -> None:
    assert _keys("dense retrieval") == ["b", "a"]
    assert _keys("retri") == ["b", "d", "a"]  # a word still being typed matches as a prefix


def test_the_qualifiers_a_scan_can_check_are_respected() -> None:
    assert _keys("retrieval year:2020..2023") == ["b", "d"]
    assert _keys("author:ada") == ["a", "d"]
    assert _keys("retrieval -dense") == ["d"]
    assert _keys("cafe emile") == ["c"]  # accents folded as the engine folds them


def test_scan_results_read_like_a_search_result_and_say_they_are_partial() -> None:
    result = ScanResults(PAPERS, [1, 0], "dense retrieval")
    assert len(result) == 2 and result.paper(0).key == "b" and result.rank_of(0) == 1
    assert result.rank_of(3) is None and result.partial
    summary = ViewSummary(shown=2, total=100_000, inbox=100_000, status="Indexing 40%",
                          partial=True)
    assert str(summary) == "Indexing 40% · partial results, 2 of 100,000 · inbox 100,000"


def test_the_views_own_qualifiers_are_checked_in_the_annotations() -> None:
    """While a new store indexes, the Inbox's partial answer must not show papers read or
    skipped, nor is:starred or tag: show papers without the star or the tag."""
    from tui.model import Annotation

    notes = {"b": Annotation(key="b", state="read"),
             "d": Annotation(key="d", starred=True, tags=("thesis",), note="zebra idea")}

    def keys(text: str) -> list[str]:
        return [PAPERS[p].key for p in scan(PAPERS, parse_query(text), annotations=notes)]

    assert keys("retrieval is:inbox") == ["d", "a"]
    assert keys("is:starred") == ["d"] and keys("tag:thesis") == ["d"] and keys("tag:thes") == ["d"]
    assert keys("has:note") == ["d"] and keys("note:zebra") == ["d"]
    assert keys("retrieval -is:starred") == ["b", "a"]
    assert _keys("retrieval is:inbox") == ["b", "d", "a"]  # without annotations: not checked
