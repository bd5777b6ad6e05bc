"""Issue 10, case 5: the command line never guesses in a bulk write. Every word is complete,
a qualifier it cannot read is an error that changes nothing, an empty query needs --all,
--dry-run shows what would change, a note is never replaced unasked, and ``papertray
undo`` takes a bulk change back. All on the bundled sample (the 119 papers of the seed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui import paths
from tui.cli import run


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def annotated(capsys: pytest.CaptureFixture[str], query: str = "has:note") -> list[dict]:
    status, out, _ = call(capsys, "search", query, "--json", "--limit", "0")
    return [json.loads(line) for line in out.splitlines()] if status == 0 else []


def profile_files() -> dict[str, bytes]:
    folder = paths.profile_dir("tester") / "annotations"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))} if folder.exists() else {}


@pytest.mark.parametrize("query, named", [
    ("is:rea", "is:rea"), ("retrieval year:202", "year:202"), ("has:n", "has:n"),
    ("simcse author:", "author:"), ('title:"" simcse', "title:"), ("colour:red simcse", "colour:"),
])
def test_a_qualifier_it_cannot_read_is_an_error_and_nothing_changes(
        capsys: pytest.CaptureFixture[str], query: str, named: str) -> None:
    call(capsys, "annotate", "japanese simcse", "--tag", "before")
    before = profile_files()
    status, out, err = call(capsys, "annotate", query, "--state", "skipped")
    assert status == 2 and named in err and "nothing changed" in err.lower(), err
    assert profile_files() == before


def test_export_with_a_half_typed_year_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "retrieval.bib"
    status, _, err = call(capsys, "export", "--query", "retrieval year:202", "-o", str(target))
    assert status == 2 and "year:202" in err and not target.exists()


def test_the_last_word_is_a_whole_word_not_a_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    _, typed, _ = call(capsys, "search", "contrast", "--json", "--limit", "0")
    as_prefix = {json.loads(line)["key"] for line in typed.splitlines()}
    status, out, err = call(capsys, "annotate", "contrast", "--dry-run", "--star")
    listed = {line.split()[0] for line in out.splitlines()[1:] if line.strip()}
    assert listed < as_prefix, "a bulk change took 'contrast' as the start of longer words"
    _, whole, _ = call(capsys, "search", "contrast ", "--json", "--limit", "0")
    assert listed == {json.loads(line)["key"] for line in whole.splitlines()}


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_needs_all(capsys: pytest.CaptureFixture[str], query: str) -> None:
    status, _, err = call(capsys, "annotate", query, "--note", "oops")
    assert status == 2 and "--all" in err and profile_files() == {}
    status, out, _ = call(capsys, "annotate", query, "--all", "--tag", "seen")
    assert status == 0 and len(annotated(capsys, "tag:seen")) == 119


def test_dry_run_lists_what_would_change_and_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = call(capsys, "annotate", "simcse", "--state", "later", "--tag", "sts", "--dry-run")
    assert status == 0 and out.startswith("Would change")
    assert "state inbox → later" in out and "+sts" in out and "SimCSE" in out
    assert profile_files() == {}, "a dry run wrote"


def test_a_different_note_is_never_replaced_unasked(capsys: pytest.CaptureFixture[str]) -> None:
    call(capsys, "annotate", "japanese simcse", "--note", "my careful notes")
    before = profile_files()
    status, _, err = call(capsys, "annotate", "simcse", "--note", "oops")
    assert status == 1 and "--replace-note" in err and "--append-note" in err
    assert profile_files() == before
    assert [n["note"] for n in annotated(capsys)] == ["my careful notes"]

    assert call(capsys, "annotate", "japanese simcse", "--append-note", "a second thought")[0] == 0
    assert [n["note"] for n in annotated(capsys)] == ["my careful notes\n\na second thought"]
    assert call(capsys, "annotate", "japanese simcse", "--replace-note", "replaced, as asked")[0] == 0
    assert [n["note"] for n in annotated(capsys)] == ["replaced, as asked"]


def test_undo_from_the_shell_takes_back_the_last_bulk_change(capsys: pytest.CaptureFixture[str]) -> None:
    call(capsys, "annotate", "japanese simcse", "--note", "keep this", "--tag", "thesis")
    status, out, _ = call(capsys, "annotate", "simcse", "--all", "--state", "read", "--tag", "bulk")
    assert "papertray undo" in out
    call(capsys, "annotate", "japanese simcse", "--star")  # a later, separate change
    status, out, _ = call(capsys, "undo")  # takes back the star
    assert status == 0 and "star" in out
    status, out, _ = call(capsys, "undo")  # takes back the bulk change
    assert status == 0 and "read" in out
    assert annotated(capsys, "is:read") == [] and annotated(capsys, "tag:bulk") == []
    kept = annotated(capsys, "tag:thesis")
    assert [(p["note"], p["tags"], p["starred"]) for p in kept] == [("keep this", ["thesis"], False)]


def test_undo_leaves_what_was_changed_since(capsys: pytest.CaptureFixture[str]) -> None:
    call(capsys, "annotate", "japanese simcse", "--state", "later")
    call(capsys, "annotate", "simcse", "--state", "read")
    from tui.userdata import UserData

    with UserData.open() as data:  # the reader, meanwhile
        key = next(k for k, a in data.annotations().items() if a.state == "read")
        data.update(key, state="skipped")
    status, out, _ = call(capsys, "undo")
    assert status == 0 and "changed since" in out
    assert [p["key"] for p in annotated(capsys, "is:skipped")] == [key]


def test_undo_with_nothing_to_undo_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = call(capsys, "undo")
    assert status == 1 and "nothing" in err.lower()


def test_an_annotations_import_can_be_undone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    call(capsys, "annotate", "simcse", "--tag", "other-machine", "--user", "laptop")
    call(capsys, "annotations", "export", str(tmp_path / "laptop.json"), "--user", "laptop")
    call(capsys, "annotations", "import", str(tmp_path / "laptop.json"))
    assert annotated(capsys, "tag:other-machine")
    status, out, _ = call(capsys, "undo")
    assert status == 0 and annotated(capsys, "tag:other-machine") == []


def test_export_matching_nothing_is_an_error_and_writes_no_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "zebra.bib"
    status, out, err = call(capsys, "export", "--query", "zebracrossingxyz", "-o", str(target))
    assert status == 1 and not target.exists() and out == ""
    assert err.count("\n") == 1 and "zebracrossingxyz" in err and "nothing was exported" in err


def test_a_bulk_change_never_takes_a_typo_for_a_word(capsys: pytest.CaptureFixture[str]) -> None:
    """`remove author:knuth` must not take Knvth; `annotate japnese` must not tag Japanese."""
    status, _, err = call(capsys, "annotate", "japnese simcse", "--tag", "guessed")
    assert status == 1 and "No paper" in err and "nothing changed" in err
    assert annotated(capsys, "tag:guessed") == []
    status, out, _ = call(capsys, "annotate", "japanese simcse", "--tag", "meant")
    assert status == 0
    assert [p["title"] for p in annotated(capsys, "tag:meant")] == ["Japanese SimCSE Technical Report"]


def test_undo_with_a_damaged_newest_record_undoes_nothing_and_says_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Taking back the change before it instead would undo what the person did not mean."""
    call(capsys, "annotate", "japanese simcse", "--tag", "older")
    call(capsys, "annotate", "japanese simcse", "--tag", "newer")
    newest = sorted((paths.profile_dir("tester") / "undo").glob("*.json"))[-1]
    newest.write_bytes(newest.read_bytes()[:40])
    status, _, err = call(capsys, "undo")
    assert status == 1 and "cannot be read" in err and "nothing was undone" in err
    assert [p["title"] for p in annotated(capsys, "tag:older")] == ["Japanese SimCSE Technical Report"]
    assert annotated(capsys, "tag:newer")


