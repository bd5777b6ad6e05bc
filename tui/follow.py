"""Annotations follow their paper when its key changes.

A paper's key comes from what the paper says (:func:`tui.model.stable_key`): fix a typo in
a ``.bib`` title, add a DOI, or open a profile written before the key scheme changed, and
the paper gets a new key while its star, tags and note stay under the old one. Each
annotation remembers its paper (:class:`~tui.model.Fingerprint`: title, first author,
year, citekey, DOI, arXiv id, file), so when its key is no longer in the opened store it
is looked for, in this order, by:

1. the same arXiv id, 2. the same DOI (both also read off an old ``arxiv:``/``doi:`` key),
3. the same citekey in the same file, 4. the title an old ``title:<hash>`` key was made
of, 5. a title within a few typos with the same first author (the same title, when the
annotation knows no author).

The first rule that finds anything decides: exactly one paper, and the annotation moves
to it (joined with what that paper already had); more than one, and it is an orphan,
listed with the papers it could be. Nothing is ever deleted: an orphan stays under its
old key, and comes back if its paper does. The move is one :meth:`UserData.restore`,
which re-reads and merges what other windows wrote, so a follow done by two windows at
once ends the same as one. Nothing here imports textual or rich.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tui.model import Annotation, Fingerprint, Paper, family_name, normalise_title
from tui.store.base import PaperStore
from tui.triage import papers_in_store
from tui.userdata.record import Record, merge
from tui.userdata.summary import summed_up

if TYPE_CHECKING:
    from tui.userdata import UserData

__all__ = ["Followed", "Orphan", "FollowReport", "plan", "follow", "follow_keys", "legacy_title_key"]

_LEGACY_TITLE_KEY = re.compile(r"title:[0-9a-f]{12}")
_SHOWN = 3
"""Papers named in a one-line summary; the rest are counted."""
_SAME_TITLE = 70
"""Below this token-set likeness (0-100) two titles are two papers', whatever their citekey."""


def legacy_title_key(title: str) -> str:
    """The key papertray gave a paper without arXiv id or DOI before keys told same-titled
    papers apart: ``title:`` and 12 hex digits of the normalised title's SHA-1."""
    return "title:" + hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Followed:
    """An annotation moved from its paper's old key to its new one."""

    old_key: str
    new_key: str
    title: str
    why: str
    """Which part of the fingerprint found the paper: "same citekey lee2020"."""


@dataclass(frozen=True)
class Orphan:
    """An annotation whose paper is not in the store, or could be several papers."""

    annotation: Annotation
    reason: str

    def __str__(self) -> str:
        title = self.annotation.title or self.annotation.key
        return f"“{title}” ({self.annotation.key}): {self.reason}"


@dataclass
class FollowReport:
    """What following did: moved annotations, orphans, and the count of annotations of
    papers in files this store does not hold (not orphans: their store is elsewhere)."""

    followed: list[Followed] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    elsewhere: int = 0
    error: str = ""
    """The save error, when the moves could not be written yet (they are retried)."""

    def summary(self) -> str:
        """One sentence for the person: "2 annotations followed their papers: ..."."""
        if not self.followed:
            return ""
        count = len(self.followed)
        what = "1 annotation followed its paper" if count == 1 else \
            f"{count} annotations followed their papers"
        named = ", ".join(f"“{f.title}” ({f.why})" for f in self.followed[:_SHOWN])
        more = f" and {count - _SHOWN} more" if count > _SHOWN else ""
        return f"{what}: {named}{more}."

    def orphan_summary(self) -> str:
        """One short sentence about orphans (their titles), or ""."""
        if not self.orphans:
            return ""
        count = len(self.orphans)
        named = ", ".join(f"“{o.annotation.title or o.annotation.key}”" for o in self.orphans[:_SHOWN])
        more = f" and {count - _SHOWN} more" if count > _SHOWN else ""
        return (f"{count} annotation{'s' if count != 1 else ''} found no single paper and "
                f"{'are' if count != 1 else 'is'} kept as {'they are' if count != 1 else 'it is'}: "
                f"{named}{more}. 'papertray stats' lists the papers each could be.")


@dataclass
class _Wanted:
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


def _walk(papers: Iterable[Paper], lost: Sequence[Annotation]) -> _Wanted:
    wanted = _Wanted()
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


def _same_file(store: PaperStore, position: int, source: str) -> bool:
    path, _, line = store[position].source.rpartition(":")
    where = path if line.isdigit() else store[position].source
    return _real(where) == _real(source)


@functools.lru_cache(maxsize=4096)
def _real(path: str) -> str:
    # Remembered for one plan (cleared as it starts): a year of annotations names a
    # handful of files, and resolving each annotation's path again cost seconds.
    return os.path.realpath(os.path.abspath(path))


