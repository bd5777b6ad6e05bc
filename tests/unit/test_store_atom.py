"""arXiv Atom feeds and API responses, RSS, and hostile XML."""

from __future__ import annotations

from tui.model import Paper, Problem
from tui.store.formats.atom import parse_text


def _read(text: str) -> tuple[list[Paper], list[Problem]]:
    items = list(parse_text(text, "feed.xml"))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, Problem)]


FEED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <title>arXiv Query</title>
  <entry>
    <id>http://arxiv.org/abs/2104.08821v4</id>
    <title>SimCSE: Simple Contrastive Learning of
  Sentence Embeddings</title>
    <published>2021-04-18T00:00:00Z</published>
    <summary>  This paper presents SimCSE.
It works.</summary>
    <author><name>Tianyu Gao</name></author>
    <author><name>Danqi Chen</name></author>
    <arxiv:doi>10.18653/v1/2021.emnlp-main.552</arxiv:doi>
    <arxiv:journal_ref>EMNLP 2021</arxiv:journal_ref>
    <link href="https://arxiv.org/abs/2104.08821v4" rel="alternate" type="text/html"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id>
    <title>Error</title>
    <summary>incorrect id format for abc</summary>
  </entry>
</feed>
"""


def test_arxiv_api_entry_field_by_field_and_error_entries_reported() -> None:
    papers, problems = _read(FEED)
    paper = papers[0]
    assert paper.key == "arxiv:2104.08821" and paper.arxiv == "2104.08821"
    assert paper.title == "SimCSE: Simple Contrastive Learning of Sentence Embeddings"
    assert paper.authors == ("Tianyu Gao", "Danqi Chen")
    assert (paper.year, paper.date) == (2021, "2021-04-18")
    assert paper.abstract == "This paper presents SimCSE. It works."
    assert (paper.doi, paper.venue) == ("10.18653/v1/2021.emnlp-main.552", "EMNLP 2021")
    assert paper.categories == ("cs.CL", "cs.LG")
    assert paper.source == "feed.xml:4"
    assert [(p.line, p.message) for p in problems] == [
        (19, "the feed reports an error: incorrect id format for abc")]


def test_rss_arxiv_announcement_feed() -> None:
    rss = """<?xml version="1.0"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.CL</title>
<item>
  <title>A New Paper</title>
  <link>https://arxiv.org/abs/2401.00001</link>
  <description>arXiv:2401.00001v1 Announce Type: new
Abstract: We do new things.</description>
  <dc:creator>Ann Lee, Bo Kim</dc:creator>
  <pubDate>Mon, 01 Jan 2024 00:00:00 -0500</pubDate>
  <category>cs.CL</category>
</item>
</channel></rss>"""
    papers, problems = _read(rss)
    assert problems == []
    paper = papers[0]
    assert (paper.title, paper.arxiv, paper.authors) == ("A New Paper", "2401.00001", ("Ann Lee", "Bo Kim"))
    assert (paper.abstract, paper.date, paper.categories) == ("We do new things.", "2024-01-01", ("cs.CL",))
    assert paper.source == "feed.xml:3"


def test_document_type_declarations_are_refused_so_no_entity_is_expanded() -> None:
    bomb = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;&ext;</title></entry></feed>"""
    papers, problems = _read(bomb)
    assert papers == []
    assert problems[0].line == 2 and "document type declaration" in problems[0].message


def test_broken_xml_and_other_xml() -> None:
    papers, problems = _read('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Open')
    assert papers == [] and "not well-formed XML" in problems[0].message
    assert "not an Atom or RSS feed" in _read("<html><body>Hi</body></html>")[1][0].message


def test_empty_feed_has_no_papers_and_no_problems() -> None:
    assert _read('<feed xmlns="http://www.w3.org/2005/Atom"><title>q</title></feed>') == ([], [])
