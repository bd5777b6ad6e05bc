"""Every subcommand end to end through ``run(argv)``, on the seed, a real BibTeX fixture and
small stores made here: what a person sees on stdout and stderr, and what is saved."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from tui.cli import run
from tui.library import library_file

HOSTILE_TITLES = ["[bold]x[/]", "\x1b]0;owned\x07 Window Title", "Right\u202eto left override",
                  "[@click=app.quit]click me", "Zero\u200bwidth"]


@pytest.fixture
def biblatex_examples(fixtures_dir: Path) -> Path:
    return fixtures_dir / "bib" / "texlive__biblatex-examples.bib"


def output(capsys: pytest.CaptureFixture[str], argv: list[str], status: int = 0) -> tuple[str, str]:
    """Run papertray; check its exit status; return (stdout, stderr)."""
    got = run(argv)
    out, err = capsys.readouterr()
    assert got == status, (out, err)
    assert "Traceback" not in err
    return out, err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def write_jsonl(path: Path, records: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- stats

def test_stats_json_on_the_seed_counts_119_papers_and_no_problems(seed_path: Path, capsys) -> None:
    out, err = output(capsys, ["stats", "--json", str(seed_path)])
    stats = json.loads(out)
    assert stats["papers"] == 119
    assert stats["problems"] == []
    assert stats["first"] == "Multimodal Pretraining for Dense Video Captioning"
    assert stats["last"].startswith("ESimCSE: Enhanced Sample Building Method")
    assert list(stats["sources"].values()) == [119]
    assert stats["annotations"] == 0 and stats["triage"]["inbox"] == 119
    assert err == ""


def test_stats_without_a_path_shows_the_bundled_sample(capsys) -> None:
    stats = json.loads(output(capsys, ["stats", "--json"])[0])
    assert (stats["store"], stats["papers"]) == ("sample", 119)


def test_stats_lists_bad_records_as_file_and_line_but_exits_0(tmp_path: Path, capsys) -> None:
    store = write_jsonl(tmp_path / "papers.jsonl", [{"title": "A good paper", "year": 2020}],
                        extra_lines=("{not json", '{"title": "Another good one"}'))
    out, _ = output(capsys, ["stats", str(store)])
    assert "papers.jsonl: 2 papers" in out
    assert f"{store}:2: " in out
    stats = json.loads(output(capsys, ["stats", "--json", str(store)])[0])
    assert stats["papers"] == 2 and len(stats["problems"]) == 1
    assert stats["problems"][0].startswith(f"{store}:2: ")


# ---------------------------------------------------------------------------- search

def test_search_with_a_typo_finds_japanese_simcse_first(seed_path: Path, capsys) -> None:
    hits = json_lines(output(capsys, ["search", "japanes simcse", str(seed_path), "--json"])[0])
    assert hits[0]["title"] == "Japanese SimCSE Technical Report"
    assert set(hits[0]) == {"key", "title", "authors", "year", "score", "starred", "tags", "state", "note"}
    assert isinstance(hits[0]["authors"], list)
    assert (hits[0]["starred"], hits[0]["tags"], hits[0]["state"], hits[0]["note"]) == (False, [], "inbox", "")


def test_search_misspelled_fragment_in_top_three(seed_path: Path, capsys) -> None:
    hits = json_lines(output(capsys, ["search", "unsupervisd dense retrievl contrastive",
                                      str(seed_path), "--json", "--limit", "3"])[0])
    assert len(hits) == 3
    assert "Unsupervised Dense Information Retrieval with Contrastive Learning" in [h["title"] for h in hits]


def test_search_plain_output_is_readable_ranked_lines(seed_path: Path, capsys) -> None:
    out, _ = output(capsys, ["search", "japanes simcse", str(seed_path), "--limit", "2"])
    lines = out.splitlines()
    assert lines[0] == "  1. Japanese SimCSE Technical Report"
    assert lines[1].startswith("     ") and "arxiv:" in lines[1] or "ref:" in lines[1]
    assert lines[2].startswith("  2. ")


def test_search_author_and_year_on_a_bibtex_fixture(biblatex_examples: Path, capsys) -> None:
    by_author = json_lines(output(capsys, ["search", "author:sigfridsson", str(biblatex_examples), "--json"])[0])
    assert [h["title"] for h in by_author] == [
        "Comparison of methods for deriving atomic charges from the electrostatic potential and moments"]
    assert by_author[0]["year"] == 1998
    in_1998 = json_lines(output(capsys, ["search", "year:1998", str(biblatex_examples), "--json",
                                         "--limit", "0"])[0])
    assert in_1998 and all(h["year"] == 1998 for h in in_1998)
    assert by_author[0]["key"] in {h["key"] for h in in_1998}
    out, _ = output(capsys, ["search", "author:sigfridsson year:1999", str(biblatex_examples)], status=1)
    assert out == ""


def test_search_with_no_match_exits_1_and_says_so(seed_path: Path, capsys) -> None:
    _, err = output(capsys, ["search", "qqqqzzzz xxxyyyww", str(seed_path)], status=1)
    assert err.startswith("No paper in ")


def test_search_summarises_bad_records_in_one_line(tmp_path: Path, capsys) -> None:
    store = write_jsonl(tmp_path / "p.jsonl", [{"title": "Graph neural networks"}],
                        extra_lines=("[1, 2]", "{broken"))
    out, err = output(capsys, ["search", "graph", str(store)])
    assert "Graph neural networks" in out
    assert err.strip().splitlines() == [
        "papertray: 2 problems reading p.jsonl (bad records are skipped); 'papertray stats' on the same "
        "store lists them."]


# ---------------------------------------------------------------------------- hostile text

@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "hostile.jsonl",
                       [{"title": t, "authors": ["Mallory \x1b[31mRed"], "year": 2024} for t in HOSTILE_TITLES])


def test_hostile_titles_are_cleaned_in_plain_output(hostile_store: Path, capsys) -> None:
    out, _ = output(capsys, ["search", "", str(hostile_store), "--limit", "0"])
    for bad in ("\x1b", "\x07", "\u202e", "\u200b"):
        assert bad not in out
    assert "[bold]x[/]" in out and "[@click=app.quit]click me" in out
    assert len([line for line in out.splitlines() if line[:5].strip().endswith(".")]) == len(HOSTILE_TITLES)


def test_hostile_titles_are_exact_in_json(hostile_store: Path, capsys) -> None:
    from tui.store import open_store

    expected = [paper.title for paper in open_store(hostile_store)]
    out, _ = output(capsys, ["search", "", str(hostile_store), "--json", "--limit", "0"])
    assert "\x1b" not in out and "\u202e" not in out
    assert sorted(h["title"] for h in json_lines(out)) == sorted(expected)
    assert "[bold]x[/]" in expected


def test_hostile_stats_and_export_output_is_cleaned(hostile_store: Path, capsys) -> None:
    for argv in (["stats", str(hostile_store)], ["export", str(hostile_store), "--format", "markdown"],
                 ["export", str(hostile_store)], ["export", str(hostile_store), "--format", "csv"]):
        out, _ = output(capsys, argv)
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


# ---------------------------------------------------------------------------- export

def parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    return library


def test_export_seed_as_bibtex_round_trips_keys_and_titles(seed_path: Path, capsys) -> None:
    from tui.store import open_store

    out, _ = output(capsys, ["export", str(seed_path), "--format", "bibtex"])
    entries = parse_bibtex(out).entries
    assert [e["title"] for e in entries] == [p.title for p in open_store(seed_path)]
    assert len({e.key.casefold() for e in entries}) == 119


def test_export_bibtex_fixture_keeps_its_citekeys_and_titles(biblatex_examples: Path, tmp_path: Path,
                                                             capsys) -> None:
    from tui.store import open_store

    target = tmp_path / "out.bib"
    _, err = output(capsys, ["export", str(biblatex_examples), "-o", str(target)])
    store = open_store(biblatex_examples)
    assert err.strip().endswith(f"Exported {len(store)} papers as bibtex to {target}.")
    entries = parse_bibtex(target.read_text()).entries
    assert [(e.entry_type, e.key) for e in entries] == [(p.entry_type, p.citekey) for p in store]
    again = open_store(target)
    assert [p.title for p in again] == [p.title for p in store]
    assert [p.key for p in again] == [p.key for p in store]


@pytest.fixture
def every_fixture_exported(fixtures_dir: Path, tmp_path: Path, capsys) -> tuple[list, Path]:
    """Every fixture paper, and the BibTeX file ``papertray export`` wrote of them."""
    from tui.store import open_store

    target = tmp_path / "everything.bib"
    output(capsys, ["export", str(fixtures_dir), "-o", str(target)])
    return list(open_store(fixtures_dir)), target


def test_export_of_every_fixture_reads_back_with_same_titles(every_fixture_exported) -> None:
    from tui.store import open_store

    papers, target = every_fixture_exported
    entries = parse_bibtex(target.read_text()).entries
    assert len(entries) == len(papers) > 500
    assert len({e.key.casefold() for e in entries}) == len(entries)
    again = open_store(target)
    assert again.problems == []
    assert [p.title for p in again] == [p.title for p in papers]


def test_export_of_every_fixture_keeps_stable_keys(every_fixture_exported) -> None:
    from tui.store import open_store

    papers, target = every_fixture_exported
    assert [p.key for p in open_store(target)] == [p.key for p in papers]


def test_export_query_to_csv_by_extension(seed_path: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "simcse.csv"
    output(capsys, ["export", str(seed_path), "--query", "simcse", "-o", str(target)])
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows and all("simcse" in (r["title"] + r["abstract"]).lower() for r in rows)
    assert rows[0]["title"] in {"Japanese SimCSE Technical Report",
                                "SimCSE: Simple Contrastive Learning of Sentence Embeddings"} or rows


def test_export_json_to_stdout_is_exact(seed_path: Path, capsys) -> None:
    records = json.loads(output(capsys, ["export", str(seed_path), "--format", "json"])[0])
    assert len(records) == 119 and records[0]["title"] == "Multimodal Pretraining for Dense Video Captioning"


def test_export_to_an_unwritable_place_is_one_sentence(seed_path: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "no-such-folder" / "out.bib"
    _, err = output(capsys, ["export", str(seed_path), "-o", str(target)], status=1)
    assert err == f"papertray: Cannot write {target}: No such file or directory.\n"
    _, err = output(capsys, ["export", str(seed_path), "-o", str(tmp_path)], status=1)
    assert err == f"papertray: Cannot write {tmp_path}: it is a folder.\n"


# ---------------------------------------------------------------------------- import

def test_import_is_deduplicated_and_idempotent(seed_path: Path, tmp_path: Path, capsys) -> None:
    out, _ = output(capsys, ["import", str(seed_path)])
    assert "119 added, 0 already in the library" in out
    first = library_file().read_bytes()
    out, _ = output(capsys, ["import", str(seed_path)])
    assert "0 added, 119 already in the library" in out
    assert library_file().read_bytes() == first
    stats = json.loads(output(capsys, ["stats", "--json"])[0])   # the library is now the default
    assert stats["papers"] == 119 and stats["store"] != "sample" and stats["problems"] == []


def test_import_adds_only_new_papers_and_keeps_problems_visible(seed_path: Path, tmp_path: Path,
                                                                capsys) -> None:
    output(capsys, ["import", str(seed_path)])
    extra = write_jsonl(tmp_path / "more.jsonl", [
        {"title": "Japanese SimCSE Technical Report", "venue": "arXiv"},
        {"title": "A Brand New Paper", "authors": ["Ada Lovelace"], "year": 2025}], extra_lines=("{bad",))
    out, err = output(capsys, ["import", str(extra)])
    assert "1 added, 1 already in the library (1 of them completed)" in out
    assert f"{extra}:3:" in err
    library = [json.loads(line) for line in library_file().read_text().splitlines()]
    assert len(library) == 120
    assert [r["venue"] for r in library if r["title"] == "Japanese SimCSE Technical Report"] == ["arXiv"]
    hits = json_lines(output(capsys, ["search", "brand new paper", "--json"])[0])
    assert hits[0]["title"] == "A Brand New Paper" and hits[0]["authors"] == ["Ada Lovelace"]


def test_import_of_a_file_without_papers_fails(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("{broken\n")
    _, err = output(capsys, ["import", str(empty)], status=1)
    assert err.endswith(f"papertray: No papers could be read from {empty}.\n")
    assert not library_file().exists()


def test_import_refuses_to_rewrite_a_damaged_library(seed_path: Path, capsys) -> None:
    library_file().parent.mkdir(parents=True)
    library_file().write_text('{"title": "Kept paper"}\nnot json at all\n')
    _, err = output(capsys, ["import", str(seed_path)], status=1)
    assert f"{library_file()}:2: this line is not a paper object" in err
    assert library_file().read_text() == '{"title": "Kept paper"}\nnot json at all\n'


# ---------------------------------------------------------------------------- annotate

def test_annotate_then_search_shows_tag_and_note(capsys) -> None:
    hits = json_lines(output(capsys, ["search", "japanese simcse", "--json", "--limit", "1"])[0])
    key = hits[0]["key"]
    out, _ = output(capsys, ["annotate", f"key:{key}", "--star", "--tag", "thesis", "--note",
                             "Baseline for chapter 3"])
    assert out.startswith("Changed 1 of 1 matching paper")
    found = json_lines(output(capsys, ["search", "is:starred tag:thesis", "--json"])[0])
    assert [(h["title"], h["tags"], h["note"], h["starred"]) for h in found] == [
        ("Japanese SimCSE Technical Report", ["thesis"], "Baseline for chapter 3", True)]
    plain, _ = output(capsys, ["search", "is:starred"])
    assert "★ Japanese SimCSE Technical Report" in plain and "#thesis" in plain
    assert "note: Baseline for chapter 3" in plain


def test_annotate_every_match_as_one_bulk_change(capsys) -> None:
    out, _ = output(capsys, ["annotate", "simcse", "--state", "later", "--tag", "sts,embeddings"])
    matched = int(out.split(" of ")[1].split()[0])
    assert matched >= 2
    later = json_lines(output(capsys, ["search", "is:later tag:embeddings", "--json", "--limit", "0"])[0])
    assert len(later) == matched and all(h["tags"] == ["embeddings", "sts"] for h in later)
    out, _ = output(capsys, ["annotate", "simcse", "--state", "later"])
    assert out.startswith(f"Changed 0 of {matched} matching papers")
    stats = json.loads(output(capsys, ["stats", "--json"])[0])
    assert stats["triage"]["later"] == matched and stats["triage"]["inbox"] == 119 - matched


def test_annotate_with_no_match_changes_nothing(capsys) -> None:
    _, err = output(capsys, ["annotate", "qqqqzzzz xxxyyyww", "--star"], status=1)
    assert "nothing changed" in err


def test_user_option_keeps_profiles_apart(capsys) -> None:
    output(capsys, ["--user", "ada", "annotate", "japanese simcse", "--star"])
    assert json_lines(output(capsys, ["search", "is:starred", "--json", "--user", "ada"])[0])
    output(capsys, ["search", "is:starred", "--json", "--user", "bob"], status=1)


# ---------------------------------------------------------------------------- annotations

def test_annotations_export_then_import_into_another_profile(tmp_path: Path, capsys) -> None:
    output(capsys, ["annotate", "japanese simcse", "--star", "--tag", "thesis", "--user", "laptop"])
    backup = tmp_path / "backup.json"
    out, _ = output(capsys, ["annotations", "export", str(backup), "--user", "laptop"])
    assert out.startswith("Saved ") and backup.exists()
    out, _ = output(capsys, ["annotations", "import", str(backup), "--user", "desktop"])
    assert "added" in out
    found = json_lines(output(capsys, ["search", "tag:thesis", "--json", "--user", "desktop"])[0])
    assert [h["title"] for h in found] == ["Japanese SimCSE Technical Report"]


def test_annotations_export_and_import_through_a_pipe_with_a_dash(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` means standard output and input, as in every Unix tool, never a file named "-"."""
    monkeypatch.chdir(tmp_path)
    assert run(["annotate", "japanese simcse", "--tag", "piped", "--user", "laptop"]) == 0
    capfd.readouterr()
    assert run(["annotations", "export", "-", "--user", "laptop"]) == 0
    backup, told = capfd.readouterr()
    assert json.loads(backup)["annotations"][0]["tags"] == ["piped"]
    assert "Saved 1 annotation" in told and not (tmp_path / "-").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO(backup))
    assert run(["annotations", "import", "-", "--user", "desktop"]) == 0
    assert "1 added" in capfd.readouterr().out
    assert run(["search", "tag:piped", "--json", "--user", "desktop"]) == 0
    assert [h["title"] for h in json_lines(capfd.readouterr().out)] == [
        "Japanese SimCSE Technical Report"]


