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

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from tui.search.segments import AnyIndex
from tui.search.matching import WordCandidates, code_exact, code_field, code_typos

__all__ = ["BitField", "CoarseKey", "FullKey", "full_keys", "Candidates", "Brevity", "Tail", "select",
           "refine", "key_score", "FILL", "HEAD", "MAX_WORDS"]

FILL = 50
"""When fewer papers match every word, papers matching fewer words fill the list up to this."""
HEAD = 200
"""How many of the best candidates get the full ranking (proximity, exact phrase)."""
MAX_WORDS = 15
"""Words that count towards ranking (the 4-bit fields of the key)."""

_MAX_GAP = 7
_TITLE_WORDS = 64
"""Title words looked at for proximity."""


@dataclass(frozen=True, slots=True)
class BitField:
    """One ranking rule's place in a key: ``width`` bits from bit ``shift`` up."""

    shift: int
    width: int

    @property
    def top(self) -> int:
        """The largest value the field holds."""
        return (1 << self.width) - 1

    def put(self, values: Any) -> Any:
        """``values`` (ints or arrays, at most :attr:`top`) moved to their place."""
        return values << self.shift

    def get(self, keys: Any) -> Any:
        """The field's values in ``keys``."""
        return (keys >> self.shift) & self.top


class CoarseKey:
    """The coarse key's layout (uint32): every rule but proximity, for every candidate."""

    MATCHED = BitField(28, 4)
    TYPO = BitField(22, 6)
    FIELD = BitField(16, 6)
    EXACT = BitField(12, 4)
    OPTIONAL = BitField(8, 4)
    BREVITY = BitField(4, 4)


class FullKey:
    """The full key's layout (int64): proximity added, for the head only."""

    MATCHED = BitField(31, 4)
    TYPO = BitField(25, 6)
    PROXIMITY = BitField(19, 6)
    FIELD = BitField(13, 6)
    EXACT = BitField(8, 5)
    OPTIONAL = BitField(4, 4)
    BREVITY = BitField(0, 4)


_ALL_CODES = np.arange(256, dtype=np.uint32)
_WORD_KEY = np.where(
    _ALL_CODES > 0,
    CoarseKey.MATCHED.put(1) | CoarseKey.TYPO.put(3 - code_typos(_ALL_CODES))
    | CoarseKey.FIELD.put(code_field(_ALL_CODES)) | CoarseKey.EXACT.put(code_exact(_ALL_CODES)),
    0,
).astype(np.uint32)
"""Match code -> one word's share of the coarse key; summing over words adds up the
matched count, typo score, field and exact fields without overflow (at most 15 words)."""


@dataclass(slots=True)
class Candidates:
    """Papers that matched enough words, with their coarse ranking keys.

    For a huge result (one common word) only a pool that surely holds the best papers is
    keyed; ``rest`` makes the others when someone scrolls that far."""

    docs: np.ndarray
    keys: np.ndarray
    matched_all: int
    """How many of them matched every required word."""
    total: int
    rest: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None


@dataclass(frozen=True, slots=True)
class Brevity:
    """Per paper: 15 - title length in words (ties go to shorter titles), two ways."""

    small: np.ndarray
    """uint16, 0..15."""
    keyed: np.ndarray
    """uint32, already at its place in the coarse key."""

    @classmethod
    def of(cls, index: AnyIndex) -> "Brevity":
        small = (15 - np.minimum(index.title_lengths(), 15)).astype(np.uint16)
        return cls(small, CoarseKey.BREVITY.put(small.astype(np.uint32)))


LAZY = 20_000
"""Results larger than this (one common word) key only the pool holding the head."""


