"""The non-interactive commands that only read the person's data: search, stats, export,
import and remove (papers of the library). Those that change annotations (annotate,
annotations, undo) are in :mod:`tui.cli.changes`.

Each takes the :class:`~tui.cli.session.Session` and returns an exit status. Results go to
stdout (plain text cleaned for the terminal, or exact JSON); problems to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli.session import CliError, Session
from tui.export import annotation_fields, format_of, write_papers
from tui.output import atomic_output
from tui.model import UNTITLED, Annotation, Paper
from tui.sanitize import clean_line, dumps_json
from tui.triage import count_states

if TYPE_CHECKING:
    from tui.interest import InterestModel, Reason
    from tui.query import Query
    from tui.search import SearchEngine
    from tui.store import PaperStore

__all__ = ["search", "stats", "export", "import_papers", "remove"]

def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _parse(session: Session, text: str) -> Query:
    """The parsed query; what the parser did not understand is said on stderr."""
    from tui.query import parse_query

    query = parse_query(text)
    for warning in getattr(query, "warnings", ()):
        session.warn(f"papertray: {warning}")
    return query


def _engine(store: PaperStore) -> SearchEngine:
    """The store's search engine; a big (cached) store's index comes from the cache."""
    from tui.search.cached import open_engine

    return open_engine(store)


# ---------------------------------------------------------------------------- search

def _hit_lines(rank: int, paper: Paper, ann: Annotation | None, reason: Reason | None) -> list[str]:
    """Two or three readable lines for one match, every piece of data cleaned."""
    star = "★ " if ann and ann.starred else ""
    lines = [f"{rank:>3}. {star}{clean_line(paper.title, 300) or UNTITLED}"]
    authors = ", ".join(clean_line(a, 80) for a in paper.authors[:3])
    if len(paper.authors) > 3:
        authors += " et al."
    facts = [authors, str(paper.year or ""), clean_line(paper.venue, 80), clean_line(paper.key, 120)]
    if ann and ann.state != "inbox":
        facts.append(ann.state)
    if ann and ann.tags:
        facts.append(" ".join("#" + clean_line(tag, 40) for tag in ann.tags))
    lines.append("     " + " · ".join(f for f in facts if f))
    if reason is not None:
        lines.append("     why: " + clean_line(reason.text, 300))
    if ann and ann.note.strip():
        lines.append("     note: " + clean_line(ann.note, 200))
    return lines


def _reason_json(reason: Reason, store: PaperStore) -> dict[str, Any]:
    closest = None
    if reason.closest is not None:
        doc, similarity = reason.closest
        closest = {"key": store[doc].key, "title": reason.closest_title,
                   "similarity": round(similarity, 4)}
    return {"text": reason.text, "terms": list(reason.terms), "closest": closest}


def _hit_json(paper: Paper, score: float, ann: Annotation | None, reason: Reason | None,
              store: PaperStore) -> str:
    record = {"key": paper.key, "title": paper.title, "authors": list(paper.authors),
              "year": paper.year, "score": round(score, 4), **annotation_fields(ann)}
    if reason is not None:
        record["reason"] = _reason_json(reason, store)
    return dumps_json(record)


def _interest(session: Session, engine: SearchEngine, notes: Mapping[str, Annotation]
              ) -> InterestModel:
    """This profile's for-you model over the store, learned from its annotations; says on
    stderr when it has little to learn from."""
    from tui.interest import ENOUGH_NEGATIVE, ENOUGH_POSITIVE, Decisions, InterestModel

    decisions = Decisions.of(notes, engine.store.indices_of)
    model = InterestModel(engine.features.get())
    model.update(decisions.labels)
    if not decisions.positive:
        session.warn("papertray: for-you has nothing to learn from yet: star, tag, read or "
                     "queue some papers (and skip others); the papers are in the store's order.")
    elif not decisions.enough:
        session.warn(f"papertray: for-you learned from {_plural(decisions.positive, 'paper')} you "
                     f"chose and {decisions.negative:,} you skipped; it gets better with more "
                     f"(at least {ENOUGH_POSITIVE} and {ENOUGH_NEGATIVE}).")
    return model


def search(session: Session) -> int:
    """``papertray search QUERY [PATH ...] [--json] [--limit N] [--sort ORDER] [--reverse]``: 1 when
    nothing matches. ``--sort for-you`` says why each paper ranks where it does."""
    args = session.args
    if args.limit < 0:
        raise CliError("--limit must be 0 (no limit) or more.", status=2)
    from tui.search import SORTS

    if args.sort not in SORTS:
        raise CliError(f"--sort must be one of {', '.join(SORTS)}, not {args.sort!r}.", status=2)
    store, userdata, _ = session.open_annotated()
    session.report_problems(store)
    notes = userdata.annotations()
    engine = _engine(store)
    model = _interest(session, engine, notes) if args.sort == "for-you" else None
    # run() rather than search(): the CLI prints no highlights, so none are computed.
    result = engine.run(_parse(session, args.query), notes, sort=args.sort,
                        for_you=None if model is None else model.scores(), reverse=args.reverse)
    if not len(result):
        if not args.json:
            session.warn(f"No paper in {store.label} matches {args.query!r}.")
        return 1
    shown = len(result) if not args.limit else min(args.limit, len(result))
    if model is not None:
        from tui.interest import explain
    for rank in range(shown):
        paper = result.paper(rank)
        ann = notes.get(paper.key)
        reason = None if model is None else explain(model, result.index(rank), paper)
        if args.json:
            session.say(_hit_json(paper, result.score(rank), ann, reason, store))
        else:
            session.say("\n".join(_hit_lines(rank + 1, paper, ann, reason)))
    return 0


# ---------------------------------------------------------------------------- stats

_LISTED_MERGES = 20
"""Merges listed per source in plain output (``--json`` lists them all)."""


def _merges_by_source(store: PaperStore) -> dict[str, list[Any]]:
    """The store's merges grouped by the file of the record taken into another paper."""
    grouped: dict[str, list[Any]] = {str(source): [] for source in store.source_counts}
    for merge in store.merges:
        path, _, line = merge.merged.rpartition(":")
        grouped.setdefault(path if line.isdigit() else merge.merged, []).append(merge)
    return grouped


