"""Ranking rules, Meilisearch style: papers are ordered by how many query words they
match, then typos, proximity, field (title > authors > abstract) and exactness, with
optional words (stop words) and a shorter title breaking ties.

Every rule is a bit field of one integer key, so ordering is a numpy partition. The
coarse key (uint32, for every candidate) has all rules but proximity::

    matched(4) | typo score(6) | field(6) | exact(4) | optional(4) | brevity(4) | 0(4)

where typo score sums ``3 - typos`` over matched words. Proximity needs word positions,
which only titles keep, so it is computed for the few hundred best candidates only
(:func:`refine`) and goes into the full key (int64)::

    matched(4) | typo score(6) | 63 - proximity(6) | field(6) | exact(5) | optional(4) | brevity(4)

Candidates outside the head count as proximity 63 (worst), which can only rank them lower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui.search.index import SearchIndex
from tui.search.matching import WordCandidates, code_exact, code_field, code_typos

__all__ = ["Candidates", "select", "refine", "key_score", "order_tail", "FILL", "HEAD"]

FILL = 50
"""When fewer papers match every word, papers matching fewer words fill the list up to this."""
HEAD = 200
"""How many of the best candidates get the full ranking (proximity, exact phrase)."""
MAX_WORDS = 15
"""Words that count towards ranking (the 4-bit fields of the key)."""

_MAX_GAP = 7
_FULL_SHIFT = 31

_ALL_CODES = np.arange(256, dtype=np.uint32)
_WORD_KEY = np.where(
    _ALL_CODES > 0,
    (1 << 28) | ((3 - code_typos(_ALL_CODES)) << 22) | (code_field(_ALL_CODES) << 16)
    | (code_exact(_ALL_CODES) << 12),
    0,
).astype(np.uint32)
"""Match code -> one word's share of the coarse key; summing over words adds up the
matched count, typo score, field and exact fields without overflow (at most 15 words)."""


@dataclass(slots=True)
class Candidates:
    """Papers that matched enough words, with their coarse ranking keys."""

    docs: np.ndarray
    keys: np.ndarray
    matched_all: int
    """How many of them matched every required word."""


def full_keys(coarse: np.ndarray, gaps: np.ndarray | int = 63, bonus: np.ndarray | int = 0) -> np.ndarray:
    """Full int64 keys from coarse keys plus proximity gaps and an exact-phrase bonus."""
    coarse = coarse.astype(np.int64)
    typo = (coarse >> 22) & 63
    field = (coarse >> 16) & 63
    exact = np.minimum(((coarse >> 12) & 15) + bonus, 31)
    return ((coarse >> 28) << 31) | (typo << 25) | ((63 - np.minimum(gaps, 63)) << 19) \
        | (field << 13) | (exact << 8) | ((coarse >> 4) & 0xFF)


def key_score(keys: np.ndarray) -> np.ndarray:
    """A float per full key, monotone with the ranking: words matched plus a fraction."""
    return keys.astype(np.float64) / float(1 << _FULL_SHIFT)


def select(
    index: SearchIndex,
    required: list[np.ndarray],
    optional: list[np.ndarray],
    allowed: np.ndarray | None,
    brevity: np.ndarray,
) -> Candidates:
    """Papers matching every required word (or, when those are few, the most words),
    within ``allowed``, with coarse keys. ``brevity`` is the coarse key's brevity field
    per paper (uint32, ``(15 - title length) << 4``)."""
    required, optional = required[:MAX_WORDS], optional + required[MAX_WORDS:]
    if len(required) == 1:
        matched = required[0] > 0
        if allowed is not None:
            matched &= allowed
        tiers = [np.flatnonzero(matched)]
    else:
        matched = np.zeros(index.n_docs, dtype=np.uint8)
        for codes in required:
            matched += codes > 0
        tiers, total = [], 0
        for level in range(len(required), 0, -1):
            tier = matched == level
            if allowed is not None:
                tier &= allowed
            tiers.append(np.flatnonzero(tier))
            total += len(tiers[-1])
            if total >= FILL:
                break
    docs = np.concatenate(tiers) if len(tiers) > 1 else tiers[0]
    keys = brevity[docs]
    for codes in required:
        keys += _WORD_KEY[codes[docs]]
    if optional:
        bonus = np.zeros(len(docs), dtype=np.uint32)
        for codes in optional[:MAX_WORDS]:
            bonus += codes[docs] > 0
        keys |= bonus << 8
    return Candidates(docs, keys, len(tiers[0]))


def _proximity(positions: list[list[int]]) -> tuple[int, bool]:
    """Sum of gaps between consecutive query words in a title (a word before the previous
    one costs one more; a missing word costs the most), and whether they form a run."""
    total = 0
    run = True
    for left, right in zip(positions, positions[1:]):
        if not left or not right:
            total += _MAX_GAP
            run = False
            continue
        best = _MAX_GAP
        for a in left:
            for b in right:
                gap = b - a if b > a else a - b + 1
                best = min(best, gap)
        total += best
        run = run and best == 1
    return total, run


def top_positions(keys: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest keys (ties: earliest first). A value partition
    finds the cut-off key, then two comparisons pick the positions: about half the
    cost of ``argpartition``."""
    size = len(keys)
    if size <= count:
        return np.arange(size)
    cut = np.partition(keys, size - count)[size - count]
    above = np.flatnonzero(keys > cut)
    equal = np.flatnonzero(keys == cut)[: count - len(above)]
    return np.concatenate([above, equal])


