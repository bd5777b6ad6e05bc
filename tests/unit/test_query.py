"""The query language: what people type becomes words, phrases and qualifiers, leniently."""

from __future__ import annotations

import pytest

from tui.query import Query, Term, iter_words, normalise_word, parse_query


def kinds(text: str) -> list[tuple]:
    return [(t.kind, t.value, t.field, t.negated) for t in parse_query(text).terms]


def test_free_words_are_normalised_and_the_last_one_is_being_typed():
    query = parse_query("Japanes SimCSE")
    assert [t.value for t in query.terms] == ["japanes", "simcse"]
    assert [t.open for t in query.terms] == [False, True]
    assert not parse_query("japanes simcse ").terms[-1].open


def test_accents_and_case_fold_away():
    assert normalise_word("Café") == "cafe" and normalise_word("ÉCOLE") == "ecole"
    assert [w for w, _, _ in iter_words("Müller-Lyon, 2021")] == ["muller", "lyon", "2021"]


@pytest.mark.parametrize("text, field", [
    ("title:retrieval", "title"), ("ti:retrieval", "title"), ("author:retrieval", "author"),
    ("au:retrieval", "author"), ("abs:retrieval", "abs"), ("abstract:retrieval", "abs"),
])
def test_field_qualifiers_restrict_a_word(text, field):
    assert kinds(text) == [("word", "retrieval", field, False)]


@pytest.mark.parametrize("text, kind, value", [
    ("venue:ACL", "venue", "acl"), ("journal:Nature", "venue", "nature"),
    ("cat:cs.CL", "cat", "cs.cl"), ("category:stat", "cat", "stat"),
    ("tag:Thesis", "tag", "thesis"), ("key:arxiv:2104.08821", "key", "arxiv:2104.08821"),
    ("is:starred", "is", "starred"), ("is:read", "is", "read"), ("is:later", "is", "later"),
    ("is:skipped", "is", "skipped"), ("is:inbox", "is", "inbox"),
    ("has:note", "has", "note"), ("has:tags", "has", "tag"),
])
def test_value_qualifiers(text, kind, value):
    assert kinds(text + " ") == [(kind, value, "", False)]


@pytest.mark.parametrize("text, low, high", [
    ("year:2021", 2021, 2021), ("year:2019..2022", 2019, 2022), ("year:2022..2019", 2019, 2022),
    ("year:2019-2022", 2019, 2022), ("year:>=2020", 2020, None), ("year:>2020", 2021, None),
    ("year:<2020", None, 2019), ("year:<=2020", None, 2020), ("year:2019..", 2019, None),
    ("year:..2010", None, 2010),
])
def test_year_ranges(text, low, high):
    (term,) = parse_query(text).terms
    assert (term.kind, term.year_min, term.year_max) == ("year", low, high)


def test_minus_negates_words_qualifiers_and_phrases():
    assert kinds('-survey -author:smith -is:read -"deep learning" -year:2020') == [
        ("word", "survey", "", True), ("word", "smith", "author", True),
        ("is", "read", "", True), ("phrase", "deep learning", "", True),
        ("year", "2020", "", True),
    ]


def test_phrases_and_field_phrases():
    assert kinds('"Dense Retrieval" title:"video captioning"') == [
        ("phrase", "dense retrieval", "", False), ("phrase", "video captioning", "title", False)]
    unclosed = parse_query('"dense retr')
    assert unclosed.terms[0].kind == "phrase" and unclosed.terms[0].open


def test_unknown_qualifiers_and_bad_values_become_words_with_a_warning():
    query = parse_query("foo:bar year:abc is:famous has:pdf x")
    assert [t.value for t in query.terms] == ["foo", "bar", "year", "abc", "is", "famous",
                                             "has", "pdf", "x"]
    assert len(query.warnings) == 4 and "foo:" in query.warnings[0]
    assert "year:abc" in query.warnings[1]


def test_a_title_colon_or_a_url_is_just_words():
    query = parse_query("LAMPAT: low-rank https://github.com/x")
    assert [t.value for t in query.terms] == ["lampat", "low", "rank", "https", "github", "com", "x"]
    assert query.warnings == ()


def test_half_typed_qualifiers_narrow_nothing_and_never_warn():
    for text in ("author:", "year:20", "is:sta", "has:no", "tag:"):
        query = parse_query(text)
        assert query.terms == () and query.warnings == (), text


@pytest.mark.parametrize("text", ["", "   ", "-", '"', '""', "::", "-:", 'title:"', "ÿ:ÿ", "a" * 5000])
def test_never_raises(text):
    assert isinstance(parse_query(text), Query)


def test_highlight_words_leave_out_negated_and_mark_the_prefix():
    query = parse_query('dense -survey title:video "open domain" retr')
    assert query.highlight_words == (
        ("dense", "", False), ("video", "title", False), ("open", "", False),
        ("domain", "", False), ("retr", "", True))


def test_empty_query_and_text():
    assert parse_query("").is_empty and not parse_query("year:2020").has_text
    assert parse_query("x").has_text and parse_query('"a b"').has_text
    assert Term("word", "x").words == ("x",)
