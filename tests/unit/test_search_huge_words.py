"""A store with an absurdly long word still opens for search (it once crashed the index)."""

from tui.model import Paper, stable_key
from tui.search import SearchEngine


def test_a_fifty_thousand_letter_word_does_not_stop_indexing() -> None:
    blob = "a" + "b" * 50_000
    papers = [Paper(key=stable_key(title=blob), title=blob),
              Paper(key=stable_key(title="Normal title words"), title="Normal title words")]
    hits = SearchEngine(papers).search("normal titel")
    assert [hit.paper.title for hit in hits] == ["Normal title words"]
