"""Annotations follow their paper when its key changes; the others are orphans, kept.

``tests/data/identity_profile_v1`` is a profile written by papertray before keys told
same-titled papers apart (``title:<hash>`` keys), on ``tests/data/identity``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tui.follow import follow, legacy_title_key
from tui.model import Annotation, Fingerprint
from tui.store import open_store
from tui.userdata import UserData

DATA = Path(__file__).resolve().parents[1] / "data"
IDENTITY = DATA / "identity"
OLD_PROFILE = DATA / "identity_profile_v1"


def _old_profile(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles" / "before"
    shutil.copytree(OLD_PROFILE, folder)
    return folder


def _essence(ann: Annotation) -> tuple:
    return ann.starred, ann.tags, ann.note, ann.state


def test_a_profile_of_the_earlier_version_opens_and_keeps_every_annotation(tmp_path: Path) -> None:
    folder = _old_profile(tmp_path)
    before = dict(UserData(folder).annotations())
    assert len(before) == 5 and sum(k.startswith("title:") for k in before) == 4
    store = open_store(IDENTITY)
    report = follow(store, UserData(folder))
    after = UserData(folder).annotations()
    # The paper the old key named alone moved to its new key, joined with the annotation
    # that paper already had; keys several papers now share are orphans, kept as they were.
    lee = store.get("doi:10.5555/dense.2020")
    assert [(f.old_key, f.new_key) for f in report.followed] == [
        ("title:384e6be66736", lee.key)]
    assert report.summary() == ("1 annotation followed its paper: “Dense Retrieval for Everyone” "
                                "(same title).")
    assert _essence(after[lee.key]) == (True, ("retrieval", "to-cite"),
                                        "The published version\n\nCompare with BM25", "inbox")
    assert after[lee.key].citekey == "lee2020" and after[lee.key].author == "Ann Lee"
    orphans = {o.annotation.key: o.reason for o in report.orphans}
    assert set(orphans) == {"title:26aca7941a99", "title:6f0c2922cb86", "title:56fef6d96fea"}
    assert orphans["title:26aca7941a99"].startswith("2 papers match it (same title): ref:smith2001")
    for key in orphans:
        assert after[key] == before[key]
    assert "title:384e6be66736" not in after and len(after) == 4
    # Once: the next open finds nothing more to move.
    assert follow(store, UserData(folder)).followed == []


def test_the_old_keys_are_what_the_code_as_found_wrote() -> None:
    keys = set()
    for shard in (OLD_PROFILE / "annotations").glob("*.json"):
        keys |= set(json.loads(shard.read_text())["annotations"])
    store = open_store(IDENTITY)
    assert {legacy_title_key(p.title) for p in store if p.title} >= {k for k in keys if k.startswith("title:")}


def _blank(ann: Annotation | None) -> bool:
    return ann is None or ann.is_blank


def _annotate(tmp_path: Path, store, paper, **changes) -> UserData:
    userdata = UserData(tmp_path / "profile")
    userdata.update(paper.key, title=Fingerprint.of(paper), **changes)
    return userdata


def _write_rows(path: Path, rows: list[dict]) -> Path:
    """A JSON Lines store of ``rows``."""
    return _write(path, "\n".join(json.dumps(r) for r in rows) + "\n")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_star_and_note_survive_a_title_typo_fix_and_an_added_doi(tmp_path: Path) -> None:
    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Dense Retreival for Everyone},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n"
                                        "@article{kim2021, title = {Another Paper}, author = {Kim, Bo}}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="Compare with BM25")
    old_key = store[0].key
    _write(bib, bib.read_text().replace("Retreival", "Retrieval"))
    store = open_store(bib)
    report = follow(store, userdata)
    assert [(f.old_key, f.new_key, f.why) for f in report.followed] == [
        (old_key, store[0].key, "same citekey lee2020")]
    assert store[0].key != old_key and _essence(userdata.get(store[0].key))[:3] == (
        True, (), "Compare with BM25")
    _write(bib, bib.read_text().replace("year = 2020}", "year = 2020, doi = {10.1000/dense}}"))
    store = open_store(bib)
    assert store[0].key == "doi:10.1000/dense"
    assert len(follow(store, userdata).followed) == 1
    assert userdata.get("doi:10.1000/dense").starred and len(userdata) == 1
    assert follow(store, userdata).followed == []  # said once


def test_without_citekey_a_title_with_a_few_typos_and_the_same_author_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    rows = [{"title": "Contrastive Learnin of Sentence Embedings", "authors": ["Tianyu Gao"], "year": 2021},
            {"title": "Contrastive Learning of Image Embeddings", "authors": ["Ting Chen"], "year": 2021}]
    _write_rows(path, rows)
    store = open_store(path)
    userdata = _annotate(tmp_path, store, store[0], tags=["thesis"])
    rows[0]["title"] = "Contrastive Learning of Sentence Embeddings"
    rows[0]["year"] = 2022  # the year changed too: the key changes, the author does not
    _write_rows(path, rows)
    store = open_store(path)
    report = follow(store, userdata)
    assert [f.new_key for f in report.followed] == [store[0].key]
    assert report.followed[0].why == "same first author, title within a few letters"
    assert userdata.get(store[0].key).tags == ("thesis",) and report.orphans == []


def test_a_title_a_few_letters_away_by_the_same_author_years_apart_is_another_paper(tmp_path: Path) -> None:
    """A 2001 book's star, tag and note never land on the same author's 2015 book."""
    path = tmp_path / "s.jsonl"
    _write(path, json.dumps({"title": "Introduction", "authors": ["Ann Smith"], "year": 2001}) + "\n")
    store = open_store(path)
    userdata = _annotate(tmp_path, store, store[0], starred=True, tags=["t1"])
    kept = userdata.get(store[0].key)
    _write(path, json.dumps({"title": "Introductions", "authors": ["Ann Smith"], "year": 2015}) + "\n")
    store = open_store(path)
    report = follow(store, userdata)
    assert report.followed == [] and [o.annotation for o in report.orphans] == [kept]
    assert userdata.get(store[0].key) is None, "the 2015 book has no annotation of its own"


def test_a_renamed_volume_never_lands_on_its_annotated_sibling(tmp_path: Path) -> None:
    """Volume I renamed: its note must not be merged into volume II's own annotation."""
    path = tmp_path / "dl.jsonl"
    rows = [{"title": "Deep Learning I", "authors": ["Sam Smith"], "year": 2020},
            {"title": "Deep Learning II", "authors": ["Sam Smith"], "year": 2020}]
    _write_rows(path, rows)
    store = open_store(path)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="notes on volume ONE")
    userdata.update(store[1].key, title=Fingerprint.of(store[1]), note="notes on volume TWO")
    rows[0]["title"] = "Deep Learning: Foundations"
    _write_rows(path, rows)
    store = open_store(path)
    report = follow(store, userdata)
    assert report.followed == [] and len(report.orphans) == 1
    volume_two = userdata.get(store.get(store[1].key).key)
    assert volume_two.note == "notes on volume TWO" and not volume_two.starred


