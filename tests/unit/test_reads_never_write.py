"""Promise 5: imports and reads never modify user data.

A person points papertray at their own files (a Zotero export, a colleague's RIS, the
arXiv snapshot) and at months of annotations. Opening, searching, counting, exporting,
backing up and importing papers must leave every one of those files exactly as it was:
same bytes, same inode, same modification time. ``papertray import`` may change only the
personal library, and this test checks it did (so the run was not a no-op).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tui import paths
from tui.cli import build_app, parse_args, run
from tui.library import library_file
from tui.store import sample_path
from tui.userdata import UserData

BIBTEX = """@string{acl = "Proceedings of ACL"}
@inproceedings{gao2021simcse,
  title = {{SimCSE}: Simple Contrastive Learning of Sentence Embeddings},
  author = {Gao, Tianyu and Yao, Xingcheng and Chen, Danqi},
  booktitle = acl,
  year = 2021,
  eprint = {2104.08821},
  abstract = {This paper presents SimCSE, a contrastive learning framework.},
}
"""

RIS = """TY  - JOUR
TI  - Attention Is All You Need
AU  - Vaswani, Ashish
AU  - Shazeer, Noam
PY  - 2017
DO  - 10.48550/arXiv.1706.03762
AB  - The dominant sequence transduction models are based on recurrent networks.
ER  - 
"""

JSONL = "".join(json.dumps(record) + "\n" for record in [
    {"id": "1810.04805", "title": "BERT: Pre-training of Deep Bidirectional Transformers",
     "authors": "Jacob Devlin, Ming-Wei Chang", "abstract": "We introduce BERT.",
     "categories": "cs.CL", "update_date": "2019-05-24"},
    {"title": "A paper without identifiers", "authors": ["Ada Lovelace"], "year": 1843},
])


def _fingerprint(*roots: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[str, int, int]]:
    """Hash, inode and mtime of every file under ``roots`` (or of ``roots`` themselves):
    rewriting a file with the same bytes still shows."""
    files: list[Path] = []
    for root in roots:
        files += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino, p.stat().st_mtime_ns)
            for p in files if not any(p.is_relative_to(s) for s in skip)}


@pytest.fixture
def sources(tmp_path: Path) -> list[Path]:
    """A person's own paper files: BibTeX, RIS, JSON Lines and a copied web listing."""
    folder = tmp_path / "my-papers"
    folder.mkdir()
    (folder / "zotero.bib").write_text(BIBTEX, encoding="utf-8")
    (folder / "colleague.ris").write_text(RIS, encoding="utf-8")
    (folder / "snapshot.jsonl").write_text(JSONL, encoding="utf-8")
    shutil.copy(sample_path(), folder / "listing.txt")
    return sorted(folder.iterdir())


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """A profile with annotations on papers of those files, and backups of its shards."""
    folder = paths.profile_dir("tester")
    with UserData(folder, "tester", backup_every=0) as data:
        data.update("arxiv:2104.08821", title="SimCSE", starred=True, tags=["thesis"])
        data.update("arxiv:1810.04805", title="BERT", note="[b]read[/b] again", state="later")
        data.update("arxiv:2104.08821", note="baseline for chapter 3")
    assert list((folder / "backups").iterdir()), "the profile should have backups to protect"
    return folder


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], ok: tuple[int, ...] = (0,)) -> str:
    status = run(argv)
    out, err = capsys.readouterr()
    assert status in ok, (argv, out, err)
    return out


def test_cli_reads_and_imports_never_modify_sources_or_profile(
        sources: list[Path], profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = sources[0].parent
    backup = tmp_path / "backup.json"
    _run(["annotations", "export", str(backup)], capsys)  # the profile as it is now
    watched = (*sources, backup, paths.data_dir(), paths.config_dir())
    before = _fingerprint(*watched, skip=(paths.library_dir(),))
    assert len([name for name in before if str(profile) in name]) >= 3

    outputs = tmp_path / "out"
    outputs.mkdir()
    for source in [*sources, folder]:
        where = [str(source)]
        _run(["stats", *where], capsys)
        _run(["stats", "--json", *where], capsys)
        _run(["search", "contrastive sentence", *where, "--limit", "0"], capsys, ok=(0, 1))
        _run(["search", "", *where, "--json", "--limit", "0"], capsys)
        for fmt in ("bibtex", "markdown", "csv", "json"):
            _run(["export", *where, "--format", fmt, "-o", str(outputs / f"{source.name}.{fmt}")], capsys)
        # Matching nothing is an error now (status 1, no file): it must not write either.
        _run(["export", *where, "--query", "is:starred"], capsys, ok=(0, 1))
    imported = _run(["import", *map(str, sources)], capsys)
    _run(["search", "simcse", "--json"], capsys)  # now on the library
    _run(["stats"], capsys)
    _run(["annotations", "export", str(outputs / "annotations.json")], capsys)
    # Merging a backup that holds exactly what the profile holds changes nothing either.
    merged = _run(["annotations", "import", str(backup)], capsys)

    assert _fingerprint(*watched, skip=(paths.library_dir(),)) == before, \
        "a read, an export or an import changed a source file or the profile"
    assert "added" in imported and library_file().stat().st_size > 0, "import did nothing"
    assert "0 added, 0 updated" in merged
    assert json.loads((outputs / "annotations.json").read_text(encoding="utf-8")) == json.loads(
        backup.read_text(encoding="utf-8"))


async def test_the_reader_never_modifies_sources_or_profile(sources: list[Path], profile: Path) -> None:
    """Opening the TUI, moving, searching and reading leave every file as it was."""
    before = _fingerprint(*sources, paths.data_dir(), paths.config_dir())
    app = build_app(parse_args([str(p) for p in sources]))
    async with app.run_test(size=(100, 30)) as pilot:
        from textual.worker import WorkerCancelled

        for _ in range(3):
            try:
                await app.workers.wait_for_complete()
            except WorkerCancelled:  # a search replaced by a newer one
                pass
            await pilot.pause()
        assert len(app.main_screen.paper_list) > 100
        await pilot.press("j", "j", "enter", "escape", "slash", "s", "i", "m", "enter", "question_mark")
        await pilot.pause()
        await pilot.press("escape")
        app.check_userdata()  # the periodic re-read another instance's changes trigger
        await pilot.pause()
        await pilot.press("q")
    app.userdata.close()
    assert _fingerprint(*sources, paths.data_dir(), paths.config_dir()) == before
