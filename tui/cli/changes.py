"""The commands that change the person's data: annotate, annotations, undo.

A change to many papers never guesses: the query is parsed as complete (the last word
is a whole word, a qualifier it cannot read is an error, see
:func:`tui.query.parse_complete_query`), an empty query needs ``--all``, ``--dry-run``
lists what would change, a note is only replaced when asked, and every change that
was made is kept in the profile's undo journal for ``papertray undo``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from tui.cli.held import Held, quit_signals_held
from tui.cli.session import CliError, Session
from tui.output import atomic_output, standard_stream
from tui.model import Fingerprint, Paper
from tui.sanitize import clean_line

if TYPE_CHECKING:
    from tui.store import PaperStore
    from tui.userdata import FieldChange, UserData
    from tui.userdata.profile import ImportReport

__all__ = ["annotate", "annotations_command", "undo", "bulk_targets", "describe_changes"]

DRY_RUN_LINES = 200
"""How many papers ``--dry-run`` lists before summing up the rest."""


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def bulk_targets(session: Session, store: PaperStore, text: str, notes: Any, *,
                 everything: bool = False, nothing_done: str = "Nothing changed.") -> list[Paper]:
    """The papers a change to many papers is about: those matching every word of the
    complete query ``text``, best first, or every paper with ``everything`` (``--all``).

    Raises CliError (status 2) for a query with a qualifier it cannot read, and for an
    empty query without ``everything``; ``nothing_done`` ends those sentences.
    """
    from tui.query import QueryError, parse_complete_query
    from tui.search.cached import open_engine

    if not text.strip():
        if everything:
            return list(store.papers)
        raise CliError(f"The query is empty, which would mean every paper in {store.label}; "
                       f"give --all if that is what you mean. {nothing_done}", status=2)
    try:
        query = parse_complete_query(text)
    except QueryError as error:
        raise CliError(f"{error} {nothing_done}", status=2) from error
    result = open_engine(store).run(query, notes)
    return [store[int(index)] for index in result.top(result.matched_all)]


def describe_changes(changes: Iterable[FieldChange]) -> str:
    """``★ → starred, +thesis, state inbox → read, note changed`` for one paper."""
    parts = []
    for change in changes:
        if change.name.startswith("tag:"):
            parts.append(("+" if change.new else "-") + clean_line(change.name[4:], 40))
        elif change.name == "starred":
            parts.append("starred" if change.new else "unstarred")
        elif change.name == "state":
            parts.append(f"state {change.old} → {change.new}")
        else:
            parts.append("note cleared" if not change.new else
                         "note written" if not change.old else "note changed")
    return ", ".join(parts)


def _partly_saved(error: str, written: int, matching: int) -> str:
    """A bulk change that could not be written whole, in one sentence: the files written
    before the failure keep it (each file is replaced whole or not at all)."""
    if not written:
        return (error.split(";")[0] + "; nothing was changed. Run the command again once the "
                "data folder can be written.")
    return (error.split(";")[0] + f"; {written:,} of {_plural(matching, 'matching paper')} "
            "changed before it (their files were written), the others not. `papertray undo` "
            "takes back what was written; or run the command again once the data folder can "
            "be written.")


def _keep_what_was_written(userdata: UserData, journal: Any, label: str,
                           changes: tuple[FieldChange, ...], kept: Path | None) -> int:
    """After a save that stopped half way: the changes the files hold now, kept for undo
    in place of the whole change (none written: no entry); how many papers they are."""
    from tui.userdata import UserData as Profile

    on_disk = Profile(userdata.profile_dir, userdata.profile)
    try:
        written = tuple(change for change in changes
                        if (record := on_disk.record(change.key)) is not None
                        and record.value(change.name) == change.new)
    finally:
        on_disk.close()
    try:
        if written:
            journal.record(label, written, replacing=kept)
        elif kept is not None:
            kept.unlink()
    except OSError:
        pass  # the entry as planned stands: undo skips fields that are not as it says
    return len({change.key for change in written})


def _split_tags(values: list[str]) -> tuple[str, ...]:
    """Tags from repeated options, each of which may hold several (``--tag a,b``)."""
    return tuple(tag for value in values for tag in re.split(r"[,\s]+", value) if tag)


def _command_label(args: Any) -> str:
    """The command as the person could type it again, for the undo journal."""
    words = ["annotate", args.query or "", *(["--all"] if args.all else [])]
    for flag, value in (("--star", args.starred is True), ("--unstar", args.starred is False)):
        if value:
            words.append(flag)
    words += [item for tag in args.tag for item in ("--tag", tag)]
    words += [item for tag in args.untag for item in ("--untag", tag)]
    for flag, value in (("--state", args.state), ("--note", args.note),
                        ("--replace-note", args.replace_note), ("--append-note", args.append_note)):
        if value is not None:
            words += [flag, value if len(value) < 40 else value[:37] + "..."]
    return shlex.join(words)


def _note_option(args: Any, userdata: UserData, papers: list[Paper]) -> dict[str, Any]:
    """The note part of the change; a different note is never replaced unasked."""
    given = [name for name in ("note", "replace_note", "append_note") if getattr(args, name) is not None]
    if len(given) > 1:
        raise CliError("Give one of --note, --replace-note and --append-note.", status=2)
    if args.append_note is not None:
        return {"append_note": args.append_note}
    if args.replace_note is not None:
        return {"note": args.replace_note}
    if args.note is None:
        return {}
    others = [p for p in papers if (ann := userdata.get(p.key)) is not None
              and ann.note.strip() and ann.note != args.note]
    if others:
        raise CliError(f"{_plural(len(others), 'matching paper')} already "
                       f"{'has' if len(others) == 1 else 'have'} a different note (the first: "
                       f"{clean_line(others[0].title, 80)!r}); nothing changed. --replace-note "
                       "replaces their notes, --append-note adds to them.")
    # Decided again under the profile lock: a note written meanwhile is kept too.
    return {"note": args.note, "note_base": ""}


def annotate(session: Session) -> int:
    """``papertray annotate QUERY ...``: one bulk change to every paper QUERY matches."""
    args = session.args
    changes: dict[str, Any] = {"starred": args.starred, "add_tags": _split_tags(args.tag),
                               "remove_tags": _split_tags(args.untag), "state": args.state}
    if not any(value not in (None, ()) for value in changes.values()) and all(
            getattr(args, n) is None for n in ("note", "replace_note", "append_note")):
        raise CliError("Nothing to change: give --star, --unstar, --tag, --untag, --state, "
                       "--note, --replace-note or --append-note.", status=2)
    # Every annotation is read, even for key:…: following moved annotations first is
    # what puts a paper's old star and note on its new key before this change lands there.
    store, userdata, _ = session.open_annotated()
    session.report_problems(store)
    papers = bulk_targets(session, store, args.query, userdata.annotations(), everything=args.all)
    if not papers:
        raise CliError(f"No paper in {store.label} matches {args.query!r}; nothing changed.")
    changes.update(_note_option(args, userdata, papers))
    items = [(paper.key, Fingerprint.of(paper)) for paper in papers]
    if args.dry_run:
        return _dry_run(session, userdata.change(items, dry_run=True, **changes).changes, papers)
    from tui.userdata.journal import Journal

    journal, label = Journal(userdata.profile_dir), _command_label(args)
    with quit_signals_held() as held:  # the change and its undo record, whole
        # Kept for undo before a byte is written: a change a full disk stops half way can
        # still be taken back, and undo never takes back the command before it instead.
        planned = userdata.change(items, dry_run=True, **changes).changes
        try:
            kept = journal.record(label, planned, pending=True)
        except OSError as error:
            raise CliError(f"Nothing was changed: the change could not be kept for undo in "
                           f"{journal.folder} ({error.strerror or error}).") from error
        outcome = userdata.change(items, **changes)
        # What it did change (another process may have changed some papers meanwhile), kept
        # with the time it was done: undo leaves a field anyone changed after that.
        try:
            if outcome.changes:
                kept = journal.record(label, outcome.changes, replacing=kept) or kept
            elif kept is not None:
                kept.unlink()
                kept = None
        except OSError:
            pass  # what was planned stands: undo puts back fields that are still so
        if outcome.error:
            raise CliError(_partly_saved(outcome.error, _keep_what_was_written(
                userdata, journal, label, outcome.changes, kept), len(papers)))
    undo_hint = " `papertray undo` takes it back." if kept is not None else ""
    changed = len({change.key for change in outcome.changes})
    session.say(f"Changed {changed:,} of {_plural(len(papers), 'matching paper')}"
                f" (profile {clean_line(userdata.profile)}).{undo_hint}")
    return _after(session, held)


def _after(session: Session, held: Held) -> int:
    """0, or the status of a quit signal held while the change was written (said so)."""
    if held.status is None:
        return 0
    session.warn(f"papertray: stopped by {held.name} once the change was saved whole.")
    return held.status



def _dry_run(session: Session, changes: Iterable[FieldChange], papers: list[Paper]) -> int:
    by_key: dict[str, list[FieldChange]] = {}
    for change in changes:
        by_key.setdefault(change.key, []).append(change)
    session.say(f"Would change {len(by_key):,} of {_plural(len(papers), 'matching paper')} "
                "(nothing was changed):")
    listed = 0
    for paper in papers:
        if paper.key in by_key and listed < DRY_RUN_LINES:
            listed += 1
            session.say(f"{clean_line(paper.key, 120)}  {clean_line(paper.title, 70)}: "
                        f"{describe_changes(by_key[paper.key])}")
    if len(by_key) > listed:
        session.say(f"... and {len(by_key) - listed:,} more.")
    return 0


def undo(session: Session) -> int:
    """``papertray undo``: take back the last bulk change made from the command line,
    where nobody changed those fields since."""
    from tui.userdata.journal import Journal, UnreadableEntry

    userdata = session.open_userdata()
    journal = Journal(userdata.profile_dir)
    try:
        entry = journal.last()
    except UnreadableEntry as error:
        raise CliError(str(error)) from error
    if entry is None:
        raise CliError(f"Nothing to undo in profile {userdata.profile}: no bulk change made "
                       "from the command line is kept.")
    with quit_signals_held() as held:  # the undo and its mark, whole
        changes = journal.rekeyed(entry.changes)
        # A field changed after the command, even back to the same value, is left as it
        # is; after a move (which rewrites change times) the values alone decide.
        since = entry.made if not entry.pending and changes == entry.changes else ""
        outcome = userdata.revert(changes, since=since)
        if outcome.error:  # papers in the files written are put back: the next undo ends it
            raise CliError(outcome.error.split(";")[0] + "; papers in files written before it "
                           "are put back, the others are not. Run `papertray undo` again once "
                           "the data folder can be written.")
        try:
            journal.mark_undone(entry)
        except OSError as error:
            raise CliError(f"Undid it, but could not note that in {entry.path} "
                           f"({error.strerror or error}).") from error
    kept = len(outcome.skipped)
    session.say(f"Undid {clean_line(entry.label, 200)} (made {entry.made[:19]}Z, "
                f"{_plural(entry.papers, 'paper')}): {_plural(len(outcome.changes), 'field')} put back"
                + (f"; {kept:,} changed since, left as {'it is' if kept == 1 else 'they are'}."
                   if kept else "."))
    return _after(session, held)


def _backup_name(file: str, stream: str) -> str:
    """How to name the backup file: ``-`` is ``stream`` (standard input or output)."""
    return stream if file == "-" else clean_line(file)


def annotations_command(session: Session) -> int:
    """``papertray annotations export|import FILE``: back up, or merge field by field."""
    args = session.args
    path = Path(args.file)
    userdata = session.open_userdata()
    if args.action == "export":
        if path.is_dir():
            raise CliError(f"Cannot write {path}: it is a folder.")
        from tui.export_job import inside_the_profile

        if not standard_stream(path) and inside_the_profile(path, userdata.profile_dir):
            raise CliError(f"Cannot write {path}: it is in the folder where your annotations "
                           "are kept; a backup belongs elsewhere. Nothing was written.")
        payload, count = userdata.export_payload()
        try:
            # Through atomic_output, like export -o: a symlink is written through, a FIFO
            # or /dev/stdout written into, never replaced.
            with atomic_output(path, newline="") as out:
                out.write(payload.decode("utf-8", "surrogatepass"))
        except OSError as error:
            raise CliError(f"Cannot write {path}: {error.strerror or error}.") from error
        # On stderr when the backup itself went to stdout, so the two do not mix.
        tell = session.warn if standard_stream(path) else session.say
        tell(f"Saved {_plural(count, 'annotation')} of profile "
             f"{clean_line(userdata.profile)} to "
             f"{_backup_name(args.file, 'standard output')}.")
        return 0
    if args.file != "-" and path.is_dir():
        raise CliError(f"Cannot import {path}: it is a folder; name the backup file in it "
                       "(one written by `papertray annotations export`).")
    if args.file != "-" and not path.is_file():
        raise CliError(f"Cannot import {path}: no such file.")
    with quit_signals_held() as held:  # the import and its undo record, whole
        report = userdata.import_file(path)
        # Kept for undo even when the save stopped half way: the files written keep it.
        kept_for_undo = _keep_import_for_undo(session, userdata, path, report)
        if report.error:
            then = ("`papertray undo` takes back what was written; or run the import again"
                    if kept_for_undo else "It could not be kept for undo; run the import again")
            raise CliError(report.error.split(";")[0] + "; annotations in files written before "
                           f"it were imported, the others not. {then} once the data folder "
                           "can be written.")
    for problem in report.problems:
        session.warn(str(problem))
    read = report.added + report.updated + report.kept + report.unchanged
    if not read and report.problems:
        raise CliError(f"No annotations could be read from "
                       f"{_backup_name(args.file, 'standard input')}; nothing changed.")
    undo_hint = " `papertray undo` takes it back." if kept_for_undo else ""
    session.say(f"Merged {_backup_name(args.file, 'standard input')} into profile {clean_line(userdata.profile)}: "
                f"{report.added:,} added, {report.updated:,} updated, {report.kept:,} kept because "
                f"they are newer here, {report.unchanged:,} already the same.{undo_hint}")
    if replaced := report.notes_replaced:
        shown = ", ".join(replaced[:5]) + (f" and {len(replaced) - 5:,} more" if len(replaced) > 5 else "")
        session.say(f"{len(replaced):,} note{'s' if len(replaced) != 1 else ''} here "
                    f"{'were' if len(replaced) != 1 else 'was'} replaced by the file's later "
                    f"text: {shown}.{undo_hint}")
    return _after(session, held)


def _keep_import_for_undo(session: Session, userdata: UserData, path: Path,
                          report: ImportReport) -> bool:
    """Keep what an import changed for ``papertray undo``; True when something was."""
    from tui.userdata.journal import Journal

    if not report.changes:
        return False
    try:
        Journal(userdata.profile_dir).record(shlex.join(["annotations", "import", str(path)]),
                                             report.changes)
        return True
    except OSError as error:
        session.warn(f"papertray: could not keep this import for undo ({error.strerror or error}).")
        return False