def test_a_citekey_reused_for_another_paper_does_not_carry_the_annotation(tmp_path: Path) -> None:
    bib = _write(tmp_path / "a.bib", "@article{foo,\n title={Attention Is Almost All You Need},\n"
                                     " author={Vaswani, Ashish},\n year={2017}}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="my foo note")
    _write(bib, "@article{foo,\n title={Bananas in Pyjamas},\n author={Banana, B1},\n year={1992}}\n")
    store = open_store(bib)
    report = follow(store, userdata)
    assert report.followed == [] and len(report.orphans) == 1
    assert userdata.get(store[0].key) is None, "the bananas paper has no note of mine"


def test_an_annotation_that_could_be_two_papers_or_none_is_an_orphan_never_deleted(tmp_path: Path) -> None:
    bib = _write_rows(tmp_path / "refs.jsonl", [{"title": "Introduction", "authors": ["J. Smith"]}])
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True)
    kept = userdata.get(store[0].key)
    _write_rows(bib, [{"title": "Introduction", "authors": ["John Smith"], "year": 2001},
                      {"title": "Introduction", "authors": ["Jane Smith"], "year": 2019}])
    report = follow(open_store(bib), userdata)
    assert report.followed == [] and [o.annotation for o in report.orphans] == [kept]
    assert "2 papers match it" in report.orphans[0].reason
    _write_rows(bib, [{"title": "Something Else", "authors": ["Z. Zed"]}])
    report = follow(open_store(bib), userdata)
    assert [o.reason for o in report.orphans] == ["no paper in this store matches it"]
    assert userdata.get(kept.key) == kept


