"""Which records are one paper: never two papers merged, every merge reported.

The project's own test bibliography (tests/data/identity) holds the cases that matter:
same-titled papers by other people and years, a reprint, two editions, the same paper in
two files (one with a DOI, one without), an untitled entry and an empty record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.store import open_store

IDENTITY = Path(__file__).resolve().parents[1] / "data" / "identity"


def _bib(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_test_bibliography_gives_exactly_the_papers_a_person_counts() -> None:
    store = open_store(IDENTITY)
    assert sorted((p.title, p.first_author, p.year) for p in store) == [
        ("", "Jane Doe", 2018),
        ("Algorithms and Data Structures", "Niklaus Wirth", None),  # first edition
        ("Algorithms and Data Structures", "Niklaus Wirth", None),  # second edition
        ("Dense Retrieval for Everyone", "Ann Lee", 2020),  # in both files: one paper
        ("Information Theory and Statistics", "Solomon Kullback", 1959),
        ("Information Theory and Statistics", "Solomon Kullback", 1997),  # the reprint
        ("Introduction", "John Smith", 2001),
        ("Introduction", "Mary Jones", 2019),
    ]
    lee = next(p for p in store if p.title.startswith("Dense"))
    # The .bib entry is read first and keeps its fields; the RIS record adds its DOI.
    assert (lee.key, lee.citekey, lee.doi) == ("doi:10.5555/dense.2020", "lee2020", "10.5555/dense.2020")
    assert [(m.kept.rpartition("/")[2], m.merged.rpartition("/")[2], m.reason) for m in store.merges] == [
        ("library.bib:52", "more.ris:1", "same title, first author and year")]
    assert [(p.path.rpartition("/")[2], p.line, p.message) for p in store.problems] == [
        ("more.ris", 10, "record is empty (no title, author, abstract, DOI, arXiv id, link or key); skipped")]
    assert len({p.key for p in store}) == 8


def test_the_cache_gives_the_same_papers_keys_and_merges(tmp_path: Path) -> None:
    plain = open_store(IDENTITY, cache=False)
    cached = open_store(IDENTITY, cache=True)
    again = open_store(IDENTITY, cache=True)  # from the shards, nothing parsed
    for store in (cached, again):
        assert type(store).__name__ == "CompactStore"
        assert list(store) == list(plain)
        assert store.merges == plain.merges
        for position, paper in enumerate(plain):
            assert store.index_of(paper.key) == position
            assert store.get(paper.key) == paper
        assert store.indices_of([p.key for p in plain]).tolist() == list(range(len(plain)))


def test_a_title_alone_that_could_be_either_paper_is_kept_apart(tmp_path: Path) -> None:
    path = _bib(tmp_path, """
@article{smith, title = {Introduction}, author = {Smith, John}, year = 2001}
@article{jones, title = {Introduction}, author = {Jones, Mary}, year = 2019}
@misc{which, title = {Introduction}}
@article{smith-again, title = {{I}ntroduction}, author = {Smith, J.}, year = 2001, pages = {1--2}}
""")
    store = open_store(path)
    assert sorted((p.first_author, p.year, p.citekey) for p in store) == [
        ("", None, "which"), ("John Smith", 2001, "smith"), ("Mary Jones", 2019, "jones")]
    assert [m.merged.rpartition(":")[2] for m in store.merges] == ["5"]


def test_identifiers_decide_before_titles(tmp_path: Path) -> None:
    path = _bib(tmp_path, """