def test_annotations_import_of_missing_or_bad_file(tmp_path: Path, capsys) -> None:
    _, err = output(capsys, ["annotations", "import", str(tmp_path / "none.json")], status=1)
    assert err == f"papertray: Cannot import {tmp_path / 'none.json'}: no such file.\n"
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    _, err = output(capsys, ["annotations", "import", str(bad)], status=1)
    assert f"{bad}:1" in err
    # A folder is not "no such file": it exists, and the backup is a file in it.
    _, err = output(capsys, ["annotations", "import", str(tmp_path)], status=1)
    assert err.startswith(f"papertray: Cannot import {tmp_path}: it is a folder;")


# ---------------------------------------------------------------------------- settings

def test_bad_config_is_reported_and_defaults_used(capsys) -> None:
    from tui import paths

    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text('theme = "nord"\nstore = [\n')
    out, err = output(capsys, ["stats", "--json"])
    assert json.loads(out)["papers"] == 119
    assert err.startswith(f"{config}:") and "not valid TOML" in err


def test_configured_store_and_user_are_used(biblatex_examples: Path, capsys) -> None:
    from tui import paths

    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text(f'store = [{json.dumps(str(biblatex_examples))}]\nuser = "configured"\n')
    stats = json.loads(output(capsys, ["stats", "--json"])[0])
    assert stats["store"] == biblatex_examples.name
    assert stats["profile"] in {"configured", "tester"}  # PAPERTRAY_USER (set by tests) wins