def test_annotations_of_papers_in_other_files_are_not_orphans_here(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.bib", "@article{a, title = {Alpha}, author = {Ay, A.}}\n")
    two = _write(tmp_path / "two.bib", "@article{b, title = {Beta}, author = {Bee, B.}}\n")
    store = open_store(one)
    userdata = _annotate(tmp_path, store, store[0], starred=True)
    report = follow(open_store(two), userdata)
    assert (report.followed, report.orphans, report.elsewhere) == ([], [], 1)


def test_two_windows_following_at_once_move_each_annotation_once(tmp_path: Path) -> None:
    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Dense Retreival}, author = {Lee, Ann}}\n")
    store = open_store(bib)
    _annotate(tmp_path, store, store[0], starred=True, note="n", tags=["x"]).close()
    first, second = UserData(tmp_path / "profile"), UserData(tmp_path / "profile")
    _write(bib, bib.read_text().replace("Retreival", "Retrieval"))
    store = open_store(bib)
    from tui.follow import plan

    # Both windows worked out the same move before either wrote it.
    _, first_changes = plan(store, first.annotations())
    _, second_changes = plan(store, second.annotations())
    first.restore(first_changes)
    second.restore(second_changes)
    third = UserData(tmp_path / "profile")
    assert list(third.annotations()) == [store[0].key]
    assert _essence(third.get(store[0].key)) == (True, ("x",), "n", "inbox")
    assert follow(store, second).followed == [] and follow(store, first).followed == []


def test_the_cli_says_once_what_followed_and_stats_lists_orphans(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "data" / "profiles").mkdir(parents=True)
    shutil.copytree(OLD_PROFILE, home / "data" / "profiles" / "before")
    env = {"PAPERTRAY_DATA_DIR": str(home / "data"), "PAPERTRAY_CONFIG_DIR": str(home / "config"),
           "PAPERTRAY_CACHE_DIR": str(home / "cache"), "PAPERTRAY_USER": "before", "PATH": "/usr/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    first = run("search", "is:starred", str(IDENTITY))
    assert "1 annotation followed its paper: “Dense Retrieval for Everyone”" in first.stderr
    assert "Dense Retrieval for Everyone" in first.stdout
    stats = run("stats", str(IDENTITY))
    assert "followed" not in stats.stderr
    assert "orphans: 3 (annotations kept under a key no single paper here has)" in stats.stdout
    assert "“Introduction” (title:26aca7941a99): 2 papers match it" in stats.stdout
    assert "more.ris:1 is " in stats.stdout and "(same title, first author and year)" in stats.stdout


def test_a_year_of_annotations_from_one_file_resolves_its_path_once(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """Every command and the reader's start follow lost annotations: 1,000 of them naming
    the same other file are all seen as elsewhere, that file's path looked up once."""
    import os

    import tui.follow as follow_module
    import tui.follow_rules as rules_module

    other = _write(tmp_path / "arxiv.jsonl", "")
    annotations = {f"arxiv:2100.{n:05d}": Annotation(key=f"arxiv:2100.{n:05d}", starred=True,
                                                     source=str(other)) for n in range(1000)}
    store = open_store(_write(tmp_path / "one.bib", "@article{a, title = {Alpha}, author = {Ay, A.}}\n"))
    looked_up: list[str] = []
    real = os.path.realpath
    monkeypatch.setattr(rules_module.os.path, "realpath",
                        lambda path: looked_up.append(path) or real(path))
    report, changes = follow_module.plan(store, annotations)
    assert (report.elsewhere, changes) == (1000, {})
    assert len(looked_up) <= 3  # the store's file and the other one
    # A later plan looks again: the file may have become a link to this store's file.
    other.unlink()
    other.symlink_to(tmp_path / "one.bib")
    report, _ = follow_module.plan(store, annotations)
    assert report.elsewhere == 0


def test_a_citekey_reused_for_the_same_authors_other_paper_of_that_year_keeps_no_note(
        tmp_path: Path) -> None:
    """smith2019 first named one paper, then the same author's other 2019 paper: the note
    on the first must not appear on the second."""
    bib = _write(tmp_path / "s.bib", "@article{smith2019,\n title={Sparse Attention for Long Documents},\n"
                                     " author={Smith, Ann},\n year={2019}}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="on sparse attention")
    _write(bib, "@article{smith2019,\n title={A Survey of Protein Folding Benchmarks},\n"
                " author={Smith, Ann},\n year={2019}}\n")
    store = open_store(bib)
    report = follow(store, userdata)
    assert report.followed == [] and len(report.orphans) == 1
    assert userdata.get(store[0].key) is None, "the protein paper has no note of mine"


def test_a_later_unstar_or_untag_on_the_new_key_is_not_undone_by_following(tmp_path: Path) -> None:
    """The paper was starred and tagged under its old key; later, under its new key (another
    file or window), the star and the tag were taken off: following must not bring them back."""
    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Dense Retreival for Everyone},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, tags=["x", "kept"], note="old note")
    _write(bib, bib.read_text().replace("Retreival", "Retrieval"))
    store = open_store(bib)
    new_key = store[0].key
    other = UserData(tmp_path / "profile")
    other.update(new_key, title=Fingerprint.of(store[0]), starred=True, tags=["x"])
    other.update(new_key, starred=False, remove_tags=["x"], note="new note")
    userdata.reload()
    report = follow(store, userdata)
    assert len(report.followed) == 1
    joined = userdata.get(new_key)
    assert not joined.starred, "an unstar made later was undone"
    assert joined.tags == ("kept",), "a tag removed later came back"
    assert "old note" in joined.note and "new note" in joined.note


def test_a_move_that_cannot_be_written_whole_leaves_the_annotation_on_disk(
        tmp_path: Path, monkeypatch) -> None:
    """The new key's file cannot be written (full, read-only, or papertray killed between
    the two files): the old key's file must not have been cleared before it."""
    from tui.userdata import shard_of
    from tui.userdata.shards import ShardedFiles

    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Dense Retreival for Everyone},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="a month of notes")
    old_key = store[0].key
    for typo_fix in ("Retrieval", "Retrival", "Retreval", "Retrievals"):
        _write(bib, bib.read_text().replace("Retreival", typo_fix))
        store = open_store(bib)
        if shard_of(store[0].key) != shard_of(old_key):
            break
    new_stem = shard_of(store[0].key)
    assert new_stem != shard_of(old_key)
    write = ShardedFiles._write

    def refuse_new(self, stem: str) -> None:
        if stem == new_stem:
            raise OSError(28, "No space left on device")
        write(self, stem)

    monkeypatch.setattr(ShardedFiles, "_write", refuse_new)
    report = follow(store, userdata)
    assert report.error, "the failed write was not said"
    on_disk = UserData(tmp_path / "profile").annotations()
    assert any(a.note == "a month of notes" and a.starred for a in on_disk.values()), on_disk