def full_keys(coarse: np.ndarray, gaps: np.ndarray | int = 63, bonus: np.ndarray | int = 0) -> np.ndarray:
    """Full int64 keys from coarse keys plus proximity gaps and an exact-phrase bonus."""
    coarse = coarse.astype(np.int64)
    proximity = FullKey.PROXIMITY.top - np.minimum(gaps, FullKey.PROXIMITY.top)
    exact = np.minimum(CoarseKey.EXACT.get(coarse) + bonus, FullKey.EXACT.top)
    keys: np.ndarray = (
        FullKey.MATCHED.put(CoarseKey.MATCHED.get(coarse)) | FullKey.TYPO.put(CoarseKey.TYPO.get(coarse))
        | FullKey.PROXIMITY.put(proximity) | FullKey.FIELD.put(CoarseKey.FIELD.get(coarse))
        | FullKey.EXACT.put(exact) | FullKey.OPTIONAL.put(CoarseKey.OPTIONAL.get(coarse))
        | FullKey.BREVITY.put(CoarseKey.BREVITY.get(coarse)))
    return keys


def key_score(keys: np.ndarray) -> np.ndarray:
    """A float per full key, monotone with the ranking: words matched plus a fraction."""
    return keys.astype(np.float64) / float(1 << FullKey.MATCHED.shift)


def select(
    index: AnyIndex,
    required: list[np.ndarray],
    optional: list[np.ndarray],
    allowed: np.ndarray | None,
    brevity: Brevity,
    base: tuple[np.ndarray, np.ndarray] | None = None,
) -> Candidates:
    """Papers matching every required word (or, when those are few, the most words),
    within ``allowed``, with coarse keys. ``base`` is, for all required words but the
    last, how many each paper matched and the papers (allowed) matching all of them."""
    if base is not None and len(required) <= MAX_WORDS:
        others, last = base[1], required[-1]
        docs = others[last[others] > 0]
        if len(docs) >= FILL:  # enough papers match every word: narrow, never scan
            return _keyed(docs, required, optional, brevity, len(docs))
    required, optional = required[:MAX_WORDS], optional + required[MAX_WORDS:]
    if len(required) == 1 and not optional:
        codes = required[0] if allowed is None else np.where(allowed, required[0], 0).astype(np.uint8)
        total = int(np.count_nonzero(codes))
        if total > LAZY:
            return _one_common_word(codes, total, brevity)
    if len(required) == 1:
        matched = required[0] > 0
        if allowed is not None:
            matched &= allowed
        tiers = [np.flatnonzero(matched)]
    else:
        if base is not None:
            matched = base[0] + (required[-1] > 0)
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
    return _keyed(docs, required, optional, brevity, len(tiers[0]))


def _keyed(docs: np.ndarray, required: list[np.ndarray], optional: list[np.ndarray],
           brevity: Brevity, matched_all: int) -> Candidates:
    """Candidates ``docs`` with their coarse keys."""
    keys = brevity.keyed[docs]
    for codes in required:
        keys += _WORD_KEY[codes[docs]]
    if optional:
        bonus = np.zeros(len(docs), dtype=np.uint32)
        for codes in optional[:MAX_WORDS]:
            bonus += codes[docs] > 0
        keys |= CoarseKey.OPTIONAL.put(bonus)
    return Candidates(docs, keys, matched_all, len(docs))


def _one_common_word(codes: np.ndarray, total: int, brevity: Brevity) -> Candidates:
    """Candidates of a one-word query matching many papers: a histogram of (match code,
    brevity) finds the few hundred best without keying every match."""
    combined = (codes.astype(np.uint16) << 4) | brevity.small
    combined *= codes > 0
    below = np.bincount(combined, minlength=1 << 12)[::-1].cumsum()
    cut = max(1, (1 << 12) - 1 - int(np.searchsorted(below, HEAD)))
    pool = np.flatnonzero(combined >= cut)

    def rest() -> tuple[np.ndarray, np.ndarray]:
        others = (combined > 0) & (combined < cut)
        docs = np.flatnonzero(others)
        return docs, _WORD_KEY[codes[docs]] + brevity.keyed[docs]

    return Candidates(pool, _WORD_KEY[codes[pool]] + brevity.keyed[pool], total, total, rest)


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