def _candidates(store: PaperStore, annotation: Annotation, wanted: _Wanted,
                annotated: Mapping[str, Annotation]) -> tuple[list[int], str]:
    """The papers the first rule that finds any finds, and how it found them.

    An id (arXiv, DOI) is the paper. A citekey is only the same paper when its year and
    first author do not say otherwise (a .bib may reuse a key for another paper). A title
    is weaker still: it never finds a paper years away, nor (but for the exact title an
    earlier version's key was made of) one with annotations of its own: volume II is not
    volume I renamed."""
    arxiv, doi = _ids(annotation)
    if arxiv and wanted.arxiv.get(arxiv):
        return wanted.arxiv[arxiv], f"same arXiv id {arxiv}"
    if doi and wanted.doi.get(doi):
        return wanted.doi[doi], f"same DOI {doi}"
    if annotation.citekey and wanted.citekey.get(annotation.citekey):
        found = [p for p in wanted.citekey[annotation.citekey]
                 if (not annotation.source or _same_file(store, p, annotation.source))
                 and not _years_contradict(annotation.year, store[p].year)
                 and not _authors_contradict(annotation.author, store[p])
                 and not _titles_contradict(annotation.title, store[p].title)]
        if found:
            return found, f"same citekey {annotation.citekey}"
    def same_time(found: list[int]) -> list[int]:
        return [p for p in found if not _years_contradict(annotation.year, store[p].year)]

    def unclaimed(found: list[int]) -> list[int]:
        return [p for p in same_time(found) if not _has_its_own(annotated, store[p].key)]

    if wanted.legacy.get(annotation.key):  # a key an earlier version made of this very title
        return same_time(wanted.legacy[annotation.key]), "same title"
    title = normalise_title(annotation.title)
    if annotation.title and annotation.author:
        limit = max(2, min(6, len(title) // 10))  # "a few typos": more in a longer title
        found = [p for p, other in wanted.family.get(family_name(annotation.author), ())
                 if Levenshtein.distance(title, other, score_cutoff=limit) <= limit
                 and _numbers(title) == _numbers(other)]  # volume 1 is not volume 2
        return unclaimed(found), "same first author, title within a few letters"
    if annotation.title:
        return unclaimed(wanted.title.get(title, [])), "same title"
    return [], ""


_NUMBER = re.compile(r"\b(?:\d+|[ivx]{1,4})\b")
"""A number in a normalised title: digits, or a roman numeral up to VIII / XIII."""


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
    """True when both first authors are known and their family names differ."""
    return bool(author and paper.authors
                and family_name(author) != family_name(paper.authors[0]))


def _titles_contradict(annotated: str, now: str) -> bool:
    """True when both titles are known and share too little to be one paper's: a typo
    fixed, a subtitle added or words reordered keep most of a title; a citekey such as
    ``smith2019`` reused for the same author's other paper of that year does not."""
    if not annotated or not now:
        return False
    return fuzz.token_set_ratio(normalise_title(annotated), normalise_title(now)) < _SAME_TITLE


def _years_contradict(annotated: int | None, now: int | None) -> bool:
    """True when a paper found by its title cannot be the one annotated: both years known
    and more than a year apart (a preprint's year and its venue's often differ by one; a
    book of 2001 and a book of 2015 by the same author are two books)."""
    return bool(annotated and now and abs(annotated - now) > 1)


def _joined(moved: Record, present: Record | None) -> Annotation:
    """``moved`` (already keyed and fingerprinted for its paper) joined with the record its
    paper already has: field by field the later change wins, so a star, a tag or a triage
    state set under either key survives, and so does a star or tag taken off later under
    the other; both notes are kept when they differ (the note already there first)."""
    if present is None:
        return moved.annotation
    from tui.userdata.clock import now_stamp  # one stamp later than both, so it wins merges

    mine, theirs = moved.annotation, present.annotation
    merged = merge(moved.without_initial_defaults(), Record(
        replace(theirs, key=mine.key), present.changed, present.extra).without_initial_defaults())
    notes = [n for n in dict.fromkeys((theirs.note.strip(), mine.note.strip())) if n]
    return replace(merged.annotation, note="\n\n".join(notes), title=mine.title,
                   author=mine.author, year=mine.year, citekey=mine.citekey, doi=mine.doi,
                   arxiv=mine.arxiv, source=mine.source,
                   updated=now_stamp(after=max(theirs.updated, mine.updated)))


def plan(store: PaperStore, annotations: Mapping[str, Annotation],
         record_of: Callable[[str], Record | None] | None = None,
         ) -> tuple[FollowReport, dict[str, Annotation | None]]:
    """Where each lost annotation of ``annotations`` goes in ``store``: the report, and
    the changes that make it so (old key -> None, new key -> annotation). Writes nothing.
    ``record_of`` gives a key's record with its change times (a profile's), so that what
    was taken off a paper later is not put back; without it, what is set is kept."""
    if record_of is None:
        def record_of(key: str) -> Record | None:
            return Record(annotations[key]) if key in annotations else None
    report = FollowReport()
    # Keys and files from a profile's summaries: a year of annotations of other papers
    # is looked through without building one of them.
    keys, sources = summed_up(annotations, "keys", "sources")
    in_store = papers_in_store(store, keys)
    if len(in_store) == len(keys):
        return report, {}
    _real.cache_clear()  # links and folders may have moved since the last plan
    files = {_real(name) for name in store.source_counts}
    held = {source: not source or _real(source) in files for source in set(sources)}
    # Lost (not in the store) and of a file the store holds; no loop when none is.
    here = [annotations[key] for key, source in zip(keys, sources)
            if held[source] and key not in in_store] if any(held.values()) else []
    report.elsewhere = len(keys) - len(in_store) - len(here)
    wanted = _walk(store, here)
    changes: dict[str, Annotation | None] = {}
    for annotation in here:
        found, why = _candidates(store, annotation, wanted, annotations)
        papers = list(dict.fromkeys(found))
        if len(papers) != 1:
            reason = "no paper in this store matches it" if not papers else (
                f"{len(papers)} papers match it ({why}): "
                + ", ".join(store[p].key for p in papers[:_SHOWN]))
            report.orphans.append(Orphan(annotation, reason))
            continue
        paper = store[papers[0]]
        fingerprint = Fingerprint.of(paper)
        moved = replace(annotation, key=paper.key, title=fingerprint.title, author=fingerprint.author,
                        year=fingerprint.year, citekey=fingerprint.citekey, doi=fingerprint.doi,
                        arxiv=fingerprint.arxiv, source=fingerprint.source)
        joined_here = changes.get(paper.key)
        present = Record(joined_here) if joined_here is not None else record_of(paper.key)
        old = record_of(annotation.key)
        changes[annotation.key] = None
        changes[paper.key] = _joined(Record(moved, old.changed if old else {},
                                            old.extra if old else {}), present)
        report.followed.append(Followed(annotation.key, paper.key, paper.title or annotation.title, why))
    return report, changes


def follow(store: PaperStore, userdata: UserData) -> FollowReport:
    """Move every annotation whose paper changed key to the paper's new key, and list the
    orphans. Takes in what other windows saved first, so a follow happens once."""
    from tui.userdata import SaveError

    userdata.reload()
    report, changes = plan(store, userdata.annotations(), userdata.record)
    if changes:
        try:
            userdata.restore(changes)
        except SaveError as error:  # kept in memory and written with the next change
            report.error = str(error)
        moves = {moved.old_key: moved.new_key for moved in report.followed}
        # A note half typed goes with its paper too, or it would wait under a key no paper has;
        # and `papertray undo` of an earlier change puts fields back on the new key.
        userdata.drafts.rename(moves)
        from tui.userdata.journal import Journal

        Journal(userdata.profile_dir).note_moves(moves)
    _follow_drafts(store, userdata)
    return report


def _follow_drafts(store: PaperStore, userdata: UserData) -> None:
    """Move note drafts of papers that have no annotation (those with one moved above)
    to their papers' new keys, found by what each draft remembers of its paper."""
    drafts = {draft.key: draft.fingerprint for draft in userdata.drafts.all()
              if draft.fingerprint.title or draft.about is not None}
    if drafts:
        # As for annotations: a paper with an annotation or a draft of its own is another
        # paper, never where someone else's half-typed note goes.
        moves = {old: new for old, new in follow_keys(store, drafts).items()
                 if userdata.get(new) is None and new not in drafts}
        userdata.drafts.rename(moves)


def follow_keys(store: PaperStore, papers: Mapping[str, Fingerprint]) -> dict[str, str]:
    """The keys ``papers`` (key -> what the paper was) have in ``store`` now, found by the
    rules annotations follow by, for those whose key it no longer has: papers a person
    marked before the files were read again (old key -> new key)."""
    gone = [key for key, doc in zip(papers, store.indices_of(list(papers)).tolist()) if doc < 0]
    if not gone:
        return {}
    asked = {key: replace(Annotation(key=key, starred=True), title=papers[key].title,
                          author=papers[key].author, year=papers[key].year,
                          citekey=papers[key].citekey, doi=papers[key].doi,
                          arxiv=papers[key].arxiv, source=papers[key].source) for key in gone}
    report, _ = plan(store, asked)
    return {moved.old_key: moved.new_key for moved in report.followed}