def test_a_note_draft_of_a_paper_never_annotated_follows_a_title_fix_and_a_doi(tmp_path: Path) -> None:
    """The note typed (not yet saved) on a paper nobody annotated goes with the paper when
    its key changes, as an annotation would: `n` on the paper finds it again."""
    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Dense Retreival for Everyone},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n"
                                        "@article{kim2021, title = {Another Paper}, author = {Kim, Bo}}\n")
    store = open_store(bib)
    userdata = UserData(tmp_path / "profile")
    paper = store[0]
    userdata.drafts.save(paper.key, "half a thought about BM25", base="", title=paper.title,
                         about=Fingerprint.of(paper))
    _write(bib, bib.read_text().replace("Retreival", "Retrieval"))
    store = open_store(bib)
    assert store[0].key != paper.key
    follow(store, userdata)
    assert userdata.drafts.get(store[0].key).text == "half a thought about BM25"
    assert userdata.drafts.get(paper.key) is None
    _write(bib, bib.read_text().replace("year = 2020}", "year = 2020, doi = {10.1000/dense}}"))
    store = open_store(bib)
    follow(store, UserData(tmp_path / "profile"))  # another run: the draft is on disk
    reopened = UserData(tmp_path / "profile")
    assert reopened.drafts.get("doi:10.1000/dense").text == "half a thought about BM25"
    assert len(reopened) == 0, "a draft is not an annotation"
    assert [d.key for d in reopened.drafts.all()] == ["doi:10.1000/dense"]


def test_a_note_draft_never_follows_onto_a_paper_with_an_annotation_of_its_own(tmp_path: Path) -> None:
    """Part I's title typo is fixed into a different title, and part II (annotated, same
    author and year) looks like where the draft went: an annotation would not move there,
    and neither does the draft. It stays under its key, kept."""
    bib = _write(tmp_path / "refs.bib",
                 "@article{smith2020a, title = {Contrastive Lerning of Sentence Embeddings, Part II},\n"
                 "  author = {Smith, John}, year = 2020}\n"
                 "@article{smith2020b, title = {Contrastive Learning of Sentence Embeddings, Part II},\n"
                 "  author = {Smith, John}, year = 2020}\n")
    store = open_store(bib)
    first, second = store[0], store[1]
    userdata = _annotate(tmp_path, store, second, starred=True, note="B's own note")
    userdata.drafts.save(first.key, "DRAFT FOR PAPER A", base="", title=first.title,
                         about=Fingerprint(title=first.title, author=first.first_author, year=2020))
    _write(bib, bib.read_text().replace(
        "Contrastive Lerning of Sentence Embeddings, Part II", "Whitening Sentence Representations"))
    follow(open_store(bib), userdata)
    assert userdata.drafts.get(second.key) is None
    assert userdata.drafts.get(first.key).text == "DRAFT FOR PAPER A"


