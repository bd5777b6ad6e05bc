"""The index vocabulary: every distinct normalised word, sorted, with a trigram index.

Word ids are positions in the sorted word list, so all words sharing a prefix form one
contiguous id range (found with two bisections) and the postings of a prefix are a single
slice. Typo candidates come from a trigram index over the vocabulary (numpy arrays):
words sharing enough trigrams with the query word are checked with rapidfuzz's
optimal-string-alignment distance, so a lookup touches a few thousand words, never the
whole vocabulary.
"""

from __future__ import annotations

import bisect

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = ["Vocabulary", "max_typos", "typo_cost"]

_PAD = 1
"""Code point standing for the start or end of a word inside a trigram."""
_TRIGRAM_CHARS = 16
"""Only the first characters of a long word feed its trigrams (typos are checked in full)."""


def max_typos(word: str) -> int:
    """How many typos a query word tolerates: none under 4 letters or for numbers,
    one from 4 letters, two from 8."""
    if len(word) < 4 or word.isdigit():
        return 0
    return 1 if len(word) < 8 else 2


def typo_cost(query_word: str, word: str, limit: int) -> int | None:
    """Typos between a query word and an index word, or None when over ``limit``.

    A transposition counts as one typo; a wrong first letter costs one extra, since people
    rarely get the first letter wrong and such matches are mostly noise."""
    if limit <= 0:
        return 0 if query_word == word else None
    if abs(len(query_word) - len(word)) > limit:
        return None
    penalty = int(query_word[:1] != word[:1])
    if penalty >= limit:
        return 0 if query_word == word else None
    cost = OSA.distance(query_word, word, score_cutoff=limit - penalty) + penalty
    return cost if cost <= limit else None


def _trigram_codes(padded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trigram codes of fixed-width padded words: ``(codes int64, row int64)``."""
    chars = padded.view(np.uint32).reshape(len(padded), -1).astype(np.int64)
    first, second, third = chars[:, :-2], chars[:, 1:-1], chars[:, 2:]
    valid = third != 0
    codes = (first << 42) | (second << 21) | third
    rows = np.broadcast_to(np.arange(len(padded))[:, None], codes.shape)
    return codes[valid], rows[valid]


def _pad(word: str, end: bool = True) -> str:
    head = chr(_PAD) + word[:_TRIGRAM_CHARS]
    return head + chr(_PAD) if end and len(word) <= _TRIGRAM_CHARS else head


class Vocabulary:
    """Sorted distinct words with prefix ranges and typo-tolerant lookup."""

    def __init__(
        self,
        words: list[str],
        trigram_codes: np.ndarray | None = None,
        trigram_offsets: np.ndarray | None = None,
        trigram_words: np.ndarray | None = None,
    ) -> None:
        self.words = words
        """The words, sorted; a word's id is its position here."""
        self._objects = np.array(words, dtype=object)
        # int32: a store may hold a "word" of 50,000 letters (a pasted blob); int16 overflowed.
        self.lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        if trigram_codes is None or trigram_offsets is None or trigram_words is None:
            trigram_codes, trigram_offsets, trigram_words = self._build_trigrams(words)
        self.trigram_codes = trigram_codes
        self.trigram_offsets = trigram_offsets
        self.trigram_words = trigram_words

    def __len__(self) -> int:
        return len(self.words)

    @staticmethod
    def _build_trigrams(words: list[str], block: int = 200_000
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Trigram -> sorted word ids, built in blocks so memory stays small."""
        code_parts, id_parts = [], []
        for start in range(0, len(words), block):
            padded = np.array([_pad(w) for w in words[start:start + block]],
                              dtype=f"U{_TRIGRAM_CHARS + 2}")
            codes, rows = _trigram_codes(padded)
            code_parts.append(codes)
            id_parts.append((rows + start).astype(np.int32))
        codes = np.concatenate(code_parts) if code_parts else np.zeros(0, np.int64)
        ids = np.concatenate(id_parts) if id_parts else np.zeros(0, np.int32)
        del code_parts, id_parts
        order = np.argsort(codes, kind="stable")  # stable: ids stay ascending per trigram
        codes = codes[order]
        ids = ids[order]
        del order
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, np.int64)
        unique_codes = codes[starts]
        offsets = np.append(starts, len(codes)).astype(np.int64)
        return unique_codes, offsets, ids

    def id_of(self, word: str) -> int | None:
        """The id of ``word``, or None when no paper contains it."""
        i = bisect.bisect_left(self.words, word)
        return i if i < len(self.words) and self.words[i] == word else None

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """``(lo, hi)``: ids of every word starting with ``prefix`` (empty when lo == hi)."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)
        return lo, hi

    def typo_candidates(self, word: str, limit: int) -> dict[int, int]:
        """``{id: typos}`` for words within ``limit`` typos of ``word`` (the word itself excluded)."""
        if limit <= 0 or not self.words:
            return {}
        padded = np.array([_pad(word)], dtype=f"U{_TRIGRAM_CHARS + 2}")
        codes = np.unique(_trigram_codes(padded)[0])
        slots = np.searchsorted(self.trigram_codes, codes)
        slots = slots[slots < len(self.trigram_codes)]
        slots = slots[np.isin(self.trigram_codes[slots], codes)]
        if not len(slots):
            return {}
        lists = [self.trigram_words[self.trigram_offsets[s]:self.trigram_offsets[s + 1]] for s in slots]
        shared = np.concatenate(lists)
        # Each typo destroys at most four of the word's trigrams (a transposition).
        need = max(1, len(codes) - 4 * limit)
        if len(shared) * 8 > len(self.words):  # counting beats sorting for long lists
            counts = np.bincount(shared, minlength=len(self.words))
            ids = np.flatnonzero(counts >= need)
        else:
            ids, counts = np.unique(shared, return_counts=True)
            ids = ids[counts >= need]
        lengths = self.lengths[ids]
        ids = ids[(lengths >= len(word) - limit) & (lengths <= len(word) + limit)]
        if not len(ids):
            return {}
        choices = self._objects[ids].tolist()
        costs = process.cdist([word], choices, scorer=OSA.distance, score_cutoff=limit,
                              dtype=np.int32)[0]
        found: dict[int, int] = {}
        for i in np.flatnonzero(costs <= limit).tolist():
            candidate = choices[i]
            cost = int(costs[i]) + (candidate[:1] != word[:1])
            if 0 < cost <= limit:
                found[int(ids[i])] = cost
        return found

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for saving (words as one UTF-8 blob separated by newlines)."""
        blob = "\n".join(self.words).encode("utf-8")
        return {
            "vocab_blob": np.frombuffer(blob, dtype=np.uint8),
            "vocab_trigram_codes": self.trigram_codes,
            "vocab_trigram_offsets": self.trigram_offsets,
            "vocab_trigram_words": self.trigram_words,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "Vocabulary":
        """Rebuild from :meth:`to_arrays` output (arrays may be memory-mapped)."""
        blob = np.asarray(arrays["vocab_blob"]).tobytes().decode("utf-8")
        words = blob.split("\n") if blob else []
        return cls(words, arrays["vocab_trigram_codes"], arrays["vocab_trigram_offsets"],
                   arrays["vocab_trigram_words"])
