"""A synthetic arXiv-shaped paper store for benchmarks, learnt from the bundled sample.

Titles and abstracts are walks of a word-bigram model of the sample listing (so word
frequencies and co-occurrences look like real paper text); about a third of titles start
with a made-up model name ("SimGen: ...") so the vocabulary keeps growing with the store
the way real stores do; authors come from a list of names; years lean recent.
Records use the arXiv metadata snapshot schema, one JSON object per line.

    write_jsonl(path, 100_000, seed=1)     # reusable by any benchmark
    papers = JsonlPapers(path)             # a lazy Sequence[Paper] over that file
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from tui.model import Paper, stable_key

__all__ = ["generate_records", "write_jsonl", "JsonlPapers", "record_to_paper"]

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample.txt"

GIVEN = (
    "Aarav Ada Ahmed Aiko Alan Alejandro Alice Amara Ana Andrei Anna Arjun Ayesha Beatriz "
    "Ben Bo Carlos Chen Chiara Chloe Daniel Daria David Dmitri Elena Elif Emma Erik Fatima "
    "Felix Finn Gabriel Grace Hana Hannah Hao Hiroshi Ibrahim Ines Isabel Ivan Jakob James "
    "Jia Jin Joao Jonas Julia Kai Kamal Karin Kenji Laura Lea Lei Leon Li Lin Lucas Luis "
    "Maria Marta Mateo Mei Mia Min Mohammed Nadia Naoki Nina Noah Olga Omar Pablo Paul Pedro "
    "Priya Qing Rahul Ravi Rosa Ruth Sara Sebastian Shreya Sofia Sven Takumi Tao Thomas Tomas "
    "Valentina Victor Wei Xin Yan Yara Yuki Yusuf Zara Zhen Zoe"
).split()
FAMILY = (
    "Abe Adams Agarwal Ahmadi Alvarez Andersen Bauer Becker Bianchi Brown Castro Chen Cheng "
    "Costa Cruz Dang Das Dubois Eriksson Fernandez Fischer Fujita Garcia Gomez Gupta Haddad "
    "Hansen Hoffmann Hu Huang Ibrahim Ito Iyer Jansen Jensen Jones Kato Khan Kim Kowalski "
    "Kumar Larsen Lee Li Lin Liu Lopez Ma Martin Meyer Miller Moreau Muller Nakamura Nguyen "
    "Nielsen Novak Okafor Olsen Park Patel Petrov Popescu Qureshi Rahman Rao Reddy Rossi Roy "
    "Sato Schmidt Schneider Sharma Silva Singh Smith Sokolov Suzuki Takahashi Tanaka Tran "
    "Varga Volkov Wagner Wang Weber Wu Xu Yamamoto Yang Yilmaz Yu Zhang Zhao Zhou Zhu"
).split()
CATEGORIES = (
    "cs.CL cs.LG cs.CV cs.AI cs.IR cs.NE cs.RO cs.CR cs.DB cs.DS cs.HC cs.SE cs.SD stat.ML "
    "stat.ME eess.AS eess.IV eess.SP math.OC math.ST physics.comp-ph q-bio.NC q-bio.QM "
    "astro-ph.IM cond-mat.dis-nn quant-ph econ.EM"
).split()
_WORD = re.compile(r"[^\W_][\w'-]*[^\W_]|[^\W_]")


@lru_cache(maxsize=1)
def _model() -> dict[str, Any]:
    """Word bigram model of the sample's titles and abstracts (CSR over successors)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    titles = [_WORD.findall(t) for t in lines[0::2]]
    abstracts = [_WORD.findall(a) for a in lines[1::2]]
    words = sorted({w for seq in titles + abstracts for w in seq})
    ids = {w: i for i, w in enumerate(words)}

    def chain(seqs: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pairs = sorted((ids[a], ids[b]) for seq in seqs for a, b in zip(seq, seq[1:]))
        left = np.array([a for a, _ in pairs], dtype=np.int64)
        right = np.array([b for _, b in pairs], dtype=np.int32)
        offsets = np.searchsorted(left, np.arange(len(words) + 1))
        starts = np.array([ids[s[0]] for s in seqs if s], dtype=np.int32)
        return offsets, right, starts

    return {"words": np.array(words, dtype=object), "title": chain(titles),
            "abstract": chain(abstracts), "plain": [w.lower() for w in words if w.isalpha() and len(w) > 3]}


def _walks(rng: np.random.Generator, kind: str, lengths: np.ndarray) -> list[list[int]]:
    """One bigram walk per requested length, all advanced together with numpy."""
    offsets, successors, starts = _model()[kind]
    count = len(lengths)
    state = starts[rng.integers(0, len(starts), count)]
    steps = [state]
    for _ in range(int(lengths.max()) - 1):
        lo, hi = offsets[state], offsets[state + 1]
        dead = hi <= lo  # a word only seen at the end: jump to a fresh start
        pick = lo + (rng.random(count) * np.maximum(hi - lo, 1)).astype(np.int64)
        state = np.where(dead, starts[rng.integers(0, len(starts), count)],
                         successors[np.minimum(pick, len(successors) - 1)])
        steps.append(state)
    matrix = np.stack(steps, axis=1)
    return [row[:n].tolist() for row, n in zip(matrix, lengths.tolist())]


def _name(rng: np.random.Generator, plain: list[str]) -> str:
    """A made-up model name such as "SimGen" or "RetroNet2"."""
    a, b = plain[rng.integers(len(plain))], plain[rng.integers(len(plain))]
    name = a[: rng.integers(3, 6)].capitalize() + b[: rng.integers(2, 5)].capitalize()
    return name + (str(rng.integers(2, 10)) if rng.random() < 0.2 else "")


def generate_records(n: int, seed: int = 1, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Yield ``n`` arXiv-snapshot-shaped records, the same ones for the same seed."""
    rng = np.random.default_rng(seed)
    model = _model()
    words, plain = model["words"], model["plain"]
    serial = 0
    for start in range(0, n, batch):
        size = min(batch, n - start)
        titles = _walks(rng, "title", rng.integers(4, 13, size))
        abstracts = _walks(rng, "abstract", rng.integers(40, 121, size))
        for title_ids, abstract_ids in zip(titles, abstracts):
            serial += 1
            year = int(min(2025, 1995 + 31 * rng.random() ** 0.5))
            month = int(rng.integers(1, 13))
            title = " ".join(words[title_ids])
            abstract = " ".join(words[abstract_ids])
            if rng.random() < 0.33:
                name = _name(rng, plain)
                title = f"{name}: {title}"
                abstract = f"We present {name}. {abstract}"
            people = [(GIVEN[rng.integers(len(GIVEN))], FAMILY[rng.integers(len(FAMILY))])
                      for _ in range(int(rng.integers(1, 7)))]
            names = [f"{g} {f}" for g, f in people]
            authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            cats = rng.choice(len(CATEGORIES), int(rng.integers(1, 4)), replace=False)
            yield {
                "id": f"{year % 100:02d}{month:02d}.{serial % 100000:05d}",
                "submitter": names[0], "authors": authors, "title": title,
                "comments": None, "journal-ref": None, "doi": None, "report-no": None,
                "categories": " ".join(CATEGORIES[c] for c in sorted(cats.tolist())),
                "license": None, "abstract": abstract,
                "versions": [{"version": "v1", "created": f"{year}-{month:02d}-01"}],
                "update_date": f"{year}-{month:02d}-{int(rng.integers(1, 29)):02d}",
                "authors_parsed": [[f, g, ""] for g, f in people],
            }


def write_jsonl(path: Path | str, n: int, seed: int = 1) -> Path:
    """Write ``n`` synthetic records to ``path`` (JSON Lines) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for record in generate_records(n, seed):
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
    partial.replace(path)
    return path


def record_to_paper(record: dict[str, Any]) -> Paper:
    """The Paper for one arXiv-snapshot record (enough for benchmarks)."""
    parsed = record.get("authors_parsed") or []
    authors = tuple(f"{given} {family}".strip() for family, given, *_ in parsed)
    date = record.get("update_date") or ""
    return Paper(
        key=stable_key(title=record["title"], arxiv=record.get("id", "")),
        title=record["title"], authors=authors, year=int(date[:4]) if date[:4].isdigit() else None,
        abstract=record.get("abstract", ""), arxiv=record.get("id", ""),
        categories=tuple((record.get("categories") or "").split()), date=date,
    )


class JsonlPapers(Sequence[Paper]):
    """Papers of a JSON Lines file read on demand: only line offsets stay in memory."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        offsets = [0]
        with self.path.open("rb") as handle:
            for line in handle:
                offsets.append(offsets[-1] + len(line))
        self._offsets = np.array(offsets, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: Any) -> Any:  # one paper, or a list for a slice
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        with self.path.open("rb") as handle:
            handle.seek(int(self._offsets[i]))
            return record_to_paper(json.loads(handle.readline()))

    def __iter__(self) -> Iterator[Paper]:
        with self.path.open("rb") as handle:
            for line in handle:
                yield record_to_paper(json.loads(line))