def test_a_deleted_volume_never_lands_on_the_next_volume(tmp_path: Path) -> None:
    """Volume 1 removed from the file: its star and note stay an orphan (told), never move
    onto volume 2, a title "a few letters away" that is another book (found by a tester)."""
    path = tmp_path / "feynman.jsonl"
    rows = [{"title": "Lectures on Physics Volume 1", "authors": ["Richard Feynman"], "year": 1963},
            {"title": "Lectures on Physics Volume 2", "authors": ["Richard Feynman"], "year": 1963},
            {"title": "Deep Learning Part II", "authors": ["Sam Smith"], "year": 2020},
            {"title": "Deep Learning Part III", "authors": ["Sam Smith"], "year": 2020}]
    _write_rows(path, rows)
    store = open_store(path)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="volume one notes")
    userdata.update(store[2].key, title=Fingerprint.of(store[2]), note="part two notes")
    kept = userdata.get(store[0].key)
    _write_rows(path, [rows[1], rows[3]])
    store = open_store(path)
    report = follow(store, userdata)
    assert report.followed == [] and len(report.orphans) == 2
    assert [o.annotation for o in report.orphans if o.annotation.key == kept.key] == [kept]
    assert all(userdata.get(p.key) is None for p in store.papers), "nothing moved onto them"


def _two_windows_after_a_title_fix(tmp_path: Path):
    """A store without citekeys (JSON Lines, as from RIS or CSL-JSON): window A annotated a
    paper; the title's typo is fixed in the file and window B, reading it again, moved
    the annotation to the paper's new key. A still shows the file as it was."""
    path = tmp_path / "papers.jsonl"
    rows = [{"title": "Attention for Grahps", "authors": ["Ann Lee"], "year": 2021},
            {"title": "Another Paper", "authors": ["Bo Kim"], "year": 2021}]
    _write_rows(path, rows)
    before = open_store(path)
    window_a = _annotate(tmp_path, before, before[0], starred=True, note="first thoughts")
    window_b = UserData(tmp_path / "profile")
    rows[0]["title"] = "Attention for Graphs"
    _write_rows(path, rows)
    after = open_store(path)
    assert [f.new_key for f in follow(after, window_b).followed] == [after[0].key]
    return before[0], after, window_a


def test_what_a_window_adds_under_the_old_key_after_another_moved_it_joins_the_paper(
        tmp_path: Path) -> None:
    """Window A tags and triages its paper after B moved the annotation (A still has the
    old key): when A reads the file again, what it added goes to the paper with the star
    and the note, never left behind as an orphan (found by a tester)."""
    old, after, window_a = _two_windows_after_a_title_fix(tmp_path)
    window_a.update(old.key, title=Fingerprint.of(old), add_tags=["graphs"], state="later")
    report = follow(after, window_a)
    assert report.orphans == [] and [f.new_key for f in report.followed] == [after[0].key]
    now = UserData(tmp_path / "profile")
    assert _essence(now.get(after[0].key)) == (True, ("graphs",), "first thoughts", "later")
    assert now.get(old.key) is None


def test_a_note_saved_under_the_old_key_after_another_window_moved_it_is_kept_with_the_paper(
        tmp_path: Path) -> None:
    old, after, window_a = _two_windows_after_a_title_fix(tmp_path)
    window_a.update(old.key, title=Fingerprint.of(old), note="second thoughts, written in A")
    report = follow(after, UserData(tmp_path / "profile"))
    assert report.orphans == []
    note = UserData(tmp_path / "profile").get(after[0].key).note
    assert "first thoughts" in note and "second thoughts, written in A" in note


def test_a_move_taken_back_puts_everything_back_and_is_never_made_again(tmp_path: Path) -> None:
    """"Attention for Graphs" removed from the file, and its star and note moved onto the
    same author's "Attention for Grapes" (it looks like a typo fixed): the person takes
    the move back. Both papers are as they were, and following never moves it again: the
    annotation stays under its key, listed as an orphan (found by a tester)."""
    from tui.triage import Step, Triage

    path = tmp_path / "papers.jsonl"
    rows = [{"title": "Attention for Graphs", "authors": ["Ann Lee"], "year": 2021},
            {"title": "Attention for Grapes", "authors": ["Ann Lee"], "year": 2021}]
    _write_rows(path, rows)
    before = open_store(path)
    userdata = _annotate(tmp_path, before, before[0], starred=True, note="graph notes")
    _write_rows(path, rows[1:])
    store = open_store(path)
    report = follow(store, userdata)
    assert [(f.old_key, f.new_key) for f in report.followed] == [(before[0].key, store[0].key)]
    triage = Triage(store, userdata)
    triage.record(Step("follow", (before[0].key, store[0].key), report.changes,
                       ((before[0].key, store[0].key),)))
    step, error = triage.undo()
    assert step is not None and not error
    assert step.describe() == "the move of an annotation to its paper's new key"
    assert _essence(userdata.get(before[0].key))[:3] == (True, (), "graph notes")
    assert _blank(userdata.get(store[0].key))
    again = follow(store, UserData(tmp_path / "profile"))
    assert again.followed == [] and [o.reason for o in again.orphans] == [
        f"you took back its move to {store[0].key}"]
    assert _blank(UserData(tmp_path / "profile").get(store[0].key))
    triage.redo()  # the person changes their mind: the move is made again
    assert _essence(UserData(tmp_path / "profile").get(store[0].key))[:3] == (
        True, (), "graph notes")
    assert follow(store, UserData(tmp_path / "profile")).orphans == []


