"""Building the index a chunk at a time gives each paper exactly the words it has, and
is quick: a big store becomes searchable sooner."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from tui.bench.synthetic import JsonlPapers, write_jsonl
from tui.model import Paper
from tui.query import WORD_RE, normalise_word
from tui.search.building import SEPARATOR, build_index, chunk_words
from tui.search.index import field_words, split_words

TEXTS = ["Plain ASCII title", "Café-style Pre-trained Über-models", "", "x\x01y stays one text",
         "ÆON and naïve: ﬁne", "tabs\tand\nnewlines, punctuation!?", "ß and İstanbul", "a-b-c"]


def test_chunk_words_splits_each_text_as_one_text_alone() -> None:
    words = chunk_words(TEXTS)
    expected = [w for text in TEXTS for w in (*split_words(text.casefold()), SEPARATOR)]
    assert words == expected


def test_each_paper_is_indexed_under_exactly_its_own_words() -> None:
    n = len(TEXTS)
    papers = [Paper(key=f"k{i}", title=text, authors=(TEXTS[(n - 1 - i) % n], "Zoë Ünal"),
                    abstract=f"{text} the of {TEXTS[(i - 1) % n]} {text}")
              for i, text in enumerate(TEXTS * 3)]
    index = build_index(papers)
    words = index.vocab.words
    for doc, paper in enumerate(papers):
        expected = [{w for w in field} for field in field_words(paper)]
        for name, wanted in zip(("title", "authors", "abstract"), expected):
            postings = index.field(name)
            have = {words[w] for w in range(len(words)) if doc in postings.of(w)}
            assert have == {normalise_word(w) for w in wanted}, (doc, name)
        assert index.title_words(doc) == [normalise_word(w) for w in split_words(paper.title.casefold())]
    for name in ("title", "authors", "abstract"):
        postings = index.field(name)
        for w in range(len(words)):  # each paper once per word, ascending
            docs = postings.of(w)
            assert np.all(docs[1:] > docs[:-1])


@pytest.mark.benchmark
def test_indexing_costs_under_28_microseconds_a_paper(tmp_path) -> None:
    papers = list(JsonlPapers(write_jsonl(tmp_path / "p.jsonl", 40_000, seed=3)))
    times = []
    for _ in range(3):
        start = time.process_time()
        build_index(papers)
        times.append(time.process_time() - start)
    per_paper = min(times) / len(papers) * 1e6
    print(f"\nindexing: {per_paper:.1f} µs a paper")
    assert per_paper < 28  # 32 before words were split a chunk at a time


def test_wide_and_narrow_sorting_give_the_same_index(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A vocabulary too big for 32-bit (word, paper) pairs sorts 64-bit ones: the same
    postings either way, each paper once under each of its words."""
    from tui.search import building

    papers = list(JsonlPapers(write_jsonl(tmp_path / "p.jsonl", 9000, seed=4)))  # three chunks
    narrow = build_index(papers)
    monkeypatch.setattr(building, "_NARROW_WORDS", 0)
    wide = build_index(papers)
    for name in ("title", "authors", "abstract"):
        assert np.array_equal(narrow.field(name).offsets, wide.field(name).offsets)
        assert np.array_equal(narrow.field(name).docs, wide.field(name).docs)
    assert narrow.field("abstract").docs.max() >= 8000  # papers of the last chunk are there


def test_words_of_text_beyond_ascii_are_the_expressions_words() -> None:
    # Text with accents, dashes, quotes or other scripts is split by a quicker path than
    # the regular expression alone: it must find exactly the same words, or a paper
    # would not be found under a word of its title.
    alphabet = [*"ab Z9_-.,;:\n\t\x01\x00'\"()", *"éüß–—“”\u00a0\u2009\u200bλΩ中文ﬁ\ud800\U0001d400٣"]
    rng = random.Random(5)
    for _ in range(20_000):
        folded = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40))).casefold()
        assert split_words(folded) == WORD_RE.findall(folded), repr(folded)
    assert split_words("naïve bayes–style “models”\u00a0ok") == ["naïve", "bayes", "style", "models", "ok"]