# ---------------------------------------------------------------------------- the TUI factory

def test_build_app_gets_the_store_profile_and_settings(seed_path: Path) -> None:
    from tui import paths
    from tui.cli import build_app, parse_args

    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text('theme = "nord"\n[searches]\nthesis = "tag:thesis"\n')
    app = build_app(parse_args([str(seed_path), "--user", "ada"]))
    assert len(app.store) == 119 and app.store[0].title.startswith("Multimodal Pretraining")
    assert app.userdata.profile == "ada"
    assert app.settings.theme == "nord" and app.settings.saved_searches == {"thesis": "tag:thesis"}
    app.userdata.close()


# ---------------------------------------------------------------------------- a real process

def test_real_process_search_prints_json_and_exit_codes(seed_path: Path, hermetic_dirs: Path) -> None:
    import os
    import subprocess
    import sys

    def papertray(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tui", *argv], capture_output=True, text=True,
                              env=dict(os.environ), timeout=120)

    found = papertray("search", "japanes simcse", str(seed_path), "--json")
    assert (found.returncode, found.stderr) == (0, "")
    assert json.loads(found.stdout.splitlines()[0])["title"] == "Japanese SimCSE Technical Report"
    missing = papertray("search", "qqqqzzzz xxxyyyww", str(seed_path))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    bad_usage = papertray("annotate", "x", "--state", "finished")
    assert bad_usage.returncode == 2 and "invalid choice" in bad_usage.stderr