def test_a_deleted_entry_never_lands_on_the_same_authors_paper_with_another_citekey(
        tmp_path: Path) -> None:
    """"Unsupervised Learning of …" removed from the .bib: "Supervised Learning of …" by
    the same authors that year is two letters away, but it is its own entry (another
    citekey), not the deleted one with a typo fixed: the annotation stays an orphan."""
    bib = _write(tmp_path / "refs.bib",
                 "@inproceedings{chen2015a, title = {Unsupervised Learning of Visual Representations "
                 "Using Videos},\n  author = {Chen, Wei and Gupta, Abhinav}, year = {2015}}\n"
                 "@inproceedings{chen2015b, title = {Supervised Learning of Visual Representations "
                 "Using Videos},\n  author = {Chen, Wei and Gupta, Abhinav}, year = {2015}}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="on the UNSUPERVISED paper")
    kept = userdata.get(store[0].key)
    _write(bib, bib.read_text()[bib.read_text().index("@inproceedings{chen2015b"):])
    store = open_store(bib)
    report = follow(store, userdata)
    assert report.followed == [] and [o.annotation for o in report.orphans] == [kept]
    assert _blank(userdata.get(store[0].key))


def test_a_citekey_reused_for_a_title_that_only_contains_the_old_one_is_another_paper(
        tmp_path: Path) -> None:
    """The book "Deep Learning" (goodfellow2016) deleted, and the key regenerated onto the
    same author's "Deep Learning for Graphs: A Survey of Methods" of that year: every word
    of the old title is in the new one, yet it is another paper. A subtitle added to the
    same title is still the same paper."""
    bib = _write(tmp_path / "refs.bib",
                 "@book{goodfellow2016, title = {Deep Learning}, author = {Goodfellow, Ian}, year = 2016}\n"
                 "@article{goodfellow2016a, title = {Deep Learning for Graphs: A Survey of Methods},\n"
                 "  author = {Goodfellow, Ian}, year = 2016}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="the BOOK")
    _write(bib, "@article{goodfellow2016, title = {Deep Learning for Graphs: A Survey of Methods},\n"
                "  author = {Goodfellow, Ian}, year = 2016}\n")
    store = open_store(bib)
    report = follow(store, userdata)
    assert report.followed == [] and len(report.orphans) == 1
    assert _blank(userdata.get(store[0].key))
    _write(bib, "@book{goodfellow2016, title = {Deep Learning: Adaptive Computation},\n"
                "  author = {Goodfellow, Ian}, year = 2016}\n")
    store = open_store(bib)
    assert [f.why for f in follow(store, userdata).followed] == ["same citekey goodfellow2016"]
    assert userdata.get(store[0].key).note == "the BOOK"


def test_z_in_a_window_undoes_on_the_key_another_process_moved_the_paper_to(tmp_path: Path) -> None:
    """A window stars and skips a paper; the title's typo is fixed and another process
    (the command line) moves the annotation to the new key. z in the window takes its
    changes back on the paper where they are now, not on the empty old key."""
    from tui.triage import Triage

    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Deep Learning for Cats},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    window = UserData(tmp_path / "profile")
    triage = Triage(store, window)
    triage.apply("star", [(store[0].key, store[0].title)], starred=True)
    triage.apply("skip", [(store[0].key, store[0].title)], state="skipped")
    _write(bib, bib.read_text().replace("Cats", "Cats and Kittens"))
    moved = open_store(bib)
    assert [f.new_key for f in follow(moved, UserData(tmp_path / "profile")).followed] == [moved[0].key]
    window.reload()
    for _ in range(2):
        step, error = triage.undo()
        assert step is not None and not error and triage.left_alone == ()
    now = UserData(tmp_path / "profile").get(moved[0].key)
    assert _blank(now) or (not now.starred and now.state == "inbox")


def test_two_swapped_dois_put_right_take_each_papers_annotation_with_it(tmp_path: Path) -> None:
    """Alpha had Beta's DOI and Beta Alpha's; both are put right in the .bib. Each
    paper keeps its own star, state and note (before, each showed the other's)."""
    entry = ("@article{{{key}, title = {{{title}}}, author = {{{author}}}, year = {{{year}}},\n"
             "  doi = {{{doi}}}}}\n")
    alpha = dict(key="alpha2020", title="Alpha Particles in Dense Plasmas", author="Alpha, Ann", year=2020)
    beta = dict(key="beta2021", title="Beta Decay of Exotic Nuclei", author="Beta, Bob", year=2021)
    bib = _write(tmp_path / "refs.bib", entry.format(**alpha, doi="10.1000/bbb.2")
                 + entry.format(**beta, doi="10.1000/aaa.1"))
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, tags=["plasma"], note="ALPHA notes")
    userdata.update(store[1].key, title=Fingerprint.of(store[1]), state="skipped", note="BETA notes")
    _write(bib, entry.format(**alpha, doi="10.1000/aaa.1") + entry.format(**beta, doi="10.1000/bbb.2"))
    store = open_store(bib)
    report = follow(store, userdata)
    assert sorted((f.old_key, f.new_key) for f in report.followed) == [
        ("doi:10.1000/aaa.1", "doi:10.1000/bbb.2"), ("doi:10.1000/bbb.2", "doi:10.1000/aaa.1")]
    now = UserData(tmp_path / "profile")
    assert _essence(now.get("doi:10.1000/aaa.1")) == (True, ("plasma",), "ALPHA notes", "inbox")
    assert _essence(now.get("doi:10.1000/bbb.2")) == (False, (), "BETA notes", "skipped")
    assert follow(store, now).followed == []  # settled