def stats(session: Session) -> int:
    """``papertray stats [PATH ...] [--json]``: papers, sources, merges, bad records,
    annotations and orphans."""
    store, userdata, followed = session.open_annotated()
    notes = userdata.annotations()
    triage = count_states(notes, store)
    problems = [str(p) for p in store.problems]
    merges = _merges_by_source(store)
    if session.args.json:
        session.say(dumps_json({
            "store": store.label, "papers": len(store),
            "first": store[0].title if len(store) else None,
            "last": store[len(store) - 1].title if len(store) else None,
            "sources": {str(k): v for k, v in store.source_counts.items()},
            "merged": {source: len(found) for source, found in merges.items()},
            "merges": [{"key": m.key, "kept": m.kept, "merged": m.merged, "reason": m.reason}
                       for found in merges.values() for m in found],
            "untitled": sum(1 for paper in store if not paper.title),
            "problems": problems, "profile": userdata.profile, "annotations": len(notes),
            "triage": triage,
            "followed": [{"from": f.old_key, "to": f.new_key, "title": f.title, "why": f.why}
                         for f in followed.followed],
            "orphans": [{"key": o.annotation.key, "title": o.annotation.title, "reason": o.reason}
                        for o in followed.orphans],
        }))
        return 0
    session.say(f"{clean_line(store.label)}: {_plural(len(store), 'paper')}")
    for source, count in store.source_counts.items():
        merged = len(merges.get(str(source), ()))
        what = (f", {merged:,} merged into {'an earlier paper' if merged == 1 else 'earlier papers'}"
                if merged else "")
        session.say(f"  {clean_line(str(source), 400)}  {_plural(count, 'record')}{what}")
    total = sum(len(found) for found in merges.values())
    session.say(f"merges: {total or 'none'}" + (" (records that are one paper with another; "
                                                  "each shown as: merged record is kept record)"
                                                  if total else ""))
    for source, found in merges.items():
        for merge in found[:_LISTED_MERGES]:
            session.say(f"  {clean_line(str(merge), 1000)}")
        if len(found) > _LISTED_MERGES:
            session.say(f"  ... and {len(found) - _LISTED_MERGES:,} more from "
                        f"{clean_line(source, 400)} (--json lists them all)")
    session.say(f"profile {clean_line(userdata.profile)}: {_plural(len(notes), 'annotation')}; "
                + " · ".join(f"{name} {count:,}" for name, count in triage.items()))
    session.say(f"orphans: {len(followed.orphans) or 'none'}" + (
        " (annotations kept under a key no single paper here has)" if followed.orphans else ""))
    for orphan in followed.orphans:
        session.say(f"  {clean_line(str(orphan), 1000)}")
    session.say(f"problems: {len(problems) or 'none'}")
    for problem in problems:
        session.say(f"  {clean_line(problem, 1000)}")
    return 0


# ---------------------------------------------------------------------------- export

