"""open_store: the bundled sample, folders, detection by content, merging, bad files."""

from __future__ import annotations

import json
from collections.abc import Sequence
import os
from pathlib import Path

import pytest

from tui.model import Paper, stable_key
from tui.store import MAX_PROBLEMS_PER_FILE, Store, merge_papers, open_store, sample_path

FIRST = "Multimodal Pretraining for Dense Video Captioning"
LAST = "ESimCSE: Enhanced Sample Building Method for Contrastive Learning of Unsupervised Sentence Embedding"


def test_no_path_opens_the_bundled_sample_of_119_papers() -> None:
    store = open_store(None)
    assert len(store) == 119
    assert store[0].title == FIRST
    assert store[-1].title == LAST
    assert store.problems == []
    assert store.label == "sample"
    assert sample_path().name == "sample.txt" and sample_path().is_file()


def test_the_seed_file_gives_the_same_papers_as_the_bundled_copy(seed_path: Path) -> None:
    store = open_store(seed_path)
    assert [p.title for p in store] == [p.title for p in open_store()]
    assert store.problems == []


def test_store_interface_lookups_by_key_and_position() -> None:
    store = open_store()
    assert isinstance(store.papers, Sequence)
    paper = store[5]
    assert store.get(paper.key) is paper
    assert store.index_of(paper.key) == 5
    assert store.get("title:000000000000") is None and store.index_of("nope") is None
    assert list(store)[:2] == [store[0], store[1]]
    assert sum(store.source_counts.values()) == 119


def test_sample_abstracts_are_read_and_japanese_simcse_is_there() -> None:
    store = open_store()
    paper = next(p for p in store if p.title == "Japanese SimCSE Technical Report")
    assert paper.abstract.startswith("We report the development of Japanese SimCSE")
    assert paper.key == stable_key(title="Japanese SimCSE Technical Report")
    assert paper.source.endswith(":5")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


RIS_ONE = "TY  - JOUR\nTI  - A RIS paper\nAU  - Doe, Jane\nPY  - 2020\nER  - \n"
LISTING = "A Listed Paper About Things\nThis abstract explains the paper in a few sentences. It is long enough.\n"


def test_a_txt_file_is_read_as_ris_or_listing_by_its_content(tmp_path: Path) -> None:
    ris = open_store(_write(tmp_path / "export.txt", RIS_ONE))
    listing = open_store(_write(tmp_path / "copied.txt", LISTING))
    assert [p.title for p in ris] == ["A RIS paper"] and ris[0].authors == ("Jane Doe",)
    assert [p.title for p in listing] == ["A Listed Paper About Things"]


def test_a_json_file_is_read_as_csl_or_generic_by_its_content(tmp_path: Path) -> None:
    csl = [{"type": "article-journal", "title": "CSL paper", "author": [{"family": "Lee", "given": "Ann"}],
            "issued": {"date-parts": [[2019, 3]]}, "container-title": "Journal"}]
    generic = [{"title": "Generic paper", "authors": ["Bo Li"], "year": 2018, "venue": "Conf"}]
    a = open_store(_write(tmp_path / "a.json", json.dumps(csl)))
    b = open_store(_write(tmp_path / "b.json", json.dumps(generic)))
    assert (a[0].authors, a[0].year, a[0].date, a[0].venue, a[0].entry_type) == (
        ("Ann Lee",), 2019, "2019-03", "Journal", "article")
    assert (b[0].authors, b[0].year, b[0].venue) == (("Bo Li",), 2018, "Conf")


def test_content_wins_over_a_misleading_extension(tmp_path: Path) -> None:
    store = open_store(_write(tmp_path / "really-bibtex.txt", "@article{k, title={Braced {T}itle}}\n"))
    assert [p.title for p in store] == ["Braced Title"]


def test_a_folder_opens_every_paper_file_recursively_skipping_hidden_and_other_files(
        tmp_path: Path) -> None:
    _write(tmp_path / "a.ris", RIS_ONE)
    _write(tmp_path / "sub" / "deeper" / "b.bib", "@misc{b, title = {From BibTeX}}\n")
    _write(tmp_path / "sub" / "c.jsonl", json.dumps({"title": "From JSONL"}) + "\n")
    _write(tmp_path / ".hidden" / "d.bib", "@misc{d, title = {Hidden}}\n")
    _write(tmp_path / ".e.bib", "@misc{e, title = {Hidden file}}\n")
    _write(tmp_path / "README.md", "# Not papers\n")
    store = open_store(tmp_path)
    assert sorted(p.title for p in store) == ["A RIS paper", "From BibTeX", "From JSONL"]
    assert store.problems == []
    assert store.label == tmp_path.name
    assert len(store.source_counts) == 3


