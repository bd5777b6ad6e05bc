"""The rules by which an annotation finds its paper again (see :mod:`tui.follow`): one
walk of the store collects the candidates of every lost annotation, and the first rule
that finds any decides. Each rule also says when two records are *not* one paper (years
far apart, another first author, another citekey, a title that only shares some words),
because a wrong move is worse than an orphan. Nothing here imports textual or rich.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tui.model import Annotation, Paper, family_name, normalise_title
from tui.store.base import PaperStore

__all__ = ["Wanted", "candidates", "citekeys_contradict", "file_exists", "legacy_title_key", "real_path",
           "same_file", "titles_contradict", "walk"]


_LEGACY_TITLE_KEY = re.compile(r"title:[0-9a-f]{12}")
_SAME_TITLE = 70
"""Below this token-set likeness (0-100) two titles are two papers', whatever their citekey."""


def legacy_title_key(title: str) -> str:
    """The key papertray gave a paper without arXiv id or DOI before keys told same-titled
    papers apart: ``title:`` and 12 hex digits of the normalised title's SHA-1."""
    return "title:" + hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]


@dataclass
class Wanted:
    """What the lost annotations look for, so one walk of the store finds every candidate."""

    arxiv: dict[str, list[int]] = field(default_factory=dict)
    doi: dict[str, list[int]] = field(default_factory=dict)
    citekey: dict[str, list[int]] = field(default_factory=dict)
    legacy: dict[str, list[int]] = field(default_factory=dict)
    family: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    title: dict[str, list[int]] = field(default_factory=dict)


def _ids(annotation: Annotation) -> tuple[str, str]:
    """The arXiv id and DOI an annotation knows, from its fingerprint or its own key."""
    scheme, _, value = annotation.key.partition(":")
    arxiv = annotation.arxiv or (value if scheme == "arxiv" else "")
    doi = annotation.doi or (value if scheme == "doi" else "")
    return arxiv, doi.lower()


def walk(papers: Iterable[Paper], lost: Sequence[Annotation]) -> Wanted:
    wanted = Wanted()
    for annotation in lost:
        arxiv, doi = _ids(annotation)
        if arxiv:
            wanted.arxiv.setdefault(arxiv, [])
        if doi:
            wanted.doi.setdefault(doi, [])
        if annotation.citekey:
            wanted.citekey.setdefault(annotation.citekey, [])
        if _LEGACY_TITLE_KEY.fullmatch(annotation.key):
            wanted.legacy.setdefault(annotation.key, [])
        if annotation.title and annotation.author:
            wanted.family.setdefault(family_name(annotation.author), [])
        elif annotation.title:
            wanted.title.setdefault(normalise_title(annotation.title), [])
    if not any(vars(wanted).values()):
        return wanted
    for position, paper in enumerate(papers):
        if paper.arxiv in wanted.arxiv:
            wanted.arxiv[paper.arxiv].append(position)
        if paper.doi and paper.doi.lower() in wanted.doi:
            wanted.doi[paper.doi.lower()].append(position)
        if paper.citekey in wanted.citekey:
            wanted.citekey[paper.citekey].append(position)
        if wanted.legacy and paper.title and (old := legacy_title_key(paper.title)) in wanted.legacy:
            wanted.legacy[old].append(position)
        if paper.authors and (family := family_name(paper.authors[0])) in wanted.family:
            wanted.family[family].append((position, normalise_title(paper.title)))
        if wanted.title and paper.title and (title := normalise_title(paper.title)) in wanted.title:
            wanted.title[title].append(position)
    return wanted


def same_file(store: PaperStore, position: int, source: str, *, by_name: bool = False) -> bool:
    """True when paper ``position`` was read from the file ``source`` (``by_name``: from a
    file of that name, for an annotation whose file is no longer where it was)."""
    path, _, line = store[position].source.rpartition(":")
    where = path if line.isdigit() else store[position].source
    if by_name:
        return os.path.basename(where) == os.path.basename(source)
    return real_path(where) == real_path(source)


@functools.lru_cache(maxsize=4096)
def file_exists(path: str) -> bool:
    """Whether ``path`` exists (remembered for one plan: cleared with :func:`real_path`)."""
    return os.path.exists(path)


@functools.lru_cache(maxsize=4096)
def real_path(path: str) -> str:
    # Remembered for one plan (cleared as it starts): a year of annotations names a
    # handful of files, and resolving each annotation's path again cost seconds.
    return os.path.realpath(os.path.abspath(path))


