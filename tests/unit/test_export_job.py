"""An export from the reader: the file written whole, or one sentence saying why not."""

from __future__ import annotations

from pathlib import Path

from tui.export_job import ExportJob, files_read, papers_in
from tui.model import Annotation, Paper

PAPERS = [Paper(key=f"arxiv:2101.0000{n}", title=f"Paper {n}", authors=("Ada Lovelace",),
                year=2021, arxiv=f"2101.0000{n}") for n in range(3)]


class Ranked:
    """A result shown in some order, counting the papers it was asked for."""

    def __init__(self, papers: list[Paper]) -> None:
        self.papers = papers
        self.asked: list[int] = []

    def __len__(self) -> int:
        return len(self.papers)

    def paper(self, rank: int) -> Paper:
        self.asked.append(rank)
        return self.papers[rank]


def test_an_export_writes_every_paper_with_its_note_and_says_where(tmp_path: Path) -> None:
    target = tmp_path / "reading.md"
    notes = {PAPERS[1].key: Annotation(PAPERS[1].key, note="read this first")}
    outcome = ExportJob(target, "markdown", PAPERS, notes).run()
    assert outcome.ok and outcome.message == f"Exported to {target}"
    text = target.read_text(encoding="utf-8")
    assert all(paper.title in text for paper in PAPERS) and "read this first" in text


def test_a_file_that_cannot_be_written_is_one_sentence_and_the_old_file_stays(
        tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.bib"
    outcome = ExportJob(target, "bibtex", PAPERS, {}).run()
    assert not outcome.ok
    assert outcome.message.startswith(f"Could not write {target}: ")
    assert outcome.message.endswith(".") and "\n" not in outcome.message
    assert not target.parent.exists()


def test_the_papers_in_view_are_written_in_the_order_shown_and_read_as_written() -> None:
    result = Ranked(list(reversed(PAPERS)))
    papers = papers_in(result)
    assert result.asked == [], "nothing is fetched before the export runs"
    assert [paper.title for paper in papers] == ["Paper 2", "Paper 1", "Paper 0"]


def test_an_export_never_replaces_a_file_the_papers_are_read_from(tmp_path: Path) -> None:
    source = tmp_path / "mine.bib"
    source.write_text("@article{a, title={Kept}}\n", encoding="utf-8")
    job = ExportJob(source, "markdown", [Paper(key="k", title="Kept")], {},
                    read=files_read([str(source)]))
    outcome = job.run()
    assert not outcome.ok and "papers are read from" in outcome.message
    assert source.read_text(encoding="utf-8") == "@article{a, title={Kept}}\n"


def test_the_readers_export_never_writes_into_the_profile(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    shard = profile / "annotations" / "ab.json"
    shard.parent.mkdir(parents=True)
    shard.write_text('{"annotations": {}}', encoding="utf-8")
    outcome = ExportJob(shard, "json", PAPERS, {}, profile_dir=profile).run()
    assert not outcome.ok and "where your annotations are kept" in outcome.message
    assert shard.read_text(encoding="utf-8") == '{"annotations": {}}'
    elsewhere = tmp_path / "out.json"
    assert ExportJob(elsewhere, "json", PAPERS, {}, profile_dir=profile).run().ok
