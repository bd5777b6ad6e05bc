"""``papertray search --sort`` and the for-you order from the command line, on the bundled
sample: what a person sees, and that their decisions are what it learns from."""

from __future__ import annotations

import json

import pytest

from tui.cli import run
from tui.search import SORTS


def output(capsys: pytest.CaptureFixture[str], argv: list[str], status: int = 0) -> tuple[str, str]:
    got = run(argv)
    out, err = capsys.readouterr()
    assert got == status, (out, err)
    assert "Traceback" not in err
    return out, err


def likes_retrieval(capsys) -> None:
    output(capsys, ["annotate", "dense retrieval", "--state", "read"])
    output(capsys, ["annotate", "video", "--state", "skipped"])


def test_for_you_puts_what_the_profile_liked_first_and_says_why(capsys) -> None:
    likes_retrieval(capsys)
    out, err = output(capsys, ["search", "is:inbox", "--sort", "for-you", "--limit", "3"])
    blocks = out.split("\n  ")
    assert "Retrieval" in blocks[0].splitlines()[0]
    why = [line.strip() for line in out.splitlines() if line.strip().startswith("why: ")]
    assert len(why) == 3
    assert "retrieval" in why[0] and "like “" in why[0]
    assert "learned from 6 papers you chose and 12 you skipped" in err


def test_for_you_json_has_the_score_and_the_reason(capsys) -> None:
    likes_retrieval(capsys)
    out, _ = output(capsys, ["search", "is:inbox", "--sort", "for-you", "--json", "--limit", "5"])
    hits = [json.loads(line) for line in out.splitlines()]
    assert len(hits) == 5
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    first = hits[0]["reason"]
    assert "retrieval" in first["terms"]
    assert first["closest"]["title"] and first["closest"]["key"].startswith("ref:")
    assert 0 < first["closest"]["similarity"] <= 1
    assert first["text"].startswith(" · ".join(first["terms"]))
    assert all(hit["state"] == "inbox" for hit in hits)


def test_for_you_without_decisions_says_there_is_nothing_to_learn_from(capsys) -> None:
    out, err = output(capsys, ["search", "is:inbox", "--sort", "for-you", "--limit", "1"])
    assert "Multimodal Pretraining for Dense Video Captioning" in out, "the store's order"
    assert "nothing to learn from yet" in err


def test_other_profiles_decisions_are_not_learned(capsys) -> None:
    likes_retrieval(capsys)
    out, err = output(capsys, ["search", "is:inbox", "--sort", "for-you", "--limit", "1",
                               "--user", "someone-else"])
    assert "nothing to learn from yet" in err


def test_every_sort_order_is_offered_and_a_wrong_one_is_one_sentence(capsys) -> None:
    out, _ = output(capsys, ["search", "--help"])
    for order in SORTS:
        assert order in out
    _, err = output(capsys, ["search", "x", "--sort", "newest"], status=2)
    assert err.strip() == ("papertray: --sort must be one of relevance, date, title, author, "
                           "venue, annotated, for-you, not 'newest'.")
    out, _ = output(capsys, ["search", "unsupervised", "--sort", "title", "--limit", "3"])
    assert out.index("3CAD") < out.index("A Survey on Data Selection") < out.index("All You Need is LUV")


def test_similar_from_the_command_line_lists_related_work(capsys) -> None:
    out, _ = output(capsys, ["search", "Unsupervised Dense Information Retrieval with Contrastive",
                             "--json", "--limit", "1"])
    key = json.loads(out)["key"]
    out, _ = output(capsys, ["search", f"similar:{key}", "--json", "--limit", "5"])
    hits = [json.loads(line) for line in out.splitlines()]
    assert key not in [hit["key"] for hit in hits]
    assert all("Retriev" in hit["title"] for hit in hits[:3]), [hit["title"] for hit in hits]
    assert hits[0]["score"] >= hits[-1]["score"] > 0


def test_reverse_turns_any_order_around_from_the_command_line(capsys) -> None:
    """``--reverse`` as the reader's ``R``: Z to A by title, the same papers."""
    out, _ = output(capsys, ["search", "unsupervised", "--sort", "title", "--json", "--limit", "0"])
    forwards = [json.loads(line)["title"] for line in out.splitlines()]
    out, _ = output(capsys, ["search", "unsupervised", "--sort", "title", "--reverse", "--json",
                             "--limit", "0"])
    backwards = [json.loads(line)["title"] for line in out.splitlines()]
    assert len(forwards) > 2 and backwards == forwards[::-1]
    _, err = output(capsys, ["search", "unsupervised", "--reverse", "--sort", "nonsense"], status=2)
    assert "--sort must be one of" in err