def test_annotations_from_another_machine_follow_their_papers_into_a_file_of_the_same_name(
        tmp_path: Path) -> None:
    """Annotations exported on a laptop (/home/ada/papers/refs.bib) and imported on a
    desktop, where refs.bib lives elsewhere and a title was fixed since: they follow the
    papers here. One that matches nothing here is not an orphan of this store."""
    laptop = "/nonexistent-laptop/home/ada/papers/refs.bib"
    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Deep Learning for Cats and Kittens},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    userdata = UserData(tmp_path / "profile")
    userdata.update("ref:lee2020deep-00000000", title=Fingerprint(
        title="Deep Learning for Cats", author="Ann Lee", year=2020, citekey="lee2020", source=laptop),
        starred=True, note="laptop notes")
    userdata.update("ref:kim2019other-00000000", title=Fingerprint(
        title="Another Paper", author="Bo Kim", year=2019, citekey="kim2019", source=laptop),
        tags=["later-maybe"])
    report = follow(store, userdata)
    assert [(f.new_key, f.why) for f in report.followed] == [(store[0].key, "same citekey lee2020")]
    assert report.orphans == [] and report.elsewhere == 1
    assert _essence(userdata.get(store[0].key))[:3] == (True, (), "laptop notes")


def test_annotations_of_a_missing_file_of_another_name_stay_that_files(tmp_path: Path) -> None:
    """A year of annotations of /home/ada/papers/arxiv.jsonl, a file not on this machine:
    a paper of refs.bib here with a like title is not theirs; they are left alone, and a
    command does not go through them one by one."""
    bib = _write(tmp_path / "refs.bib", "@article{lee2020, title = {Deep Learning for Cats},\n"
                                        "  author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    annotations = {f"ref:lee2020deep-{n:08x}": Annotation(
        key=f"ref:lee2020deep-{n:08x}", starred=True, title="Deep Learning for Cats",
        author="Ann Lee", year=2020, citekey="lee2020",
        source="/nonexistent-laptop/home/ada/papers/arxiv.jsonl") for n in range(1000)}
    from tui.follow import plan

    report, changes = plan(store, annotations)
    assert (report.elsewhere, report.followed, report.orphans, changes) == (1000, [], [], {})


