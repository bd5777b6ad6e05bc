"""Whatever a paper file holds, the command line's terminal output obeys none of it and its
JSON output gives every character back."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli import run

NASTY = st.sampled_from(["\x1b]0;owned\x07", "\x1b[2J", "\x9b31m", "\u202e", "\u2066", "\u200b",
                         "\ufeff", "\x00", "\r", "\x7f", "[bold]", "[/]", "[@click=app.quit]",
                         "x[i", "=cmd|", "\\", "{", "}", "%", "$", "--"])
TEXT = st.lists(st.one_of(NASTY, st.text(min_size=1, max_size=8)), min_size=1, max_size=6).map("".join)
PAPER = st.fixed_dictionaries({"title": TEXT, "authors": st.lists(TEXT, max_size=2), "abstract": TEXT,
                               "venue": TEXT, "year": st.integers(1900, 2030)})


def obeyable(text: str) -> list[str]:
    """Characters a terminal would act on: controls (other than newline) and bidi/zero-width
    formatting characters, and lone surrogates."""
    return [c for c in text if (unicodedata.category(c) in ("Cc", "Cs") and c != "\n")
            or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(papers=st.lists(PAPER, min_size=1, max_size=8))
def test_random_hostile_papers_never_reach_the_terminal(papers: list[dict], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from tui.store import open_store

    store = tmp_path / "hostile.jsonl"
    store.write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    for argv in (["search", "", "--limit", "0"], ["stats"], ["export", "--format", "markdown"],
                 ["export", "--format", "csv"], ["export", "--format", "bibtex"]):
        status = run([*argv, str(store)])
        out, err = capsys.readouterr()
        out = out.replace("\r\n", "\n")  # CSV's own line ends
        assert status in (0, 1), err
        assert obeyable(out) == [] and obeyable(err) == [], argv
        assert "Traceback" not in err
    run(["search", "", str(store), "--json", "--limit", "0"])
    out = capsys.readouterr().out
    assert obeyable(out) == []
    read = open_store(store)
    assert sorted(json.loads(line)["title"] for line in out.splitlines()) == sorted(p.title for p in read)


def test_a_lone_surrogate_in_a_json_store_is_shown_as_a_replacement(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "surrogate.jsonl"
    store.write_text('{"title": "Broken \\ud800 title", "venue": "V\\udc00"}\n', encoding="utf-8")
    assert run(["search", "broken", str(store)]) == 0
    out = capsys.readouterr().out
    assert "Broken \ufffd title" in out
