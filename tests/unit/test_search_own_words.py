"""Issue 12: the person's own words searched, matches outside the view counted, more sorts."""

from __future__ import annotations

from tui.model import Annotation, Paper, stable_key
from tui.query import parse_query
from tui.search import SORTS, SearchEngine


def paper(title: str, year: int, author: str, venue: str = "", date: str = "") -> Paper:
    return Paper(key=stable_key(title=title), title=title, year=year, authors=(author,),
                 venue=venue, date=date or f"{year}-01-01")


PAPERS = [
    paper("SimCSE: simple contrastive learning of sentence embeddings", 2021, "Tianyu Gao",
          "EMNLP", "2021-04-18"),
    paper("Japanese SimCSE technical report", 2023, "Hayato Tsukagoshi", "arXiv", "2023-10-30"),
    paper("Japanese sentence embeddings benchmark", 2022, "Ada Lovelace", "LREC", "2022-05-01"),
    paper("Dense passage retrieval", 2020, "Vladimir Karpukhin", "EMNLP", "2020-04-10"),
    paper("Crossing the road safely", 2019, "Zed Abel", "", "2019-02-02"),
]
KEYS = [p.key for p in PAPERS]
ENGINE = SearchEngine(PAPERS)


def keys(result) -> list[int]:
    return [KEYS.index(result.paper(i).key) for i in range(result.total)]


def test_free_words_find_a_note_and_rank_it_first() -> None:
    notes = {KEYS[3]: Annotation(KEYS[3], note="remember the zebra crossing idea")}
    result = ENGINE.run("zebra crossing", notes)
    assert keys(result)[0] == 3  # found by the note alone, above the title with "crossing"
    assert 3 not in keys(ENGINE.run("zebra crossing", {}))


def test_free_words_find_tags_and_typos_in_notes() -> None:
    notes = {KEYS[0]: Annotation(KEYS[0], tags=("thesis-core",)),
             KEYS[3]: Annotation(KEYS[3], note="remember the zebra crossing idea")}
    assert keys(ENGINE.run("thesis", notes)) == [0]
    assert 3 in keys(ENGINE.run("remembr", notes))  # a typo, as in titles
    assert keys(ENGINE.run("zeb", notes)) == [3]  # still typing


def test_note_qualifier() -> None:
    notes = {KEYS[3]: Annotation(KEYS[3], note="remember the zebra crossing idea"),
             KEYS[1]: Annotation(KEYS[1], note="crossing lingual")}
    assert keys(ENGINE.run("note:zebra", notes)) == [3]
    assert sorted(keys(ENGINE.run("note:crossing", notes))) == [1, 3]
    assert keys(ENGINE.run('note:"zebra crossing"', notes)) == [3]
    assert keys(ENGINE.run("-note:zebra note:crossing", notes)) == [1]
    assert parse_query("note:zeb").terms[0].kind == "note"


def test_matches_outside_the_view_are_counted_by_state() -> None:
    notes = {KEYS[1]: Annotation(KEYS[1], starred=True, state="later"),
             KEYS[2]: Annotation(KEYS[2], state="read")}
    result = ENGINE.run("is:inbox japanes simcse", notes)
    assert 1 not in keys(result)
    assert result.elsewhere == {"later": 1}
    assert ENGINE.run("japanes simcse", notes).elsewhere == {}  # All papers: nothing outside
    assert ENGINE.run("is:inbox japanese", notes).elsewhere == {"later": 1, "read": 1}
    assert ENGINE.run("is:later japanese", notes).elsewhere == {"read": 1}
    assert ENGINE.run("is:later simcse", notes).elsewhere == {"inbox": 1}
    assert ENGINE.run("is:inbox", notes).elsewhere == {}  # no words: the view is the point
    assert ENGINE.run("is:inbox japanese year:2022", notes).elsewhere == {"read": 1}


def test_sorts_by_author_and_venue_and_backwards() -> None:
    assert {"author", "venue"} <= set(SORTS)
    assert keys(ENGINE.run("", {}, "author")) == [4, 0, 3, 2, 1]  # Abel, Gao, Karpukhin, ...
    assert keys(ENGINE.run("", {}, "venue"))[:3] == [1, 0, 3]  # arXiv, EMNLP newest first
    assert keys(ENGINE.run("", {}, "venue"))[-1] == 4  # no venue: last
    forward = keys(ENGINE.run("", {}, "date"))
    backward = ENGINE.run("", {}, "date", reverse=True)
    assert keys(backward) == forward[::-1] and backward.reverse
    relevance = keys(ENGINE.run("simcse", {}))
    assert keys(ENGINE.run("simcse", {}, reverse=True)) == relevance[::-1]