@article{a, title = {Same Title}, author = {Lee, Ann}, year = 2020, doi = {10.1000/one}}
@article{b, title = {Same Title}, author = {Lee, Ann}, year = 2020, doi = {10.1000/two}}
@article{c, title = {A Title Fixed Later}, doi = {10.1000/ONE}}
@misc{d, title = {Preprint Title}, author = {Kim, Bo}, year = 2021, eprint = {2101.00001v2}}
@article{e, title = {Preprint title}, author = {Kim, Bo}, year = 2021, doi = {10.9999/pub}}
@misc{f, title = {Preprint Title}, author = {Kim, Bo}, year = 2021, eprint = {2101.00002}}
""")
    store = open_store(path)
    # Different DOIs: two papers, whatever their titles say; the same DOI: one paper (any
    # case). The published version (e) would join its preprint, but two preprints (d, f)
    # with other arXiv ids fit it alike, so it joins neither.
    assert [(p.key, p.citekey) for p in store] == [
        ("doi:10.1000/one", "a"), ("doi:10.1000/two", "b"), ("arxiv:2101.00001", "d"),
        ("doi:10.9999/pub", "e"), ("arxiv:2101.00002", "f")]
    assert [(m.merged.rpartition(":")[2], m.reason) for m in store.merges] == [
        ("4", "same DOI 10.1000/one")]
    alone = open_store(_bib(tmp_path, "\n".join(path.read_text().splitlines()[:6]), "no-f.bib"))
    assert [(p.key, p.citekey, p.doi) for p in alone][-1] == ("arxiv:2101.00001", "d", "10.9999/pub")


@pytest.mark.parametrize("cache", [False, True])
def test_a_record_without_a_doi_joins_its_doi_paper_across_files(tmp_path: Path, cache: bool) -> None:
    first = _bib(tmp_path, "@article{x, title = {Learning to Rank}, author = {Liu, Tie-Yan}, year = 2009}\n",
                 "a.bib")
    second = _bib(tmp_path, "@article{y, title = {Learning to rank.}, author = {Liu, T.}, year = 2009, "
                            "doi = {10.1561/1500000016}}\n", "b.bib")
    store = open_store([first, second], cache=cache)
    assert [(p.key, p.citekey) for p in store] == [("doi:10.1561/1500000016", "x")]
    assert store.index_of("doi:10.1561/1500000016") == 0
    assert [m.reason for m in store.merges] == ["same title, first author and year"]


def test_a_big_store_works_out_its_merges_once(tmp_path: Path, monkeypatch) -> None:
    """Which records are one paper is kept with the cache: the next open reads it, and a
    damaged copy is worked out again, never trusted."""
    import tui.store.resolve_parallel as resolving
    from tui.cache import root

    first = open_store(IDENTITY, cache=True)
    saved = list((root() / "merges").glob("*.ptc"))
    assert len(saved) == 1

    def no_resolving(*args, **kwargs):
        raise AssertionError("resolved again")

    with monkeypatch.context() as patch:  # only this; the test's own folders stay set
        patch.setattr(resolving, "resolve", no_resolving)  # where the store calls the rule
        again = open_store(IDENTITY, cache=True)
    assert list(again) == list(first) and again.merges == first.merges
    saved[0].write_bytes(saved[0].read_bytes()[:-10])
    damaged = open_store(IDENTITY, cache=True)
    assert list(damaged) == list(first) and damaged.merges == first.merges


def test_stats_lists_every_merge_per_source(capsys) -> None:
    import json

    from tui.cli import run

    assert run(["stats", str(IDENTITY), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["papers"] == 8 and stats["untitled"] == 1
    assert {Path(k).name: v for k, v in stats["merged"].items()} == {"library.bib": 0, "more.ris": 1}
    assert [(Path(m["merged"]).name, m["reason"]) for m in stats["merges"]] == [
        ("more.ris:1", "same title, first author and year")]
    assert run(["stats", str(IDENTITY)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.endswith("more.ris  1 record, 1 merged into an earlier paper") for line in lines)


def test_a_title_many_authors_share_costs_in_proportion_to_them(monkeypatch) -> None:
    """Thousands of papers called "Introduction", each by its own author, stay apart, and
    deciding that does not compare each with every other (a big store opens in seconds)."""
    from tui.model import Paper
    from tui.store import identity
    from tui.store.base import combine_records

    calls = [0]
    real = identity._agree

    def counting(a, b):
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(identity, "_agree", counting)
    papers = {i: Paper(key=f"k{i}", title="Introduction", authors=(f"Ann Author{i:05d}",),
                       year=2000 + i % 20, source=f"f.bib:{i + 1}") for i in range(3000)}
    papers[3000] = Paper(key="k3000", title="Introduction", authors=("Bo Author00007",),
                         year=2007, source="f.bib:3001")
    resolution = identity.resolve(papers, combine_records)
    assert resolution.groups == [[7, 3000]]  # same title, first author and year
    assert calls[0] < 10 * len(papers)
