"""The for-you benchmark: simulated readers are built as the issue says, and on the real
papers (when ../shared is there) for-you beats the plain TF-IDF centroid."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from tui.bench.foryou import DATA, PlainTfidf, load_papers, precision_at, simulate_readers
from tui.interest import InterestModel
from tui.model import Paper
from tui.search import SearchEngine


def made_up_papers() -> list[Paper]:
    """60 papers on reinforcement learning and 900 on other things, 2010 to 2019."""
    papers = []
    for i in range(60):
        papers.append(Paper(f"rl{i}", f"Reinforcement learning of policy {i}", year=2010 + i % 10,
                            abstract="Agents learn a policy from reward."))
    for i in range(900):
        papers.append(Paper(f"o{i}", f"Image restoration method {i}", year=2010 + i % 10,
                            abstract="We restore images with priors."))
    return papers


def test_a_reader_stars_early_papers_of_the_topic_and_gets_later_ones_in_the_inbox() -> None:
    papers = made_up_papers()
    (reader,) = simulate_readers(papers, ["reinforcement learning"], stars=10, skips=10, inbox=400)
    years = np.array([p.year for p in papers])
    assert len(reader.stars) == 10 and all(reader.on_topic[d] for d in reader.stars)
    assert len(reader.skips) == 10 and not any(reader.on_topic[d] for d in reader.skips)
    last = max(years[reader.stars])
    assert max(years[reader.skips]) <= last
    assert len(reader.inbox) == 400 and years[reader.inbox].min() > last
    assert reader.on_topic[reader.inbox].sum() == 20, "5% of the inbox is on the topic"
    assert not set(reader.inbox.tolist()) & set(reader.stars + reader.skips)


def test_a_topic_with_too_few_papers_has_no_reader() -> None:
    assert simulate_readers(made_up_papers(), ["policy 1"], stars=25) == []


def test_precision_counts_the_first_twenty() -> None:
    on = np.zeros(100, dtype=bool)
    on[[3, 5, 50]] = True
    assert precision_at(np.arange(100), on) == pytest.approx(2 / 20)
    assert precision_at(np.array([50, 3, 5] + list(range(6, 23))), on) == pytest.approx(3 / 20)


@pytest.mark.benchmark  # about 10 s: indexes 30,000 papers twice over
@pytest.mark.skipif(not DATA.exists(), reason=f"the real papers are not at {DATA}")
def test_on_real_papers_for_you_beats_the_tfidf_centroid() -> None:
    papers = load_papers()
    readers = simulate_readers(papers, ["reinforcement learning", "adversarial", "object detection",
                                        "language model", "transformer", "graph neural"])
    engine = SearchEngine(papers)
    plain = PlainTfidf(papers)
    mine, baseline = [], []
    for reader in readers:
        model = InterestModel(engine.features.get())
        model.update({**dict.fromkeys(reader.stars, 1), **dict.fromkeys(reader.skips, -1)})
        for scores, found in ((model.scores(), mine), (plain.scores(reader.stars), baseline)):
            order = reader.inbox[np.argsort(-scores[reader.inbox], kind="stable")]
            found.append(precision_at(order, reader.on_topic))
    assert statistics.mean(mine) >= 0.8
    assert statistics.mean(mine) > statistics.mean(baseline) + 0.1