def test_papertray_undo_after_the_paper_changed_key_puts_the_field_back_there(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{lee2020, title = {Dense Retreival}, author = {Lee, Ann}, year = 2020}\n",
                   encoding="utf-8")
    call(capsys, "annotate", "dense", str(bib), "--star")
    bib.write_text(bib.read_text(encoding="utf-8").replace("Retreival", "Retrieval"), encoding="utf-8")
    status, out, err = call(capsys, "search", "is:starred", str(bib), "--json")
    assert status == 0 and "followed its paper" in err  # the star moved to the new key
    status, out, _ = call(capsys, "undo")
    assert status == 0 and "1 field put back" in out, out
    status, out, _ = call(capsys, "search", "is:starred", str(bib), "--json")
    assert out == "", "the star is still on the paper"


def test_untag_removes_a_tag_with_a_bidi_mark_by_the_letters_it_shows(
        capsys: pytest.CaptureFixture[str]) -> None:
    from tui.userdata import UserData

    call(capsys, "annotate", "japanese simcse", "--tag", "keep")
    profile = UserData.open(None)
    (hit,) = annotated(capsys, "tag:keep")
    profile.update(hit["key"], add_tags=["\u202ethesis"])
    profile.close()
    status, out, err = call(capsys, "annotate", "japanese simcse", "--untag", "thesis")
    assert status == 0, err
    (hit,) = annotated(capsys, "tag:keep")
    assert hit["tags"] == ["keep"]


def test_a_word_of_your_own_note_or_tag_is_matched_by_a_bulk_change_as_by_search(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`papertray search zebrafish` finds the paper you tagged zebrafish, so `annotate
    zebrafish` changes that paper too; as written only, a word a typo away finds nothing."""
    status, out, _ = call(capsys, "search", "japanese simcse", "--json", "--limit", "1")
    key = json.loads(out.splitlines()[0])["key"]
    call(capsys, "annotate", f"key:{key}", "--tag", "zebrafish", "--append-note", "the okapi idea")
    for word in ("zebrafish", "okapi"):
        _, found, _ = call(capsys, "search", word, "--json")
        assert [json.loads(line)["key"] for line in found.splitlines()] == [key]
        status, out, err = call(capsys, "annotate", word, "--state", "later")
        assert status == 0 and "of 1 matching paper" in out, err
    assert [p["key"] for p in annotated(capsys, "is:later")] == [key]
    status, _, err = call(capsys, "annotate", "zebrafsh", "--star")
    assert status == 1 and "No paper" in err