def _title_hits(index: SearchIndex, docs: np.ndarray, words: list[WordCandidates]):
    """Each title's word positions per query word, for the given papers."""
    starts = index.title_offsets[docs]
    lengths = index.title_offsets[docs + 1] - starts
    bounds = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    tokens = index.title_tokens[np.repeat(starts - bounds[:-1], lengths) + np.arange(bounds[-1])]
    hits = [np.flatnonzero(w.member(tokens)).tolist() for w in words]
    bounds = bounds.tolist()
    for i in range(len(docs)):
        lo, hi = bounds[i], bounds[i + 1]
        yield hi - lo, [[p - lo for p in found if lo <= p < hi] for found in hits]


def refine(
    index: SearchIndex, words: list[WordCandidates], cands: Candidates, limit: int = HEAD
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Order the best ``limit`` candidates by every rule.

    Returns ``(head_docs, head_keys, tail_docs, tail_keys)``: the head fully ordered with
    full keys, the tail unordered with coarse keys (see :func:`order_tail`)."""
    docs, keys = cands.docs, cands.keys
    head = top_positions(keys, limit)
    rest = np.ones(len(docs), dtype=bool)
    rest[head] = False
    tail = np.flatnonzero(rest)
    head_docs = docs[head]
    gaps = np.full(len(head_docs), 63, dtype=np.int64)
    bonus = np.zeros(len(head_docs), dtype=np.int64)
    if len(words) > 1 or any(w.open for w in words):
        for i, (length, positions) in enumerate(_title_hits(index, head_docs, words)):
            gaps[i], run = _proximity(positions)
            if run and all(positions):
                bonus[i] = 2 if min(positions[0]) == 0 and length == len(words) else 1
    head_keys = full_keys(keys[head], gaps, bonus)
    order = np.lexsort((head_docs, -head_keys))
    return head_docs[order], head_keys[order], docs[tail], keys[tail]


def order_tail(tail_docs: np.ndarray, tail_keys: np.ndarray) -> np.ndarray:
    """The tail (coarse keys) ordered by key, ties in store order."""
    return tail_docs[np.lexsort((tail_docs, -tail_keys.astype(np.int64)))]


def tail_scores(tail_docs: np.ndarray, tail_keys: np.ndarray) -> np.ndarray:
    """Scores of the tail in :func:`order_tail` order."""
    keys = tail_keys.astype(np.int64)
    return key_score(full_keys(keys[np.lexsort((tail_docs, -keys))]))
