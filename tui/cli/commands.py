"""The non-interactive commands: search, stats, export, import, annotate, annotations.

Each takes the :class:`~tui.cli.session.Session` and returns an exit status. Results go to
stdout (plain text cleaned for the terminal, or exact JSON); problems to stderr.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tui.cli.session import CliError, Session
from tui.export import annotation_fields, atomic_output, write_papers
from tui.model import Annotation, Paper
from tui.sanitize import clean_line, dumps_json
from tui.triage import count_states

if TYPE_CHECKING:
    from tui.query import Query
    from tui.search import SearchEngine
    from tui.store import Store

__all__ = ["search", "stats", "export", "import_papers", "annotate", "annotations"]

_FORMAT_BY_SUFFIX = {".bib": "bibtex", ".bibtex": "bibtex", ".md": "markdown",
                     ".markdown": "markdown", ".csv": "csv", ".json": "json"}


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _parse(session: Session, text: str) -> Query:
    """The parsed query; what the parser did not understand is said on stderr."""
    from tui.query import parse_query

    query = parse_query(text)
    for warning in getattr(query, "warnings", ()):
        session.warn(f"papertray: {warning}")
    return query


def _engine(store: Store) -> SearchEngine:
    """The store's search engine; a big (cached) store's index comes from the cache."""
    from tui.search.cached import open_engine

    return open_engine(store)


def _every_match(session: Session, store: Store, text: str,
                 notes: Mapping[str, Annotation]) -> list[Paper]:
    """The papers that match every word of the query, best first: what a bulk change or an
    export is about. (``search`` also lists papers that match only some words, below.)"""
    result = _engine(store).run(_parse(session, text), notes)
    return [store[int(index)] for index in result.top(result.matched_all)]


# ---------------------------------------------------------------------------- search

def _hit_lines(rank: int, paper: Paper, ann: Annotation | None) -> list[str]:
    """Two or three readable lines for one match, every piece of data cleaned."""
    star = "★ " if ann and ann.starred else ""
    lines = [f"{rank:>3}. {star}{clean_line(paper.title, 300) or '(untitled)'}"]
    authors = ", ".join(clean_line(a, 80) for a in paper.authors[:3])
    if len(paper.authors) > 3:
        authors += " et al."
    facts = [authors, str(paper.year or ""), clean_line(paper.venue, 80), clean_line(paper.key, 120)]
    if ann and ann.state != "inbox":
        facts.append(ann.state)
    if ann and ann.tags:
        facts.append(" ".join("#" + clean_line(tag, 40) for tag in ann.tags))
    lines.append("     " + " · ".join(f for f in facts if f))
    if ann and ann.note.strip():
        lines.append("     note: " + clean_line(ann.note, 200))
    return lines


def _hit_json(paper: Paper, score: float, ann: Annotation | None) -> str:
    return dumps_json({"key": paper.key, "title": paper.title, "authors": list(paper.authors),
                       "year": paper.year, "score": round(score, 4), **annotation_fields(ann)})


def search(session: Session) -> int:
    """``papertray search QUERY [PATH ...] [--json] [--limit N]``: 1 when nothing matches."""
    args = session.args
    if args.limit < 0:
        raise CliError("--limit must be 0 (no limit) or more.", status=2)
    store = session.open_store()
    session.report_problems(store)
    notes = session.open_userdata().annotations()
    # run() rather than search(): the CLI prints no highlights, so none are computed.
    result = _engine(store).run(_parse(session, args.query), notes)
    if not len(result):
        if not args.json:
            session.warn(f"No paper in {store.label} matches {args.query!r}.")
        return 1
    shown = len(result) if not args.limit else min(args.limit, len(result))
    for rank in range(shown):
        paper = result.paper(rank)
        ann = notes.get(paper.key)
        if args.json:
            session.say(_hit_json(paper, result.score(rank), ann))
        else:
            session.say("\n".join(_hit_lines(rank + 1, paper, ann)))
    return 0


# ---------------------------------------------------------------------------- stats

def stats(session: Session) -> int:
    """``papertray stats [PATH ...] [--json]``: papers, sources, bad records, annotations."""
    store = session.open_store()
    userdata = session.open_userdata()
    notes = userdata.annotations()
    triage = count_states(notes, store)
    problems = [str(p) for p in store.problems]
    if session.args.json:
        session.say(dumps_json({
            "store": store.label, "papers": len(store),
            "first": store[0].title if len(store) else None,
            "last": store[len(store) - 1].title if len(store) else None,
            "sources": {str(k): v for k, v in store.source_counts.items()},
            "problems": problems, "profile": userdata.profile, "annotations": len(notes),
            "triage": triage,
        }))
        return 0
    session.say(f"{clean_line(store.label)}: {_plural(len(store), 'paper')}")
    for source, count in store.source_counts.items():
        session.say(f"  {clean_line(str(source), 400)}  {_plural(count, 'paper')}")
    session.say(f"profile {clean_line(userdata.profile)}: {_plural(len(notes), 'annotation')}; "
                + " · ".join(f"{name} {count:,}" for name, count in triage.items()))
    session.say(f"problems: {len(problems) or 'none'}")
    for problem in problems:
        session.say(f"  {clean_line(problem, 1000)}")
    return 0


# ---------------------------------------------------------------------------- export

def export(session: Session) -> int:
    """``papertray export [PATH ...] [--query Q] [--format F] [-o FILE]``."""
    args = session.args
    output = Path(args.output) if args.output else None
    fmt = args.format or (_FORMAT_BY_SUFFIX.get(output.suffix.lower()) if output else None) or "bibtex"
    store = session.open_store()
    session.report_problems(store)
    notes = session.open_userdata().annotations()
    if args.query is not None and args.query.strip():
        papers = _every_match(session, store, args.query, notes)
    else:
        papers = store.papers  # walked once while writing: a big store is never all in memory
    if output is None:
        write_papers(papers, fmt, sys.stdout, notes)
        return 0
    if output.is_dir():
        raise CliError(f"Cannot write {output}: it is a folder.")
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


# ---------------------------------------------------------------------------- annotate

def _split_tags(values: list[str]) -> tuple[str, ...]:
    """Tags from repeated options, each of which may hold several (``--tag a,b``)."""
    return tuple(tag for value in values for tag in re.split(r"[,\s]+", value) if tag)


def _essence(ann: Annotation | None) -> tuple[Any, ...]:
    ann = ann or Annotation(key="")
    return ann.starred, ann.tags, ann.note, ann.state


def annotate(session: Session) -> int:
    """``papertray annotate QUERY ...``: one bulk change to every paper QUERY matches."""
    from tui.userdata import SaveError

    args = session.args
    changes = {"starred": args.starred, "add_tags": _split_tags(args.tag),
               "remove_tags": _split_tags(args.untag), "state": args.state, "note": args.note}
    if not any(value not in (None, ()) for value in changes.values()):
        raise CliError("Nothing to change: give --star, --unstar, --tag, --untag, --state or --note.",
                       status=2)
    store = session.open_store()
    session.report_problems(store)
    userdata = session.open_userdata()
    papers = _every_match(session, store, args.query, userdata.annotations())
    if not papers:
        raise CliError(f"No paper in {store.label} matches {args.query!r}; nothing changed.")
    before = {paper.key: _essence(userdata.get(paper.key)) for paper in papers}
    try:
        after = userdata.update_many(((paper.key, paper.title) for paper in papers), **changes)
    except SaveError as error:
        raise CliError(str(error)) from error
    changed = sum(1 for ann in after if _essence(ann) != before.get(ann.key))
    session.say(f"Changed {changed:,} of {_plural(len(papers), 'matching paper')}"
                f" (profile {clean_line(userdata.profile)}).")
    return 0


# ---------------------------------------------------------------------------- annotations

def annotations(session: Session) -> int:
    """``papertray annotations export|import FILE``: back up, or merge (newest wins)."""
    args = session.args
    path = Path(args.file)
    userdata = session.open_userdata()
    if args.action == "export":
        if path.is_dir():
            raise CliError(f"Cannot write {path}: it is a folder.")
        try:
            count = userdata.export(path)
        except OSError as error:
            raise CliError(f"Cannot write {path}: {error.strerror or error}.") from error
        session.say(f"Saved {_plural(count, 'annotation')} of profile "
                    f"{clean_line(userdata.profile)} to {clean_line(str(path))}.")
        return 0
    if not path.is_file():
        raise CliError(f"Cannot import {path}: no such file.")
    from tui.userdata import SaveError

    try:
        report = userdata.import_file(path)
    except SaveError as error:
        raise CliError(str(error)) from error
    for problem in report.problems:
        session.warn(str(problem))
    read = report.added + report.updated + report.kept + report.unchanged
    if not read and report.problems:
        raise CliError(f"No annotations could be read from {path}; nothing changed.")
    session.say(f"Merged {clean_line(str(path))} into profile {clean_line(userdata.profile)}: "
                f"{report.added:,} added, {report.updated:,} updated, {report.kept:,} kept because "
                f"they are newer here, {report.unchanged:,} already the same.")
    return 0