def candidates(store: PaperStore, annotation: Annotation, wanted: Wanted,
                annotated: Mapping[str, Annotation], *, ids: bool = True,
                roaming: bool = False, citekey_only: bool = False) -> tuple[list[int], str]:
    """The papers the first rule that finds any finds, and how it found them.

    An id (arXiv, DOI) is the paper. A citekey is only the same paper when its year and
    first author do not say otherwise (a .bib may reuse a key for another paper). A title
    is weaker still: it never finds a paper years away, nor (but for the exact title an
    earlier version's key was made of) one with annotations of its own: volume II is not
    volume I renamed."""
    arxiv, doi = _ids(annotation) if ids else ("", "")
    if arxiv and wanted.arxiv.get(arxiv):
        return wanted.arxiv[arxiv], f"same arXiv id {arxiv}"
    if doi and wanted.doi.get(doi):
        return wanted.doi[doi], f"same DOI {doi}"
    if annotation.citekey and wanted.citekey.get(annotation.citekey):
        # A paper with annotations of its own is another paper here too (an entry deleted
        # and its citekey given to the next one never lands on that one's star and note),
        # unless its title is this one's with a typo fixed: then both are its annotations.
        found = [p for p in wanted.citekey[annotation.citekey]
                 if (not annotation.source or same_file(store, p, annotation.source, by_name=roaming))
                 and not _years_contradict(annotation.year, store[p].year)
                 and not _authors_contradict(annotation.author, store[p])
                 and not titles_contradict(annotation.title, store[p].title)
                 and (not _has_its_own(annotated, store[p].key)
                      or _typo_apart(annotation.title, store[p].title))]
        if found:
            return found, f"same citekey {annotation.citekey}"
    if citekey_only:  # its own entry only: its citekey, or (RIS, JSON) its very title, in its file
        if annotation.citekey:
            return [], ""
        title = normalise_title(annotation.title)
        pool = ([p for p, other in wanted.family.get(family_name(annotation.author), ()) if other == title]
                if annotation.author else wanted.title.get(title, []))
        return [p for p in pool if (not annotation.source or same_file(store, p, annotation.source))
                and not _has_its_own(annotated, store[p].key)], "same title in the same file"
    def same_time(found: list[int]) -> list[int]:
        return [p for p in found if not _years_contradict(annotation.year, store[p].year)]

    def unclaimed(found: list[int]) -> list[int]:
        return [p for p in same_time(found) if not _has_its_own(annotated, store[p].key)]

    if wanted.legacy.get(annotation.key):  # a key an earlier version made of this very title
        return same_time(wanted.legacy[annotation.key]), "same title"
    title = normalise_title(annotation.title)
    if annotation.title and annotation.author:
        found = [p for p, other in wanted.family.get(family_name(annotation.author), ())
                 if _typo_apart(title, other)
                 # Another entry of the same file, not this one with a typo fixed (a
                 # deleted "Unsupervised…" is not its sibling "Supervised…"):
                 and not citekeys_contradict(annotation, store[p])]
        return unclaimed(found), "same first author, title within a few letters"
    if annotation.title:
        return unclaimed(wanted.title.get(title, [])), "same title"
    return [], ""


_NUMBER = re.compile(r"\b(?:\d+|[ivx]{1,4})\b")
"""A number in a normalised title: digits, or a roman numeral up to VIII / XIII."""


def _typo_apart(one: str, other: str) -> bool:
    """True when two titles are a few typos apart ("a few": more in a longer title) with
    the same numbers (volume 1 is not volume 2)."""
    one, other = normalise_title(one), normalise_title(other)
    limit = max(2, min(6, len(one) // 10))
    return (Levenshtein.distance(one, other, score_cutoff=limit) <= limit
            and _numbers(one) == _numbers(other))


def _numbers(title: str) -> list[str]:
    """The numbers of a normalised title, in order: titles a few letters apart whose
    numbers differ name different papers (volume 1 and 2, part II and III, GPT-2 and 3),
    not one paper with a typo fixed."""
    return _NUMBER.findall(title)


def _has_its_own(annotated: Mapping[str, Annotation], key: str) -> bool:
    """True when the paper ``key`` already has annotations of its own."""
    own = annotated.get(key)
    return own is not None and not own.is_blank


def _authors_contradict(author: str, paper: Paper) -> bool:
    """True when both first authors are known and their family names differ, and they
    are not the same name but for its spaces (a reading that joined "André Martins"
    into one word, since fixed, annotated "AndréMartins")."""
    return bool(author and paper.authors
                and family_name(author) != family_name(paper.authors[0])
                and family_name(author.replace(" ", "")) != family_name(paper.authors[0].replace(" ", "")))


def titles_contradict(annotated: str, now: str) -> bool:
    """True when both titles are known and share too little to be one paper's: a typo
    fixed, a subtitle added or words reordered keep most of a title; a citekey such as
    ``smith2019`` reused for the same author's other paper of that year does not, even
    when its title holds every word of the old one ("Deep Learning" and "Deep Learning
    for Graphs: A Survey"): as many words again added to the main title make another."""
    if not annotated or not now:
        return False
    if fuzz.token_set_ratio(normalise_title(annotated), normalise_title(now)) < _SAME_TITLE:
        return True
    fewer, more = sorted((set(normalise_title(_main_title(t)).split()) for t in (annotated, now)),
                         key=len)
    # A word or two put in ("…for Cats" -> "…for Cats and Kittens") is a title fixed; a
    # title the other holds whole, and as many words again, is another paper's.
    return fewer < more and len(more - fewer) >= len(fewer)


def _main_title(title: str) -> str:
    """The title before its subtitle (after a colon, a dash or a full stop)."""
    return re.split(r":|\s[-–—]\s|\.\s", title, maxsplit=1)[0]


def citekeys_contradict(annotation: Annotation, paper: Paper) -> bool:
    """True when both have a citekey and they differ: two entries of a file."""
    return bool(annotation.citekey and paper.citekey and annotation.citekey != paper.citekey)


def _years_contradict(annotated: int | None, now: int | None) -> bool:
    """True when a paper found by its title cannot be the one annotated: both years known
    and more than a year apart (a preprint's year and its venue's often differ by one; a
    book of 2001 and a book of 2015 by the same author are two books)."""
    return bool(annotated and now and abs(annotated - now) > 1)