def _title_hits(index: AnyIndex, docs: np.ndarray, words: Sequence[Sequence[WordCandidates]]
                ) -> Iterator[tuple[int, list[list[int]]]]:
    """Each title's word positions per query word, for the given papers (``words``: each
    query word's candidates in every segment)."""
    # A title is a few dozen words; a pathological one must not make proximity quadratic.
    lengths = np.minimum(index.title_lengths()[docs], _TITLE_WORDS)
    bounds = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    found = [np.zeros(int(bounds[-1]), dtype=bool) for _ in words]
    segments = index.segments
    which = (np.searchsorted([s.start for s in segments], docs, side="right") - 1
             if len(segments) > 1 else np.zeros(len(docs), dtype=np.int64))
    for number in np.unique(which).tolist():
        segment, mine = segments[number], np.flatnonzero(which == number)
        offsets = segment.index.title_offsets
        starts = offsets[docs[mine] - segment.start]
        local = np.zeros(len(mine) + 1, dtype=np.int64)
        np.cumsum(lengths[mine], out=local[1:])
        where = np.repeat(bounds[mine] - local[:-1], lengths[mine]) + np.arange(local[-1])
        tokens = segment.index.title_tokens[np.repeat(starts - bounds[mine], lengths[mine]) + where]
        for hits, cands in zip(found, words):
            hits[where] = cands[number].member(tokens)
    found_at = [np.flatnonzero(hits) for hits in found]
    # Where each title's positions start in each word's hit list.
    cuts: list[list[int]] = [np.searchsorted(at, bounds).tolist() for at in found_at]
    hits_at: list[list[int]] = [at.tolist() for at in found_at]
    edges: list[int] = bounds.tolist()
    for i in range(len(docs)):
        lo = edges[i]
        yield edges[i + 1] - lo, [[p - lo for p in at[cut[i]:cut[i + 1]]]
                                  for at, cut in zip(hits_at, cuts)]


def refine(
    index: AnyIndex, words: Sequence[Sequence[WordCandidates]], cands: Candidates, limit: int = HEAD
) -> tuple[np.ndarray, np.ndarray, "Tail"]:
    """Order the best ``limit`` candidates by every rule: ``(head docs, head full keys,
    tail)``, the head fully ordered, the tail unordered (see :class:`Tail`)."""
    docs, keys = cands.docs, cands.keys
    head = top_positions(keys, limit)
    rest = np.ones(len(docs), dtype=bool)
    rest[head] = False
    tail = np.flatnonzero(rest)
    head_docs = docs[head]
    gaps = np.full(len(head_docs), 63, dtype=np.int64)
    bonus = np.zeros(len(head_docs), dtype=np.int64)
    if len(words) > 1 or any(w[0].open for w in words if w):
        for i, (length, positions) in enumerate(_title_hits(index, head_docs, words)):
            gaps[i], run = _proximity(positions)
            if run and all(positions):
                bonus[i] = 2 if min(positions[0]) == 0 and length == len(words) else 1
    head_keys = full_keys(keys[head], gaps, bonus)
    order = np.lexsort((head_docs, -head_keys))
    tail_size = cands.total - len(head)
    return head_docs[order], head_keys[order], Tail(docs[tail], keys[tail], cands.rest, tail_size)


class Tail:
    """The candidates after the head: made, keyed and sorted only when first needed."""

    def __init__(self, docs: np.ndarray, keys: np.ndarray,
                 rest: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
                 size: int | None = None) -> None:
        self.size = len(docs) if size is None else size
        self._parts: tuple[np.ndarray, np.ndarray, Callable[[], tuple[np.ndarray, np.ndarray]] | None] | None = \
            (docs, keys, rest)
        self._docs: np.ndarray = docs
        self._keys: np.ndarray = keys
        self._order: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.size

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(docs, coarse keys)``, unordered."""
        with self._lock:
            if self._parts is not None:
                docs, keys, rest = self._parts
                if rest is not None:
                    more_docs, more_keys = rest()
                    docs, keys = np.concatenate([docs, more_docs]), np.concatenate([keys, more_keys])
                self._docs, self._keys, self._parts = docs, keys, None
            return self._docs, self._keys

    def ordered(self) -> tuple[np.ndarray, np.ndarray]:
        """``(docs, scores)`` in ranking order (ties in store order)."""
        docs, keys = self.arrays()
        with self._lock:
            if self._order is None:
                wide = keys.astype(np.int64)
                order = np.lexsort((docs, -wide))
                self._order = (docs[order], key_score(full_keys(wide[order])))
            return self._order