def test_same_paper_from_two_files_is_merged_first_value_wins_later_fills_gaps(
        tmp_path: Path) -> None:
    first = _write(tmp_path / "1.bib", "@article{x, title = {Shared Paper}, doi = {10.1000/ABC}, year = 2001}\n")
    second = _write(tmp_path / "2.jsonl", json.dumps(
        {"title": "Shared paper (another spelling)", "doi": "https://doi.org/10.1000/abc", "year": 1999,
         "abstract": "Only the second file has this.", "authors": ["Ann Lee"]}) + "\n")
    store = open_store([first, second])
    assert len(store) == 1
    paper = store[0]
    assert paper.key == "doi:10.1000/abc"
    assert paper.title == "Shared Paper" and paper.year == 2001  # first file wins
    assert paper.abstract == "Only the second file has this." and paper.authors == ("Ann Lee",)
    assert paper.source.startswith(str(first))
    assert store.source_counts == {str(first): 1, str(second): 1}
    assert store.label == "1.bib +1"


def test_merge_papers_fills_only_empty_fields() -> None:
    a = Paper(key="k", title="A", year=None, venue="V")
    b = Paper(key="k", title="B", year=2000, venue="W", categories=("cs.CL",))
    merged = merge_papers(a, b)
    assert (merged.title, merged.year, merged.venue, merged.categories) == ("A", 2000, "V", ("cs.CL",))


def test_missing_empty_and_binary_files_are_reported_by_name_and_the_rest_opens(
        tmp_path: Path) -> None:
    good = _write(tmp_path / "good.ris", RIS_ONE)
    empty = _write(tmp_path / "empty.bib", "")
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    store = open_store([good, empty, binary, tmp_path / "missing.bib"])
    assert [p.title for p in store] == ["A RIS paper"]
    messages = {Path(p.path).name: p.message for p in store.problems}
    assert messages["empty.bib"] == "the file is empty"
    assert "binary" in messages["image.json"]
    assert messages["missing.bib"] == "no such file or folder"
    assert all(p.line is None for p in store.problems)


def test_an_unreadable_file_is_reported_not_raised(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    locked = _write(tmp_path / "locked.bib", "@misc{a, title={A}}")
    good = _write(tmp_path / "good.ris", RIS_ONE)
    real_open = os.open

    def open_refusing_locked(path, *args, **kwargs):
        # chmod 0 does not stop root (CI runs as root), so the refusal is simulated.
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_refusing_locked)
    store = open_store([locked, good])
    assert [p.title for p in store] == ["A RIS paper"]
    assert store.problems[0].path == str(locked)
    assert store.problems[0].message == "cannot be read (Permission denied)"


def test_progress_reports_bytes_up_to_the_total(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.store.formats import jsonl

    monkeypatch.setattr(jsonl, "CHUNK_BYTES", 4096)  # many chunks from a small file
    lines = "".join(json.dumps({"title": f"Paper {i}"}) + "\n" for i in range(10_000))
    big = _write(tmp_path / "big.jsonl", lines)
    small = _write(tmp_path / "small.ris", RIS_ONE)
    seen: list[tuple[int, int]] = []
    store = open_store([big, small], progress=lambda done, total: seen.append((done, total)))
    total = big.stat().st_size + small.stat().st_size
    assert len(store) == 10_001
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert len(seen) > 50  # reported inside the big file too, not only per file
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_a_flood_of_bad_lines_is_capped_with_a_count(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.jsonl", "not json\n" * (MAX_PROBLEMS_PER_FILE + 50))
    store = open_store(bad)
    assert len(store.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert store.problems[-1].message == "50 more problems not listed"


def test_open_store_accepts_strings_and_iterables(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.ris", RIS_ONE)
    assert len(open_store(str(path))) == 1
    assert len(open_store(iter([path]))) == 1
    assert isinstance(open_store([]), Store) and len(open_store([])) == 0


def test_a_reader_bug_becomes_a_problem_not_a_traceback(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.store as store_module

    def broken(path: Path):
        yield Paper(key="title:1", title="Read before the bug")
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(store_module.READERS, "ris", broken)
    store = open_store(_write(tmp_path / "a.ris", RIS_ONE))
    assert [p.title for p in store] == ["Read before the bug"]
    assert "reading stopped early" in store.problems[0].message
