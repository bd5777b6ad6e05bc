"""The ranking keys' bit layout is named once (CoarseKey, FullKey): fields do not overlap,
each field's values come back out as they went in, and the full key keeps every rule of
the coarse key, so the order a person sees is the order the rules say."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tui.search.ranking import BitField, CoarseKey, FullKey, full_keys, key_score


def _fields(layout: type) -> dict[str, BitField]:
    return {name: value for name, value in vars(layout).items() if isinstance(value, BitField)}


@pytest.mark.parametrize("layout,bits", [(CoarseKey, 32), (FullKey, 63)])
def test_fields_fit_the_key_and_never_overlap(layout: type, bits: int) -> None:
    used = 0
    for name, field in _fields(layout).items():
        mask = field.top << field.shift
        assert used & mask == 0, f"{layout.__name__}.{name} overlaps another field"
        assert field.shift + field.width <= bits, f"{layout.__name__}.{name} does not fit"
        used |= mask


def test_every_coarse_rule_round_trips_into_the_full_key() -> None:
    rng = np.random.default_rng(7)
    values = {name: rng.integers(0, field.top + 1, 500) for name, field in _fields(CoarseKey).items()}
    coarse = np.zeros(500, dtype=np.uint32)
    for name, field in _fields(CoarseKey).items():
        coarse |= field.put(values[name].astype(np.uint32))
    gaps = rng.integers(0, 80, 500)
    full = full_keys(coarse, gaps)
    for name in _fields(CoarseKey):
        assert np.array_equal(getattr(FullKey, name).get(full), values[name]), name
    assert np.array_equal(FullKey.PROXIMITY.get(full), 63 - np.minimum(gaps, 63))


def test_more_words_matched_always_outranks_every_other_rule() -> None:
    best_rest = CoarseKey.TYPO.put(CoarseKey.TYPO.top) | CoarseKey.FIELD.put(CoarseKey.FIELD.top) \
        | CoarseKey.EXACT.put(CoarseKey.EXACT.top) | CoarseKey.BREVITY.put(CoarseKey.BREVITY.top)
    one_word_perfect = np.array([CoarseKey.MATCHED.put(1) | best_rest], dtype=np.uint32)
    two_words_poor = np.array([CoarseKey.MATCHED.put(2)], dtype=np.uint32)
    assert full_keys(two_words_poor)[0] > full_keys(one_word_perfect, gaps=0)[0]
    # The score a person sees (--json) is the number of words matched plus a fraction.
    assert int(key_score(full_keys(two_words_poor))[0]) == 2


def test_rules_rank_in_the_documented_order() -> None:
    """typos > proximity > field > exactness > optional words > shorter title."""
    order = ["TYPO", "PROXIMITY", "FIELD", "EXACT", "OPTIONAL", "BREVITY"]
    for higher, lower in itertools.pairwise(order):
        assert getattr(FullKey, higher).shift > getattr(FullKey, lower).shift, (higher, lower)
