"""papertray's command line: the TUI on a store, and the non-interactive subcommands.

``run(argv)`` is the whole program without the process around it (tests call it directly;
``tui.__main__`` adds the process-wide tuning). The reader's app is made in
:mod:`tui.cli.factory`, the one place that imports the UI, and only when it is called, so
``papertray search`` starts without loading textual.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import TYPE_CHECKING, Callable, Sequence

from tui import __version__
from tui.cli.factory import UNTUNED, ProcessTuning, build_app
from tui.cli.session import CliError, Session
from tui.export import FORMATS
from tui.model import STATES
from tui.sanitize import clean

if TYPE_CHECKING:
    from tui.userdata.drafts import Drafts

__all__ = ["run", "parse_args", "COMMANDS"]

COMMANDS = ("search", "import", "remove", "annotate", "export", "annotations", "stats", "undo")
"""Subcommands; any other first argument is a PATH to open in the TUI."""

_EPILOG = """\
commands:
  search QUERY [PATH ...]   print ranked matches (--json: one object per line;
                            --sort for-you: by what you star and skip, with why)
  import FILE ...           add papers to your personal library
  remove QUERY              take the papers QUERY matches out of your library
                            (--dry-run shows them; annotations are kept)
  annotate QUERY [PATH ...] star, tag, note or triage every paper QUERY matches
                            (key:<stable key> targets one; --dry-run shows what would change)
  undo                      take back the last annotate or annotations import
  export [PATH ...]         write papers as BibTeX, Markdown, CSV or JSON
  annotations export FILE   back up this profile's annotations
  annotations import FILE   merge annotations from a backup or another machine
  stats [PATH ...]          counts: papers, sources, bad records, annotations

With no PATH, papertray opens the store named in the config file, else your personal
library, else the bundled sample; --sample opens the sample whatever the default.
'papertray COMMAND --help' explains each command.
A query that starts with '-' goes after '--':  papertray search -- '-is:read retrieval'