def test_export_over_the_file_it_reads_is_refused(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text('{"title": "Kept as it is", "year": 2020}\n', encoding="utf-8")
    _, err = output(capsys, ["export", str(mine), "-o", str(mine), "--format", "markdown"], status=1)
    assert "papertray never changes the files it reads" in err
    assert mine.read_text(encoding="utf-8") == '{"title": "Kept as it is", "year": 2020}\n'


def test_an_import_that_replaces_a_note_says_so_and_undo_puts_it_back(tmp_path: Path, capsys) -> None:
    """A later note in the file wins, as between one person's machines; a colleague's export
    must not do it silently: the import names the paper, and undo brings the note back."""
    output(capsys, ["annotate", "japanese simcse", "--note", "my own reading of it", "--user", "me"])
    output(capsys, ["annotate", "japanese simcse", "--note", "a colleague's view", "--user", "colleague"])
    theirs = tmp_path / "colleague.json"
    output(capsys, ["annotations", "export", str(theirs), "--user", "colleague"])
    out, _ = output(capsys, ["annotations", "import", str(theirs), "--user", "me"])
    key = json_lines(output(capsys, ["search", "has:note", "--json", "--user", "me"])[0])[0]["key"]
    assert f"1 note here was replaced by the file's later text: {key}." in out
    assert "papertray undo" in out
    output(capsys, ["undo", "--user", "me"])
    note = json_lines(output(capsys, ["search", "has:note", "--json", "--user", "me"])[0])[0]["note"]
    assert note == "my own reading of it"


def test_no_export_writes_over_a_file_of_the_profile(capsys) -> None:
    """An -o or a backup path that names one of the profile's own files (a tab-completed
    path, a wrong folder) is refused, and the annotations in that file stay."""
    from tui.userdata import UserData

    output(capsys, ["annotate", "japanese simcse", "--star", "--note", "kept", "--user", "me"])
    profile = UserData.open("me").profile_dir
    shard = next((profile / "annotations").glob("??.json"))
    before = shard.read_bytes()
    _, err = output(capsys, ["export", "-o", str(shard), "--format", "json", "--user", "me"], status=1)
    assert "where your annotations are kept" in err
    _, err = output(capsys, ["annotations", "export", str(shard), "--user", "me"], status=1)
    assert "where your annotations are kept" in err
    assert shard.read_bytes() == before
    found = json_lines(output(capsys, ["search", "has:note", "--json", "--user", "me"])[0])
    assert [hit["note"] for hit in found] == ["kept"]
