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

import os

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

from tui.follow_rules import (
    candidates,
    citekeys_contradict,
    file_exists,
    legacy_title_key,
    real_path,
    same_file,
    titles_contradict,
    walk,
)
from tui.model import Annotation, Fingerprint, Paper
from tui.store.base import PaperStore, Store, docs_of_keys
from tui.userdata.journal import moved_key
from tui.userdata.record import FieldChange, Record, merge
from tui.userdata.summary import summed_up

if TYPE_CHECKING:
    from tui.userdata import UserData

__all__ = ["Followed", "Orphan", "FollowReport", "plan", "follow", "follow_keys", "legacy_title_key"]

_SHOWN = 3
"""Papers named in a one-line summary; the rest are counted."""
TAKEN_BACK = "you took back its move to"
"""How an orphan whose move the person undid says why it stays."""
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
    changes: tuple[FieldChange, ...] = ()
    """Each field the moves changed, from what to what: taking the moves back undoes them."""
    reloaded: bool = False
    """The profile as saved held changes from other windows or commands, taken in first."""

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
        taken_back = [o for o in self.orphans if o.reason.startswith(TAKEN_BACK)]
        unplaced = [o for o in self.orphans if not o.reason.startswith(TAKEN_BACK)]
        parts = []
        if unplaced:
            count = len(unplaced)
            parts.append(f"{count} annotation{'s' if count != 1 else ''} found no single paper "
                         f"and {'are' if count != 1 else 'is'} kept as "
                         f"{'they are' if count != 1 else 'it is'}: {_named(unplaced)}.")
        if taken_back:
            count = len(taken_back)
            parts.append(f"{count} annotation{'s' if count != 1 else ''} whose move you took back "
                         f"{'stay' if count != 1 else 'stays'} under {'their' if count != 1 else 'its'}"
                         f" old key: {_named(taken_back)}.")
        if not parts:
            return ""
        return " ".join(parts) + " 'papertray stats' lists the papers each could be."


def _named(orphans: list[Orphan]) -> str:
    named = ", ".join(f"“{o.annotation.title or o.annotation.key}”" for o in orphans[:_SHOWN])
    return named + (f" and {len(orphans) - _SHOWN} more" if len(orphans) > _SHOWN else "")


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


def _misplaced(store: PaperStore, annotations: Mapping[str, Annotation],
               in_store: Mapping[str, int]) -> list[Annotation]:
    """Annotations keyed by an id (DOI, arXiv) whose paper under that key now is another
    entry of the same file: its citekey (where the format has them) and title both differ
    from what the annotation remembers (two swapped DOIs put right). Looked for in stores held in memory, where
    it costs nothing; a cached store's papers are read from disk, and it is not.
    ``in_store``: the position of each annotated key that is a paper of the store."""
    if not isinstance(store, Store):
        return []
    suspects = [(annotations[key], doc) for key, doc in in_store.items()
                if key.startswith(("doi:", "arxiv:"))]
    # Another entry: another citekey, or (formats without them: RIS, JSON) another title.
    return [ann for ann, doc in suspects if ann.title and not ann.is_blank
            and (citekeys_contradict(ann, store[doc]) or not (ann.citekey or store[doc].citekey))
            and titles_contradict(ann.title, store[doc].title)
            and (not ann.source or same_file(store, doc, ann.source))]


