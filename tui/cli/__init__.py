"""The command line: ``papertray`` with no command opens the reader, subcommands print."""

from tui.cli.factory import ProcessTuning, build_app, make_app
from tui.cli.main import parse_args, run

__all__ = ["ProcessTuning", "build_app", "make_app", "parse_args", "run"]