environment: PAPERTRAY_USER, PAPERTRAY_DATA_DIR, PAPERTRAY_CONFIG_DIR, PAPERTRAY_CACHE_DIR
"""


def _global_options(parser: argparse.ArgumentParser, *, in_command: bool) -> None:
    # Inside a subcommand the default is SUPPRESS, so `papertray --user a search x` is not
    # undone by the subcommand's own default.
    default = argparse.SUPPRESS if in_command else None
    parser.add_argument("--user", metavar="NAME", default=default,
                        help="the profile whose annotations to use (default: $PAPERTRAY_USER, "
                             "the config file's user, else your login name)")


def _path_args(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("paths", nargs="*", default=[], metavar="PATH",
                        help=f"files or folders to {what} (default: the configured store, "
                             "else your library, else the bundled sample)")


def _command_parsers() -> dict[str, argparse.ArgumentParser]:
    """One parser per subcommand. Kept separate (not argparse subparsers) so that options
    and PATHs may come in any order (``annotate QUERY --star PATH``): argparse only allows
    that, through ``parse_intermixed_args``, on a parser without subparsers."""
    def command(name: str, summary: str) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"papertray {name}", description=summary)
        _global_options(parser, in_command=True)
        return parser

    search = command("search", "Print the papers QUERY matches, best first.")
    search.add_argument("query", metavar="QUERY", help="words and qualifiers, as in the TUI")
    _path_args(search, "search")
    search.add_argument("--json", action="store_true",
                        help="one JSON object per line: key, title, authors, year, score, "
                             "starred, tags, state, note (and reason, with --sort for-you)")
    search.add_argument("--limit", type=int, default=20, metavar="N",
                        help="at most N matches (default 20; 0 for all)")
    # Checked in the command (tui.search.SORTS), so other commands need not import search.
    search.add_argument("--sort", default="relevance", metavar="ORDER",
                        help="relevance (default), date, title, author, venue, annotated or "
                             "for-you: by what "
                             "this profile starred, read, queued, tagged and skipped, with why")
    search.add_argument("--reverse", action="store_true",
                        help="turn the order around (oldest first by date, Z to A by title...)")

    imp = command("import", "Add the papers of each FILE to your personal library "
                            "(deduplicated; importing twice changes nothing).")
    imp.add_argument("files", nargs="+", metavar="FILE")

    remove = command("remove", "Take the papers QUERY matches out of your personal library "
                               "(never out of other files); their annotations are kept. Every "
                               "word of QUERY must match in full: nothing is guessed from a "
                               "word's start.")
    remove.add_argument("query", metavar="QUERY", help="the papers to remove, as in search")
    remove.add_argument("--dry-run", action="store_true",
                        help="list the papers that would be removed; change nothing")

    annotate = command("annotate", "Change the annotations of every paper QUERY matches, as "
                                   "one change that 'papertray undo' takes back. Every word of "
                                   "QUERY is a whole word and a qualifier must be complete "
                                   "(is:read, year:2021). 'key:<stable key>' targets one paper.")
    annotate.add_argument("query", metavar="QUERY", help="the papers to change, as in search")
    _path_args(annotate, "search")
    star = annotate.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True, default=None,
                      help="star the papers")
    star.add_argument("--unstar", dest="starred", action="store_const", const=False,
                      help="remove their star")
    annotate.add_argument("--tag", action="append", default=[], metavar="T", help="add tag T")
    annotate.add_argument("--untag", action="append", default=[], metavar="T", help="remove tag T")
    annotate.add_argument("--state", choices=STATES, help="set the triage state")
    annotate.add_argument("--note", metavar="TEXT",
                          help="write the note (refused where a different note exists)")
    annotate.add_argument("--replace-note", metavar="TEXT",
                          help="replace the notes, whatever they say ('' clears them)")
    annotate.add_argument("--append-note", metavar="TEXT", help="add a paragraph to the notes")
    annotate.add_argument("--all", action="store_true",
                          help="with an empty QUERY: change every paper of the store")
    annotate.add_argument("--dry-run", action="store_true",
                          help="list what would change, and change nothing")

    export = command("export", "Write the store's papers, or those --query matches, to "
                               "standard output or FILE.")
    _path_args(export, "export")
    export.add_argument("--query", metavar="Q", help="only the papers Q matches, best first "
                                                     "(whole words, complete qualifiers)")
    export.add_argument("--format", choices=FORMATS, help="default: from FILE's extension, else bibtex")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (replaced whole)")

    annotations = command("annotations", "Back up (export) or merge (import) this profile's "
                                         "annotations; merging keeps each field's latest change, "
                                         "removals included.")
    annotations.add_argument("action", choices=("export", "import"))
    annotations.add_argument("file", metavar="FILE", help="the backup to write or read")

    undo = command("undo", "Take back the last 'annotate' or 'annotations import' of this "
                           "profile (then the one before); a field changed since is left as it is.")

    stats = command("stats", "Count papers, sources, bad records and annotations.")
    _path_args(stats, "count")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    return {"search": search, "import": imp, "remove": remove, "annotate": annotate, "export": export,
            "annotations": annotations, "stats": stats, "undo": undo}


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papertray",
        usage="papertray [--user NAME] [--sample | PATH ...] | papertray COMMAND ...",
        description="A keyboard-driven terminal reader for research papers.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"papertray {__version__}")
    _global_options(parser, in_command=False)
    parser.add_argument("--sample", action="store_true",
                        help="open the bundled sample store, whatever the default store is")
    _path_args(parser, "open")
    return parser


def _command_at(argv: Sequence[str]) -> int | None:
    """Where the subcommand stands in ``argv``, if there is one (global options and their
    values skipped); any other first word is a PATH for the TUI."""
    skip_next = False
    for index, arg in enumerate(argv):
        if skip_next:
            skip_next = False
        elif arg == "--user":
            skip_next = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return index if arg in COMMANDS else None
    return None


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line; ``command`` is None for the TUI. Exits (SystemExit) on bad usage."""
    at = _command_at(argv)
    parser = _tui_parser()
    head = parser.parse_args(argv[:at] if at is not None else argv)
    if head.sample and (head.paths or at is not None):
        parser.error("--sample opens the bundled sample: give it without a PATH or a command")
    if at is None:
        head.command = None
        return head
    args = _command_parsers()[argv[at]].parse_intermixed_args(argv[at + 1:])
    args.command = argv[at]
    if getattr(args, "user", None) is None:  # --user after the command wins over one before
        args.user = head.user
    return args


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _run_command(args: argparse.Namespace) -> int:
    """Run one subcommand. SIGTERM and SIGHUP end it as ctrl+c would, unwinding: a cache
    file half written is removed, the profile's lock released, the status 128 + signal."""
    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    try:
        previous = {name: signal.signal(getattr(signal, name), _stop) for name in names}
    except ValueError:  # not the main thread (a test, an embedding program): leave them
        previous = {}
    try:
        return _run(args)
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _run(args: argparse.Namespace) -> int:
    from tui.cli import changes as cli_changes
    from tui.cli import commands as cli_commands

    session = Session(args)
    handler: Callable[[Session], int] = {
        "search": cli_commands.search, "import": cli_commands.import_papers,
        "remove": cli_commands.remove,
        "annotate": cli_changes.annotate, "export": cli_commands.export,
        "annotations": cli_changes.annotations_command, "stats": cli_commands.stats,
        "undo": cli_changes.undo,
    }[args.command]
    try:
        return handler(session)
    finally:
        session.close()


def _quiet_stdout() -> None:
    """After the reader of a pipe has gone (``papertray search x | head``), send what is
    left to /dev/null so Python's exit does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _tolerate_narrow_encodings() -> None:
    """On a terminal that cannot show every character (``PYTHONIOENCODING=ascii``), print
    ``\\u2605`` for ★ rather than fail with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _print_drafts_not_on_disk(drafts: Drafts) -> None:
    """The last resort for a note draft the disk refused until the end (it is full, or
    the folder read-only): its text in the terminal, where the person can copy it."""
    for draft in drafts.write_unwritten():
        title = f" ({draft.title})" if draft.title else ""
        print(f"papertray: this note draft of {draft.key}{title} could not be written to "
              "disk; here is its text:", file=sys.stderr)
        print(clean(draft.text, multiline=True, max_chars=None), file=sys.stderr)


def run(argv: Sequence[str], *, tuning: ProcessTuning = UNTUNED) -> int:
    """Run papertray with ``argv`` (without the program name); return the exit status.
    ``tuning``: process-wide settings for the reader (see tui.__main__).

    A person's mistake (missing file, bad query, unwritable output, bad usage) ends with one
    sentence on stderr and a non-zero status, never a traceback.
    """
    _tolerate_narrow_encodings()
    try:
        args = parse_args(list(argv))
        if args.command is None:
            app = build_app(args, tuning=tuning)
            app.run()
            _print_drafts_not_on_disk(app.userdata.drafts)
            return app.return_code or 0
        return _run_command(args)
    except SystemExit as stop:  # argparse: --help, --version or a usage error
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    except CliError as error:
        Session.error(str(error))
        return error.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 141