def plan(store: PaperStore, annotations: Mapping[str, Annotation],
         record_of: Callable[[str], Record | None] | None = None,
         history: Callable[[], tuple[Mapping[str, str], Collection[tuple[str, str]]]] | None = None,
         ) -> tuple[FollowReport, dict[str, Annotation | None]]:
    """Where each lost annotation of ``annotations`` goes in ``store``: the report, and
    the changes that make it so (old key -> None, new key -> annotation). Writes nothing.
    ``record_of`` gives a key's record with its change times (a profile's), so that what
    was taken off a paper later is not put back; without it, what is set is kept.
    ``history`` gives the moves made before (old key -> new key, a profile's journal) and
    those the person took back: an annotation the rules place nowhere goes where its key's
    annotation went before; one whose move was taken back stays where it is."""
    if record_of is None:
        def record_of(key: str) -> Record | None:
            return Record(annotations[key]) if key in annotations else None
    report = FollowReport()
    # Keys and files from a profile's summaries: a year of annotations of other papers
    # is looked through without building one of them.
    keys, sources = summed_up(annotations, "keys", "sources")
    in_store = docs_of_keys(store, keys)
    misplaced = _misplaced(store, annotations, in_store)
    if len(in_store) == len(keys) and not misplaced:
        return report, {}
    real_path.cache_clear()  # links and folders may have moved since the last plan
    file_exists.cache_clear()
    files = {real_path(name) for name in store.source_counts}
    # A file this store holds; or one that is not where it was (moved, or this is another
    # machine, the annotations imported): this store may hold its paper, in a file of that
    # name. A file that exists elsewhere is another store's: its annotations are left alone.
    held = {source: not source or real_path(source) in files for source in set(sources)}
    names = {os.path.basename(name) for name in files}
    roaming_files = {source for source, here in held.items()
                     if not here and os.path.basename(source) in names and not file_exists(source)}
    lost = [(key, source) for key, source in zip(keys, sources)
            if key not in in_store and (held[source] or source in roaming_files)]
    here = [annotations[key] for key, _ in lost]
    roaming = {key for key, source in lost if source in roaming_files}
    report.elsewhere = len(keys) - len(in_store) - len(here)
    here += misplaced
    wanted = walk(store, here)
    claims = annotations if not misplaced else {
        key: ann for key, ann in annotations.items() if key not in {a.key for a in misplaced}}
    placed: list[tuple[Annotation, Paper, str]] = []
    earlier: tuple[Mapping[str, str], Collection[tuple[str, str]]] | None = None
    for annotation in here:
        # A misplaced annotation's id is what put it on the wrong paper: only its own entry
        # (its citekey in its file) takes it; else it stays on the paper under its id.
        wrong_id = any(annotation is a for a in misplaced)
        found, why = candidates(store, annotation, wanted, claims,
                                ids=not wrong_id, roaming=annotation.key in roaming,
                                citekey_only=wrong_id)
        papers = list(dict.fromkeys(found))
        if wrong_id and len(papers) != 1:
            continue
        if history is not None:
            earlier = history() if earlier is None else earlier
            moves, refused = earlier
            if len(papers) != 1:
                # Written under a key after its annotation had moved on (another window
                # still showed the file as it was): it is that paper's, even though the
                # paper has an annotation of its own now, the one that moved there.
                if (target := moved_key(moves, annotation.key)) != annotation.key:
                    doc = int(store.indices_of([target])[0])
                    if doc >= 0:
                        papers, why = [doc], "where its annotation went before"
            taken_back = [store[p].key for p in papers if (annotation.key, store[p].key) in refused]
            if taken_back:
                report.orphans.append(Orphan(annotation, f"{TAKEN_BACK} {taken_back[0]}"))
                continue
        if len(papers) != 1 and annotation.key in roaming:
            report.elsewhere += 1  # not here either: its store may come back
            continue
        if len(papers) != 1:
            reason = "no paper in this store matches it" if not papers else (
                f"{len(papers)} papers match it ({why}): "
                + ", ".join(store[p].key for p in papers[:_SHOWN]))
            report.orphans.append(Orphan(annotation, reason))
            continue
        if store[papers[0]].key != annotation.key:
            placed.append((annotation, store[papers[0]], why))
    # Annotations leaving a paper (two swapped DOIs put right) are not joined with what
    # moves in: only what stays on a paper is.
    leaving = {annotation.key for annotation, _, _ in placed}
    changes: dict[str, Annotation | None] = {}
    for annotation, paper, why in placed:
        fingerprint = Fingerprint.of(paper)
        moved = replace(annotation, key=paper.key, title=fingerprint.title, author=fingerprint.author,
                        year=fingerprint.year, citekey=fingerprint.citekey, doi=fingerprint.doi,
                        arxiv=fingerprint.arxiv, source=fingerprint.source)
        joined_here = changes.get(paper.key)
        present = Record(joined_here) if joined_here is not None else (
            None if paper.key in leaving else record_of(paper.key))
        old = record_of(annotation.key)
        changes.setdefault(annotation.key, None)  # unless an annotation moved in already
        changes[paper.key] = _joined(Record(moved, old.changed if old else {},
                                            old.extra if old else {}), present)
        report.followed.append(Followed(annotation.key, paper.key, paper.title or annotation.title, why))
    return report, changes


def follow(store: PaperStore, userdata: UserData) -> FollowReport:
    """Move every annotation whose paper changed key to the paper's new key, and list the
    orphans. Takes in what other windows saved first, so a follow happens once."""
    from tui.userdata import SaveError
    from tui.userdata.journal import Journal

    reloaded = userdata.reload()
    journal = Journal(userdata.profile_dir)
    report, changes = plan(store, userdata.annotations(), userdata.record, journal.history)
    report.reloaded = reloaded
    if changes:
        try:
            report.changes = userdata.restore(changes).changes
        except SaveError as error:  # kept in memory and written with the next change
            report.error = str(error)
        moves = {moved.old_key: moved.new_key for moved in report.followed}
        # A note half typed goes with its paper too, or it would wait under a key no paper has;
        # and `papertray undo` of an earlier change puts fields back on the new key.
        userdata.drafts.rename(moves)
        journal.note_moves(moves)
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
