"""The benchmark's synthetic store: deterministic, arXiv-shaped, readable by the real store."""

from __future__ import annotations

import json

import pytest

from tui.bench import main, make_queries
from tui.bench.synthetic import JsonlPapers, generate_records, write_jsonl
from tui.search import SearchEngine
from tui.store import open_store


def test_same_seed_same_store_other_seed_other_store():
    first = list(generate_records(50, seed=3))
    assert first == list(generate_records(50, seed=3))
    assert first != list(generate_records(50, seed=4))


def test_records_look_like_the_arxiv_snapshot(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", 300, seed=2)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    for record in records:
        assert record["title"] and record["abstract"] and record["authors"]
        assert record["authors_parsed"] and record["categories"]
        assert record["update_date"][:4].isdigit()
    assert len({r["title"] for r in records}) > 290
    assert sum(":" in r["title"] for r in records) > 50  # made-up model names grow the vocabulary


def test_the_store_opens_the_synthetic_file_like_the_lazy_reader(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", 200, seed=5)
    lazy = JsonlPapers(path)
    store = open_store([path])
    assert len(store) == len(lazy) == 200 and not store.problems
    assert [p.title for p in store.papers] == [p.title for p in lazy]
    assert lazy[17].title == store.papers[17].title and lazy[-1].title == store.papers[-1].title


def test_bench_queries_find_their_papers_on_a_small_store(tmp_path):
    papers = JsonlPapers(write_jsonl(tmp_path / "s.jsonl", 400, seed=7))
    engine = SearchEngine(papers)
    queries = make_queries(papers, seed=7, per_kind=4)
    assert {q.kind for q in queries} == {"fragment", "typo", "author", "prefix", "shuffled"}
    found = sum(q.title in [h.paper.title for h in engine.search(q.text, limit=10)]
                for q in queries if q.title)
    assert found >= 8


def test_the_benchmark_runs_end_to_end(tmp_path, capsys):
    path = write_jsonl(tmp_path / "s.jsonl", 500, seed=1)
    assert main(["--store", str(path), "--rounds", "1", "--per-kind", "2", "--no-fzf",
                 "--cli-runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "index: built" in out and "engine run" in out and "typing, per keystroke" in out
    assert "warm `papertray search`, whole process" in out


@pytest.mark.benchmark  # drives the reader headless in subprocesses: minutes on a loaded machine
def test_the_reader_benchmark_runs_end_to_end(tmp_path, capsys):
    path = write_jsonl(tmp_path / "s.jsonl", 700, seed=2)  # big enough for the cache
    assert main(["--store", str(path), "--ui", "--typed", "1", "--rounds", "1",
                 "--per-kind", "2", "--no-fzf", "--cli-runs", "0"]) == 0
    out = capsys.readouterr().out
    for line in ("first papers painted", "whole store read", "index done",
                 "first screen (papers painted)", "search ready (index loaded)",
                 "keystroke to repainted list (25 keys)", "reader process peak RSS",
                 "typed while indexing", "cold .bib"):
        assert line in out, line


def test_the_cold_bib_case_reads_the_same_papers_as_the_store_it_comes_from(tmp_path):
    from tui.bench.ui import bench_bib, typed_query
    from tui.store import open_store

    path = write_jsonl(tmp_path / "s.jsonl", 60, seed=4)
    bib = bench_bib(path, count=40)
    assert bib.suffix == ".bib" and bench_bib(path, count=40) == bib  # written once
    papers = JsonlPapers(path)
    from_bib = open_store(bib, cache=False)
    assert [p.title for p in from_bib] == [papers[i].title for i in range(40)]
    assert not from_bib.problems
    query = typed_query(path, at=10)
    assert len(query.split()) == 3
    assert any(all(w in p.title.lower() for w in query.split()) for p in from_bib)


def test_huge_one_word_results_rank_the_same_when_keyed_lazily(tmp_path, monkeypatch):
    from tui.search import ranking

    papers = JsonlPapers(write_jsonl(tmp_path / "s.jsonl", 3000, seed=3))
    engine = SearchEngine(papers)
    queries = ["a", "co", "learning", "unsup", "year:>=2015 graph"]
    monkeypatch.setattr(ranking, "LAZY", 10**9)
    eager = [engine.run(q) for q in queries]
    monkeypatch.setattr(ranking, "LAZY", 10)
    lazy = [engine.run(q) for q in queries]
    for q, a, b in zip(queries, eager, lazy):
        assert a.total == b.total > 300, q
        assert a.indices.tolist() == b.indices.tolist(), q
        assert [a.score(r) for r in range(0, a.total, 97)] == [b.score(r) for r in range(0, b.total, 97)]
        assert b.rank_of(int(b.indices[-1])) == b.total - 1


def test_typing_key_by_key_gives_the_same_results_as_a_fresh_search(tmp_path):
    papers = JsonlPapers(write_jsonl(tmp_path / "s.jsonl", 2000, seed=11))
    typing, fresh = SearchEngine(papers), SearchEngine(papers)
    for text in ("unsupervised domain adaptation", "year:>=2010 graph learnin repr", "data set gen",
                 "zhang contrastive vidoe", "-video dense retrieval mod"):
        for end in range(1, len(text) + 1):
            fresh.clear_cache()
            a, b = typing.run(text[:end]), fresh.run(text[:end])
            assert a.total == b.total and a.matched_all == b.matched_all, text[:end]
            assert a.top(60).tolist() == b.top(60).tolist(), text[:end]


def test_the_scale_benchmark_times_the_readers_ctrl_r_on_an_added_file(tmp_path, capsys):
    from tui.bench.scale import WORD, _reload_part, split_store

    files = split_store(write_jsonl(tmp_path / "s.jsonl", 300, seed=3), 3)
    assert _reload_part(files, 20) == 0
    out = capsys.readouterr().out
    assert "reader: ctrl+r after adding a file of 20 papers: searchable after" in out
    assert "(10 found)" in out  # the first ten of the twenty with the new word
    assert [p.name for p in files[0].parent.iterdir()] and not list(
        files[0].parent.glob("daily-*")), "the dropped file is cleaned up"
    assert WORD not in (files[0].read_text(encoding="utf-8"))