def export(session: Session) -> int:
    """``papertray export [PATH ...] [--query Q] [--format F] [-o FILE]``."""
    args = session.args
    output = Path(args.output) if args.output else None
    asked = format_of(output.name) if output else None
    fmt = args.format or (asked[0] if asked else "bibtex")
    store, userdata, _ = session.open_annotated()
    session.report_problems(store)
    notes = userdata.annotations()
    papers: Sequence[Paper]
    if args.query is not None:
        if not args.query.strip():
            raise CliError("The query is empty; leave out --query to export every paper. "
                           "Nothing was exported.", status=2)
        from tui.cli.changes import bulk_targets

        # Exact, like a change to many papers: "year:202" is an error, not every year.
        papers = bulk_targets(session, store, args.query, notes, nothing_done="Nothing was exported.")
    else:
        papers = store.papers  # walked once while writing: a big store is never all in memory
    if not len(papers):
        # An empty file (or a header alone) would pass for an export that worked.
        what = f"No paper in {store.label} matches {args.query!r}" if args.query is not None \
            else f"There are no papers in {store.label}"
        raise CliError(f"{what}; nothing was exported.")
    if output is None:
        write_papers(papers, fmt, sys.stdout, notes)
        return 0
    if output.is_dir():
        raise CliError(f"Cannot write {output}: it is a folder.")
    from tui.export_job import files_read, inside_the_profile, overwrites_a_file_read

    if overwrites_a_file_read(output, files_read(store.source_counts)):
        raise CliError(f"Cannot write {output}: the papers are read from it, and papertray "
                       "never changes the files it reads. Nothing was exported.")
    if inside_the_profile(output, userdata.profile_dir):
        raise CliError(f"Cannot write {output}: it is in the folder where your annotations "
                       "are kept. Nothing was exported.")
    try:
        with atomic_output(output, newline="" if fmt == "csv" else None) as out:
            count = write_papers(papers, fmt, out, notes)
    except OSError as error:
        raise CliError(f"Cannot write {output}: {error.strerror or error}.") from error
    session.warn(f"Exported {_plural(count, 'paper')} as {fmt} to {output}.")
    return 0


# ---------------------------------------------------------------------------- import

def import_papers(session: Session) -> int:
    """``papertray import FILE ...``: add papers to the personal library."""
    files = [Path(name) for name in session.args.files]
    for file in files:
        if not file.exists():
            raise CliError(f"Cannot import {file}: no such file or folder.")
    from tui.library import LibraryError, merge_into_library
    from tui.store import open_store

    store = open_store(files)
    session.report_problems(store, in_full=True)
    if not len(store):
        raise CliError(f"No papers could be read from {', '.join(map(str, files))}.")
    try:
        result = merge_into_library(store.papers)
    except LibraryError as error:
        raise CliError(str(error)) from error
    already = result.completed + result.unchanged
    session.say(f"Imported {_plural(len(store), 'paper')}: {result.added:,} added, {already:,} "
                f"already in the library ({result.completed:,} of them completed). "
                f"The library holds {_plural(result.total, 'paper')}: {clean_line(str(result.path))}")
    return 0


# ---------------------------------------------------------------------------- remove

def remove(session: Session) -> int:
    """``papertray remove QUERY [--dry-run]``: papers out of the personal library."""
    from tui.library import LibraryError, remove_from_library
    from tui.query import QueryError, parse_complete_query

    args = session.args
    text = args.query.strip()
    if not text:
        raise CliError("Give a query: an empty one would remove the whole library, so it is "
                       "refused.", status=2)
    # Every word is complete, none is taken as the start of a longer one (the search bar
    # guesses that for the word being typed, not a removal), and a qualifier it cannot
    # read ("is:rea", "author:") is an error.
    try:
        query = parse_complete_query(text)
    except QueryError as error:
        raise CliError(f"{error} Nothing was removed.", status=2) from error
    notes = session.open_userdata().annotations()

    def choose(store: PaperStore) -> list[Paper]:
        result = _engine(store).run(query, notes)
        return [store[int(index)] for index in result.top(result.matched_all)]

    try:
        removal = remove_from_library(choose, dry_run=args.dry_run)
    except LibraryError as error:
        raise CliError(str(error)) from error
    if not removal.papers:
        raise CliError(f"No paper in the library ({removal.path}) matches {text!r}; nothing removed.")
    verb = "Would remove" if args.dry_run else "Removed"
    session.say(f"{verb} {_plural(len(removal.papers), 'paper')} from the library "
                "(their annotations are kept):")
    for paper in removal.papers:
        session.say(f"  {clean_line(paper.title, 200) or UNTITLED} · {clean_line(paper.key, 120)}")
    holds = "would hold" if args.dry_run else "holds"
    session.say(f"The library {holds} {_plural(removal.total, 'paper')}: {clean_line(str(removal.path))}")
    return 0
