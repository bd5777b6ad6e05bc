"""The search engine on small hand-made stores: matching, ranking rules and spans."""

from __future__ import annotations

import pytest

from tui.model import Paper, stable_key
from tui.search import SearchEngine


def paper(title: str, authors: tuple[str, ...] = (), abstract: str = "", **kw) -> Paper:
    return Paper(key=stable_key(title=title), title=title, authors=authors, abstract=abstract, **kw)


PAPERS = [
    paper("Unsupervised Dense Information Retrieval with Contrastive Learning",
          ("Gautier Izacard", "Mathilde Caron"), "Dense retrievers trained without supervision."),
    paper("Japanese SimCSE Technical Report", ("Hayato Tsukagoshi",),
          "Sentence embedding models for Japanese fine-tuned with SimCSE."),
    paper("Dense Passage Retrieval for Open-Domain Question Answering", ("Vladimir Karpukhin",),
          "Retrieval is done with dense representations."),
    paper("A Survey on Data Selection for Language Models", ("Alon Albalak",),
          "Pre-trained language models need data selection."),
    paper("Video Captioning with Transformers", ("Ana Retrieval",), "Captions for video."),
    paper("Contrastive Learning of Sentence Embeddings", ("Tianyu Gao",),
          "We present a contrastive framework; retrieval benchmarks improve."),
]


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    return SearchEngine(PAPERS)


def titles(engine: SearchEngine, query: str, limit: int = 10) -> list[str]:
    return [hit.paper.title for hit in engine.search(query, limit=limit)]


def test_typos_and_the_word_being_typed(engine):
    assert titles(engine, "japanes simcse")[0] == "Japanese SimCSE Technical Report"
    assert titles(engine, "unsupervisd dense retrievl contrastive")[0].startswith("Unsupervised Dense")
    assert titles(engine, "japanese sim")[0] == "Japanese SimCSE Technical Report"  # prefix
    assert engine.run("japanese sim ").matched_all == 0  # a finished word is not a prefix


def test_transposition_is_one_typo_but_a_wrong_first_letter_costs_two(engine):
    assert titles(engine, "contrastive laerning")[0].startswith("Contrastive Learning")
    assert engine.run("vidoe ").total == 1  # 5 letters allow one typo
    assert engine.run("xideo ").total == 0  # ...but a wrong first letter counts as two
    assert engine.run("xontrastive ").total == 2  # 8 letters or more allow two


def test_short_words_need_exact_spelling(engine):
    assert engine.run("dta ").total == 0  # 3 letters: no typo allowed
    assert engine.run("2021 ").total == 0 and engine.run("surcey ").total == 1


def test_papers_matching_more_words_rank_first(engine):
    ranked = titles(engine, "dense retrieval contrastive")
    assert ranked[0].startswith("Unsupervised Dense Information Retrieval")


def test_title_outranks_authors_outranks_abstract(engine):
    ranked = titles(engine, "retrieval")
    assert ranked.index("Dense Passage Retrieval for Open-Domain Question Answering") < \
        ranked.index("Video Captioning with Transformers") < \
        ranked.index("Contrastive Learning of Sentence Embeddings")


def test_adjacent_words_rank_above_scattered_ones():
    store = [paper("Passage models for dense retrieval"),
             paper("Dense passage retrieval models for open questions")]
    ranked = titles(SearchEngine(store), "passage retrieval ")
    assert ranked[0] == "Dense passage retrieval models for open questions"


def test_when_no_paper_has_every_word_the_best_partial_matches_follow(engine):
    result = engine.run("japanese zzzzzz")
    assert result.matched_all == 0 and result.total >= 1
    assert result.paper(0).title == "Japanese SimCSE Technical Report"


def test_stop_words_do_not_have_to_match(engine):
    assert titles(engine, "survey of data selection")[0].startswith("A Survey on Data Selection")


def test_hyphenated_words_match_joined(engine):
    assert titles(engine, "opendomain")[0].startswith("Dense Passage Retrieval")
    assert titles(engine, "open domain question")[0].startswith("Dense Passage Retrieval")


def test_spans_point_at_the_matched_characters(engine):
    hit = engine.search("japanes simc", limit=1)[0]
    title = hit.paper.title
    assert [title[a:b] for a, b in hit.spans["title"]] == ["Japanese", "SimC"]
    assert [hit.paper.abstract[a:b] for a, b in hit.spans["abstract"]] == ["Japanese", "SimC"]