def test_an_entry_retitled_with_its_doi_kept_keeps_its_annotation(tmp_path: Path) -> None:
    """The .bib entry keeps its DOI but gets its published title and a regenerated citekey
    (as Better BibTeX does): its key is still in the store, so its star and note stay; they
    never go to the same author's like title in another file of the store (found by a
    tester)."""
    folder = tmp_path / "papers"
    folder.mkdir()
    bib = _write(folder / "refs.bib", "@article{smithDeep2020, title = {Deep Nets for Cats},\n"
                                      "  author = {Smith, John}, year = 2020, doi = {10.1000/cats.1}}\n")
    _write_rows(folder / "listing.jsonl", [{"title": "Deep Nets for Rats", "authors": ["John Smith"],
                                            "year": 2020}])
    store = open_store(folder)
    cats = next(p for p in store if p.key == "doi:10.1000/cats.1")
    userdata = _annotate(tmp_path, store, cats, starred=True, note="my CAT paper notes")
    _write(bib, bib.read_text().replace("smithDeep2020", "smithConvolutional2020").replace(
        "Deep Nets for Cats", "Convolutional Feline Recognition at Scale"))
    report = follow(open_store(folder), userdata)
    assert report.followed == [] and report.orphans == []
    assert _essence(userdata.get("doi:10.1000/cats.1"))[:3] == (True, (), "my CAT paper notes")


def test_a_citekey_given_to_an_annotated_entry_never_lands_on_its_annotation(tmp_path: Path) -> None:
    """Entry lee2020 deleted and lee2020b renamed lee2020: lee2020b has a tag and a note of
    its own, so it is another paper; the deleted one's star and note stay an orphan."""
    bib = _write(tmp_path / "refs.bib",
                 "@article{lee2020, title = {Neural Cats}, author = {Lee, Ann}, year = 2020}\n"
                 "@article{lee2020b, title = {Neural Cats Revisited}, author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    userdata = _annotate(tmp_path, store, store[0], starred=True, state="skipped", note="A's note")
    userdata.update(store[1].key, title=Fingerprint.of(store[1]), tags=["b-tag"], note="B's note")
    _write(bib, "@article{lee2020, title = {Neural Cats Revisited}, author = {Lee, Ann}, year = 2020}\n")
    store = open_store(bib)
    report = follow(store, userdata)
    assert report.followed == [] and len(report.orphans) == 1
    assert _essence(userdata.get(store[0].key)) == (False, ("b-tag",), "B's note", "inbox")


def test_two_swapped_dois_put_right_in_a_file_without_citekeys(tmp_path: Path) -> None:
    """The same swap in JSON Lines (as from RIS or CSL-JSON: no citekeys): each paper keeps
    its own annotation, found by its very title in its file (found by a tester)."""
    alpha = {"title": "Alpha Particles in Dense Plasmas", "authors": ["Ann Alpha"], "year": 2020}
    beta = {"title": "Beta Decay of Exotic Nuclei", "authors": ["Bob Beta"], "year": 2021}
    path = _write_rows(tmp_path / "refs.jsonl", [{**alpha, "doi": "10.1000/bbb.2"},
                                                 {**beta, "doi": "10.1000/aaa.1"}])
    store = open_store(path)
    userdata = _annotate(tmp_path, store, store[0], starred=True, note="ALPHA notes")
    userdata.update(store[1].key, title=Fingerprint.of(store[1]), state="skipped", note="BETA notes")
    _write_rows(path, [{**alpha, "doi": "10.1000/aaa.1"}, {**beta, "doi": "10.1000/bbb.2"}])
    store = open_store(path)
    assert len(follow(store, userdata).followed) == 2
    now = UserData(tmp_path / "profile")
    assert _essence(now.get("doi:10.1000/aaa.1")) == (True, (), "ALPHA notes", "inbox")
    assert _essence(now.get("doi:10.1000/bbb.2")) == (False, (), "BETA notes", "skipped")


def test_a_paper_whose_accented_names_read_as_one_word_before_keeps_its_annotation(
        tmp_path: Path) -> None:
    """``Andr\\'e Martins`` read as "AndréMartins" (the space after an accent was eaten)
    and now reads as "André Martins": a first author that differs only by spaces is the
    same person, so the star follows the paper's new key."""
    from dataclasses import replace

    from tui.model import with_key

    bib = _write(tmp_path / "refs.bib", "@article{martins2016, title = {Caf\\'e society},\n"
                                        "  author = {Andr\\'e Martins}, year = 2016}\n")
    store = open_store(bib)
    assert (store[0].title, store[0].authors) == ("Café society", ("André Martins",))
    before = with_key(replace(store[0], title="Cafésociety", authors=("AndréMartins",)))
    userdata = _annotate(tmp_path, store, before, starred=True, note="Read on the train")
    report = follow(store, userdata)
    assert [(f.old_key, f.new_key) for f in report.followed] == [(before.key, store[0].key)]
    assert _essence(userdata.get(store[0].key))[:3] == (True, (), "Read on the train")
