"""The for-you model on the bundled sample (119 real papers): what it learns from stars,
reads, tags and skips, that learning one decision at a time gives the same order as
learning them all at once, and that it can say why a paper ranks high."""

from __future__ import annotations

import numpy as np
import pytest

from tui.interest import Decisions, ForYou, InterestModel, explain, label_of
from tui.model import Annotation, Paper
from tui.search import SearchEngine
from tui.store import open_store

# Positions in the sample.
RETRIEVAL = {17: "Unsupervised Multilingual Dense Retrieval via Generative Pseudo Labeling",
             46: "Unsupervised Dense Information Retrieval with Contrastive Learning",
             80: "GPL: Generative Pseudo Labeling for Unsupervised Domain Adaptation of Dense Retrieval",
             97: "Unsupervised Corpus Aware Language Model Pre-training for Dense Passage Retrieval"}
VIDEO = {0: "Multimodal Pretraining for Dense Video Captioning",
         16: "Unsupervised Learning of Video Representations using LSTMs",
         34: "Unsupervised Video Summarization",
         99: "Enhancing Unsupervised Video Representation Learning by Decoupling the Scene and the Motion"}
ANOMALY = (53, 77, 105)  # AutoPaint, contamination factor, 3CAD: anomaly detection


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    engine = SearchEngine(open_store(None))
    for doc, title in {**RETRIEVAL, **VIDEO}.items():
        assert engine.papers[doc].title.startswith(title[:40])
    return engine


def likes_retrieval_not_video() -> dict[int, int]:
    return {**dict.fromkeys(RETRIEVAL, 1), **dict.fromkeys(VIDEO, -1)}


def top_unlabelled(engine: SearchEngine, model: InterestModel, count: int) -> list[int]:
    scores = model.scores()
    return [d for d in np.argsort(-scores, kind="stable").tolist() if d not in model.labels][:count]


def test_stars_read_later_and_tags_are_interest_a_skip_is_not() -> None:
    assert label_of(Annotation("k", starred=True)) == 1
    assert label_of(Annotation("k", state="read")) == 1
    assert label_of(Annotation("k", state="later")) == 1
    assert label_of(Annotation("k", tags=("thesis",))) == 1
    assert label_of(Annotation("k", state="skipped")) == -1
    assert label_of(Annotation("k", state="skipped", tags=("x",))) == -1
    assert label_of(Annotation("k", starred=True, state="skipped")) == 1, "a star outweighs a skip"
    assert label_of(Annotation("k", note="just a note")) == 0


def test_decisions_count_only_papers_of_this_store_and_say_when_there_are_enough(engine) -> None:
    store = engine.store
    annotations = {store[d].key: Annotation(store[d].key, starred=True) for d in range(10)}
    annotations |= {store[d].key: Annotation(store[d].key, state="skipped") for d in range(10, 19)}
    annotations["arxiv:not-in-this-store"] = Annotation("arxiv:not-in-this-store", state="skipped")
    decisions = Decisions.of(annotations, store.indices_of)
    assert (decisions.positive, decisions.negative) == (10, 9)
    assert not decisions.enough, "nine skips are not enough for the inbox to switch"
    annotations[store[19].key] = Annotation(store[19].key, state="skipped")
    assert Decisions.of(annotations, store.indices_of).enough


def test_starring_retrieval_and_skipping_video_puts_retrieval_first(engine) -> None:
    model = InterestModel(engine.features.get())
    assert model.update(likes_retrieval_not_video())
    top = top_unlabelled(engine, model, 3)
    titles = [engine.papers[d].title for d in top]
    assert all("Retriev" in t for t in titles), titles
    scores = model.scores()
    assert max(scores[d] for d in (16, 34)) < min(scores[d] for d in top)


def test_before_any_decision_every_score_is_zero(engine) -> None:
    model = InterestModel(engine.features.get())
    assert not model.update({})
    assert not model.scores().any()


def test_one_more_star_lifts_papers_like_it(engine) -> None:
    model = InterestModel(engine.features.get())
    labels = likes_retrieval_not_video()
    model.update(labels)
    before = model.scores()
    ranks_before = top_unlabelled(engine, model, 200)
    labels[53] = 1  # AutoPaint: unsupervised anomaly detection
    assert model.update(labels)
    after = model.scores()
    ranks_after = top_unlabelled(engine, model, 200)
    for doc in ANOMALY[1:]:
        assert after[doc] > before[doc]
        assert ranks_after.index(doc) < ranks_before.index(doc) - 20, "moves well up the list"


def test_learning_one_decision_at_a_time_equals_learning_all_at_once(engine) -> None:
    features = engine.features.get()
    stepwise = InterestModel(features)
    labels: dict[int, int] = {}
    steps = [(17, 1), (0, -1), (46, 1), (16, -1), (80, 1), (46, -1), (34, -1), (97, 1), (0, 0),
             (53, 1), (16, 0)]
    for doc, label in steps:
        if label:
            labels[doc] = label
        else:
            labels.pop(doc)
        assert stepwise.update(dict(labels))
    fresh = InterestModel(features)
    fresh.update(dict(labels))
    assert stepwise.labels == fresh.labels
    np.testing.assert_allclose(stepwise.scores(), fresh.scores(), atol=1e-12)
    assert np.array_equal(np.argsort(-stepwise.scores(), kind="stable"),
                          np.argsort(-fresh.scores(), kind="stable"))
    assert not stepwise.update(dict(labels)), "nothing changed, nothing to learn"