def test_author_spans_index_into_authors_text(engine):
    hit = engine.search("caron", limit=1)[0]
    text = hit.paper.authors_text
    assert [text[a:b] for a, b in hit.spans["authors"]] == ["Caron"]
    assert "title" not in hit.spans


def test_phrase_spans_cover_the_phrase(engine):
    spans = engine.highlight(PAPERS[5], '"sentence embeddings"')
    assert [PAPERS[5].title[a:b] for a, b in spans["title"]] == ["Sentence Embeddings"]


def test_empty_query_is_every_paper_in_store_order(engine):
    result = engine.run("")
    assert [result.paper(i) for i in range(result.total)] == PAPERS
    assert engine.search("   ", limit=None) and len(engine.search("", limit=2)) == 2


def test_nothing_matches(engine):
    assert engine.search("qqqqqq") == [] and engine.run("qqqqqq").total == 0


def test_search_accepts_any_sequence_and_an_empty_store():
    assert SearchEngine([]).search("anything") == []
    assert SearchEngine([]).run("").total == 0
    assert SearchEngine(tuple(PAPERS)).search("simcse")[0].paper is PAPERS[1]


def test_accented_and_plain_spellings_are_one_word():
    store = [paper("Café society", abstract="The cafe and the Café."), paper("Cafe racers"),
             paper("Über alles", ("Jürgen Müller",))]
    engine = SearchEngine(store)
    assert sorted(titles(engine, "cafe ")) == ["Cafe racers", "Café society"]
    assert engine.run("cafe ").total == 2  # one paper is listed once, whatever its spellings
    assert titles(engine, "muller uber ") == ["Über alles"]
    assert titles(engine, "MÜLLER ") == ["Über alles"]


def test_a_big_build_that_spills_to_disk_gives_the_same_index(monkeypatch):
    from tui.search.building import _Stream, build_index

    store = PAPERS * 30
    in_memory = build_index(store).to_arrays()
    monkeypatch.setattr(_Stream, "SPILL_BYTES", 64)
    spilled = build_index(store).to_arrays()
    assert in_memory.keys() == spilled.keys()
    assert all((in_memory[k] == spilled[k]).all() for k in in_memory)


def test_two_words_typed_for_one_match_it(engine):
    assert titles(engine, "sim cse")[0] == "Japanese SimCSE Technical Report"
    assert titles(engine, "japanese sim cs")[0] == "Japanese SimCSE Technical Report"


def test_scores_fall_with_rank_and_rank_of_finds_a_paper(engine):
    for query in ("retrieval", "dense retrieval contrastive", "sentence", "japanese zzzz"):
        result = engine.run(query)
        scores = [result.score(rank) for rank in range(result.total)]
        assert scores == sorted(scores, reverse=True) and scores[0] > 0, query
        last = result.index(result.total - 1)
        assert result.rank_of(last) == result.total - 1
    assert engine.run("retrieval").rank_of(PAPERS.index(PAPERS[1])) is None


def test_highlighting_a_huge_field_stays_quick():
    import time

    words = "word " * 200_000  # a megabyte
    huge = paper("Huge " + words, (words,), words)
    engine = SearchEngine([huge, PAPERS[0]])
    start = time.perf_counter()
    hit = engine.search("wor", limit=1)[0]
    assert time.perf_counter() - start < 0.5
    assert hit.spans["title"][0] == (5, 8) and hit.spans["abstract"][0] == (0, 3)


def test_ranking_a_huge_title_stays_quick():
    import time

    engine = SearchEngine([paper("Huge " + "word list " * 50_000), PAPERS[0]])
    start = time.perf_counter()
    assert engine.run("word list").total == 1  # 50,000 places for each word
    assert time.perf_counter() - start < 0.5


def test_a_pasted_paragraph_is_searched_by_its_first_words(engine):
    pasted = "Japanese SimCSE Technical Report " + " ".join(f"filler{i}" for i in range(300))
    assert titles(engine, pasted)[0] == "Japanese SimCSE Technical Report"


def test_the_sort_key_cycles_through_every_order_and_back() -> None:
    from tui.search import SORTS, next_sort

    seen = ["relevance"]
    while len(seen) <= len(SORTS):
        seen.append(next_sort(seen[-1]))
    assert seen == [*SORTS, "relevance"]