def test_a_bulk_change_is_learned_like_single_changes(engine) -> None:
    features = engine.features.get()
    bulk = {d: (1 if d % 3 else -1) for d in range(40)}
    one_by_one = InterestModel(features)
    labels: dict[int, int] = {}
    for doc, label in bulk.items():
        labels[doc] = label
        one_by_one.update(dict(labels))
    at_once = InterestModel(features)
    at_once.update(bulk)  # more than BULK changes: a full fit
    np.testing.assert_allclose(one_by_one.scores(), at_once.scores(), atol=1e-12)


def test_the_reason_names_the_words_that_weigh_most_and_the_closest_starred_paper(engine) -> None:
    model = InterestModel(engine.features.get())
    model.update(likes_retrieval_not_video())
    doc = top_unlabelled(engine, model, 1)[0]
    reason = explain(model, doc, engine.papers[doc])
    assert reason.score == pytest.approx(model.scores()[doc])
    assert "retrieval" in reason.terms or "dense" in reason.terms, reason.terms
    assert reason.closest is not None and reason.closest[0] in RETRIEVAL
    assert f"like “{RETRIEVAL[reason.closest[0]]}”" in reason.text
    assert reason.text.startswith(" · ".join(reason.terms))


def tiny_engine() -> SearchEngine:
    return SearchEngine([
        Paper("a", "Policy gradients for robot control", ("Sergey Levine", "Chelsea Finn"),
              abstract="We train robot policies with reward shaping."),
        Paper("b", "Offline policy learning from demonstrations", ("Sergey Levine",),
              abstract="Offline data teaches a robot a policy."),
        Paper("c", "Protein folding with graph networks", ("Ada Lovelace",),
              abstract="Graph networks predict protein structure."),
        Paper("d", "Sourdough starters and their microbes", ("Jane Baker",),
              abstract="Yeast and bacteria share a jar."),
    ])


def test_the_reason_names_an_author_as_the_paper_writes_the_name() -> None:
    engine = tiny_engine()
    model = InterestModel(engine.features.get())
    model.update({0: 1, 2: -1})
    reason = explain(model, 1, engine.papers[1], limit=5)
    assert "Sergey Levine" in reason.terms
    assert "policy" in reason.terms
    assert "levine" not in reason.terms and "sergey" not in reason.terms
    assert reason.closest == (0, pytest.approx(reason.closest[1])) and reason.closest_title.startswith("Policy")


def test_enumerations_and_numbers_weigh_but_are_not_named() -> None:
    engine = SearchEngine([
        Paper("a", "Sparse coding", abstract="We show (iv) sparse codes in 2 steps."),
        Paper("b", "Sparse coding again", abstract="Also (iv) sparse codes in 2 steps."),
        Paper("c", "Bread", abstract="Flour and water."),
    ])
    model = InterestModel(engine.features.get())
    model.update({0: 1, 2: -1})
    terms = explain(model, 1, engine.papers[1], limit=10).terms
    assert "sparse" in terms and "codes" in terms
    assert "iv" not in terms and "2" not in terms


def test_a_paper_with_nothing_in_common_says_so() -> None:
    engine = tiny_engine()
    model = InterestModel(engine.features.get())
    model.update({0: 1})
    reason = explain(model, 3, engine.papers[3])
    assert reason.terms == () and reason.closest is None
    assert reason.text == "nothing in it matches what you chose yet"


def test_the_reader_session_learns_only_the_changed_keys_and_matches_a_full_relearn(engine) -> None:
    store = engine.store
    session = ForYou(engine)
    assert session.scores() is None and session.why(store[0]) is None and not session.ready
    notes = {store[d].key: Annotation(store[d].key, state="read") for d in RETRIEVAL}
    notes |= {store[d].key: Annotation(store[d].key, state="skipped") for d in VIDEO}
    assert session.learn(notes)
    assert session.counts() == (4, 4) and not session.enough
    changed = {store[53].key: Annotation(store[53].key, starred=True),
               store[46].key: Annotation(store[46].key, state="inbox"),  # back to the inbox
               "arxiv:elsewhere": Annotation("arxiv:elsewhere", starred=True)}
    notes |= changed
    assert session.learn(notes, changed)
    assert session.counts() == (4, 4)
    relearned = ForYou(engine)
    relearned.learn(notes)
    np.testing.assert_allclose(session.scores(), relearned.scores(), atol=1e-12)
    assert not session.learn(notes, [store[5].key]), "an untouched paper changes nothing"
    reason = session.why(store[117])
    assert reason is not None and "retrieval" in reason.text


def test_ten_choices_and_ten_skips_are_enough_for_the_inbox_to_open_for_you(engine) -> None:
    store = engine.store
    session = ForYou(engine)
    notes = {store[d].key: Annotation(store[d].key, starred=True) for d in range(10)}
    notes |= {store[d].key: Annotation(store[d].key, state="skipped") for d in range(10, 19)}
    session.learn(notes)
    assert not session.enough
    notes[store[19].key] = Annotation(store[19].key, state="skipped")
    session.learn(notes, [store[19].key])
    assert session.enough
